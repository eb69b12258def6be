/**
 * The lexical index of a large catalogue cut into files the browser fetches by the words searched
 * (core/search-index-files.ts lists them in catalog.json). It is the whole index's MiniSearch
 * serialisation split up, so a query answered from the files it needs scores exactly as the whole
 * index would (sharded-lexical-index.ts).
 *
 * - The vocabulary (JSON) lists the words a query word can reach by prefix or typo, in the whole
 *   index's order, with how many of them each listed shard holds, and the global figures BM25 reads
 *   (the number of documents, each field's average length).
 * - A word no query word can reach that way (`isHashedTerm`: one or two characters, or a number-like
 *   word such as a SKU's "429561") is found only as itself, so it is not listed: its postings are in
 *   the hashed shard its hash names. At a million items those words are most of the vocabulary.
 * - A shard (binary) holds its words' postings: per word its length and UTF-8 bytes, its field
 *   count, and per field the field's id, the posting count, then per posting the row (as the gap
 *   from the previous one), the word's count in that field and the field's length in that row, each
 *   an unsigned LEB128 varint.
 */
import type MiniSearch from 'minisearch';
import { RecError } from '../core/errors.ts';
import { fail, readArray, readNumber, readOneOf, readRecord, readString, type Reader } from '../core/validate.ts';
import type { LexicalField } from './lexical-index.ts';
import { concatBytes } from '../core/bytes.ts';

/** MiniSearch's plain-object serialisation of an index. */
export type IndexJson = ReturnType<MiniSearch['toJSON']>;

/** A shard of listed words is closed once it holds this many bytes (a word's postings are never split). */
export const SHARD_TARGET_BYTES = 64 * 1024;

const FIELDS: readonly LexicalField[] = ['title', 'category', 'description'];

/** The vocabulary file, parsed. */
export interface IndexVocabulary {
  readonly fields: readonly LexicalField[];
  readonly documentCount: number;
  /** Per field id: its average length in words. */
  readonly averageFieldLength: readonly number[];
  /** The listed words, in the whole index's order. */
  readonly terms: readonly string[];
  /** How many consecutive listed words each listed shard holds: shard 0 the first termShards[0], and so on. */
  readonly termShards: readonly number[];
  /** How many hashed shards follow the listed ones. */
  readonly hashedShards: number;
}

/** One word's postings in one field. */
export interface FieldPostings {
  readonly fieldId: number;
  readonly rows: readonly number[];
  readonly counts: readonly number[];
  readonly lengths: readonly number[];
}

const UTF8 = new TextEncoder();
const DIGIT = /\p{N}/gu;
const LEADING_DIGIT = /^\p{N}/u;

/**
 * Whether no query word can reach this word by prefix or typo: prefixes are of 3+ characters without
 * a digit and typos at most 2 edits of a word without one (tokens.ts), so a word of 1–2 characters,
 * or one that starts with a digit and holds 3 or more, is found only as itself.
 */
export function isHashedTerm(term: string): boolean {
  return term.length <= 2 || (LEADING_DIGIT.test(term) && (term.match(DIGIT)?.length ?? 0) >= 3);
}

/** @returns the hashed shard (0-based among them) that holds a hashed word: FNV-1a of its UTF-16 units. */
export function hashedShardOf(term: string, hashedShards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) hash = Math.imul(hash ^ term.charCodeAt(i), 0x01000193) >>> 0;
  return hash % hashedShards;
}

/** An index's words in its order, each with its postings encoded as a shard holds them (encodeTerm's bytes). */
export interface EncodedTerms {
  readonly terms: readonly string[];
  bytesOf(index: number): Uint8Array;
}

/** The global figures BM25 reads, as MiniSearch keeps them. */
export interface IndexStatistics {
  readonly documentCount: number;
  /** Per field id: its average length in words. */
  readonly averageFieldLength: readonly number[];
}

/**
 * Cuts a whole index into the vocabulary and the shards.
 * @param json the whole index, serialised (its document ids are the catalogue's rows).
 * @param fields the indexed fields, in the index's field-id order.
 * @param targetBytes the size at which a shard is closed.
 */
