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
} as const;

/** A reason code. */
export type InputReason = keyof typeof INPUT_REASONS;

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
    summary: () => ({ skipped, byReason: { ...byReason }, examples: Object.fromEntries(Object.entries(examples).map(([k, v]) => [k, [...v]])) }),
  };
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
