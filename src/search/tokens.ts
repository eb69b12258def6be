/**
 * How catalogue texts and the shopper's queries become words, the same way for both: Unicode
 * letters and digits, accents folded, lower case, short English stop words dropped; and which
 * query words may match loosely (by prefix, within an edit distance) and which only exactly.
 */

/** Words that carry no product meaning in a shop query ("jacket for the kids"). */
const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be by for from has have i in is it its my of on or our so that the their this to too was we what when which ' + 'with without you your'
  ).split(' '),
);

/** Longer words are cut here: no product word is this long, and a radix tree of huge keys is slow to walk. */
export const MAX_WORD_LENGTH = 40;
/** A query is read only this far, so a pasted 50,000-character query costs no more than a long sentence. */
const MAX_QUERY_CHARS = 512;
/** At most this many distinct content words of a query are searched (each adds a fuzzy walk of the index). */
export const MAX_QUERY_WORDS = 8;

const SEPARATOR = /[^\p{L}\p{N}]+/u;
const MARKS = /\p{M}+/gu;
const DIGIT = /\p{N}/u;
/** A lone Latin letter is noise, not a word: the "s" of "Men's", an initial, a stray key. */
const LONE_LETTER = /^\p{Script=Latin}$/u;

/**
 * Splits a text into normalised words: compatibility-decomposed so accents and ligatures fold
 * ("Café" → "cafe", "ﬁ" → "fi"), marks removed, lower-cased, cut at MAX_WORD_LENGTH. Stop words stay
 * (the index drops them in `contentWord`, after MiniSearch's tokenising).
 * @param text any string.
 */
export function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .split(SEPARATOR)
    .filter((word) => word.length > 0)
    .map((word) => word.slice(0, MAX_WORD_LENGTH));
}

/** @returns the word, or null for a stop word or a lone letter (MiniSearch's processTerm: null drops it). */
export const contentWord = (word: string): string | null => (STOP_WORDS.has(word) || LONE_LETTER.test(word) ? null : word);

/** Words after which a query says what the product is for or has, not what it is ("jacket for hiking"). */
const MODIFIER_MARKERS: ReadonlySet<string> = new Set(['for', 'with']);

/** A query as the index searches it. */
export interface QueryWords {
  /** The distinct content words, in order. */
  readonly all: readonly string[];
  /**
   * The words that name the product: those before a "for" or "with" ("warm jacket" in "warm jacket
   * for hiking"), or all of them when there are none before it. The relevance floor counts these; the
   * others only rank the rows that pass it.
   */
  readonly product: ReadonlySet<string>;
}

/**
 * The query's words, capped (MAX_QUERY_CHARS, MAX_QUERY_WORDS, MAX_WORD_LENGTH) so that hostile
 * input costs a bounded search.
 * @param query what the shopper typed.
 */
export function queryWords(query: string): QueryWords {
  const all = new Set<string>();
  const product = new Set<string>();
  let modifiers = false;
  for (const word of words(query.slice(0, MAX_QUERY_CHARS))) {
    if (MODIFIER_MARKERS.has(word)) modifiers = true;
    if (contentWord(word) === null || all.has(word)) continue;
    if (all.size === MAX_QUERY_WORDS) break;
    all.add(word);
    if (!modifiers) product.add(word);
  }
  return { all: [...all], product: product.size > 0 ? product : all };
}

/**
 * A word with a digit (a size, a model number: "500ml", "e55") or of one or two characters matches
 * only itself: "50" must not find "500", and "ab" would be a prefix of too much.
 */
const exactOnly = (word: string): boolean => word.length <= 2 || DIGIT.test(word);

/** Prefix matching from 3 characters on ("jac" → jacket). */
export const allowsPrefix = (word: string): boolean => !exactOnly(word);

/**
 * Edit distance allowed for a query word: none below 5 characters, 1 up to 8, 2 from 9; none for a
 * word the catalogue has as it is ("jacket" must not also find "racket").
 * @param word a query word.
 * @param known whether the index holds the word itself.
 */
export function editDistance(word: string, known = false): number {
  if (known || exactOnly(word) || word.length < 5) return 0;
  return word.length >= 9 ? 2 : 1;
}

/** One or two characters: a size, a unit, a count ("xl", "kg", "5"); too common to make a match alone. */
const isShort = (word: string): boolean => word.length <= 2;

/**
 * The relevance floor, which keeps gibberish from finding anything: a row counts as a match only if
 * it matched half of the query's product words (rounded up), one of them of 3 characters or more
 * (a "5" or an "xl" alone does not match "xl parka"); a query of short words only must have two or
 * more and match all of them ("1 kg"), so one stray short word ("xy") matches nothing.
 * @param matched the query words the row matched (exactly, by prefix or within the edit distance).
 * @param query the query.
 */
export function meetsFloor(matched: ReadonlySet<string>, query: QueryWords): boolean {
  const product = [...query.product];
  const hits = product.filter((word) => matched.has(word));
  // One short word alone ("xy", "au") is as likely a stray code as a request: it never matches alone.
  if (product.every(isShort)) return product.length >= 2 && hits.length === product.length;
  return hits.length >= Math.ceil(product.length / 2) && hits.some((word) => !isShort(word));
}

/**
 * @param matched the query words a row matched.
 * @param query the query.
 * @returns the share of the query's product words among them.
 */
export function coverage(matched: ReadonlySet<string>, query: QueryWords): number {
  const product = [...query.product];
  return product.length === 0 ? 0 : product.filter((word) => matched.has(word)).length / product.length;
}
