/**
 * The reference implementation of every numeric step, on the item matrix as float32 values or an
 * ItemMatrix (item-matrix.ts: the int8 file layout read in place, with the same values). The engine runs the
 * same math on a TF.js backend (src/engine/item-space.ts and its residents); unit tests hold the two together.
 *
 *   u_t = normalise(decay(dt) * u_{t-1} + sum_i w_i * v_i)      (v_i: an item row or a query vector)
 *   score_j = v_j . u_t + priorWeight * prior_j
 */

import { asMatrix, float32Matrix, type ItemRows } from './item-matrix.ts';

/** A contribution to the interest update: an item row of the matrix, or an outside vector (a query). */
export type InterestTerm =
  { readonly kind: 'row'; readonly row: number; readonly weight: number } | { readonly kind: 'vector'; readonly vector: Float32Array; readonly weight: number };

export interface RankedRows {
  readonly rows: readonly number[];
  readonly scores: readonly number[];
}

/**
 * @param elapsedMs time since the previous interaction (negative counts as 0: clocks can step back).
 * @param halfLifeMs after this long, past interest counts half.
 */
export function decayFactor(elapsedMs: number, halfLifeMs: number): number {
  return 0.5 ** (Math.max(0, elapsedMs) / halfLifeMs);
}

/** @param vector any vector; @returns a new L2-normalised copy, or zeros when it is (near) zero. */
export function normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  if (norm < 1e-12) return out;
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] ?? 0) / norm;
  return out;
}

/**
 * @param interest the current interest vector (dim values).
 * @param decay factor for the past, from decayFactor().
 * @param terms what the new interactions add.
 * @param items the item matrix.
 * @param dim the dimension.
 */
export function updateInterest(interest: Float32Array, decay: number, terms: readonly InterestTerm[], items: ItemRows, dim: number): Float32Array {
  const matrix = asMatrix(items, dim);
  const next = new Float32Array(dim);
  for (let j = 0; j < dim; j++) next[j] = decay * (interest[j] ?? 0);
  for (const term of terms) {
    const values = term.kind === 'row' ? matrix.row(term.row) : term.vector;
    for (let j = 0; j < dim; j++) next[j] = (next[j] ?? 0) + term.weight * (values[j] ?? 0);
  }
  return normalise(next);
}

/**
 * @param items the item matrix (count x dim).
 * @param dim the dimension.
 * @param interest the interest vector.
 * @param prior one popularity value per item, or null.
 * @param priorWeight how much the prior adds.
 */
export function scoreAll(items: ItemRows, dim: number, interest: Float32Array, prior: Float32Array | null, priorWeight: number): Float32Array {
  const matrix = asMatrix(items, dim);
  const scores = new Float32Array(matrix.count);
  for (let row = 0; row < matrix.count; row++) scores[row] = scoreRow(matrix, dim, interest, prior, priorWeight, row);
  return scores;
}

/**
 * One row's score as scoreAll computes it (in float64; scoreAll stores it as float32).
 * @param items the item matrix (count x dim).
 * @param dim the dimension.
 * @param interest the interest vector.
 * @param prior one popularity value per item, or null.
 * @param priorWeight how much the prior adds.
 * @param row which row.
 */
export function scoreRow(items: ItemRows, dim: number, interest: Float32Array, prior: Float32Array | null, priorWeight: number, row: number): number {
  return asMatrix(items, dim).dot(row, interest) + priorWeight * (prior?.[row] ?? 0);
}

/**
 * Some rows' scores, each as scoreRow computes it, stored as float32 (as scoreAll stores them), in
 * one pass of the matrix's dotRows.
 * @param rows which rows, in the order of the result.
 */
export function scoreRows(
  items: ItemRows,
  dim: number,
  interest: Float32Array,
  prior: Float32Array | null,
  priorWeight: number,
  rows: readonly number[],
): Float32Array {
  const dots = new Float64Array(rows.length);
  asMatrix(items, dim).dotRows(rows, interest, dots);
  const scores = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) scores[i] = (dots[i] ?? 0) + priorWeight * (prior?.[rows[i] ?? -1] ?? 0);
  return scores;
}

/**
 * @returns the first row at or after `from` whose score is above `threshold` (NaN never is), or the
 *   number of scores when there is none.
 */
