/**
 * Step 2 of fuse.ts (see its header): the ridge regression from text vectors to behaviour vectors
 * over the items with events, R = (X_Eᵀ X_E + λ I)⁻¹ X_Eᵀ B_E, solved through one eigen-decomposition
 * of X_Eᵀ X_E so that every λ of the grid costs only a product; λ is chosen on the hold-out unless given.
 */
import type { BehaviourEmbeddings } from '../lib/behaviour.ts';
import { addProduct, BLOCK_ROWS, crossProduct, gatherRows, rowMajor } from '../lib/dense-product.ts';
import { symmetricEigen } from '../lib/symmetric-eigen.ts';

/** Ridge strengths tried on the hold-out, relative to the mean eigenvalue of XᵀX. */
export const RIDGE_GRID: readonly number[] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** The ridge used without a hold-out (too few items with events to split). */
const DEFAULT_RIDGE = 0.1;

/**
 * The ridge map text -> behaviour (T x B), its λ chosen on the hold-out unless given.
 * @param text unit text vectors, row-major, d per item.
 * @param d the text dimension.
 * @param behaviour the behaviour vectors (rows with events are the targets).
 * @param trainRows rows the candidate maps are fitted on.
 * @param holdoutRows rows each candidate λ is scored on (empty: no choice, `ridge` or the default).
 * @param allRows every row with events: the final map is refitted on them.
 * @param gramTrain Σ tᵀt over trainRows.
 * @param gramAll Σ tᵀt over allRows.
 * @param ridge λ relative to the mean eigenvalue, or undefined to choose it.
 * @returns the map and its statistics for the build report.
 */
export function fitRidge(
  text: Float32Array,
  d: number,
  behaviour: BehaviourEmbeddings,
  trainRows: readonly number[],
  holdoutRows: readonly number[],
  allRows: readonly number[],
  gramTrain: Float64Array,
  gramAll: Float64Array,
  ridge: number | undefined,
): { weights: Float64Array; stats: Record<string, number> } {
  const b = behaviour.dim;
  const stats: Record<string, number> = {};
  let relative = ridge ?? DEFAULT_RIDGE;
  if (ridge === undefined && holdoutRows.length > 0 && trainRows.length > 0) {
    const fit = ridgeSolver(text, d, behaviour, trainRows, gramTrain);
    let best = Number.POSITIVE_INFINITY;
    for (const candidate of RIDGE_GRID) {
      const weights = fit.solve(candidate * (trainRows.length / d));
      const { mse, cosine } = ridgeError(text, d, behaviour, holdoutRows, weights, b);
      if (mse < best) {
        best = mse;
        relative = candidate;
        stats['ridgeHoldoutMse'] = mse;
        stats['ridgeHoldoutCosine'] = cosine;
      }
    }
    stats['ridgeHoldoutItems'] = holdoutRows.length;
  }
  const lambda = relative * (allRows.length / d);
  const weights = ridgeSolver(text, d, behaviour, allRows, gramAll).solve(lambda);
  const fit = ridgeError(text, d, behaviour, allRows, weights, b);
  return { weights, stats: { ...stats, ridge: relative, ridgeLambda: lambda, ridgeTrainMse: fit.mse, ridgeTrainCosine: fit.cosine } };
}

/** (G + λI)⁻¹ Xᵀ B for any λ, from one eigen-decomposition G = Q Λ Qᵀ. */
function ridgeSolver(
  text: Float32Array,
  d: number,
  behaviour: BehaviourEmbeddings,
  rows: readonly number[],
  gramRows: Float64Array,
): { solve: (lambda: number) => Float64Array } {
  const b = behaviour.dim;
  const xtb = crossProduct(text, d, behaviour.vectors, b, rows); // Xᵀ B
  const { values, vectors } = symmetricEigen(gramRows, d);
  const qtxtb = new Float64Array(d * b); // Qᵀ Xᵀ B; row e = eigenvector e
  for (let e = 0; e < d; e++) {
    for (let k = 0; k < d; k++) {
      const q = vectors[e * d + k] ?? 0;
      if (q === 0) continue;
      for (let j = 0; j < b; j++) qtxtb[e * b + j] = (qtxtb[e * b + j] ?? 0) + q * (xtb[k * b + j] ?? 0);
    }
  }
  return {
    solve(lambda) {
      const weights = new Float64Array(d * b);
      for (let e = 0; e < d; e++) {
        const shrink = 1 / (Math.max(values[e] ?? 0, 0) + lambda);
        for (let k = 0; k < d; k++) {
          const q = (vectors[e * d + k] ?? 0) * shrink;
          if (q === 0) continue;
          for (let j = 0; j < b; j++) weights[k * b + j] = (weights[k * b + j] ?? 0) + q * (qtxtb[e * b + j] ?? 0);
        }
      }
      return weights;
    },
  };
}

/** Mean squared error and mean cosine of t_i R against b_i over rows. */
function ridgeError(
  text: Float32Array,
  d: number,
  behaviour: BehaviourEmbeddings,
  rows: readonly number[],
  weights: Float64Array,
  b: number,
): { mse: number; cosine: number } {
  const block = new Float64Array(BLOCK_ROWS * d);
  const predicted = new Float64Array(BLOCK_ROWS * b);
  let squared = 0;
  let cosine = 0;
  for (let first = 0; first < rows.length; first += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, rows.length - first);
    gatherRows(text, d, rows, first, count, block);
    predicted.fill(0);
    addProduct(predicted, b, rowMajor(block, d), rowMajor(weights, b), count, b, d);
    for (let r = 0; r < count; r++) {
      const row = rows[first + r] ?? 0;
      let dot = 0;
      let norm = 0;
      for (let j = 0; j < b; j++) {
        const target = behaviour.vectors[row * b + j] ?? 0;
        const p = predicted[r * b + j] ?? 0;
        squared += (p - target) ** 2;
        dot += p * target;
        norm += p * p;
      }
      cosine += norm > 0 ? dot / Math.sqrt(norm) : 0; // targets are unit rows
    }
  }
  return { mse: rows.length > 0 ? squared / rows.length : 0, cosine: rows.length > 0 ? cosine / rows.length : 0 };
}
