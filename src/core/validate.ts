/**
 * Readers that narrow `unknown` (parsed JSON, stored records, attributes) field by field and, on the
 * first problem, throw a RecError naming the file, the field path, what was expected and what was
 * found. Used by manifest.ts, catalog.ts and interactions.ts so every boundary reports alike.
 */
import { RecError, type RecErrorCode } from './errors.ts';

export interface Reader {
  readonly code: RecErrorCode;
  readonly file: string;
}

/** The most characters of a found text a message repeats: a message quoting a 10 MB id would be 10 MB. */
export const MAX_QUOTED_CHARS = 80;

/**
 * @param text a value found in outside input.
 * @returns it in quotes, or its first MAX_QUOTED_CHARS characters with an ellipsis and its length.
 */
export function quote(text: string): string {
  if (text.length <= MAX_QUOTED_CHARS) return `"${text}"`;
  // Not half of a surrogate pair at the cut.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(MAX_QUOTED_CHARS - 1)) ? MAX_QUOTED_CHARS - 1 : MAX_QUOTED_CHARS;
  return `"${text.slice(0, end)}…" (${text.length} characters)`;
}

/** @param value anything; @returns a short description of what was found, for messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * @param reader which error code and file to report.
 * @param field the field path.
 * @param expected what the value should be.
 * @param found the value actually there.
 */
export function fail(reader: Reader, field: string, expected: string, found: unknown): never {
  throw new RecError(reader.code, `expected ${expected}, found ${describe(found)}`, { file: reader.file, field });
}

export function readRecord(reader: Reader, value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(reader, field, 'an object', value);
  return value as Record<string, unknown>;
}

export function readArray(reader: Reader, value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(reader, field, 'an array', value);
  return value;
}

export function readString(reader: Reader, value: unknown, field: string, options: { nonEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') fail(reader, field, 'a string', value);
  if (options.nonEmpty === true && value.trim() === '') fail(reader, field, 'a non-empty string', value);
  return value;
}

export function readNumber(reader: Reader, value: unknown, field: string, options: { integer?: boolean; min?: number; max?: number } = {}): number {
  const { integer = false, min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = options;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(reader, field, 'a finite number', value);
  if (integer && !Number.isInteger(value)) fail(reader, field, 'an integer', value);
  if (value < min || value > max) fail(reader, field, `a number in [${min}, ${max}]`, value);
  return value;
}

export function readBoolean(reader: Reader, value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(reader, field, 'true or false', value);
  return value;
}

export function readOneOf<T extends string>(reader: Reader, value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(reader, field, `one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

/** Parses JSON text, reporting a syntax error with the file name. */
export function parseJson(reader: Reader, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RecError(reader.code, `not valid JSON (${(error as Error).message})`, { file: reader.file }, { cause: error });
  }
}
