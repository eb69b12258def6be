/**
 * Measures what quantising the item vectors costs in ranking quality, on the builder's own data:
 * for a sample of real user histories, how many of the float32 top-k recommendations the browser
 * would still show when it loads the float16 or int8 file instead. Owns no maths of its own: the
 * files are written and read with core/vectors.ts (as the browser reads them, unit-norm check
 * included), and each history is replayed with core/rank.ts exactly as the browser does:
 *
 *   u ← normalise(1·u + 1·v_item)   for each item of the history in order (updateInterest, decay 1)
 *   top-k of scoreAll(items, u), excluding the history's items (as the browser excludes purchases)
 *   recall_h = |top-k(quantised) ∩ top-k(float32)| / |top-k(float32)|
 *
 * The quantised ranking also uses the quantised vectors for u, since that is what the browser has.
 */
import { scoreAll, topK, updateInterest } from '../../core/rank.ts';
import { decodeVectors, encodeVectors } from '../../core/vectors.ts';

/** The storage types compared against float32. */
export type QuantisedDtype = 'float16' | 'int8';

/** Options of `quantisationRecall`. */
export interface QuantisationRecallOptions {
  /** Size of the compared top lists (default 50). */
  readonly k?: number;
  /** Which types to measure (default both); the others come back as NaN. */
  readonly dtypes?: readonly QuantisedDtype[];
}

/**
 * Mean recall@k of quantised scoring against float32 over user histories.
 * @param vectors count x dim float32 unit rows (the model's item vectors).
 * @param count number of items.
 * @param dim dimension.
 * @param histories item rows per user, in time order; empty histories are skipped.
 * @param options k (default 50), dtypes (default float16 and int8).
 * @returns mean recall per dtype, in [0, 1]; NaN for a dtype not measured or when no history has items.
 * @throws RangeError for a row outside [0, count); RecError (MODEL_VECTORS_INVALID) when the rows
 *   are not unit-length, as the browser would reject the file.
 */
export function quantisationRecall(
  vectors: Float32Array,
  count: number,
  dim: number,
  histories: readonly (readonly number[])[],
  options: QuantisationRecallOptions = {},
): Record<QuantisedDtype, number> {
  const k = options.k ?? 50;
  const dtypes = options.dtypes ?? ['float16', 'int8'];
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be an integer >= 1, found ${k}`);
  if (vectors.length !== count * dim) throw new RangeError(`vectors has ${vectors.length} values, expected ${count} x ${dim}`);
  histories.forEach((history, h) =>
    history.forEach((row, p) => {
      if (!Number.isInteger(row) || row < 0 || row >= count) throw new RangeError(`history ${h} position ${p}: row ${row} is not an integer in [0, ${count})`);
    }),
  );
  const used = histories.filter((history) => history.length > 0);
  const reference = used.map((history) => recommend(vectors, dim, history, k));
  const result: Record<QuantisedDtype, number> = { float16: Number.NaN, int8: Number.NaN };
  for (const dtype of dtypes) {
    if (used.length === 0) continue;
    const decoded = decodeVectors(encodeVectors(vectors, count, dim, dtype), count, dim, dtype, `vectors.${dtype}`);
    let sum = 0;
    used.forEach((history, h) => {
      const expected = reference[h] ?? [];
      if (expected.length === 0) {
        sum += 1; // every item is in the history: nothing to recommend either way
        return;
      }
      const wanted = new Set(expected);
      const found = recommend(decoded, dim, history, k).filter((row) => wanted.has(row)).length;
      sum += found / expected.length;
    });
    result[dtype] = sum / used.length;
  }
  return result;
}

/** The browser's top-k for one history: replay it item by item, score, exclude the history. */
function recommend(items: Float32Array, dim: number, history: readonly number[], k: number): readonly number[] {
  let interest: Float32Array = new Float32Array(dim);
  for (const row of history) interest = updateInterest(interest, 1, [{ kind: 'row', row, weight: 1 }], items, dim);
  return topK(scoreAll(items, dim, interest, null, 0), k, new Set(history)).rows;
}
