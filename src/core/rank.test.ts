import { describe, expect, it } from 'vitest';
import { decayFactor, gramMatrix, normalise, scanAbove, scoreAll, topK, updateInterest, type RowsAbove } from './rank.ts';
import { seededRandom } from './test-support.ts';

describe('topK', () => {
  it('matches a full sort, best first, skipping excluded rows', () => {
    const random = seededRandom(7);
    const scores = Float32Array.from({ length: 500 }, () => random());
    const excluded = new Set([3, 10, 42]);
    const expected = [...scores.keys()]
      .filter((row) => !excluded.has(row))
      .sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0))
      .slice(0, 20);
    const result = topK(scores, 20, excluded);
    expect(result.rows).toEqual(expected);
    expect(result.scores).toEqual(expected.map((row) => scores[row]));
  });

  it('breaks ties by the lower row and handles k larger than the candidates', () => {
    const scores = Float32Array.from([1, 2, 2, 1]);
    expect(topK(scores, 3, new Set()).rows).toEqual([1, 2, 0]);
    expect(topK(scores, 10, new Set([1])).rows).toEqual([2, 0, 3]);
    expect(topK(scores, 0, new Set()).rows).toEqual([]);
  });

  it('asks its RowsAbove only once k are kept, from the row after the last one read, with the k-th kept score', () => {
    const scores = Float32Array.from([5, 1, 3, 2, 9, 0, 4, 7]);
    const asked: Array<[number, number]> = [];
    const recording: RowsAbove = (from, threshold) => {
      asked.push([from, threshold]);
      return scanAbove(scores)(from, threshold);
    };
    expect(topK(scores, 2, new Set([4]), recording)).toEqual({ rows: [7, 0], scores: [7, 5] });
    // Kept 5 and 1 (rows 0, 1) without asking; then it finds 3 (row 2), 9 (row 4: excluded, so the
    // k-th stays 3), 4 (row 6) and 7 (row 7), the last row, after which there is nothing to ask.
    expect(asked).toEqual([
      [2, 1],
      [3, 3],
      [5, 3],
      [7, 4],
    ]);
  });
});

describe('scanAbove', () => {
  it('finds the first row at or after `from` strictly above the threshold, never a NaN, or the length', () => {
    const above = scanAbove(Float32Array.from([1, Number.NaN, 2, 2, Number.POSITIVE_INFINITY]));
    expect(above(0, 1)).toBe(2);
    expect(above(3, 2)).toBe(4);
    expect(above(0, Number.POSITIVE_INFINITY)).toBe(5);
    expect(above(0, Number.NaN)).toBe(5);
    expect(above(5, Number.NEGATIVE_INFINITY)).toBe(5);
    expect(above(1, Number.NEGATIVE_INFINITY)).toBe(2);
  });
});

describe('interest update', () => {
  it('halves the past after one half-life', () => {
    expect(decayFactor(0, 1000)).toBe(1);
    expect(decayFactor(1000, 1000)).toBeCloseTo(0.5);
    expect(decayFactor(-5, 1000)).toBe(1);
  });

  it('normalises, and a zero vector stays zero', () => {
    const v = normalise(Float32Array.from([3, 4]));
    expect([...v]).toEqual([expect.closeTo(0.6), expect.closeTo(0.8)]);
    expect([...normalise(new Float32Array(3))]).toEqual([0, 0, 0]);
  });

  it('moves towards positively weighted rows and away from negative ones', () => {
    const items = Float32Array.from([1, 0, 0, 1]);
    const towardsFirst = updateInterest(new Float32Array(2), 1, [{ kind: 'row', row: 0, weight: 1 }], items, 2);
    expect([...towardsFirst]).toEqual([1, 0]);
    const mixed = updateInterest(
      towardsFirst,
      0.5,
      [
        { kind: 'row', row: 1, weight: -0.5 },
        { kind: 'vector', vector: Float32Array.from([0, 0]), weight: 1 },
      ],
      items,
      2,
    );
    expect(mixed[0]).toBeGreaterThan(0);
    expect(mixed[1]).toBeLessThan(0);
    expect(Math.hypot(mixed[0] ?? 0, mixed[1] ?? 0)).toBeCloseTo(1);
  });

  it('scores by dot product plus the weighted prior', () => {
    const items = Float32Array.from([1, 0, 0, 1]);
    const scores = scoreAll(items, 2, Float32Array.from([1, 0]), Float32Array.from([0, 1]), 0.5);
    expect([...scores]).toEqual([1, 0.5]);
  });
});

describe('gramMatrix', () => {
  it('gives cosines whatever the rows’ lengths, and 0 against a zero row', () => {
    // Rows: (3, 4), (0, 2), (0, 0), length 5, 2 and 0.
    const items = Float32Array.of(3, 4, 0, 2, 0, 0);
    const gram = gramMatrix(items, 2, [0, 1, 2]);
    [1, 0.8, 0, 0.8, 1, 0, 0, 0, 0].forEach((cosine, i) => expect(gram[i]).toBeCloseTo(cosine, 6));
  });
});