export function splitIndex(
  json: IndexJson,
  fields: readonly LexicalField[],
  targetBytes = SHARD_TARGET_BYTES,
): { vocabulary: Uint8Array; shards: Uint8Array[] } {
  const entries = json.index as [string, Record<string, Record<string, number>>][];
  const encoded = entries.map(([term, byField]) => encodeTerm(term, postingsOf(byField, json.fieldLength)));
  return assembleShards({ terms: entries.map(([term]) => term), bytesOf: (index) => encoded[index] as Uint8Array }, json, fields, targetBytes);
}

/**
 * The vocabulary and the shards of an index's encoded words: the listed words in shards of
 * consecutive words up to `targetBytes`, the hashed ones in the shards their hashes name.
 * @param encoded the index's words, in its order, and their postings.
 * @param statistics the whole index's document count and average field lengths.
 * @param fields the indexed fields, in the index's field-id order.
 * @param targetBytes the size at which a shard is closed.
 */
export function assembleShards(
  encoded: EncodedTerms,
  statistics: IndexStatistics,
  fields: readonly LexicalField[],
  targetBytes = SHARD_TARGET_BYTES,
): { vocabulary: Uint8Array; shards: Uint8Array[] } {
  const { terms, bytesOf } = encoded;
  const listed: number[] = [];
  const hashed: number[] = [];
  let hashedBytes = 0;
  terms.forEach((term, index) => {
    if (isHashedTerm(term)) {
      hashed.push(index);
      hashedBytes += bytesOf(index).length;
    } else listed.push(index);
  });
  const shards: Uint8Array[] = [];
  const termShards: number[] = [];
  for (let first = 0; first < listed.length;) {
    let end = first;
    let size = 0;
    while (end < listed.length && (end === first || size + bytesOf(listed[end] as number).length <= targetBytes))
      size += bytesOf(listed[end++] as number).length;
    shards.push(concatBytes(listed.slice(first, end).map(bytesOf)));
    termShards.push(end - first);
    first = end;
  }
  const hashedShards = hashed.length === 0 ? 0 : Math.ceil(hashedBytes / targetBytes);
  const buckets = Array.from({ length: hashedShards }, (): Uint8Array[] => []);
  for (const index of hashed) buckets[hashedShardOf(terms[index] as string, hashedShards)]?.push(bytesOf(index));
  shards.push(...buckets.map(concatBytes));
  const vocabulary: IndexVocabulary = {
    fields,
    documentCount: statistics.documentCount,
    averageFieldLength: statistics.averageFieldLength,
    terms: listed.map((index) => terms[index] as string),
    termShards,
    hashedShards,
  };
  return { vocabulary: new TextEncoder().encode(`${JSON.stringify({ format: 1, ...vocabulary })}\n`), shards };
}

/**
 * A word's postings as a shard holds them (the module header has the layout).
 * @param term the word.
 * @param fields its postings, by field id ascending, each field's rows ascending.
 */
export function encodeTerm(term: string, fields: readonly FieldPostings[]): Uint8Array {
  const out: number[] = [];
  const text = UTF8.encode(term);
  writeVarint(out, text.length);
  out.push(...text);
  writeVarint(out, fields.length);
  for (const { fieldId, rows, counts, lengths } of fields) {
    writeVarint(out, fieldId);
    writeVarint(out, rows.length);
    let previous = 0;
    rows.forEach((row, i) => {
      writeVarint(out, row - previous);
      writeVarint(out, counts[i] ?? 0);
      writeVarint(out, lengths[i] ?? 0);
      previous = row;
    });
  }
  return Uint8Array.from(out);
}

/** A serialised index's postings of one word (integer keys enumerate in ascending order: field ids, then rows). */
function postingsOf(byField: Record<string, Record<string, number>>, fieldLength: Record<string, number[]>): FieldPostings[] {
  return Object.keys(byField).map((key) => {
    const fieldId = Number(key);
    const counted = byField[key] ?? {};
    const rows = Object.keys(counted).map(Number);
    return { fieldId, rows, counts: rows.map((row) => counted[row] ?? 0), lengths: rows.map((row) => fieldLength[row]?.[fieldId] ?? 0) };
  });
}

