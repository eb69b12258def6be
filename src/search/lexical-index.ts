/**
 * The catalogue's full-text index, on MiniSearch (chosen by measurement:
 * docs/decisions/search-index.md). It adds what a shop's search box needs on top of the library:
 * one tokeniser for texts and queries (tokens.ts), field weights, prefix and typo matching only for
 * words long enough to bear it, and a relevance floor, so that gibberish finds nothing.
 */
import MiniSearch, { type SearchOptions } from 'minisearch';
import type { CatalogItem } from '../core/catalog.ts';
import type { LexicalHit, LexicalIndex, SearchSuggestion } from '../core/ports.ts';
import { allowsPrefix, contentWord, coverage, editDistance, meetsFloor, queryWords, words, type QueryWords } from './tokens.ts';

/** A catalogue text field the index can hold. */
export type LexicalField = 'title' | 'category' | 'description';

export interface LexicalIndexOptions {
  /** The fields to index (default: all three). The evaluation leaves out `category` for its category-name queries. */
  readonly fields?: readonly LexicalField[];
}

/** A word in the title counts three times one in the description, one in the category name twice. */
const BOOST: Readonly<Record<LexicalField, number>> = { title: 3, category: 2, description: 1 };
const ALL_FIELDS: readonly LexicalField[] = ['title', 'category', 'description'];

interface Doc {
  readonly row: number;
  readonly item: CatalogItem;
}

interface Category {
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
export function createLexicalIndex(items: readonly CatalogItem[], options: LexicalIndexOptions = {}): LexicalIndex {
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
export async function createLexicalIndexInSlices(items: readonly CatalogItem[], options: LexicalIndexOptions = {}, slice = INDEX_SLICE): Promise<LexicalIndex> {
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
function emptyIndex(items: readonly CatalogItem[], options: LexicalIndexOptions): { index: MiniSearch<Doc>; documents: Doc[]; finish: () => LexicalIndex } {
  const fields = ALL_FIELDS.filter((field) => (options.fields ?? ALL_FIELDS).includes(field));
  /** Every indexed word: a query word found here as it is is not also matched fuzzily. */
  const vocabulary = new Set<string>();
  const index = new MiniSearch<Doc>({
    fields: [...fields],
    idField: 'row',
    extractField: (doc, field) => (field === 'row' ? doc.row : doc.item[field as LexicalField]),
    tokenize: words,
    processTerm: (word) => {
      const content = contentWord(word);
      if (content !== null) vocabulary.add(content);
      return content;
    },
  });
  return { index, documents: items.map((item, row) => ({ row, item })), finish: () => lexicalSearch(index, vocabulary, items, fields) };
}

/** Searching an index whose documents are in. */
function lexicalSearch(index: MiniSearch<Doc>, vocabulary: ReadonlySet<string>, items: readonly CatalogItem[], fields: readonly LexicalField[]): LexicalIndex {
  const categories = categoriesOf(items);

  /** Rows of `searchFields` that pass the relevance floor for `query`, best first. */
  function matches(query: QueryWords, searchFields: readonly LexicalField[], limit: number): LexicalHit[] {
    if (query.all.length === 0 || limit <= 0) return [];
    const searchOptions: SearchOptions = {
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
    const hits: LexicalHit[] = [];
    for (const result of index.search(query.all.join(' '), searchOptions)) {
      const matched = new Set(result.queryTerms);
      if (!meetsFloor(matched, query)) continue;
      hits.push({ row: Number(result.id), score: result.score, coverage: coverage(matched, query) });
      if (hits.length === limit) break;
    }
    return hits;
  }

  return {
    search: (query, limit) => matches(queryWords(query), fields, limit),
    suggest(partial, limit) {
      const query = queryWords(partial);
      if (query.all.length === 0 || limit <= 0) return [];
      const suggestions: SearchSuggestion[] = matchingCategories(categories, query.all)
        .slice(0, limit)
        .map((name) => ({ text: name, kind: 'category', row: null }));
      const seen = new Set(suggestions.map((s) => s.text.toLowerCase()));
      // Titles are searched on the title alone: a completion must complete the title's own words.
      for (const hit of matches(query, ['title'], limit * 4)) {
        if (suggestions.length >= limit) break;
        const title = items[hit.row]?.title ?? '';
        if (seen.has(title.toLowerCase())) continue;
        seen.add(title.toLowerCase());
        suggestions.push({ text: title, kind: 'title', row: hit.row });
      }
      return suggestions;
    },
  };
}

function categoriesOf(items: readonly CatalogItem[]): Category[] {
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
