/**
 * The builder's one reading of a JSON Lines file: each non-blank line must be a JSON object, and a
 * line that is not (bad JSON, another JSON value, invalid UTF-8) is reported to the file's problem
 * log with its line and skipped; a line over the size limit stops the file (text-lines.ts).
 */
import { describe } from '../../../core/validate.ts';
import type { ProblemLog } from './problems.ts';
import { forEachLine, MAX_LINE_BYTES } from './text-lines.ts';

/**
 * @param bytes the file's contents.
 * @param problems the file's problem log.
 * @param onObject called with each object and its 1-based line.
 * @param progress called with the bytes read so far.
 * @returns the number of records (non-blank lines), good and skipped.
 * @throws RecError (the log's code) for a line over MAX_LINE_BYTES, and in strict mode for the first bad line.
 */
export function forEachJsonObject(
  bytes: Uint8Array,
  problems: ProblemLog,
  onObject: (record: Readonly<Record<string, unknown>>, line: number) => void,
  progress?: (bytesDone: number) => void,
): number {
  let records = 0;
  forEachLine(bytes, {
    line(text, line) {
      records++;
      let value: unknown;
      try {
        value = JSON.parse(text) as unknown;
      } catch (error) {
        problems.report('bad-json', line, (error as Error).message);
        return;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.report('not-an-object', line, `expected a JSON object, found ${describe(value)}`);
        return;
      }
      onObject(value as Record<string, unknown>, line);
    },
    invalid(line, message) {
      records++;
      problems.report('invalid-utf8', line, message);
    },
    tooLong(line, length) {
      return problems.refuse(line, `the line is ${length} bytes long, over the limit of ${MAX_LINE_BYTES} bytes per line`);
    },
    ...(progress === undefined ? {} : { progress }),
  });
  return records;
}