/**
 * @param bytes a verified shard.
 * @param file where it came from, for messages.
 * @returns each word's postings by field.
 * @throws RecError CATALOG_INVALID when the bytes end inside a record.
 */
export function decodeShard(bytes: Uint8Array, file: string): Map<string, FieldPostings[]> {
  const cursor = { bytes, at: 0, file };
  const terms = new Map<string, FieldPostings[]>();
  const decoder = new TextDecoder();
  while (cursor.at < bytes.length) {
    const length = readVarint(cursor);
    if (cursor.at + length > bytes.length) truncated(cursor);
    const term = decoder.decode(bytes.subarray(cursor.at, cursor.at + length));
    cursor.at += length;
    const fields: FieldPostings[] = [];
    for (let f = readVarint(cursor); f > 0; f--) {
      const fieldId = readVarint(cursor);
      const count = readVarint(cursor);
      const rows: number[] = [];
      const counts: number[] = [];
      const lengths: number[] = [];
      let row = 0;
      for (let p = 0; p < count; p++) {
        row += readVarint(cursor);
        rows.push(row);
        counts.push(readVarint(cursor));
        lengths.push(readVarint(cursor));
      }
      fields.push({ fieldId, rows, counts, lengths });
    }
    terms.set(term, fields);
  }
  return terms;
}

/**
 * @param value the vocabulary file, parsed.
 * @param shardCount how many shards catalog.json lists: the vocabulary must account for exactly those.
 * @throws RecError CATALOG_INVALID naming the field that is wrong.
 */
export function parseVocabulary(value: unknown, shardCount: number, file: string): IndexVocabulary {
  const reader: Reader = { code: 'CATALOG_INVALID', file };
  const root = readRecord(reader, value, '(root)');
  if (root['format'] !== 1) fail(reader, 'format', '1', root['format']);
  const fields = readArray(reader, root['fields'], 'fields').map((field, i) => readOneOf(reader, field, `fields[${i}]`, FIELDS));
  const count = (v: unknown, field: string): number => readNumber(reader, v, field, { integer: true, min: 0 });
  const averageFieldLength = readArray(reader, root['averageFieldLength'], 'averageFieldLength').map((v, i) =>
    readNumber(reader, v, `averageFieldLength[${i}]`, { min: 0 }),
  );
  if (averageFieldLength.length !== fields.length) fail(reader, 'averageFieldLength', `${fields.length} numbers (one a field)`, averageFieldLength);
  const terms = readArray(reader, root['terms'], 'terms').map((term, i) => readString(reader, term, `terms[${i}]`, { nonEmpty: true }));
  const termShards = readArray(reader, root['termShards'], 'termShards').map((v, i) => count(v, `termShards[${i}]`));
  const listedTerms = termShards.reduce((sum, n) => sum + n, 0);
  if (listedTerms !== terms.length) fail(reader, 'termShards', `counts summing to ${terms.length} (the listed words)`, `a sum of ${listedTerms}`);
  const hashedShards = count(root['hashedShards'], 'hashedShards');
  if (termShards.length + hashedShards !== shardCount)
    fail(reader, 'hashedShards', `${shardCount - termShards.length} (catalog.json lists ${shardCount} shards)`, hashedShards);
  return { fields, documentCount: count(root['documentCount'], 'documentCount'), averageFieldLength, terms, termShards, hashedShards };
}

interface Cursor {
  readonly bytes: Uint8Array;
  at: number;
  readonly file: string;
}

function writeVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function readVarint(cursor: Cursor): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (cursor.at >= cursor.bytes.length) truncated(cursor);
    const byte = cursor.bytes[cursor.at++] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
}

function truncated(cursor: Cursor): never {
  throw new RecError('CATALOG_INVALID', `${cursor.file}: a search index shard ends inside a record (at byte ${cursor.at} of ${cursor.bytes.length})`);
}
