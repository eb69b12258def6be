/**
 * Reads a shop's interaction log (CSV with a header row: one event per row) into compact events
 * that point at model rows. Which column holds what is configuration (EventColumns); a column left
 * at its default name is used only when the file has it, one named explicitly must exist.
 *
 * Every row it cannot use is reported to the file's ProblemLog with its line: invalid UTF-8, wrong
 * column count, no item id, an item id the catalogue does not have (told apart from one whose
 * catalogue line was skipped), an event type without a weight, an empty or unreadable timestamp,
 * a timestamp after the build's time, an order that is not a number. Timestamps are ISO 8601 (a date-time without a zone is read as
 * UTC, so builds do not depend on the machine's time zone) or epoch seconds/milliseconds.
 */
import { RecError } from '../../../core/errors.ts';
import { readCsv } from './csv.ts';
import type { LineInput } from './text-lines.ts';
import { parseDecimal } from './decimal.ts';
import type { ProblemLog } from './problems.ts';

/** A column: required when the user named it, optional when it is a default name. */
export interface Column {
  readonly name: string;
  readonly required: boolean;
}

/** A column choice, or null for none. */
export type ColumnSpec = Column | null;

/** Where each field of an event is found. */
export interface EventColumns {
  readonly item: Column;
  readonly user: ColumnSpec;
  readonly session: ColumnSpec;
  readonly type: ColumnSpec;
  readonly time: ColumnSpec;
  readonly order: ColumnSpec;
}

/** The column names the builder looks for when none are given (those of both sample data sets). */
export const DEFAULT_EVENT_COLUMNS: EventColumns = {
  item: { name: 'item_id', required: true },
  user: { name: 'user_id', required: false },
  session: { name: 'session_id', required: false },
  type: { name: 'event_type', required: false },
  time: { name: 'timestamp', required: false },
  order: null,
};

/** Weights per event type when `--event-weights` is not given: returns and stock adjustments are not interest. */
export const DEFAULT_EVENT_WEIGHTS: ReadonlyMap<string, number> = new Map([
  ['purchase', 1],
  ['add_to_cart', 0.5],
  ['view', 0.2],
  ['click', 0.2],
  ['review', 1],
  ['rating', 1],
  ['return', -1],
  ['adjustment', 0],
]);

/** One usable event. */
export interface ParsedEvent {
  /** The item's model row. */
  readonly row: number;
  /** Index into EventsInput.users, or -1 when the row has no user. */
  readonly user: number;
  /** Index of the session within this log, or -1 when the row has none. */
  readonly session: number;
  /** Epoch milliseconds, or 0 when the log has no time column. */
  readonly time: number;
  /** The order column's value, else the line number: breaks ties of time within a user or session. */
  readonly order: number;
  /** From the event type's weight (1 without a type column). */
  readonly weight: number;
  /** Index into EventsInput.types, or -1 without a type column. */
  readonly type: number;
  readonly line: number;
}

export interface EventsReadOptions {
  readonly columns: EventColumns;
  /** Weight per event type; types not in it are skipped as unknown. Used when there is a type column. */
  readonly weights: ReadonlyMap<string, number>;
  /** Model row of each catalogue id. */
  readonly rowOf: ReadonlyMap<string, number>;
  /** Ids whose catalogue lines were skipped. */
  readonly skippedIds: ReadonlySet<string>;
  readonly problems: ProblemLog;
  /** The build's time (epoch ms; default: now): later events are skipped as future-timestamp. */
  readonly now?: number;
  /** @param bytesDone bytes read so far. */
  readonly progress?: (bytesDone: number) => void;
  /**
   * Where each usable event goes, in file order, with its user and session ids as read; default:
   * the returned `events` list, which is then empty, as are `users` and `sessionCount` (a large log
   * goes to the event store, and its ids are not held in the heap).
   */
  readonly sink?: (event: LoggedEvent) => void;
}

/** A usable event as a sink takes it: its user and session by id ('' for none). */
export interface LoggedEvent {
  readonly row: number;
  readonly userId: string;
  readonly sessionId: string;
  readonly time: number;
  readonly order: number;
  readonly weight: number;
  readonly line: number;
}

/**
 * How far past the build's time an event may be and still count: a day covers clocks and time
 * zones that step ahead. Beyond it the date is a placeholder (9999-12-31) or a broken clock, and
 * taking it as the latest event would make it "now" for the popularity decay, fading every real
 * event to nothing.
 */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

export interface EventsInput {
  /** Usable events, in file order (none with a sink). */
  readonly events: readonly ParsedEvent[];
  /** Data rows read, good and skipped. */
  readonly records: number;
  /** The resolved column of each field (null: not used). */
  readonly columns: Readonly<Record<keyof EventColumns, string | null>>;
  /** User ids, by index (none with a sink). */
  readonly users: readonly string[];
  readonly sessionCount: number;
  /** Event type names, by index. */
  readonly types: readonly string[];
  /** Usable events per type name. */
  readonly byType: Readonly<Record<string, number>>;
}

/**
 * @param bytes the file's contents, or its blocks in order (openFileBlocks, for a large log).
 * @param file the file name, for messages.
 * @param options columns, weights, the catalogue's rows and the problem log.
 * @throws RecError CONFIG_INVALID when a required column is missing from the header.
 */
