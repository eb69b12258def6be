/**
 * CSV as shops export it (RFC 4180): a header row, comma-separated fields, fields in double quotes
 * when they hold commas, quotes ("" inside) or line breaks. It owns splitting records into fields
 * and checking each record against the header; what the fields mean is the caller's business
 * (catalog-input.ts, events-input.ts). A record is numbered by the line it starts on.
 */
import { RecError } from '../../../core/errors.ts';
import type { ProblemLog } from './problems.ts';
import { forEachLine } from './text-lines.ts';

/** A quoted field may span at most this many lines; past it the quote is taken as unbalanced. */
const MAX_RECORD_LINES = 20;

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
 * @param bytes the file's contents.
 * @param file the file name, for messages.
 * @param problems where skipped records are reported.
 * @param visitor receives the header and the good records.
 * @returns the number of data records seen (good and skipped).
 * @throws RecError CONFIG_INVALID when the file has no readable header row.
 */
export function readCsv(bytes: Uint8Array, file: string, problems: ProblemLog, visitor: CsvVisitor): number {
  let columns: readonly string[] | null = null;
  // Physical lines of a record whose quoted field is still open.
  let pending: { text: string; line: number }[] = [];
  let records = 0;
  const take = (text: string, line: number): void => {
    pending.push({ text, line });
    const start = pending[0] ?? { text, line };
    const fields = splitCsvRecord(pending.map((part) => part.text).join('\n'));
    if (fields === null) {
      if (pending.length <= MAX_RECORD_LINES) return;
      // An unbalanced quote, not a long field: skip its first line and read the others afresh.
      const rest = pending.slice(1);
      pending = [];
      records++;
      problems.report('bad-csv', start.line, `a quoted field is not closed within ${MAX_RECORD_LINES} lines`);
      for (const part of rest) take(part.text, part.line);
      return;
    }
    pending = [];
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
  forEachLine(bytes, {
    line: take,
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
    records++;
    problems.report('bad-csv', open.line, 'a quoted field is never closed before the end of the file');
    for (const part of rest) take(part.text, part.line);
  }
  if (columns === null) throw new RecError('CONFIG_INVALID', 'expected a header row with column names, found an empty file', { file });
  return records;
}
