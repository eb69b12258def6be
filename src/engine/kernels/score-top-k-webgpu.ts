/**
 * A WebGPU kernel made for the engine's one hot path: score every item against one interest vector
 * (+ the popularity prior) and keep the best K, with only K row ids and K scores read back. It runs
 * through TF.js's program API (`WebGPUBackend.runWebGPUProgram`), so its buffers are ordinary
 * TF.js tensors on the webgpu backend, disposed like any other.
 *
 * Why not the stock ops: `matMul` is a general matrix product, a poor fit for a matrix-vector
 * product, and `tf.topk` (or reading all N scores back to select on the CPU) moves N values where
 * K are needed. Measured in `npm run bench` (docs/benchmarks.md).
 *
 * Passes (the work split is kernel-layout.ts `planSelection`), all queued before one read-back:
 *  1. score: one thread per row, unpacking int8/float16 words in the shader (the model's file
 *     layout, kernel-layout.ts), writes N scores (dot product + prior) to a GPU buffer;
 *  2. select: one thread per chunk of ROWS_PER_THREAD rows keeps its K best in a sorted private
 *     list (most rows fail the comparison with the K-th and cost nothing more) and writes it;
 *  3. merge, repeated until one list is left: one thread per LISTS_PER_MERGE lists does the same
 *     over their candidates.
 * No pass uses workgroup barriers: on a software adapter (SwiftShader here) each barrier switches
 * every invocation of the workgroup, and a barrier-per-round reduction measured slower than the
 * stock matMul. On a real GPU the N x D scoring pass, fully parallel, is the bulk of the work.
 * Ties go to the lower row, as in core/rank.ts `topK`, so rankings match the reference.
 * This module imports the webgpu backend package: load it only once that backend is active.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { RecError } from '../../core/errors.ts';
import type { RankedRows } from '../../core/rank.ts';
import type { VectorDtype } from '../../core/vectors.ts';
import { LISTS_PER_MERGE, planSelection, SCORE_WORKGROUP_SIZE, SELECT_WORKGROUP_SIZE, type KernelMatrix, type SelectionPlan } from './kernel-layout.ts';

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
  let info = backend.runWebGPUProgram(scoreProgram(items), inputs, 'float32');
  let count = items.count;
  for (const [pass, lists] of plan.lists.entries()) {
    const previous = info;
    try {
      info = backend.runWebGPUProgram(pass === 0 ? selectProgram(count, lists, plan) : mergeProgram(count, lists, plan.k), [previous], 'float32');
    } finally {
      backend.disposeData(previous.dataId);
    }
    count = lists;
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

/**
 * WGSL shared by the selection passes: the order of candidates (higher score, then lower row) and
 * a private sorted list of the K best offered so far, written out as K scores then K rows (-1: none).
 */
function keptListSnippet(k: number): string {
  return `
    const K = ${k}u;
    var<private> keptScores: array<f32, K>;
    var<private> keptRows: array<u32, K>;
    var<private> keptCount: u32 = 0u;

    fn ranksBefore(score: f32, row: u32, otherScore: f32, otherRow: u32) -> bool {
      return score > otherScore || (score == otherScore && row < otherRow);
    }

    fn offer(score: f32, row: u32) {
      if (keptCount == K && !ranksBefore(score, row, keptScores[K - 1u], keptRows[K - 1u])) {
        return;
      }
      var at = keptCount;
      if (keptCount == K) {
        at = K - 1u;
      } else {
        keptCount = keptCount + 1u;
      }
      while (at > 0u && ranksBefore(score, row, keptScores[at - 1u], keptRows[at - 1u])) {
        keptScores[at] = keptScores[at - 1u];
        keptRows[at] = keptRows[at - 1u];
        at = at - 1u;
      }
      keptScores[at] = score;
      keptRows[at] = row;
    }

    // uniforms.outShape also keeps TF.js's uniforms in the bind group layout: a layout: 'auto'
    // pipeline drops unused bindings, and TF.js always binds the uniforms.
    fn writeKept(list: u32) {
      let out = list * 2u * K;
      if (out + 2u * K > u32(uniforms.outShape)) {
        return;
      }
      for (var r = 0u; r < K; r++) {
        result[out + r] = select(-3.0e38, keptScores[r], r < keptCount);
        result[out + K + r] = select(-1.0, f32(keptRows[r]), r < keptCount);
      }
    }
  `;
}

