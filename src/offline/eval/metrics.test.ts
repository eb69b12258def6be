import { describe, expect, it } from 'vitest';
import type { EvalCase } from './dataset.ts';
import { createMetricsAccumulator, scoreCase } from './metrics.ts';

const gain = (rank: number): number => 1 / Math.log2(rank + 1);

/** A case with only what the metrics read: the targets and the history length. */
function evalCase(historyLength: number, targets: readonly number[]): EvalCase {
  return { user: 0, history: [], historyLength, masked: new Set(), targets };
}

/** Rows from `from` up to but not including `to`. */
const rows = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('scoreCase', () => {
  it('counts a target at exactly rank 5, 10 or 20 as within that cutoff', () => {
    // Targets 12 and 1 at ranks 5 and 10; target 13 at rank 20.
    const basket = scoreCase([12, 1], [2, 3, 4, 5, 12, 6, 7, 8, 9, 1, ...rows(14, 24)]);
    expect(basket.hr).toEqual([1, 1, 1]);
    expect(basket.recall).toEqual([0.5, 1, 1]);
    // Ideal for two targets: gain(1) + gain(2) = 1 + 1/log2(3).
    expect(basket.ndcg[0]).toBeCloseTo(gain(5) / (1 + gain(2)), 12);
    expect(basket.ndcg[1]).toBeCloseTo((gain(5) + gain(10)) / (1 + gain(2)), 12);
    expect(basket.mrr).toBe(1 / 5);
    const late = scoreCase([13], [...rows(0, 13), ...rows(14, 20), 13]);
    expect(late).toEqual({ hr: [0, 0, 1], ndcg: [0, 0, gain(20)], recall: [0, 0, 1], mrr: 1 / 20 });
  });

  it('scores 0, not NaN, for a ranking without a target and for a case without targets', () => {
    const zero = { hr: [0, 0, 0], ndcg: [0, 0, 0], recall: [0, 0, 0], mrr: 0 };
    expect(scoreCase([30], rows(0, 20))).toEqual(zero);
    expect(scoreCase([], rows(0, 20))).toEqual(zero);
  });
});

describe('createMetricsAccumulator', () => {
  // 24 items: rows 0..11 never trained on (cold), rows 12..23 ten times each (warm: 10 is not
  // below COLD_BELOW). Mid-rank percentiles: count 0 → 100 · (0 + 12/2) / 24 = 25, count 10 → 75.
  const trainingCounts = Float32Array.from(rows(0, 24), (row) => (row < 12 ? 0 : 10));
  // No text vectors, though their size is known: diversity is not measured (and not read).
  const context = { itemCount: 24, trainingCounts, textVectors: null, textDim: 512 };

  it('sums four cases into every metric, its history-length and target-popularity buckets', () => {
    const metrics = createMetricsAccumulator(context);
    // 1: history 1, cold target 0 at rank 1.
    metrics.add(evalCase(1, [0]), rows(0, 20));
    // 2: history 5, a basket of warm 12 and cold 1 (warm: not every target is cold) at ranks 5 and 10.
    metrics.add(evalCase(5, [12, 1]), [2, 3, 4, 5, 12, 6, 7, 8, 9, 1, ...rows(14, 24)]);
    // 3: history 6, warm target 13 at rank 20.
    metrics.add(evalCase(6, [13]), [...rows(0, 13), ...rows(14, 20), 13]);
    // 4: no history (in no history bucket), cold target 2 not ranked.
    metrics.add(evalCase(0, [2]), rows(3, 23));
    const basket5 = gain(5) / (1 + gain(2));
    const basket10 = (gain(5) + gain(10)) / (1 + gain(2));
    const summary = metrics.summary();
    expect(summary.cases).toBe(4);
    expect(summary.hr).toEqual({ '5': 0.5, '10': 0.5, '20': 0.75 });
    expect(summary.recall).toEqual({ '5': 0.375, '10': 0.5, '20': 0.75 });
    expect(summary.ndcg['5']).toBeCloseTo((1 + basket5) / 4, 12);
    expect(summary.ndcg['10']).toBeCloseTo((1 + basket10) / 4, 12);
    expect(summary.ndcg['20']).toBeCloseTo((1 + basket10 + gain(20)) / 4, 12);
    expect(summary.mrr).toBeCloseTo((1 + 1 / 5 + 1 / 20) / 4, 12);
    // Only the top 10 of each list count: rows 0..9, 1..9 and 12, 0..9, 3..12 are 13 distinct rows
    // (the full lists would cover 23), and 2 of the 40 listed (row 12 twice) have percentile 75.
    expect(summary.coverage10).toBe(13 / 24);
    expect(summary.popularityPercentile10).toBe((38 * 25 + 2 * 75) / 40);
    expect(summary.diversity10).toBeNull();
    // Histories 1 and 5 fall in 1-5, 6 in 6-10, 0 in none.
    expect(summary.byHistoryLength).toEqual([
      { bucket: '1-5 items', cases: 2, hr10: 1, ndcg10: expect.closeTo((1 + basket10) / 2, 12) },
      { bucket: '6-10 items', cases: 1, hr10: 0, ndcg10: 0 },
      { bucket: '11-20 items', cases: 0, hr10: 0, ndcg10: 0 },
      { bucket: '21+ items', cases: 0, hr10: 0, ndcg10: 0 },
    ]);
    expect(summary.byTargetPopularity).toEqual([
      { bucket: 'cold (< 10 training events)', cases: 2, hr10: 0.5, ndcg10: 0.5 },
      { bucket: 'warm (>= 10)', cases: 2, hr10: 0.5, ndcg10: expect.closeTo(basket10 / 2, 12) },
    ]);
  });

  it('puts a history of 21 or more items in the last bucket', () => {
    const metrics = createMetricsAccumulator(context);
    metrics.add(evalCase(21, [0]), [0]);
    metrics.add(evalCase(500, [0]), [1]);
    expect(metrics.summary().byHistoryLength.map((b) => b.cases)).toEqual([0, 0, 0, 2]);
  });

  it('summarises no cases as zeros, not NaN', () => {
    const summary = createMetricsAccumulator(context).summary();
    expect(summary).toMatchObject({
      cases: 0,
      hr: { '5': 0, '10': 0, '20': 0 },
      ndcg: { '5': 0, '10': 0, '20': 0 },
      recall: { '5': 0, '10': 0, '20': 0 },
      mrr: 0,
      coverage10: 0,
      popularityPercentile10: 0,
    });
    expect(summary.byTargetPopularity.map((b) => [b.cases, b.hr10, b.ndcg10])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});
