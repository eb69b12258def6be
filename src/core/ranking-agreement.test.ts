// How a backend's ranking is checked against core's reference: equal within float32 rounding, rows
// swapped or replaced only where scores tie.
import { describe, expect, it } from 'vitest';
import { compareRankings } from './ranking-agreement.ts';

describe('compareRankings', () => {
  const expected = { rows: [4, 2, 9], scores: [0.9, 0.5, 0.3] };

  it('agrees with the same ranking, and with rows swapped or replaced only where scores tie', () => {
    expect(compareRankings(expected, expected)).toEqual({ agree: true, maxScoreDifference: 0 });
    expect(compareRankings({ rows: [4, 2, 7], scores: [0.9, 0.5, 0.30001] }, expected).agree).toBe(true);
    expect(compareRankings({ rows: [4, 9, 2], scores: [0.9, 0.50001, 0.49999] }, { rows: [4, 2, 9], scores: [0.9, 0.5, 0.5] }).agree).toBe(true);
  });

  it('disagrees on a different row, a different score, or a shorter list', () => {
    expect(compareRankings({ rows: [4, 7, 9], scores: [0.9, 0.5, 0.3] }, expected).agree).toBe(false);
    expect(compareRankings({ rows: [4, 2, 9], scores: [0.9, 0.4, 0.3] }, expected)).toEqual({ agree: false, maxScoreDifference: expect.closeTo(0.1, 6) });
    expect(compareRankings({ rows: [4, 2], scores: [0.9, 0.5] }, expected)).toEqual({ agree: false, maxScoreDifference: Number.POSITIVE_INFINITY });
  });

  it('takes the tolerance it is given', () => {
    const close = { rows: [4, 2, 9], scores: [0.9, 0.501, 0.3] };
    expect(compareRankings(close, expected).agree).toBe(false);
    expect(compareRankings(close, expected, 0.01).agree).toBe(true);
  });
});