/** The vec4 of item values at `element` (group * count + row, kernel-layout.ts), unpacked from the dtype's words. */
function unpackSnippet(dtype: VectorDtype): string {
  switch (dtype) {
    case 'float32':
      return 'fn itemValues(element: u32) -> vec4<f32> { return values[element]; }';
    case 'float16':
      return `fn itemValues(element: u32) -> vec4<f32> {
        let words = bitcast<vec2<u32>>(values[element]);
        return vec4<f32>(unpack2x16float(words.x), unpack2x16float(words.y));
      }`;
    case 'int8':
      // Arithmetic right shifts of an i32 sign-extend each byte; the low byte is the first value.
      return `fn itemValues(element: u32) -> vec4<f32> {
        let word = values[element];
        return vec4<f32>((vec4<i32>(word) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u));
      }`;
  }
}

/** Components per bound element of the values buffer: 4 item values each. */
const VALUE_COMPONENTS: Readonly<Record<VectorDtype, number>> = { float32: 4, float16: 2, int8: 1 };

/** Pass 1: one thread per row writes its score (dot product with the interest, + prior): [N]. */
function scoreProgram(items: KernelItems): WebGPUProgram {
  const vec4PerRow = items.dim / 4;
  const scaled = items.scales !== null;
  const withPrior = items.prior !== null;
  return {
    outputShape: [items.count],
    shaderKey: `vitrineScore_${items.dtype}_${items.count}_${items.dim}_${scaled}_${withPrior}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(items.count / SCORE_WORKGROUP_SIZE), 1, 1],
    workgroupSize: [SCORE_WORKGROUP_SIZE, 1, 1],
    variableNames: ['values', 'user', ...(scaled ? ['scales'] : []), ...(withPrior ? ['prior'] : [])],
    variableComponents: [VALUE_COMPONENTS[items.dtype], 4, ...(scaled ? [1] : []), ...(withPrior ? [1] : [])],
    getUserCode: () => `
      const VEC4_PER_ROW = ${vec4PerRow}u;
      const ROWS = ${items.count}u;
      ${unpackSnippet(items.dtype)}

      fn main(index: i32) {
        if (index >= uniforms.outShape) {
          return;
        }
        let row = u32(index);
        var sums = vec4<f32>(0.0);
        for (var j = 0u; j < VEC4_PER_ROW; j++) {
          sums += itemValues(j * ROWS + row) * user[j];
        }
        var score = sums.x + sums.y + sums.z + sums.w;
        ${scaled ? 'score *= scales[row];' : ''}
        ${withPrior ? 'score += prior[row];' : ''}
        result[row] = score;
      }
    `,
  };
}

/** Pass 2: one thread per chunk of rows writes the chunk's K best: [lists, 2K]. */
function selectProgram(count: number, lists: number, plan: SelectionPlan): WebGPUProgram {
  return {
    outputShape: [lists * 2 * plan.k],
    shaderKey: `vitrineSelect_${count}_${plan.rowsPerThread}_${plan.k}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(lists / SELECT_WORKGROUP_SIZE), 1, 1],
    workgroupSize: [SELECT_WORKGROUP_SIZE, 1, 1],
    variableNames: ['scores'],
    getUserCode: () => `
      ${keptListSnippet(plan.k)}
      const ROWS = ${count}u;
      const LISTS = ${lists}u;
      const ROWS_PER_THREAD = ${plan.rowsPerThread}u;

      fn main(index: i32) {
        let list = u32(index);
        if (list >= LISTS) {
          return;
        }
        let end = min(ROWS, (list + 1u) * ROWS_PER_THREAD);
        for (var row = list * ROWS_PER_THREAD; row < end; row++) {
          offer(scores[row], row);
        }
        writeKept(list);
      }
    `,
  };
}

/** Pass 3+: one thread per LISTS_PER_MERGE candidate lists writes their K best: [lists, 2K]. */
function mergeProgram(inputLists: number, lists: number, k: number): WebGPUProgram {
  return {
    outputShape: [lists * 2 * k],
    shaderKey: `vitrineMerge_${inputLists}_${k}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(lists / SELECT_WORKGROUP_SIZE), 1, 1],
    workgroupSize: [SELECT_WORKGROUP_SIZE, 1, 1],
    variableNames: ['candidates'],
    getUserCode: () => `
      ${keptListSnippet(k)}
      const INPUT_LISTS = ${inputLists}u;
      const LISTS = ${lists}u;
      const PER_MERGE = ${LISTS_PER_MERGE}u;

      fn main(index: i32) {
        let list = u32(index);
        if (list >= LISTS) {
          return;
        }
        let end = min(INPUT_LISTS, (list + 1u) * PER_MERGE);
        for (var source = list * PER_MERGE; source < end; source++) {
          for (var r = 0u; r < K; r++) {
            let row = candidates[source * 2u * K + K + r];
            // Lists are sorted and padded at the end: the first empty slot ends this one.
            if (row < 0.0) {
              break;
            }
            offer(candidates[source * 2u * K + r], u32(row));
          }
        }
        writeKept(list);
      }
    `,
  };
}