export type RowsAbove = (from: number, threshold: number) => number;

/** RowsAbove over scores in the JS heap, one row at a time. */
export function scanAbove(scores: Float32Array): RowsAbove {
  return (from, threshold) => {
    let row = from;
    while (row < scores.length && !((scores[row] as number) > threshold)) row++;
    return row;
  };
}

/**
 * The k best rows, best first; ties go to the lower row so rankings are deterministic.
 * @param scores one score per row.
 * @param k how many.
 * @param excluded rows never returned (e.g. purchased items).
 * @param rowsAbove finds the next row above the k-th kept score: once k are kept, the rows it
 *   passes over cannot enter. Another one may search faster (the wasm scorer's, four rows at a time
 *   in its module), with the same answers.
 */
export function topK(scores: Float32Array, k: number, excluded: ReadonlySet<number>, rowsAbove: RowsAbove = scanAbove(scores)): RankedRows {
  // A bounded sorted list: k is a grid (tens to a few hundred), N up to 10^6; reading N scores and
  // selecting here is faster than tf.topk on webgpu (see ENVIRONMENT.md), and ties keep the earlier row.
  const rows: number[] = [];
  const kept: number[] = [];
  let row = 0;
  while (row < scores.length) {
    // Once k are kept, only a score above the k-th can enter: most rows are passed over here, before
    // the set lookup, which costs more.
    if (rows.length === k) row = rowsAbove(row, kept[k - 1] ?? Number.POSITIVE_INFINITY);
    if (row >= scores.length) break;
    const score = scores[row] as number;
    if (!excluded.has(row)) {
      if (rows.length === k) {
        rows.pop();
        kept.pop();
      }
      let at = rows.length;
      while (at > 0 && (kept[at - 1] ?? 0) < score) at--;
      rows.splice(at, 0, row);
      kept.splice(at, 0, score);
    }
    row++;
  }
  return { rows, scores: kept };
}

/**
 * @param items the item matrix.
 * @param dim the dimension.
 * @param a one row.
 * @param b another row.
 * @returns their dot product (cosine, as rows are unit-length).
 */
export function rowSimilarity(items: ItemRows, dim: number, a: number, b: number): number {
  const matrix = asMatrix(items, dim);
  return matrix.dot(a, matrix.row(b));
}

/**
 * The cosines between some rows: their pairwise dot products divided by both lengths, so rows need
 * not be unit length (a sequence model's trained item table is not); a zero row has cosine 0.
 * @param items the item matrix.
 * @param dim the dimension.
 * @param rows which rows, in the order of the result.
 * @returns rows.length² values, row-major: entry (a, b) is the cosine of rows[a] and rows[b].
 */
export function gramMatrix(items: ItemRows, dim: number, rows: readonly number[]): Float32Array {
  const source = asMatrix(items, dim);
  const n = rows.length;
  // Each row read once (an int8 row is decoded on every read), then paired from these float32 copies.
  const picked = new Float32Array(n * dim);
  rows.forEach((row, i) => source.readRow(row, picked, i * dim));
  const matrix = float32Matrix(picked, dim);
  const order = Int32Array.from(rows, (_, i) => i);
  // Row a's dot products with rows a..n-1 in one dotRows call; the first is its own squared length.
  const dots = rows.map((_, a) => {
    const out = new Float64Array(n - a);
    matrix.dotRows(order.subarray(a), picked.subarray(a * dim, (a + 1) * dim), out);
    return out;
  });
  const norms = dots.map((out) => Math.sqrt(out[0] ?? 0));
  const gram = new Float32Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      const lengths = (norms[a] ?? 0) * (norms[b] ?? 0);
      const value = lengths === 0 ? 0 : (dots[a]?.[b - a] ?? 0) / lengths;
      gram[a * n + b] = value;
      gram[b * n + a] = value;
    }
  }
  return gram;
}

/**
 * Maps a vector into another space and normalises it: normalise(vector · projection).
 * @param vector length n.
 * @param projection n x dim, row-major.
 * @param dim the output dimension.
 */
export function project(vector: Float32Array, projection: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(dim);
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i] ?? 0;
    if (v === 0) continue;
    for (let j = 0; j < dim; j++) out[j] = (out[j] ?? 0) + v * (projection[i * dim + j] ?? 0);
  }
  return normalise(out);
}
