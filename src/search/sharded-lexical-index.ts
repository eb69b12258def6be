/**
 * The lexical index of a large catalogue, fetched by the words searched instead of built from every
 * card (index-shards.ts has the files). It fetches the vocabulary when loaded; for each query, the
 * shards of the words the query can reach (itself, its prefixes' completions, its typos' neighbours,
 * found in the vocabulary as MiniSearch would find them in the whole index), and adds those words'
 * postings to a MiniSearch of its own, which keeps the words earlier queries added. That index
 * reaches the same words with the same statistics, so it returns the whole index's hits in the same
 * order with the same scores (up to the last bits: a prefix's completions are summed in the order a
 * smaller radix tree walks them, which is not always the whole tree's).
 */
import MiniSearch from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';
import type { CatalogItem } from '../core/catalog.ts';
import type { LexicalIndex } from '../core/ports.ts';
import { createRowShards } from '../core/row-shards.ts';
import type { SearchIndexFiles } from '../core/search-index-files.ts';
import { parseJson } from '../core/validate.ts';
import { decodeShard, hashedShardOf, isHashedTerm, parseVocabulary, type FieldPostings, type IndexJson, type IndexVocabulary } from './index-shards.ts';
import { categoriesOf, miniSearchOptions, searchIndex, suggestionsFor, titleHitsFor, type Doc } from './lexical-index.ts';
import { allowsPrefix, editDistance, queryWords, type QueryWords } from './tokens.ts';

export interface ShardedIndexSource {
  readonly files: SearchIndexFiles;
  /** The catalogue (a suggested title is read from its card). */
  readonly items: readonly CatalogItem[];
  /** Fetches the cards of these rows (the titles a suggestion shows). */
  readonly loadCards: (rows: Iterable<number>) => Promise<void>;
  /** The model folder, for messages. */
  readonly location: string;
}

/**
 * Fetches and checks the vocabulary; the shards come as queries need them.
 * @throws RecError as a model file is refused, or CATALOG_INVALID naming what is wrong in the vocabulary.
 */
export async function loadShardedLexicalIndex(source: ShardedIndexSource): Promise<LexicalIndex> {
  const { files, items, location } = source;
  const where = `${location}/${files.vocabulary.path}`;
  const text = new TextDecoder().decode(await files.read(files.vocabulary));
  const vocabulary = parseVocabulary(parseJson({ code: 'CATALOG_INVALID', file: where }, text), files.shards.length, where);
  const listed = listedWords(vocabulary);
  const tree = SearchableMap.from<number>(vocabulary.terms.map((term, order) => [term, order]));
  const shards = createRowShards(files.shards, 1, files.shards.length, files.read, (bytes, file) => decodeShard(bytes, `${location}/${file.path}`));
  const categories = categoriesOf(items);
  const known = { has: (word: string) => listed.has(word) };
  // One index for the page's life, with the whole index's statistics, holding every word a query has
  // loaded so far: a word's postings become MiniSearch's maps once, not at every keystroke (at a
  // million items a common word's hundred thousand postings took most of a keystroke's 200 ms).
  const index = MiniSearch.loadJS(emptyIndexJson(vocabulary), miniSearchOptions(vocabulary.fields));
  const held = new Set<string>();

  /** The index, holding every word of the whole index that this query can reach. */
  const partialIndex = async (query: QueryWords): Promise<MiniSearch<Doc>> => {
    const wanted = [...reachedWords(query, tree, known)].flatMap((word): [string, number][] => {
      if (!isHashedTerm(word)) {
        const shard = listed.get(word);
        return shard === undefined ? [] : [[word, shard]];
      }
      return vocabulary.hashedShards === 0 ? [] : [[word, vocabulary.termShards.length + hashedShardOf(word, vocabulary.hashedShards)]];
    });
    await shards.load(wanted.map(([, shard]) => shard));
    for (const [word, shard] of wanted) {
      const found = shards.held(shard)?.shard.get(word);
      if (found !== undefined && !held.has(word)) addWord(index, word, found);
      held.add(word);
    }
    return index;
  };

  return {
    async search(raw, limit) {
      const query = queryWords(raw);
      return searchIndex(await partialIndex(query), known, query, vocabulary.fields, limit);
    },
    async suggest(partial, limit) {
      const query = queryWords(partial);
      const hits = vocabulary.fields.includes('title') ? searchIndex(await partialIndex(query), known, query, ['title'], titleHitsFor(limit)) : [];
      await source.loadCards(hits.map(({ row }) => row));
      return suggestionsFor(categories, query, limit, hits, (row) => items[row]?.title ?? '');
    },
  };
}

/** Each listed word's shard. */
function listedWords(vocabulary: IndexVocabulary): Map<string, number> {
  const listed = new Map<string, number>();
  let next = 0;
  vocabulary.termShards.forEach((count, shard) => {
    for (const end = next + count; next < end; next++) listed.set(vocabulary.terms[next] as string, shard);
  });
  return listed;
}

/**
 * The words of the index a query can reach, as MiniSearch reaches them (searchOptions in
 * lexical-index.ts): each word itself, the last word's completions, and each word's typo neighbours.
 */
function reachedWords(query: QueryWords, tree: SearchableMap<number>, known: { has(word: string): boolean }): Set<string> {
  const reached = new Set<string>();
  query.all.forEach((word, position) => {
    reached.add(word);
    if (position === query.all.length - 1 && allowsPrefix(word)) for (const [term] of tree.atPrefix(word)) reached.add(term);
    for (const term of tree.fuzzyGet(word, editDistance(word, known.has(word))).keys()) reached.add(term);
  });
  return reached;
}

/** The parts of MiniSearch's state that its own `loadJS` fills (minisearch 7's; the tests compare every hit with the whole index's). */
interface MiniSearchState {
  readonly _index: SearchableMap<Map<number, Map<number, number>>>;
  readonly _documentIds: Map<number, number>;
  readonly _idToShortId: Map<number, number>;
  readonly _fieldLength: Map<number, number[]>;
}

/** Adds a word's postings to the index as `loadJS` would have read them (a document's id is its row). */
function addWord(index: MiniSearch<Doc>, word: string, fields: readonly FieldPostings[]): void {
  const state = index as unknown as MiniSearchState;
  const byField = new Map<number, Map<number, number>>();
  for (const { fieldId, rows, counts, lengths } of fields) {
    const counted = new Map<number, number>();
    rows.forEach((row, i) => {
      counted.set(row, counts[i] as number);
      state._documentIds.set(row, row);
      state._idToShortId.set(row, row);
      let rowLengths = state._fieldLength.get(row);
      if (rowLengths === undefined) state._fieldLength.set(row, (rowLengths = []));
      rowLengths[fieldId] = lengths[i] as number;
    });
    byField.set(fieldId, counted);
  }
  state._index.set(word, byField);
}

/** MiniSearch's serialisation of an index with the whole index's statistics and no word yet (addWord adds them). */
function emptyIndexJson(vocabulary: IndexVocabulary): IndexJson {
  return {
    documentCount: vocabulary.documentCount,
    nextId: vocabulary.documentCount,
    documentIds: {},
    fieldIds: Object.fromEntries(vocabulary.fields.map((field, id) => [field, id])),
    fieldLength: {},
    averageFieldLength: [...vocabulary.averageFieldLength],
    storedFields: {},
    dirtCount: 0,
    index: [],
    serializationVersion: 2,
  };
}
