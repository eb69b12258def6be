/**
 * The generated query sets of the search evaluation, each built from data the searched method does
 * not see as a label, and each deterministic (seeded):
 *   category    the name of a leaf category as the query; relevant: the items of that category
 *               (the searcher must find them from their other texts);
 *   known-item  3 or 4 consecutive words of an item's title with one typo; relevant: that item;
 *   random      strings of random characters, which should find nothing.
 */
import { RecError } from '../../../core/errors.ts';
import { seededRandom } from '../../../core/random.ts';
import { FLOOR_SEED, randomStrings } from '../../lib/semantic-floor.ts';

/** One evaluation query and the rows that answer it (none: it should find nothing). */
export interface SearchQuery {
  readonly query: string;
  readonly relevant: readonly number[];
}

/** Categories with fewer items than this make no category query: too few to measure a ranking by. */
export const MIN_CATEGORY_ITEMS = 5;

/** A word gets the typo only when it has at least this many letters (shorter ones change meaning). */
export const TYPO_MIN_LETTERS = 5;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const TYPO_ABLE = new RegExp(`^\\p{L}{${TYPO_MIN_LETTERS},}$`, 'u');

/**
 * @param leafOf each row's leaf category (null or blank: none).
 * @param minItems the fewest items a category needs.
 * @returns one query per category with at least minItems items, by name.
 */
export function categoryQueries(leafOf: readonly (string | null)[], minItems = MIN_CATEGORY_ITEMS): SearchQuery[] {
  const rowsOf = new Map<string, number[]>();
  leafOf.forEach((leaf, row) => {
    const name = leaf?.trim() ?? '';
    if (name === '') return;
    const rows = rowsOf.get(name) ?? [];
    rows.push(row);
    rowsOf.set(name, rows);
  });
  return [...rowsOf]
    .filter(([, rows]) => rows.length >= minItems)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([query, relevant]) => ({ query, relevant }));
}

/**
 * A word with one edit (a letter deleted, replaced by another or inserted), never at its first letter.
 * @param word at least two letters.
 * @param random the seeded source of the choices.
 */
export function withTypo(word: string, random: () => number): string {
  const letters = [...word];
  const at = 1 + Math.floor(random() * (letters.length - 1));
  const kind = Math.floor(random() * 3);
  const other = (except: string): string => {
    const choices = LETTERS.replace(except.toLowerCase(), '');
    return choices[Math.floor(random() * choices.length)] ?? 'x';
  };
  if (kind === 0) letters.splice(at, 1);
  else if (kind === 1) letters.splice(at, 1, other(letters[at] ?? ''));
  else letters.splice(at, 0, other(''));
  return letters.join('');
}

/**
 * Known-item queries: for items drawn at random, 3 or 4 consecutive words of the title, one of its
 * words of at least TYPO_MIN_LETTERS letters misspelt (withTypo). Items whose title has fewer than
 * 3 words or no such word are passed over.
 * @param titles each row's title.
 * @param count how many queries (fewer when the catalogue has fewer usable titles).
 * @param seed the seed of every choice.
 */
export function knownItemQueries(titles: readonly string[], count: number, seed: number): SearchQuery[] {
  const random = seededRandom(seed);
  const rows = titles.map((_, row) => row);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j] ?? 0, rows[i] ?? 0];
  }
  const queries: SearchQuery[] = [];
  for (const row of rows) {
    if (queries.length === count) break;
    const words = (titles[row] ?? '').split(/\s+/u).filter((word) => word !== '');
    const length = Math.min(words.length, random() < 0.5 ? 3 : 4);
    if (length < 3) continue;
    const starts = Array.from({ length: words.length - length + 1 }, (_, start) => start).filter((start) =>
      words.slice(start, start + length).some((word) => TYPO_ABLE.test(word)),
    );
    const start = starts[Math.floor(random() * starts.length)];
    if (start === undefined) continue;
    const window = words.slice(start, start + length);
    const candidates = window.flatMap((word, i) => (TYPO_ABLE.test(word) ? [i] : []));
    const typo = candidates[Math.floor(random() * candidates.length)] ?? 0;
    window[typo] = withTypo(window[typo] ?? '', random);
    queries.push({ query: window.join(' '), relevant: [row] });
  }
  return queries;
}

/**
 * Random-character queries (lib's randomStrings, the generator the builder calibrates the semantic
 * floor with): no shopper's words, so every method should find nothing for them.
 * @param count how many.
 * @param seed the seed; not the calibration's own (FLOOR_SEED), so the floor is tested on strings it was not set on.
 * @throws RecError INTERNAL for the calibration's seed.
 */
export function randomQueries(count: number, seed: number): SearchQuery[] {
  if (seed === FLOOR_SEED) throw new RecError('INTERNAL', `seed ${seed} is the semantic floor's calibration seed: test the floor on other strings`);
  return randomStrings(count, seed).map((query) => ({ query, relevant: [] }));
}
