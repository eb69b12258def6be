/**
 * The demo catalogue's product types and the hand-written shopping queries labelled with them
 * (demo-queries.json). The demo generator titles every product `[brand] adjective type [size]
 * [by author][, variant]`, with the type one of its vocabulary's product nouns
 * (src/offline/builder/demo-vocab.ts; the file lists them as `types`, and a test holds the two
 * equal). A title's type is the longest listed type it contains as whole words, so "Trail Running
 * Shoes" is not "Running Shoes" and "Stacking Rings" is not "Stacking Ring".
 */
import { join } from 'node:path';
import { RecError } from '../../../core/errors.ts';
import { readArray, readRecord, readString, type Reader } from '../../../core/validate.ts';
import type { SearchQuery } from './query-sets.ts';

/** The hand-written demo queries, beside this module. */
export const DEMO_QUERIES_FILE = join(import.meta.dirname, 'demo-queries.json');

/** The query file: the product types and the queries with the types that answer them. */
export interface DemoQueryFile {
  readonly types: readonly string[];
  readonly queries: readonly { readonly query: string; readonly relevantTypes: readonly string[] }[];
}

/** Lower-case words, as the title's words are compared (punctuation other than ' and - separates). */
const wordsOf = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}'-]+/u)
    .filter((word) => word !== '');

/**
 * @param types the product types.
 * @returns a function from a title to its type: the longest type whose words occur consecutively
 *   in the title (ties: the first listed), or null when none does.
 */
export function demoTypeMatcher(types: readonly string[]): (title: string) => string | null {
  const byLength = types.map((type) => ({ type, words: wordsOf(type) })).sort((a, b) => b.words.length - a.words.length);
  return (title) => {
    const words = wordsOf(title);
    for (const { type, words: wanted } of byLength) {
      for (let start = 0; start + wanted.length <= words.length; start++) {
        if (wanted.every((word, i) => words[start + i] === word)) return type;
      }
    }
    return null;
  };
}

/**
 * Validates the query file's JSON.
 * @param value the parsed file.
 * @param file its path, for messages.
 * @throws RecError CONFIG_INVALID naming the first bad field, or a relevant type not among `types`.
 */
export function parseDemoQueries(value: unknown, file: string): DemoQueryFile {
  const reader: Reader = { code: 'CONFIG_INVALID', file };
  const record = readRecord(reader, value, 'demo queries');
  const types = readArray(reader, record['types'], 'types').map((type, i) => readString(reader, type, `types[${i}]`, { nonEmpty: true }));
  const known = new Set(types);
  const queries = readArray(reader, record['queries'], 'queries').map((raw, i) => {
    const entry = readRecord(reader, raw, `queries[${i}]`);
    const relevantTypes = readArray(reader, entry['relevantTypes'], `queries[${i}].relevantTypes`).map((type, j) => {
      const name = readString(reader, type, `queries[${i}].relevantTypes[${j}]`, { nonEmpty: true });
      if (!known.has(name))
        throw new RecError('CONFIG_INVALID', `"${name}" is not one of the listed types`, { file, field: `queries[${i}].relevantTypes[${j}]` });
      return name;
    });
    return { query: readString(reader, entry['query'], `queries[${i}].query`, { nonEmpty: true }), relevantTypes };
  });
  return { types, queries };
}

/**
 * @param titles each row's title.
 * @param file the parsed query file.
 * @returns the queries with their relevant rows, or null when some title has none of the types
 *   (the catalogue is not the demo's).
 */
export function demoQueries(titles: readonly string[], file: DemoQueryFile): SearchQuery[] | null {
  const typeOf = demoTypeMatcher(file.types);
  const rowsOf = new Map<string, number[]>();
  for (const [row, title] of titles.entries()) {
    const type = typeOf(title);
    if (type === null) return null;
    rowsOf.set(type, [...(rowsOf.get(type) ?? []), row]);
  }
  return file.queries.map(({ query, relevantTypes }) => ({ query, relevant: relevantTypes.flatMap((type) => rowsOf.get(type) ?? []) }));
}
