/**
 * The bad-input ledger of one input file. Every line the builder cannot use goes through here with a
 * reason code from INPUT_REASONS and its `file:line`, so nothing is dropped silently: the build
 * report lists a count per reason and the first few examples of each, and the builder decides from
 * the totals whether to go on (`--max-invalid`). In strict mode the first problem throws instead,
 * as a RecError that names the file and line.
 */
import { RecError, type RecErrorCode } from '../../../core/errors.ts';

/** Every reason a line can be skipped for, with the words used in reports. */
export const INPUT_REASONS = {
  'invalid-utf8': 'not valid UTF-8 (the file is in another encoding?)',
  'bad-json': 'not valid JSON',
  'not-an-object': 'not a JSON object',
  'bad-csv': 'malformed CSV (unterminated quoted field)',
  'wrong-column-count': 'wrong number of columns',
  'missing-id': 'missing or empty id',
  'nul-character': 'a NUL character in an id or title',
  'duplicate-id': 'duplicate id',
  'missing-title': 'missing or empty title',
  'non-text-title': 'title is not text',
  'bad-field': 'a text field holds something other than text',
  'bad-number': 'not a valid number',
  'missing-item': 'no item id',
  'unknown-item': 'item id not in the catalogue',
  'skipped-item': 'item whose catalogue line was skipped',
  'unknown-event-type': 'event type not in --event-weights',
  'missing-timestamp': 'empty timestamp',
  'bad-timestamp': 'timestamp that cannot be read',
  'future-timestamp': "timestamp after the build's time",
  'bad-vector': 'a vector that is not a list of finite numbers',
  'wrong-dimension': "a vector of another dimension than the file's first",
  'zero-vector': 'an all-zero vector (it has no direction)',
} as const;

/** A reason code. */
export type InputReason = keyof typeof INPUT_REASONS;

/** Every reason a line is used but changed, with the words used in reports. */
export const INPUT_NOTES = {
  'text-truncated': 'a text field too long to embed whole, cut for embedding (the catalogue keeps it whole)',
} as const;

/** A note code: the line is used, with a change the report must show. */
export type InputNote = keyof typeof INPUT_NOTES;

/** How many examples per reason are kept for the report. */
export const EXAMPLES_PER_REASON = 3;

/** One skipped line. */
export interface InputProblem {
  readonly reason: InputReason;
  readonly file: string;
  readonly line: number;
  /** What exactly is wrong, naming the field and the value found. */
  readonly message: string;
}

/** What the report shows of a file's problems. */
export interface ProblemSummary {
  /** Lines (records) skipped, all reasons together. */
  readonly skipped: number;
  /** Skipped lines per reason, only reasons that occurred. */
  readonly byReason: Readonly<Partial<Record<InputReason, number>>>;
  /** The first EXAMPLES_PER_REASON problems of each reason, as `file:line: message`. */
  readonly examples: Readonly<Partial<Record<InputReason, readonly string[]>>>;
  /** Lines used with a change, per note (counted apart from skipped lines), with their first examples. */
  readonly notes: {
    readonly byNote: Readonly<Partial<Record<InputNote, number>>>;
    readonly examples: Readonly<Partial<Record<InputNote, readonly string[]>>>;
  };
}

/** Collects the problems of one file. */
export interface ProblemLog {
  /**
   * Records a skipped line.
   * @param reason the reason code.
   * @param line the 1-based line number.
   * @param message the detail (field, value found).
   * @throws RecError (the log's code, with file and line) in strict mode.
   */
  report(reason: InputReason, line: number, message: string): void;
  /**
   * Stops reading the file: something in it is beyond what the builder reads at all, in strict
   * mode or not (a line over the size limit).
   * @param line the 1-based line number.
   * @param message what is wrong and the limit.
   * @throws RecError (the log's code, with file and line), always.
   */
  refuse(line: number, message: string): never;
  /**
   * Records a line that is used, but not as written (never throws, not even in strict mode).
   * @param note the note code.
   * @param line the 1-based line number.
   * @param message what was changed.
   */
  note(note: InputNote, line: number, message: string): void;
  /** @returns the counts and examples so far. */
  summary(): ProblemSummary;
}

/**
 * @param file the input file, as named in messages.
 * @param options strict mode and the RecError code thrown in it.
 */
export function createProblemLog(file: string, options: { readonly strict: boolean; readonly code: RecErrorCode }): ProblemLog {
  const byReason: Partial<Record<InputReason, number>> = {};
  const examples: Partial<Record<InputReason, string[]>> = {};
  const byNote: Partial<Record<InputNote, number>> = {};
  const noteExamples: Partial<Record<InputNote, string[]>> = {};
  let skipped = 0;
  return {
    report(reason, line, message) {
      if (options.strict)
        throw new RecError(options.code, `${INPUT_REASONS[reason]} [${reason}]: ${message} (--strict stops at the first bad line)`, { file, line });
      skipped++;
      byReason[reason] = (byReason[reason] ?? 0) + 1;
      const list = (examples[reason] ??= []);
      if (list.length < EXAMPLES_PER_REASON) list.push(formatProblem({ reason, file, line, message }));
    },
    refuse(line, message) {
      throw new RecError(options.code, message, { file, line });
    },
    note(note, line, message) {
      byNote[note] = (byNote[note] ?? 0) + 1;
      const list = (noteExamples[note] ??= []);
      if (list.length < EXAMPLES_PER_REASON) list.push(`${file}:${line}: ${message} [${note}]`);
    },
    summary: () => ({
      skipped,
      byReason: { ...byReason },
      examples: copyLists(examples),
      notes: { byNote: { ...byNote }, examples: copyLists(noteExamples) },
    }),
  };
}

/** @returns a copy of each list, so that a summary does not change as the log goes on. */
function copyLists<K extends string>(lists: Partial<Record<K, string[]>>): Partial<Record<K, readonly string[]>> {
  const copy: Partial<Record<K, readonly string[]>> = {};
  for (const key of Object.keys(lists) as K[]) {
    const list = lists[key];
    if (list !== undefined) copy[key] = [...list];
  }
  return copy;
}

/** @param problem a skipped line; @returns `file:line: message [reason]`. */
export function formatProblem(problem: InputProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message} [${problem.reason}]`;
}

/**
 * Parses a `--max-invalid` value: a fraction ("0.01") or a percentage ("1%").
 * @param text the option's text.
 * @returns a fraction in [0, 1], or null when the text is not one.
 */
export function parseFraction(text: string): number | null {
  const percent = text.trim().endsWith('%');
  const value = Number(percent ? text.trim().slice(0, -1) : text.trim());
  if (text.trim() === '' || text.trim() === '%' || !Number.isFinite(value)) return null;
  const fraction = percent ? value / 100 : value;
  return fraction >= 0 && fraction <= 1 ? fraction : null;
}
