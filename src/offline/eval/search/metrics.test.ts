import { describe, expect, it } from 'vitest';
import { createSetAccumulator, scoreQuery } from './metrics.ts';

const g = (rank: number): number => 1 / Math.log2(rank + 1);
/** `count` filler rows (never relevant), then `row`. */
const at = (rank: number, row = 99): number[] => [...Array.from({ length: rank - 1 }, (_, i) => 1000 + i), row];

describe('scoreQuery', () => {
  it('scores one relevant item at rank 1, 3, exactly 10 and 11', () => {
    expect(scoreQuery([99], at(1))).toEqual({ ndcg10: 1, hr10: 1, mrr10: 1 });
    const third = scoreQuery([99], at(3));
    expect(third.ndcg10).toBeCloseTo(0.5, 12);
    expect(third.hr10).toBe(1);
    expect(third.mrr10).toBeCloseTo(1 / 3, 12);
    const tenth = scoreQuery([99], at(10));
    expect(tenth.ndcg10).toBeCloseTo(1 / Math.log2(11), 12);
    expect(tenth.hr10).toBe(1);
    expect(tenth.mrr10).toBeCloseTo(0.1, 12);
    expect(scoreQuery([99], at(11))).toEqual({ ndcg10: 0, hr10: 0, mrr10: 0 });
  });

  it('normalises nDCG by the best ordering of min(10, relevant) hits', () => {
    // Relevant 5, 6, 7; ranked: 5 at rank 1, 7 at rank 3, 6 beyond the page.
    const ranked = [5, 1, 7, ...Array.from({ length: 10 }, (_, i) => 100 + i), 6];
    const scores = scoreQuery([5, 6, 7], ranked);
    expect(scores.ndcg10).toBeCloseTo((g(1) + g(3)) / (g(1) + g(2) + g(3)), 12);
    expect(scores.mrr10).toBe(1);
    // Twelve relevant items, all in the top 10: the ideal is 10 hits, so nDCG is 1.
    const many = Array.from({ length: 12 }, (_, i) => i);
    expect(scoreQuery(many, many).ndcg10).toBeCloseTo(1, 12);
  });

  it('scores nothing for an empty ranking or a query with nothing relevant', () => {
    expect(scoreQuery([1], [])).toEqual({ ndcg10: 0, hr10: 0, mrr10: 0 });
    expect(scoreQuery([], [1, 2])).toEqual({ ndcg10: 0, hr10: 0, mrr10: 0 });
  });
});

describe('createSetAccumulator', () => {
  it('averages over queries and counts the ones that matched nothing', () => {
    const set = createSetAccumulator();
    set.add([99], at(1));
    set.add([99], at(2));
    set.add([99], []);
    set.add([], []);
    const summary = set.summary();
    expect(summary.queries).toBe(4);
    expect(summary.hr10).toBeCloseTo(2 / 4, 12);
    expect(summary.mrr10).toBeCloseTo((1 + 0.5) / 4, 12);
    expect(summary.ndcg10).toBeCloseTo((1 + g(2)) / 4, 12);
    expect(summary.zeroResultRate).toBeCloseTo(2 / 4, 12);
  });
});