export function readEvents(bytes: LineInput, file: string, options: EventsReadOptions): EventsInput {
  const { problems, rowOf, skippedIds, weights } = options;
  const now = options.now ?? Date.now();
  const latestAllowed = now + FUTURE_TOLERANCE_MS;
  const events: ParsedEvent[] = [];
  const users = new Map<string, number>();
  const sessions = new Map<string, number>();
  const types = new Map<string, number>();
  const byType: Record<string, number> = {};
  let at: Record<keyof EventColumns, number> = { item: -1, user: -1, session: -1, type: -1, time: -1, order: -1 };
  let resolved: Record<keyof EventColumns, string | null> = { item: null, user: null, session: null, type: null, time: null, order: null };
  // Outside `record`: a function made per row costs more than the row's parsing (tsx names each one).
  const fieldOf = (fields: readonly string[], key: keyof EventColumns): string => (at[key] === -1 ? '' : (fields[at[key]] ?? '').trim());
  const intern = (map: Map<string, number>, key: string): number => {
    let index = map.get(key);
    if (index === undefined) {
      index = map.size;
      map.set(key, index);
    }
    return index;
  };

  const records = readCsv(bytes, file, problems, {
    header(header) {
      const index = new Map(header.map((name, i) => [name, i]));
      const keys = Object.keys(at) as (keyof EventColumns)[];
      for (const key of keys) {
        const spec = options.columns[key];
        const column = spec === null ? undefined : index.get(spec.name);
        if (spec !== null && spec.required && column === undefined) {
          throw new RecError('CONFIG_INVALID', `expected a column "${spec.name}" (${key}), found only ${header.map((name) => `"${name}"`).join(', ')}`, {
            file,
            line: 1,
          });
        }
        at = { ...at, [key]: column ?? -1 };
        resolved = { ...resolved, [key]: column === undefined || spec === null ? null : spec.name };
      }
    },
    record(fields, line) {
      const id = fieldOf(fields, 'item');
      if (id === '') return problems.report('missing-item', line, `the "${resolved.item}" column is empty`);
      const row = rowOf.get(id);
      if (row === undefined) {
        return skippedIds.has(id)
          ? problems.report('skipped-item', line, `item "${id}" was skipped from the catalogue (see its catalogue problem)`)
          : problems.report('unknown-item', line, `item "${id}" is not in the catalogue`);
      }
      let weight = 1;
      let type = -1;
      if (at.type !== -1) {
        const name = fieldOf(fields, 'type');
        const known = weights.get(name);
        if (known === undefined)
          return problems.report('unknown-event-type', line, `event type "${name}" has no weight (known: ${[...weights.keys()].join(', ')})`);
        weight = known;
        type = intern(types, name);
      }
      let time = 0;
      if (at.time !== -1) {
        const text = fieldOf(fields, 'time');
        if (text === '') return problems.report('missing-timestamp', line, `the "${resolved.time}" column is empty`);
        const parsed = parseTimestamp(text);
        if (parsed === null) return problems.report('bad-timestamp', line, `"${text}" is not an ISO 8601 date-time or epoch seconds/milliseconds`);
        if (parsed > latestAllowed) {
          return problems.report(
            'future-timestamp',
            line,
            `"${text}" (${new Date(parsed).toISOString()}) is after the build's time ${new Date(now).toISOString()} (more than a day ahead: a clock or a placeholder date)`,
          );
        }
        time = parsed;
      }
      let order = line;
      if (at.order !== -1) {
        const text = fieldOf(fields, 'order');
        const value = parseDecimal(text);
        if (value === null) return problems.report('bad-number', line, `"${resolved.order}" must be a number, found "${text}"`);
        order = value;
      }
      const user = fieldOf(fields, 'user');
      const session = fieldOf(fields, 'session');
      if (options.sink !== undefined) options.sink({ row, userId: user, sessionId: session, time, order, weight, line });
      else
        events.push({
          row,
          user: user === '' ? -1 : intern(users, user),
          session: session === '' ? -1 : intern(sessions, session),
          time,
          order,
          weight,
          type,
          line,
        });
      if (type !== -1) {
        const name = fieldOf(fields, 'type');
        byType[name] = (byType[name] ?? 0) + 1;
      }
    },
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  });
  return { events, records, columns: resolved, users: [...users.keys()], sessionCount: sessions.size, types: [...types.keys()], byType };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * @param text an ISO 8601 date or date-time (no zone: UTC), or epoch seconds (< 1e11) or milliseconds.
 * @returns epoch milliseconds, or null when it is neither, or a date no calendar has (2024-02-30,
 *   year 0000: Date.parse would roll the first over into March and accept the second).
 */
export function parseTimestamp(text: string): number | null {
  if (/^\d+(?:\.\d+)?$/.test(text)) {
    const value = Number(text);
    return value < 1e11 ? value * 1000 : value;
  }
  const match = ISO_DATE.exec(text);
  if (match === null || !isCalendarDate(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)))) return null;
  const iso = text.replace(' ', 'T');
  const withZone = match[1] !== undefined ? iso : iso.length === 10 ? `${iso}T00:00:00Z` : `${iso}Z`;
  const value = Date.parse(withZone);
  return Number.isFinite(value) ? value : null;
}

/** @returns whether year-month-day is a day of the Gregorian calendar, from year 1. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  // A month outside 1-12 has no entry: 0 days.
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}
