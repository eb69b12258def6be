import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { toItemId } from './ids.ts';
import {
  fuseByReciprocalRank,
  interestCosine,
  nearestCategories,
  normaliseQuery,
  PERSONAL_WEIGHT,
  personaliseWithin,
  wholeQueryTier,
  RRF_K,
  semanticWeightFor,
  type SearchMatch,
} from './search.ts';

const match = (row: number, relevance: number, coverage = 1): SearchMatch => ({ row, relevance, coverage, lexicalRank: 0, semanticRank: null });

describe('fuseByReciprocalRank', () => {
  it('sums 1 / (k + rank) over the retrievers that found an item, so agreement ranks first', () => {
    const fused = fuseByReciprocalRank(
      [
        { row: 7, score: 9, coverage: 1 },
        { row: 3, score: 5, coverage: 0.5 },
      ],
      [
        { row: 3, similarity: 0.9 },
        { row: 5, similarity: 0.8 },
      ],
      0.5,
    );
    expect(fused.map((m) => m.row)).toEqual([3, 7, 5]);
    expect(fused[0]).toEqual({ row: 3, relevance: 1 / (RRF_K + 2) + 0.5 / (RRF_K + 1), coverage: 0.5, lexicalRank: 1, semanticRank: 0 });
    expect(fused[1]).toEqual({ row: 7, relevance: 1 / (RRF_K + 1), coverage: 1, lexicalRank: 0, semanticRank: null });
    expect(fused[2]).toEqual({ row: 5, relevance: 0.5 / (RRF_K + 2), coverage: 0, lexicalRank: null, semanticRank: 1 });
  });

  it('weighs the semantic ranking by the weight given', () => {
    const fused = fuseByReciprocalRank([{ row: 1, score: 1, coverage: 1 }], [{ row: 2, similarity: 0.9 }], 2);
    expect(fused.map((m) => [m.row, m.relevance])).toEqual([
      [2, 2 / (RRF_K + 1)],
      [1, 1 / (RRF_K + 1)],
    ]);
  });

  it('gives rows the words score alike one rank, and orders them by meaning even at weight 0', () => {
    const fused = fuseByReciprocalRank(
      [
        { row: 4, score: 3, coverage: 1 },
        { row: 1, score: 2, coverage: 1 },
        { row: 2, score: 2, coverage: 1 },
        { row: 3, score: 2, coverage: 1 },
        { row: 0, score: 1, coverage: 1 },
      ],
      [
        { row: 0, similarity: 0.9 },
        { row: 3, similarity: 0.8 },
        { row: 2, similarity: 0.7 },
      ],
      0,
    );
    // Row 0 is the meaning's first but the words' last: weight 0 leaves it there.
    expect(fused.map((m) => m.row)).toEqual([4, 3, 2, 1, 0]);
    expect(fused.map((m) => m.lexicalRank)).toEqual([0, 1, 1, 1, 4]);
    expect(fused[1]?.relevance).toBe(1 / (RRF_K + 2));
  });

  it('counts a row listed twice by one retriever once, at its best rank', () => {
    const fused = fuseByReciprocalRank(
      [
        { row: 1, score: 2, coverage: 1 },
        { row: 1, score: 1, coverage: 0.5 },
      ],
      [],
      1,
    );
    expect(fused).toEqual([{ row: 1, relevance: 1 / (RRF_K + 1), coverage: 1, lexicalRank: 0, semanticRank: null }]);
  });
});

describe('semanticWeightFor', () => {
  const hit = (coverage: number) => ({ row: 0, score: 1, coverage });

  it('gives the meaning more say the less of the query the best row holds, never less than the minimum', () => {
    expect(semanticWeightFor([hit(1 / 3), hit(2 / 3)], 0)).toBeCloseTo(1 / 3, 9);
    expect(semanticWeightFor([hit(1)], 0.1)).toBe(0.1);
    expect(semanticWeightFor([], 0)).toBe(1);
  });
});

describe('personaliseWithin', () => {
  const matches = [match(0, 1), match(1, 0.98), match(2, 0.4)];

  it('keeps the relevance order without an interest', () => {
    expect(personaliseWithin(matches, null).map((m) => m.row)).toEqual([0, 1, 2]);
  });

  it('lets the interest decide between matches of similar relevance', () => {
    const interest = (row: number) => (row === 1 ? 0.9 : 0);
    expect(personaliseWithin(matches, interest).map((m) => m.row)).toEqual([1, 0, 2]);
  });

  it('keeps the matches holding every word of the query above the rest, the interest deciding within each', () => {
    // Row 0 holds all the words; rows 1 and 2 hold some, nearly as relevant and far closer to the interest.
    const tiered = [match(0, 1), match(1, 0.99, 0.75), match(2, 0.98, 0.75), match(3, 0.97)];
    const interest = (row: number) => (row === 0 ? -0.5 : row === 2 ? 0.9 : 0);
    expect(personaliseWithin(tiered, interest, wholeQueryTier).map((m) => m.row)).toEqual([3, 0, 2, 1]);
    // Without tiers the interest lifts the partial matches over both whole ones.
    expect(personaliseWithin(tiered, interest).map((m) => m.row)).toEqual([2, 1, 3, 0]);
    // Without an interest the fused order stands, tiers or not.
    expect(personaliseWithin(tiered, null, wholeQueryTier).map((m) => m.row)).toEqual([0, 1, 2, 3]);
  });

  it('never lifts a match below 1 - 2 x PERSONAL_WEIGHT of the best relevance over it', () => {
    const weak = 1 - 2 * PERSONAL_WEIGHT - 0.01;
    const interest = (row: number) => (row === 1 ? 1 : -1);
    expect(personaliseWithin([match(0, 1), match(1, weak)], interest).map((m) => m.row)).toEqual([0, 1]);
  });
});

describe('interestCosine', () => {
  it('is the cosine of the interest with a row, 0 for a zero row', () => {
    const cosine = interestCosine(Float32Array.of(0, 3), Float32Array.of(1, 0, 0, 2, 1, 1, 0, 0), 2);
    expect(cosine(0)).toBeCloseTo(0, 6);
    expect(cosine(1)).toBeCloseTo(1, 6);
    expect(cosine(2)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(cosine(3)).toBe(0);
  });
});

describe('normaliseQuery and nearestCategories', () => {
  it(
    'trims, collapses whitespace and caps the length',
    faultTest('Search queries', 'A query of only white space, or longer than the length cap', async () => {
      expect(normaliseQuery('  warm \n jacket\t ')).toBe('warm jacket');
      expect(normaliseQuery('x'.repeat(500))).toHaveLength(200);
    }),
  );

  it('suggests the categories most represented among the nearest items, never a blank one', () => {
    const item = (category: string) => ({
      id: toItemId(category),
      title: 't',
      category,
      description: '',
      price: null,
      image: null,
      group: null,
      inStock: true,
    });
    const items = [item('Shoes'), item('Garden'), item(''), item('Shoes'), item('Toys'), item('Books')];
    const nearest = [0, 1, 2, 3, 4, 5].map((row) => ({ row, similarity: 0 }));
    expect(nearestCategories(items, nearest)).toEqual(['Shoes', 'Books', 'Garden']);
  });
});
