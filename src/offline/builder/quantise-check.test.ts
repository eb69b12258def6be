import { describe, expect, it } from 'vitest';
import { RecError } from '../../core/errors.ts';
import { normalise, scoreAll, topK, updateInterest } from '../../core/rank.ts';
import { decodeVectors, encodeVectors } from '../../core/vectors.ts';
import { seededRandom } from '../../core/test-support.ts';
import { quantisationRecall } from './quantise-check.ts';

function randomUnitRows(count: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const out = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) out.set(normalise(Float32Array.from({ length: dim }, () => random() * 2 - 1)), row * dim);
  return out;
}

function randomHistories(count: number, histories: number, seed: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: histories }, () => Array.from({ length: 1 + Math.floor(random() * 10) }, () => Math.floor(random() * count)));
}

describe('quantisationRecall', () => {
  it('is 1 when quantisation changes no ranking', () => {
    // Every sign pattern of ±0.5 in 4 dimensions: exact in float16, and int8 scales every row alike.
    const rows = Array.from({ length: 16 }, (_, r) => [0, 1, 2, 3].map((bit) => ((r >> bit) & 1 ? 0.5 : -0.5)));
    const vectors = Float32Array.from(rows.flat());
    const recall = quantisationRecall(vectors, 16, 4, [[0], [5, 6], [15, 1, 2]], { k: 5 });
    expect(recall).toEqual({ float16: 1, int8: 1 });
  });

  it('measures the exact share of the float32 top-k kept when int8 rounding swaps two close items', () => {
    // Against h = (1, 0), a scores 0.1 and b 0.1015; stored as int8 (scale = the larger coordinate / 127)
    // both x coordinates round to 13 steps, a's steps being larger, so int8 ranks a first. float16 keeps b first.
    const a = [0.1, Math.sqrt(1 - 0.1 ** 2)];
    const b = [0.1015, Math.sqrt(1 - 0.1015 ** 2)];
    const vectors = Float32Array.from([1, 0, ...a, ...b]);
    // History [h]: top-1 is b in float32, a in int8 (recall 0); history [b]: top-1 is a either way (recall 1).
    expect(quantisationRecall(vectors, 3, 2, [[0], [2]], { k: 1 })).toEqual({ float16: 1, int8: 0.5 });
    expect(quantisationRecall(vectors, 3, 2, [[0]], { k: 1 })).toEqual({ float16: 1, int8: 0 });
    // With k = 2 both lists hold both items: nothing is lost.
    expect(quantisationRecall(vectors, 3, 2, [[0]], { k: 2 })).toEqual({ float16: 1, int8: 1 });
    // A history holding every item leaves nothing to recommend either way: it counts as recall 1,
    // so with [h] (int8 recall 0) the mean is 0.5.
    expect(quantisationRecall(vectors, 3, 2, [[0, 1, 2], [0]], { k: 1 })).toEqual({ float16: 1, int8: 0.5 });
  });

  it('keeps most of the float32 top 50 on random unit vectors, float16 more than int8', () => {
    const count = 2000;
    const dim = 64;
    const recall = quantisationRecall(randomUnitRows(count, dim, 3), count, dim, randomHistories(count, 100, 4));
    expect(recall.int8).toBeGreaterThanOrEqual(0.9);
    expect(recall.float16).toBeGreaterThanOrEqual(recall.int8);
    expect(recall.float16).toBeGreaterThan(0.98);
    expect(recall.float16).toBeLessThanOrEqual(1);
  });

  it('measures only the dtypes asked for, and gives NaN without histories', () => {
    const vectors = randomUnitRows(100, 8, 1);
    const onlyInt8 = quantisationRecall(vectors, 100, 8, [[1, 2]], { dtypes: ['int8'], k: 10 });
    expect(onlyInt8.float16).toBeNaN();
    expect(onlyInt8.int8).toBeGreaterThan(0);
    const none = quantisationRecall(vectors, 100, 8, [[], []]);
    expect(none.float16).toBeNaN();
    expect(none.int8).toBeNaN();
  });

  it('rejects rows outside the catalogue and vectors the browser would reject', () => {
    const vectors = randomUnitRows(10, 4, 2);
    expect(() => quantisationRecall(vectors, 10, 4, [[1, 10]])).toThrow(/history 0 position 1: row 10 is not an integer in \[0, 10\)/);
    expect(() =>
      quantisationRecall(
        vectors.map((x) => 2 * x),
        10,
        4,
        [[1]],
      ),
    ).toThrow(RecError);
    expect(() => quantisationRecall(vectors, 10, 4, [[1]], { k: 0 })).toThrow(/k must be an integer >= 1, found 0/);
  });

  it.each([
    [[[1, -1]], 'history 0 position 1: row -1 is not an integer in [0, 10)'],
    [[[2], [0, 1.5]], 'history 1 position 1: row 1.5 is not an integer in [0, 10)'],
  ])('rejects history rows %j that are negative or not whole: %s', (histories, message) => {
    expect(() => quantisationRecall(randomUnitRows(10, 4, 2), 10, 4, histories)).toThrow(new RangeError(message));
  });

  it('rejects vectors whose length is not count x dim', () => {
    expect(() => quantisationRecall(randomUnitRows(10, 4, 2).subarray(1), 10, 4, [[1]])).toThrow(new RangeError('vectors has 39 values, expected 10 x 4'));
  });

  it.each([
    [undefined, 'vectors.float16'],
    [['int8'] as const, 'vectors.int8'],
  ])('names the quantised file that is not unit-length (dtypes %j) as %s', (dtypes, file) => {
    const doubled = randomUnitRows(10, 4, 2).map((x) => 2 * x);
    expect(() => quantisationRecall(doubled, 10, 4, [[1]], dtypes === undefined ? {} : { dtypes })).toThrow(
      expect.objectContaining({ code: 'MODEL_VECTORS_INVALID', location: { file } }),
    );
  });

  it('scores histories together exactly as the browser scores each alone (scoreAll, topK), over several groups and a 13-wide space', () => {
    const count = 300;
    const dim = 13;
    const vectors = randomUnitRows(count, dim, 5);
    const histories = randomHistories(count, 40, 6);
    const browser = (items: Float32Array, history: readonly number[]): readonly number[] => {
      let interest: Float32Array = new Float32Array(dim);
      for (const row of history) interest = updateInterest(interest, 1, [{ kind: 'row', row, weight: 1 }], items, dim);
      return topK(scoreAll(items, dim, interest, null, 0), 20, new Set(history)).rows;
    };
    const expected = { float16: 0, int8: 0 };
    for (const dtype of ['float16', 'int8'] as const) {
      const decoded = decodeVectors(encodeVectors(vectors, count, dim, dtype), count, dim, dtype, 'vectors');
      for (const history of histories) {
        const wanted = new Set(browser(vectors, history));
        expected[dtype] += browser(decoded, history).filter((row) => wanted.has(row)).length / wanted.size / histories.length;
      }
    }
    const measured = quantisationRecall(vectors, count, dim, histories, { k: 20 });
    expect(measured.float16).toBeCloseTo(expected.float16, 12);
    expect(measured.int8).toBeCloseTo(expected.int8, 12);
    expect(measured.int8).toBeLessThan(1); // the case is not trivial: int8 loses some of the top 20
  });
});
