/**
 * The catalogue's full-text index, on MiniSearch (chosen by measurement:
 * docs/decisions/search-index.md). It adds what a shop's search box needs on top of the library:
 * one tokeniser for texts and queries (tokens.ts), field weights, prefix and typo matching only for
 * words long enough to bear it, and a relevance floor, so that gibberish finds nothing.
 */
import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import type { CatalogItem } from '../core/catalog.ts';
import type { LexicalHit, LexicalIndex, SearchSuggestion } from '../core/ports.ts';
import { allowsPrefix, contentWord, coverage, editDistance, meetsFloor, queryWords, words, type QueryWords } from './tokens.ts';

/** A catalogue text field the index can hold. */
export type LexicalField = 'title' | 'category' | 'description';

/** What the index reads of an item. */
export type Searched = Pick<CatalogItem, LexicalField>;

/** The whole catalogue's index, in memory: it answers a search at once. */
export interface WholeLexicalIndex extends LexicalIndex {
  search(query: string, limit: number): readonly LexicalHit[];
  suggest(partial: string, limit: number): readonly SearchSuggestion[];
}

export interface LexicalIndexOptions {
  /** The fields to index (default: all three). The evaluation leaves out `category` for its category-name queries. */
  readonly fields?: readonly LexicalField[];
}

/** A word in the title counts three times one in the description, one in the category name twice. */
const BOOST: Readonly<Record<LexicalField, number>> = { title: 3, category: 2, description: 1 };
const ALL_FIELDS: readonly LexicalField[] = ['title', 'category', 'description'];

/** The fields the options name, in the index's field order (its field ids). */
export const indexedFields = (options: LexicalIndexOptions): LexicalField[] => ALL_FIELDS.filter((field) => (options.fields ?? ALL_FIELDS).includes(field));

export interface Doc {
  readonly row: number;
  readonly item: Searched;
}

export interface Category {
  readonly name: string;
  /** The name's words, normalised as the query's are. */
  readonly words: readonly string[];
  /** The normalised words joined by one space, for "starts with" and "contains". */
  readonly text: string;
}

/** Documents added per slice by createLexicalIndexInSlices: about 2 ms of work (20 µs a document in Node here). */
const INDEX_SLICE = 100;
/** The most one idle moment gives the build: a click that comes during it waits no longer than this. */
const IDLE_BUDGET_MS = 8;
/** An idle callback not called within this is run anyway (a page never idle still gets its index). */
const IDLE_TIMEOUT_MS = 1000;

/**
 * Builds the index in memory, all at once (about 0.3 s per 10k items in Node; see the decision):
 * for tools and tests. The storefront builds it with createLexicalIndexInSlices.
 * @param items the catalogue; a hit's `row` is the index of its item here.
 * @param options which fields to index.
 */
export function createLexicalIndex(items: readonly CatalogItem[], options: LexicalIndexOptions = {}): WholeLexicalIndex {
  const { index, documents, finish } = emptyIndex(items, options);
  index.addAll(documents);
  return finish();
}

/**
 * The same index, built in the page's idle moments a few slices at a time (at most IDLE_BUDGET_MS
 * each), so the shopper's clicks never queue behind it: built at once it held the main thread about
 * 2 s at 100k items and 20 s at 1M (Node here). Where there is no requestIdleCallback (Node, Safari)
 * each slice waits for a timer instead.
 * @param items the catalogue; a hit's `row` is the index of its item here.
 * @param options which fields to index.
 * @param slice documents per slice.
 */
export async function createLexicalIndexInSlices(
  items: readonly CatalogItem[],
  options: LexicalIndexOptions = {},
  slice = INDEX_SLICE,
): Promise<WholeLexicalIndex> {
  const { index, documents, finish } = emptyIndex(items, options);
  let next = 0;
  while (next < documents.length) {
    const deadline = await idleMoment();
    const started = performance.now();
    // One slice at least per moment (a moment past its timeout has no time left), more while it lasts.
    do {
      index.addAll(documents.slice(next, next + slice));
      next += slice;
    } while (next < documents.length && deadline !== null && deadline.timeRemaining() > 0 && performance.now() - started < IDLE_BUDGET_MS);
  }
  return finish();
}

/** The page's next idle moment, or a timer's turn (null) where the browser has no requestIdleCallback. */
function idleMoment(): Promise<IdleDeadline | null> {
  if (typeof requestIdleCallback !== 'function') return new Promise((resolve) => setTimeout(() => resolve(null), 0));
  return new Promise((resolve) => requestIdleCallback(resolve, { timeout: IDLE_TIMEOUT_MS }));
}

/** The index without its documents, the documents, and what makes the searchable index once they are in. */
function emptyIndex(
  items: readonly CatalogItem[],
  options: LexicalIndexOptions,
): { index: MiniSearch<Doc>; documents: Doc[]; finish: () => WholeLexicalIndex } {
  const fields = indexedFields(options);
  /** Every indexed word: a query word found here as it is is not also matched fuzzily. */
  const vocabulary = new Set<string>();
  const index = new MiniSearch<Doc>(miniSearchOptions(fields, (word) => vocabulary.add(word)));
  return {
    index,
    documents: items.map((item, row) => ({ row, item })),
    finish: () => {
      const categories = categoriesOf(items);
      const search = (query: QueryWords, searchFields: readonly LexicalField[], limit: number) => searchIndex(index, vocabulary, query, searchFields, limit);
      return {
        search: (query, limit) => search(queryWords(query), fields, limit),
        suggest(partial, limit) {
          const query = queryWords(partial);
          return suggestionsFor(categories, query, limit, search(query, ['title'], titleHitsFor(limit)), (row) => items[row]?.title ?? '');
        },
      };
    },
  };
}

