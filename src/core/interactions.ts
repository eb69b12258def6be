/**
 * What the shopper does, as stored events, and how much each kind of interaction moves their
 * interest. Impressions are logged (they define skips) but carry no weight; skips and removals
 * push interest away from an item.
 */
import { RecError } from './errors.ts';
import { toItemId, toSessionId, type ItemId, type SessionId } from './ids.ts';
import { readNumber, readOneOf, readRecord, readString, fail, quote, type Reader } from './validate.ts';

export const INTERACTION_TYPES = ['impression', 'view', 'dwell', 'add_to_cart', 'remove_from_cart', 'purchase', 'search', 'skip'] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

interface EventBase {
  /** Unique per event, so a write retried or seen from two tabs is stored once. */
  readonly id: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly session: SessionId;
  /**
   * Where the event comes in the order this device's events happened (the session numbers them from
   * its state's eventCount): times can tie (a click and its skips, two calls in one millisecond) or
   * go back (the clock was set back), so a rebuild folds by this. Absent on events stored before it.
   */
  readonly seq?: number;
}

/** An interaction with one item; `position` is its 0-based grid slot when it happened there. */
export interface ItemEvent extends EventBase {
  readonly type: Exclude<InteractionType, 'search' | 'dwell'>;
  readonly item: ItemId;
  readonly position?: number;
}

/** Time spent on an item's product page, recorded when the shopper leaves it. */
export interface DwellEvent extends EventBase {
  readonly type: 'dwell';
  readonly item: ItemId;
  readonly dwellMs: number;
}

export interface SearchEvent extends EventBase {
  readonly type: 'search';
  readonly query: string;
}

export type InteractionEvent = ItemEvent | DwellEvent | SearchEvent;

/** An event before it gets its id, time and session. */
export type InteractionInput =
  | { readonly type: ItemEvent['type']; readonly item: ItemId; readonly position?: number }
  | { readonly type: 'dwell'; readonly item: ItemId; readonly dwellMs: number }
  | { readonly type: 'search'; readonly query: string };

/** Weight of each interaction type in the interest update (dwell is per DWELL_UNIT_MS). */
export const INTERACTION_WEIGHTS: Readonly<Record<InteractionType, number>> = {
  impression: 0,
  skip: -0.05,
  view: 0.5,
  dwell: 0.1,
  add_to_cart: 1,
  remove_from_cart: -0.4,
  purchase: 1.2,
  search: 1,
};

const DWELL_UNIT_MS = 5000;
const DWELL_MAX_UNITS = 6;
/** Queries longer than this are cut: they are embedded on the device, not sent anywhere. */
export const MAX_QUERY_LENGTH = 200;

/**
 * @param query the shopper's words, new or read back (a stored one may come from a version, or a
 *   hand, that did not cut it: embedding 240 KB of it took tens of seconds).
 * @returns them trimmed and cut to MAX_QUERY_LENGTH.
 */
function boundedQuery(query: string): string {
  return query.trim().slice(0, MAX_QUERY_LENGTH);
}

/** @param event a stored or new event; @returns its weight in the interest update. */
export function interactionWeight(event: InteractionInput): number {
  if (event.type === 'dwell') return INTERACTION_WEIGHTS.dwell * Math.min(DWELL_MAX_UNITS, event.dwellMs / DWELL_UNIT_MS);
  return INTERACTION_WEIGHTS[event.type];
}

/** @param event any event; @returns whether it says the shopper likes the item (used for reasons). */
export function isPositive(event: InteractionInput): event is Extract<InteractionInput, { item: ItemId }> {
  return 'item' in event && interactionWeight(event) > 0;
}

/**
 * The order events happened in, for folding stored ones: events without a `seq` (stored before it
 * existed, so older) by time, then the numbered ones by `seq`; ties by time, then by id.
 * @returns negative when `a` came first.
 */
export function compareEventOrder(a: InteractionEvent, b: InteractionEvent): number {
  const seqA = a.seq ?? -1;
  const seqB = b.seq ?? -1;
  return seqA - seqB || a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Validates an event read back from storage or received from another tab.
 * @param value the stored record.
 * @param file where it came from, for messages.
 */
export function parseEvent(value: unknown, file: string): InteractionEvent {
  const reader: Reader = { code: 'EVENT_INVALID', file };
  const record = readRecord(reader, value, '(event)');
  const base = {
    id: readString(reader, record['id'], 'id', { nonEmpty: true }),
    time: readNumber(reader, record['time'], 'time', { min: 0 }),
    session: toSessionId(readString(reader, record['session'], 'session', { nonEmpty: true })),
    ...(record['seq'] === undefined ? {} : { seq: readNumber(reader, record['seq'], 'seq', { integer: true, min: 0 }) }),
  };
  return { ...base, ...readInput(reader, record) } as InteractionEvent;
}

/**
 * Validates an interaction that arrives untyped, e.g. from a host page's script through the widget.
 * @param value the interaction, e.g. `{ type: 'purchase', item: 'sku-42' }`.
 * @param file where it came from, for messages.
 * @throws RecError EVENT_INVALID naming the field, what was expected and what was found.
 */
export function parseInteractionInput(value: unknown, file: string): InteractionInput {
  const reader: Reader = { code: 'EVENT_INVALID', file };
  return readInput(reader, readRecord(reader, value, '(interaction)'));
}

/** The fields an event shares with its input: type, then the query or the item (+ dwell, position). */
function readInput(reader: Reader, record: Record<string, unknown>): InteractionInput {
  const type = readOneOf(reader, record['type'], 'type', INTERACTION_TYPES);
  if (type === 'search') return { type, query: boundedQuery(readString(reader, record['query'], 'query', { nonEmpty: true })) };
  const item = toItemId(readString(reader, record['item'], 'item', { nonEmpty: true }));
  if (type === 'dwell') return { type, item, dwellMs: readNumber(reader, record['dwellMs'], 'dwellMs', { min: 0 }) };
  const position = record['position'];
  if (position === undefined) return { type, item };
  return { type, item, position: readNumber(reader, position, 'position', { integer: true, min: 0 }) };
}

/**
 * Checks an input from the UI or a host page before it is stored.
 * @param input the interaction.
 * @param knownItem whether an item id is in the loaded catalogue.
 */
export function checkInput(input: InteractionInput, knownItem: (id: ItemId) => boolean): InteractionInput {
  const reader: Reader = { code: 'EVENT_INVALID', file: 'interaction' };
  if (!(INTERACTION_TYPES as readonly string[]).includes(input.type)) fail(reader, 'type', `one of ${INTERACTION_TYPES.join(', ')}`, input.type);
  if (input.type === 'search') {
    const query = boundedQuery(input.query);
    if (query === '') fail(reader, 'query', 'a non-empty search query', input.query);
    return { type: 'search', query };
  }
  if (!knownItem(input.item))
    throw new RecError('UNKNOWN_ITEM', `item ${quote(input.item)} is not in the loaded catalogue`, { file: 'interaction', field: 'item' });
  if (input.type === 'dwell') readNumber(reader, input.dwellMs, 'dwellMs', { min: 0 });
  return input;
}
