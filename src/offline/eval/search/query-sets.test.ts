import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../core/random.ts';
import { FLOOR_SEED, randomStrings } from '../../lib/semantic-floor.ts';
import { categoryQueries, knownItemQueries, randomQueries, withTypo } from './query-sets.ts';

/** Levenshtein distance, for checking that a typo is exactly one edit. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

const TITLES = [
  'Hydrating Face Moisturiser with Shea Butter',
  'Red Shatter Crackle Nail Polish',
  'Mini Lip Kit', // no word of 5 letters: passed over
  'Shampoo', // one word: passed over
  'Organic Argan Oil Conditioner for Curly Hair',
  'Wooden Train Set with Bridge and Tunnel',
  'Stainless Steel Frying Pan 28 cm',
  'Classic Leather Chelsea Boots',
];

describe('withTypo', () => {
  it('makes exactly one edit, never at the first letter, whatever the seed', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const word = seed % 2 === 0 ? 'moisturiser' : 'Crackle';
      const typo = withTypo(word, seededRandom(seed));
      expect(editDistance(word.toLowerCase(), typo.toLowerCase())).toBe(1);
      expect(typo[0]).toBe(word[0]);
    }
  });

  it('uses deletion, replacement and insertion', () => {
    const lengths = new Set(Array.from({ length: 60 }, (_, seed) => withTypo('polish', seededRandom(seed + 1)).length));
    expect([...lengths].sort()).toEqual([5, 6, 7]);
  });
});

describe('knownItemQueries', () => {
  const queries = knownItemQueries(TITLES, 100, 7);

  it('takes 3 or 4 consecutive title words with one word changed by one edit, for usable titles only', () => {
    expect(queries.map((query) => query.relevant)).toHaveLength(6);
    for (const { query, relevant } of queries) {
      expect(relevant).toHaveLength(1);
      const title = (TITLES[relevant[0] ?? -1] ?? '').split(' ');
      const words = query.split(' ');
      expect(words.length === 3 || words.length === 4).toBe(true);
      const start = title.findIndex((_, i) => words.every((word, j) => word === title[i + j] || editDistance(word, title[i + j] ?? '') === 1));
      expect(start).toBeGreaterThanOrEqual(0);
      const changed = words.filter((word, j) => word !== title[start + j]);
      expect(changed).toHaveLength(1);
      expect(editDistance(changed[0] ?? '', title[start + words.indexOf(changed[0] ?? '')] ?? '')).toBe(1);
      expect((title[start + words.indexOf(changed[0] ?? '')] ?? '').length).toBeGreaterThanOrEqual(5);
    }
    expect(queries.some((query) => query.relevant[0] === 2 || query.relevant[0] === 3)).toBe(false);
  });

  it('is deterministic for a seed, differs for another, and stops at the count', () => {
    expect(knownItemQueries(TITLES, 100, 7)).toEqual(queries);
    expect(knownItemQueries(TITLES, 100, 8)).not.toEqual(queries);
    expect(knownItemQueries(TITLES, 2, 7)).toEqual(queries.slice(0, 2));
  });
});

describe('categoryQueries', () => {
  it('makes one query per category of at least 5 items, by name, with its rows; skips blank and tiny ones', () => {
    const leaves = ['Nail Polish', 'Eyeliner', null, 'Nail Polish', 'Nail Polish', ' ', 'Eyeliner', 'Nail Polish', 'Lipstick', 'Nail Polish'];
    const withEyeliner = [...leaves, 'Eyeliner', 'Eyeliner', 'Eyeliner'];
    expect(categoryQueries(leaves)).toEqual([{ query: 'Nail Polish', relevant: [0, 3, 4, 7, 9] }]);
    expect(categoryQueries(withEyeliner).map((query) => query.query)).toEqual(['Eyeliner', 'Nail Polish']);
    expect(categoryQueries(leaves, 1).map((query) => query.query)).toEqual(['Eyeliner', 'Lipstick', 'Nail Polish']);
  });
});

describe('randomQueries', () => {
  it("makes the floor calibration's kind of strings with another seed, with nothing relevant", () => {
    const queries = randomQueries(50, 3);
    expect(queries).toEqual(randomStrings(50, 3).map((query) => ({ query, relevant: [] })));
    expect(queries).not.toEqual(randomQueries(50, 4));
    expect(() => randomQueries(50, FLOOR_SEED)).toThrow(/calibration seed/);
  });
});