/**
 * The index's MiniSearch options: its fields, the catalogue row as the id, and the one tokeniser.
 * @param fields the indexed fields.
 * @param seen told every content word indexed (the vocabulary a typo's "known word" check reads).
 */
export function miniSearchOptions(fields: readonly LexicalField[], seen: (word: string) => void = () => undefined): Options<Doc> {
  return {
    fields: [...fields],
    idField: 'row',
    extractField: (doc, field) => (field === 'row' ? doc.row : doc.item[field as LexicalField]),
    tokenize: words,
    processTerm: (word) => {
      const content = contentWord(word);
      if (content !== null) seen(content);
      return content;
    },
  };
}

/**
 * The whole index, serialised: what the builder cuts into a large catalogue's shards (index-shards.ts).
 * @param items the catalogue; each document's id is its row.
 * @param options which fields to index.
 */
export function indexJson(items: readonly Searched[], options: LexicalIndexOptions = {}): { json: ReturnType<MiniSearch['toJSON']>; fields: LexicalField[] } {
  const fields = indexedFields(options);
  const index = new MiniSearch<Doc>(miniSearchOptions(fields));
  index.addAll(items.map((item, row) => ({ row, item })));
  return { json: index.toJSON(), fields };
}

/**
 * Rows of `searchFields` that pass the relevance floor for `query`, best first.
 * @param index the index (whole, or the part a sharded index fetched for this query).
 * @param vocabulary whether the catalogue holds a word as it is (such a word is not matched fuzzily).
 */
export function searchIndex(
  index: MiniSearch<Doc>,
  vocabulary: { has(word: string): boolean },
  query: QueryWords,
  searchFields: readonly LexicalField[],
  limit: number,
): LexicalHit[] {
  if (query.all.length === 0 || limit <= 0) return [];
  const hits: LexicalHit[] = [];
  for (const result of index.search(query.all.join(' '), searchOptions(vocabulary, searchFields))) {
    const matched = new Set(result.queryTerms);
    if (!meetsFloor(matched, query)) continue;
    hits.push({ row: Number(result.id), score: result.score, coverage: coverage(matched, query) });
    if (hits.length === limit) break;
  }
  return hits;
}

/** How a query is searched: the fields' weights, and which words may match by prefix or typo. */
export function searchOptions(vocabulary: { has(word: string): boolean }, searchFields: readonly LexicalField[]): SearchOptions {
  return {
    fields: [...searchFields],
    boost: BOOST,
    combineWith: 'OR',
    // Only the last word may be unfinished (the shopper is typing it); earlier words are whole, so a
    // stray "adj" in the middle of a query does not find every "adjustable".
    prefix: (term, position, terms) => position === terms.length - 1 && allowsPrefix(term),
    fuzzy: (term) => editDistance(term, vocabulary.has(term)) || false,
    // The query is already split and normalised; its words are searched as they are.
    tokenize: (text) => text.split(' '),
    processTerm: (term) => term,
  };
}

/**
 * Categories naming the typed words first, then titles that complete them.
 * @param titleHits the query's rows searched on the title alone (a completion must complete the
 *   title's own words), at least `limit` of them when there are: repeated titles are offered once.
 * @param titleOf a row's title (its card on hand).
 */
export function suggestionsFor(
  categories: readonly Category[],
  query: QueryWords,
  limit: number,
  titleHits: readonly LexicalHit[],
  titleOf: (row: number) => string,
): SearchSuggestion[] {
  if (query.all.length === 0 || limit <= 0) return [];
  const suggestions: SearchSuggestion[] = matchingCategories(categories, query.all)
    .slice(0, limit)
    .map((name) => ({ text: name, kind: 'category', row: null }));
  const seen = new Set(suggestions.map((s) => s.text.toLowerCase()));
  for (const hit of titleHits) {
    if (suggestions.length >= limit) break;
    const title = titleOf(hit.row);
    if (seen.has(title.toLowerCase())) continue;
    seen.add(title.toLowerCase());
    suggestions.push({ text: title, kind: 'title', row: hit.row });
  }
  return suggestions;
}

/** How many title hits a suggestion list of `limit` reads: repeated titles are skipped. */
export const titleHitsFor = (limit: number): number => limit * 4;

export function categoriesOf(items: readonly CatalogItem[]): Category[] {
  const names = [...new Set(items.map((item) => item.category.trim()).filter((name) => name.length > 0))];
  return names.map((name) => {
    const nameWords = words(name);
    return { name, words: nameWords, text: nameWords.join(' ') };
  });
}

/**
 * Categories naming every typed word (the last one may be unfinished): those whose name starts with
 * the typed text first, then those with each word starting one of the name's words, then those that
 * merely contain each word; alphabetical within each group.
 */
function matchingCategories(categories: readonly Category[], terms: readonly string[]): string[] {
  const typed = terms.join(' ');
  const rank = (category: Category): number => {
    if (category.text.startsWith(typed)) return 0;
    if (terms.every((term) => category.words.some((word) => word.startsWith(term)))) return 1;
    // "Contains" only for words of 3+ characters: a typed "e" is in most names.
    if (terms.every((term) => term.length >= 3 && category.text.includes(term))) return 2;
    return 3;
  };
  return categories
    .map((category) => ({ name: category.name, rank: rank(category) }))
    .filter((c) => c.rank < 3)
    .sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name))
    .map((c) => c.name);
}
