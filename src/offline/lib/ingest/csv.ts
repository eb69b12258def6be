/**
 * CSV as shops export it (RFC 4180): a header row, comma-separated fields, fields in double quotes
 * when they hold commas, quotes ("" inside) or line breaks. It owns splitting records into fields
 * and checking each record against the header; what the fields mean is the caller's business
 * (catalog-input.ts, events-input.ts). A record is numbered by the line it starts on.
 *
 * A quoted field may span any number of lines (a long product description with paragraphs); the
 * record is bounded only by its size, MAX_LINE_BYTES, past which the file is refused naming the
 * line the record starts on (an unbalanced quote, or a field no catalogue needs). Whether a record
 * is still open is the parity of its quote characters ("" inside a quoted field counts twice), kept
 * as lines come, so a record of many lines is split once, not once per line.
 */
import { RecError } from '../../../core/errors.ts';
import type { ProblemLog } from './problems.ts';
import { forEachLine, MAX_LINE_BYTES, type LineInput } from './text-lines.ts';

/** Receives the records of a CSV file. */
export interface CsvVisitor {
  /**
   * Called once with the header row, before any record.
   * @param columns the column names, trimmed.
   */
  header(columns: readonly string[]): void;
  /**
   * @param fields one value per column, as in the file (not trimmed).
   * @param line the 1-based line the record starts on.
   */
  record(fields: readonly string[], line: number): void;
  /** @param bytesDone bytes read so far. */
  progress?(bytesDone: number): void;
}

/** @returns how many double-quote characters `text` holds. */
function countQuotes(text: string): number {
  let count = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) count++;
  return count;
}

/**
 * Splits one record into fields.
 * @param text the record's text (several physical lines joined by "\n" when a quoted field spans them).
 * @returns the fields, or null when a quoted field is not closed yet.
 */
export function splitCsvRecord(text: string): string[] | null {
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

/**
 * Reads a CSV file with a header row; records with the wrong number of fields, unterminated quotes
 * or invalid UTF-8 go to `problems`.
 * @param bytes the file's contents, or its blocks in order (openFileBlocks).
 * @param file the file name, for messages.
 * @param problems where skipped records are reported.
 * @param visitor receives the header and the good records.
 * @returns the number of data records seen (good and skipped).
 * @throws RecError CONFIG_INVALID when the file has no readable header row; the log's code (via
 *   ProblemLog.refuse) for a line or record over MAX_LINE_BYTES.
 */
export function readCsv(bytes: LineInput, file: string, problems: ProblemLog, visitor: CsvVisitor): number {
  let columns: readonly string[] | null = null;
  // Physical lines of a record whose quoted field is still open, their total length and quote count.
  let pending: { text: string; line: number }[] = [];
  let pendingLength = 0;
  let quotes = 0;
  let records = 0;
  const take = (text: string, line: number): void => {
    pending.push({ text, line });
    pendingLength += text.length + 1;
    quotes += countQuotes(text);
    const start = pending[0] ?? { text, line };
    if (quotes % 2 === 1) {
      if (pendingLength > MAX_LINE_BYTES)
        problems.refuse(
          start.line,
          `a quoted field opened on this line is still open after ${pending.length} lines and ${pendingLength} characters, over the limit of ${MAX_LINE_BYTES} characters per record: an unbalanced quote, or a field too long to read`,
        );
      return;
    }
    const fields = splitCsvRecord(pending.length === 1 ? text : pending.map((part) => part.text).join('\n'));
    pending = [];
    pendingLength = 0;
    quotes = 0;
    if (fields === null) throw new RecError('INTERNAL', 'a record with an even number of quotes was read as open', { file, line: start.line });
    if (columns === null) {
      columns = fields.map((name) => name.trim());
      visitor.header(columns);
      return;
    }
    records++;
    if (fields.length !== columns.length) {
      problems.report('wrong-column-count', start.line, `expected ${columns.length} columns (${columns.join(',')}), found ${fields.length}`);
      return;
    }
    visitor.record(fields, start.line);
  };
  // Between records a blank line is nothing; inside a quoted field it is part of the field's text.
  const takeBlank = (text: string, line: number): void => {
    if (pending.length > 0) take(text, line);
  };
  forEachLine(bytes, {
    line: take,
    blank: takeBlank,
    tooLong(line, length) {
      return problems.refuse(line, `the line is ${length} bytes long, over the limit of ${MAX_LINE_BYTES} bytes per line`);
    },
    invalid(line, message) {
      if (columns === null) throw new RecError('CONFIG_INVALID', `the header row is not valid UTF-8 (${message})`, { file, line });
      records++;
      problems.report('invalid-utf8', line, message);
    },
    ...(visitor.progress === undefined ? {} : { progress: visitor.progress }),
  });
  for (let open = pending[0]; open !== undefined; open = pending[0]) {
    const rest = pending.slice(1);
    pending = [];
    pendingLength = 0;
    quotes = 0;
    records++;
    problems.report('bad-csv', open.line, 'a quoted field is never closed before the end of the file');
    for (const part of rest) (part.text.trim() === '' ? takeBlank : take)(part.text, part.line);
  }
  if (columns === null) throw new RecError('CONFIG_INVALID', 'expected a header row with column names, found an empty file', { file });
  return records;
}
