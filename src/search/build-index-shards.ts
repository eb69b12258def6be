/**
 * A large catalogue's index files (index-shards.ts), written without MiniSearch's whole index in
 * memory. The files are those of the whole index cut up (splitIndex), byte for byte: the same words
 * (tokens.ts, as miniSearchOptions gives them to MiniSearch), in the order MiniSearch's radix tree
 * walks them (the same SearchableMap, filled in the same order), the same field lengths and running
 * averages. What it keeps instead of MiniSearch's maps of maps is one record per word, field and row
 * in typed arrays: at a million items the whole index and its serialisation took the builder past
 * V8's 4 GB heap.
 */
import SearchableMap from 'minisearch/SearchableMap';
import { assembleShards, encodeTerm, SHARD_TARGET_BYTES, type FieldPostings } from './index-shards.ts';
import { indexedFields, type LexicalField, type LexicalIndexOptions, type Searched } from './lexical-index.ts';
import { contentWord, words } from './tokens.ts';

/**
 * @param items the catalogue; a posting's row is the index of its item here.
 * @param options which fields to index (default: all three, as the browser's index).
 * @param targetBytes the size at which a shard is closed.
 * @returns the vocabulary and the shards, as splitIndex(indexJson(items, options)) gives them.
 */
export function buildIndexShards(
  items: readonly Searched[],
  options: LexicalIndexOptions = {},
  targetBytes = SHARD_TARGET_BYTES,
): { vocabulary: Uint8Array; shards: Uint8Array[] } {
  const fields = indexedFields(options);
  const { tree, wordCount, postings, fieldLengths, averageFieldLength } = collectPostings(items, fields);
  const byWord = groupByWord(postings, wordCount);
  const terms: string[] = [];
  const encoded: Uint8Array[] = [];
  for (const [term, word] of tree) {
    terms.push(term);
    encoded.push(encodeTerm(term, fieldPostings(postings, byWord, word, fields.length, fieldLengths)));
  }
  return assembleShards({ terms, bytesOf: (index) => encoded[index] as Uint8Array }, { documentCount: items.length, averageFieldLength }, fields, targetBytes);
}

/** One record per word, field and row, in the order they were met (rows ascending). */
interface Postings {
  count: number;
  word: Int32Array;
  field: Uint8Array;
  row: Int32Array;
  occurrences: Int32Array;
}

/**
 * Every item's words, as MiniSearch's `add` meets them: each field in the index's order, its length
 * the number of distinct words before processTerm (stop words included), the running average as
 * MiniSearch updates it, and each content word numbered on first sight in a radix tree.
 */
function collectPostings(items: readonly Searched[], fields: readonly LexicalField[]) {
  const tree = new SearchableMap<number>();
  const postings: Postings = {
    count: 0,
    word: new Int32Array(1024),
    field: new Uint8Array(1024),
    row: new Int32Array(1024),
    occurrences: new Int32Array(1024),
  };
  const fieldLengths = new Int32Array(items.length * fields.length);
  const averageFieldLength = fields.map(() => 0);
  const inField = new Map<number, number>();
  // Counted here: the tree's `size` walks the whole tree after every change.
  let wordCount = 0;
  items.forEach((item, row) => {
    fields.forEach((field, fieldId) => {
      const tokens = words(item[field]);
      const length = new Set(tokens).size;
      fieldLengths[row * fields.length + fieldId] = length;
      averageFieldLength[fieldId] = ((averageFieldLength[fieldId] ?? 0) * row + length) / (row + 1);
      inField.clear();
      for (const token of tokens) {
        const term = contentWord(token);
        if (term === null) continue;
        let word = tree.get(term);
        if (word === undefined) {
          word = wordCount++;
          tree.set(term, word);
        }
        inField.set(word, (inField.get(word) ?? 0) + 1);
      }
      for (const [word, occurrences] of inField) addPosting(postings, word, fieldId, row, occurrences);
    });
  });
  return { tree, wordCount, postings, fieldLengths, averageFieldLength };
}

function addPosting(postings: Postings, word: number, field: number, row: number, occurrences: number): void {
  if (postings.count === postings.word.length) {
    const grown = (from: Int32Array) => {
      const to = new Int32Array(from.length * 2);
      to.set(from);
      return to;
    };
    postings.word = grown(postings.word);
    postings.row = grown(postings.row);
    postings.occurrences = grown(postings.occurrences);
    const field8 = new Uint8Array(postings.field.length * 2);
    field8.set(postings.field);
    postings.field = field8;
  }
  const at = postings.count++;
  postings.word[at] = word;
  postings.field[at] = field;
  postings.row[at] = row;
  postings.occurrences[at] = occurrences;
}

/** The records sorted by word, stably (a counting sort): `order` from `start[w]` to `start[w + 1]` are word w's, rows ascending. */
function groupByWord(postings: Postings, wordCount: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(wordCount + 1);
  for (let p = 0; p < postings.count; p++) {
    const at = (postings.word[p] as number) + 1;
    start[at] = (start[at] as number) + 1;
  }
  for (let w = 0; w < wordCount; w++) start[w + 1] = (start[w + 1] as number) + (start[w] as number);
  const next = start.slice(0, wordCount);
  const order = new Int32Array(postings.count);
  for (let p = 0; p < postings.count; p++) {
    const word = postings.word[p] as number;
    const at = next[word] as number;
    order[at] = p;
    next[word] = at + 1;
  }
  return { start, order };
}

/** A word's postings by field id ascending, as the serialised whole index lists them. */
function fieldPostings(
  postings: Postings,
  byWord: { start: Int32Array; order: Int32Array },
  word: number,
  fieldCount: number,
  fieldLengths: Int32Array,
): FieldPostings[] {
  const found: FieldPostings[] = [];
  const from = byWord.start[word] as number;
  const to = byWord.start[word + 1] as number;
  for (let fieldId = 0; fieldId < fieldCount; fieldId++) {
    const rows: number[] = [];
    const counts: number[] = [];
    const lengths: number[] = [];
    for (let i = from; i < to; i++) {
      const p = byWord.order[i] as number;
      if (postings.field[p] !== fieldId) continue;
      const row = postings.row[p] as number;
      rows.push(row);
      counts.push(postings.occurrences[p] as number);
      lengths.push(fieldLengths[row * fieldCount + fieldId] as number);
    }
    if (rows.length > 0) found.push({ fieldId, rows, counts, lengths });
  }
  return found;
}
