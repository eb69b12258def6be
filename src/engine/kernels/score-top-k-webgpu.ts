/**
 * A WebGPU kernel made for the item space's one hot path: score every item against one interest
 * vector (+ the popularity prior) and keep the best K, with only K row ids and K scores read back.
 * The stock ops are a poor fit: `matMul` is a general matrix product where this is a
 * matrix-vector one, and `tf.topk` (or reading all N scores back to select on the CPU) moves N
 * values where K are needed; the kernel is about 10x faster (docs/benchmarks.md). It runs through
 * TF.js's program API (`WebGPUBackend.runWebGPUProgram`), so its buffers are ordinary TF.js
 * tensors on the webgpu backend, disposed like any other.
 *
 * Three passes (the WGSL is score-top-k-programs.ts; the work split kernel-layout.ts
 * `planSelection`), all queued before one read-back:
 *  1. score: thread t scores ROWS_PER_SCORE_THREAD rows (t, t + T, ...), unpacking int8/float16
 *     words in the shader (the model's file layout, kernel-layout.ts), and writes the N scores and
 *     its own best row;
 *  2. select: one workgroup takes the K-th best of 256 chunk bests as a threshold (at least K rows
 *     reach it, so the top K all do), and keeps the few rows that reach it, one sorted list per
 *     chunk, looking only at score threads whose best reaches it;
 *  3. merge: one thread merges the 256 short lists into the K best.
 * Ties go to the lower row, as in core/rank.ts `topK`, so rankings match the reference; the
 * threshold uses the same total order, so it stays exact when many scores are equal.
 *
 * Why it is shaped this way, the measurements behind it and what else was tried:
 * docs/decisions/webgpu-scoring-kernel.md.
 * This module imports the webgpu backend package: load it only once that backend is active.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { RecError } from '../../core/errors.ts';
import type { RankedRows } from '../../core/rank.ts';
import type { VectorDtype } from '../../core/vectors.ts';
import { planSelection, type KernelMatrix } from './kernel-layout.ts';
import { mergeProgram, scoreProgram, selectProgram } from './score-top-k-programs.ts';

/** The kernel's tensors on the webgpu backend. */
export interface KernelItems {
  readonly dtype: VectorDtype;
  readonly count: number;
  readonly dim: number;
  /** The item rows in the kernel layout. */
  readonly values: tf.Tensor1D;
  /** int8: one scale per row. */
  readonly scales: tf.Tensor1D | null;
  /** The weighted popularity prior, one per row, or null. */
  readonly prior: tf.Tensor1D | null;
}

/**
 * Uploads a packed matrix and its prior. Call with the webgpu backend active (backend.ts onBackend).
 * @param matrix from kernel-layout.ts `packForKernel`.
 * @param prior priorWeight * popularity per row, or null.
 */
export function uploadKernelItems(matrix: KernelMatrix, prior: Float32Array | null): KernelItems {
  if (prior !== null && prior.length !== matrix.count) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${matrix.count} prior values (one per item), found ${prior.length}`, { field: 'popularity' });
  }
  return {
    dtype: matrix.dtype,
    count: matrix.count,
    dim: matrix.dim,
    values: matrix.values instanceof Float32Array ? tf.tensor1d(matrix.values, 'float32') : tf.tensor1d(matrix.values, 'int32'),
    scales: matrix.scales === null ? null : tf.tensor1d(matrix.scales, 'float32'),
    prior: prior === null ? null : tf.tensor1d(prior, 'float32'),
  };
}

/** Frees the kernel's tensors. */
export function disposeKernelItems(items: KernelItems): void {
  items.values.dispose();
  items.scales?.dispose();
  items.prior?.dispose();
}

/**
 * The k best rows for `user`, best first, not in `excluded`. Call with the webgpu backend active.
 * @param items the resident matrix.
 * @param user the interest vector (dim float32 values, any shape).
 * @param k how many rows.
 * @param excluded rows never returned.
 * @returns the ranking, or null when k (plus the excluded rows) is beyond what the kernel selects:
 *   the caller then scores with stock ops.
 */
export async function kernelTopK(items: KernelItems, user: tf.Tensor, k: number, excluded: ReadonlySet<number>): Promise<RankedRows | null> {
  // Excluded rows (purchases: a handful) are dropped after the read-back, so ask for that many more.
  const wanted = Math.min(items.count, k + excluded.size);
  if (wanted === 0) return { rows: [], scores: [] };
  const plan = planSelection(items.count, wanted);
  if (plan === null) return null;
  const backend = tf.backend() as WebGPUBackend;
  const inputs = [items.values, user, ...(items.scales === null ? [] : [items.scales]), ...(items.prior === null ? [] : [items.prior])];
  const passes = [(): WebGPUProgram => selectProgram(items.count, plan), (): WebGPUProgram => mergeProgram(plan.k)];
  const shape = { dtype: items.dtype, count: items.count, dim: items.dim, scaled: items.scales !== null, withPrior: items.prior !== null };
  let info = backend.runWebGPUProgram(scoreProgram(shape, plan), inputs, 'float32');
  for (const pass of passes) {
    const previous = info;
    try {
      info = backend.runWebGPUProgram(pass(), [previous], 'float32');
    } finally {
      backend.disposeData(previous.dataId);
    }
  }
  const result = tf.engine().makeTensorFromTensorInfo(info);
  let values: Float32Array;
  try {
    values = await result.data<'float32'>();
  } finally {
    result.dispose();
  }
  const rows: number[] = [];
  const scores: number[] = [];
  for (let r = 0; r < plan.k && rows.length < k; r++) {
    const row = values[plan.k + r] ?? -1;
    if (row < 0) break;
    if (excluded.has(row)) continue;
    rows.push(row);
    scores.push(values[r] ?? Number.NaN);
  }
  return { rows, scores };
}
