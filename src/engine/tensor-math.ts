/**
 * core/rank.ts's math as TF.js ops, for the item space on a tensor backend (and, for the
 * similarities of a few rows, on wasm): `updateInterest` (combine + normaliseRow) and `gramMatrix`
 * (unitGram, unitGramOfRows). Each op mirrors the reference step by step, so unit tests can hold
 * the two together within float32 rounding. No state, no backend choice: callers run these inside
 * backend.ts `onBackend`, and the synchronous ones inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asMatrix, type ItemRows } from '../core/item-matrix.ts';
import type { InterestTerm } from '../core/rank.ts';

/**
 * Below this L2 norm a vector counts as zero and stays zero (core/rank.ts `normalise`). To compare
 * against it without float32 underflow, the sum is first scaled by its largest |value|; a sum whose
 * largest |value| is below NEGLIGIBLE has a norm below sqrt(D) * NEGLIGIBLE, far under the threshold.
 */
const ZERO_NORM = 1e-12;
const NEGLIGIBLE = 1e-30;

/**
 * The popularity prior as scoring adds it: priorWeight * popularity per row (float32 products, as
 * core/rank.ts `scoreAll` computes them), or null when it adds nothing.
 * @param popularity one value per row, or null.
 * @param priorWeight how much the prior adds.
 */
export function weightedPrior(popularity: Float32Array | null, priorWeight: number): Float32Array | null {
  return popularity === null || priorWeight === 0 ? null : popularity.map((p) => priorWeight * p);
}

/**
 * Reads a tensor's float32 values back and frees it, with `await data()`: `dataSync()` silently
 * returns zeros on webgpu. The values are copied: on cpu, data() hands out the tensor's own
 * storage, which may be an array the caller still holds (tf.tensor keeps what it is given there).
 * @param tensor freed whether or not the read succeeds.
 */
export async function readFloats(tensor: tf.Tensor): Promise<Float32Array> {
  try {
    return (await tensor.data<'float32'>()).slice();
  } finally {
    tensor.dispose();
  }
}

/**
 * core/rank.ts `updateInterest` on the backend: normalise(decay * u + sum of w * v), where v is an
 * item row (gathered from the matrix) or an outside vector. Call inside tf.tidy.
 * @param interest u, [1, D].
 * @param decay the factor for the past.
 * @param terms the checked contributions.
 * @param items the item matrix [N, D].
 */
export function combine(interest: tf.Tensor2D, decay: number, terms: readonly InterestTerm[], items: tf.Tensor2D): tf.Tensor2D {
  const dim = interest.shape[1];
  const rows = terms.flatMap((term) => (term.kind === 'row' ? [term] : []));
  const outside = terms.flatMap((term) => (term.kind === 'vector' ? [term] : []));
  // Each weighted sum is one [1, K] x [K, D] product.
  let sum: tf.Tensor2D = tf.mul(interest, tf.scalar(decay));
  if (rows.length > 0) {
    const gathered = tf.gather(
      items,
      tf.tensor1d(
        rows.map((term) => term.row),
        'int32',
      ),
    );
    sum = tf.add(
      sum,
      tf.matMul(
        tf.tensor2d(
          rows.map((term) => term.weight),
          [1, rows.length],
        ),
        gathered,
      ),
    );
  }
  if (outside.length > 0) {
    const stacked = new Float32Array(outside.length * dim);
    outside.forEach((term, i) => stacked.set(term.vector, i * dim));
    sum = tf.add(
      sum,
      tf.matMul(
        tf.tensor2d(
          outside.map((term) => term.weight),
          [1, outside.length],
        ),
        tf.tensor2d(stacked, [outside.length, dim]),
      ),
    );
  }
  return normaliseRow(sum);
}

/**
 * core/rank.ts `normalise` on the backend: x / |x|, or zeros when |x| < ZERO_NORM. Call inside
 * tf.tidy.
 * @param sum one row, [1, D].
 */
export function normaliseRow(sum: tf.Tensor2D): tf.Tensor2D {
  const largest = tf.maximum(tf.max(tf.abs(sum)), NEGLIGIBLE);
  const scaled = tf.div(sum, largest);
  const scaledNorm = tf.sqrt(tf.sum(tf.square(scaled)));
  const norm = tf.mul(scaledNorm, largest);
  return tf.where(tf.less(norm, ZERO_NORM), tf.zerosLike(sum), tf.div(scaled, scaledNorm));
}

/**
 * core/rank.ts `gramMatrix` over a resident item matrix: the candidates' rows, scaled to unit
 * length (a sequence model's item table is not), times themselves, [K, D] x [D, K]; a zero row
 * stays zero. Call inside tf.tidy.
 * @param items the item matrix [N, D].
 * @param rows the candidates (checked).
 * @returns [K, K].
 */
export function unitGram(items: tf.Tensor2D, rows: readonly number[]): tf.Tensor2D {
  const gathered = tf.gather(items, tf.tensor1d([...rows], 'int32'));
  const unit = tf.div(gathered, tf.maximum(tf.norm(gathered, 'euclidean', 1, true), NEGLIGIBLE));
  return tf.matMul(unit, unit, false, true);
}

/**
 * core/rank.ts `gramMatrix` without a resident item tensor (the item space on wasm keeps none): the
 * candidates' rows scaled to unit length on the CPU (as core's `normalise`), then one matMul, handed
 * [K, D] and its transpose [D, K] because wasm's matMul is 5-10x slower with a transposed operand
 * (at 200 x 512 this takes ~2 ms in Node, the loop in JS ~15 ms). Call inside onBackend.
 * @param vectors the item matrix.
 * @param dim values per row.
 * @param rows the candidates (checked).
 * @returns rows.length² values, row-major.
 */
export async function unitGramOfRows(vectors: ItemRows, dim: number, rows: readonly number[]): Promise<Float32Array> {
  const matrix = asMatrix(vectors, dim);
  const k = rows.length;
  const unit = new Float32Array(k * dim);
  const transposed = new Float32Array(dim * k);
  // Indexed loops into preallocated arrays: this runs on every re-rank, on the main thread, and a
  // copy and two closures per row cost more than the matMul (measured in the storefront's profile).
  for (let i = 0; i < k; i++) {
    const start = i * dim;
    matrix.readRow(rows[i] ?? 0, unit, start);
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const value = unit[start + j] ?? 0;
      sum += value * value;
    }
    // core's normalise, inlined: a row below ZERO_NORM is zero, else each value over the norm.
    const norm = Math.sqrt(sum);
    if (norm < ZERO_NORM) {
      unit.fill(0, start, start + dim);
      continue;
    }
    for (let j = 0; j < dim; j++) {
      const value = (unit[start + j] ?? 0) / norm;
      unit[start + j] = value;
      transposed[j * k + i] = value;
    }
  }
  return readFloats(tf.tidy(() => tf.matMul(tf.tensor2d(unit, [k, dim]), tf.tensor2d(transposed, [dim, k]))));
}
