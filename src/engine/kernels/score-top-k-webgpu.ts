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
 * Three passes (the work split is kernel-layout.ts `planSelection`), all queued before one read-back:
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
 * What the design rests on, measured per pass at 100k x 128, k = 50, on this project's software
 * adapter (SwiftShader: Chromium runs the shaders on the CPU, 2 cores) with a throwaway probe page,
 * against the previous kernel (a thread per row, then a sorted K-list per 512 rows, then merges):
 *  - every storage-buffer load is a per-lane gather there, whatever the layout: a scalar,
 *    lane-sequential layout measured 1.4-3.7x slower than the vec4 one, and int8 (a quarter of
 *    the bytes) was no faster than float32. So the score pass shares each interest load among 8
 *    rows (score pass 64-80 -> 19-25 ms for float32; 4 rows per thread measured a little slower,
 *    12 and 16 slower again). Each row accumulates one scalar dot() per group, not a vec4 of
 *    partial sums: 0.9-4.3 ms (mostly 1.3-2) less per whole call in each of 8 interleaved float32
 *    runs (medians 20.3-27.2 vs 22.0-28.9 ms), int8 14.9 vs 17.0 ms, float16 29.2 vs 31.4.
 *    No better or slower: fma() in place of the vec4 multiply-add, workgroups of 32/128/256,
 *    packing the dots of 4 rows into a vec4, two groups per loop step, a strength-reduced offset,
 *    a fully unrolled loop, and 12 or 16 rows with scalar sums. int8 unpacks with a multiply and
 *    a mask, not shifts: no slower in the same page, within the noise of a shared 2-core machine;
 *  - a private array indexed at run time costs a gather per access, so sorted K-lists over every
 *    row were the selection's cost (20-28 ms); the threshold leaves a row or two per list
 *    (selection 1-2 ms, the merge too small to time);
 *  - a further dispatch in one submission costs about 0.15 ms, a submission's round trip 0.7 ms
 *    and more, the read-back of K values about 0.6 ms: the arithmetic is what counts.
 * On a real GPU the same shape holds: N/8 threads in workgroups of 64 read coalesced groups
 * (neighbouring lanes, neighbouring rows), the selection workgroup reads about 2 x N/8 bests and a
 * few rows, and no pass loops over barriers.
 * This module imports the webgpu backend package: load it only once that backend is active.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { RecError } from '../../core/errors.ts';
import type { RankedRows } from '../../core/rank.ts';
import type { VectorDtype } from '../../core/vectors.ts';
import { planSelection, ROWS_PER_SCORE_THREAD, SCORE_WORKGROUP_SIZE, SELECT_THREADS, type KernelMatrix, type SelectionPlan } from './kernel-layout.ts';

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
  let info = backend.runWebGPUProgram(scoreProgram(items, plan), inputs, 'float32');
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
      // Value j of the word, times 2^24: the word times 2^(24 - 8j) (wrapping) leaves byte j in the
      // top byte, the mask clears the rest, and the i32 is its signed value times 2^24, exact in an
      // f32 (-128 included). The score pass multiplies by 2^-24 at the end (exact: a power of
      // two), so scores round as with the plain values. Integer multiplies and one mask, where
      // shifting each byte down takes two shifts per value.
      return `fn itemValues(element: u32) -> vec4<f32> {
        let shifted = vec4<u32>(bitcast<u32>(values[element])) * vec4<u32>(16777216u, 65536u, 256u, 1u);
        return vec4<f32>(bitcast<vec4<i32>>(shifted & vec4<u32>(0xff000000u)));
      }`;
  }
}

/** Components per bound element of the values buffer: 4 item values each. */
const VALUE_COMPONENTS: Readonly<Record<VectorDtype, number>> = { float32: 4, float16: 2, int8: 1 };

/**
 * Pass 1: thread t scores rows t + i * scoreThreads (i < ROWS_PER_SCORE_THREAD) against the
 * interest (dot product, times the int8 row scale, + prior). The rows of one thread share each
 * load of the interest vector; lanes of a workgroup read neighbouring rows. Writes the N scores,
 * then each thread's best (score, row): [N + 2 * scoreThreads].
 */
function scoreProgram(items: KernelItems, plan: SelectionPlan): WebGPUProgram {
  const scaled = items.scales !== null;
  const withPrior = items.prior !== null;
  const rows = Array.from({ length: ROWS_PER_SCORE_THREAD }, (_, i) => i);
  return {
    outputShape: [items.count + 2 * plan.scoreThreads],
    shaderKey: `vitrineScore_${items.dtype}_${items.count}_${items.dim}_${plan.scoreThreads}_${scaled}_${withPrior}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(plan.scoreThreads / SCORE_WORKGROUP_SIZE), 1, 1],
    workgroupSize: [SCORE_WORKGROUP_SIZE, 1, 1],
    variableNames: ['values', 'user', ...(scaled ? ['scales'] : []), ...(withPrior ? ['prior'] : [])],
    variableComponents: [VALUE_COMPONENTS[items.dtype], 4, ...(scaled ? [1] : []), ...(withPrior ? [1] : [])],
    // The ROWS_PER_SCORE_THREAD rows are unrolled at generation time (sum0, sum1, ...): a private
    // array indexed in a loop costs a gather per access on a software adapter. Each row accumulates
    // a scalar dot() per group rather than a vec4 of partial sums: 8 vector accumulators are 32
    // SIMD registers on SwiftShader, where every component is a register across the lanes, and
    // x86 has 16, so they likely spill; scalar sums measured faster (header). On a GPU dot() is
    // the same 4 multiply-adds with a quarter of the accumulator registers.
    getUserCode: () => `
      const VEC4_PER_ROW = ${items.dim / 4}u;
      const ROWS = ${items.count}u;
      const THREADS = ${plan.scoreThreads}u;
      /** 2^-24: int8 values are unpacked times 2^24 (unpackSnippet). */
      const INT8_UNIT = 5.9604644775390625e-8;
      ${unpackSnippet(items.dtype)}

      fn main(index: i32) {
        let thread = u32(index);
        // uniforms.outShape also keeps TF.js's uniforms in the bind group layout (see writeKept).
        if (thread >= THREADS || index >= uniforms.outShape) {
          return;
        }
        // A thread's last rows may lie past the end: they read the last row and are not written.
        ${rows.map((i) => `let row${i} = thread + ${i}u * THREADS;\n        let read${i} = min(row${i}, ROWS - 1u);\n        var sum${i} = 0.0;`).join('\n        ')}
        for (var j = 0u; j < VEC4_PER_ROW; j++) {
          let interest = user[j];
          ${rows.map((i) => `sum${i} += dot(itemValues(j * ROWS + read${i}), interest);`).join('\n          ')}
        }
        // A thread's first row always exists (THREADS <= ROWS); a later row, ascending, replaces
        // the best only with a higher score, so ties keep the lower row.
        var bestScore = writeScore(row0, sum0);
        var bestRow = row0;
        ${rows.slice(1).map((i) => `let score${i} = writeScore(row${i}, sum${i});\n        if (score${i} > bestScore) {\n          bestScore = score${i};\n          bestRow = row${i};\n        }`).join('\n        ')}
        result[ROWS + 2u * thread] = bestScore;
        result[ROWS + 2u * thread + 1u] = f32(bestRow);
      }

      /** Writes the row's score and returns it; a row past the end returns the lowest float. */
      fn writeScore(row: u32, dotProduct: f32) -> f32 {
        if (row >= ROWS) {
          return -3.4e38;
        }
        var score = dotProduct;
        ${scaled ? 'score *= scales[row] * INT8_UNIT;' : ''}
        ${withPrior ? 'score += prior[row];' : ''}
        result[row] = score;
        return score;
      }
    `,
  };
}

/**
 * Pass 2, one workgroup of SELECT_THREADS threads; thread c owns the chunk of rows scored by the
 * score pass's threads c + i * SELECT_THREADS:
 *  1. each thread folds those threads' bests into its chunk's best (bests only, not rows);
 *  2. each ranks its best among all chunks' bests; the K-th best of them is a threshold that at
 *     least K rows reach (those K chunk bests), so every row of the top K reaches it too;
 *  3. only the threads whose own best reaches the threshold (at most K of them) look again, at the
 *     rows of the score threads whose best reaches it, and keep the rows that reach it in a sorted
 *     private list: usually a row or two each, since rows past the threshold are about as few as K.
 * Ties (equal scores) are ordered by row, so the order is total and the threshold exact even when
 * every score is equal. Writes SELECT_THREADS lists: [SELECT_THREADS, 2K]. Two barriers in all: on
 * a software adapter a barrier switches every invocation of the workgroup, so none sits in a loop.
 */
function selectProgram(count: number, plan: SelectionPlan): WebGPUProgram {
  return {
    outputShape: [SELECT_THREADS * 2 * plan.k],
    shaderKey: `vitrineSelect_${count}_${plan.scoreThreads}_${plan.k}`,
    dispatchLayout: { x: [0] },
    dispatch: [1, 1, 1],
    workgroupSize: [SELECT_THREADS, 1, 1],
    variableNames: ['scored'],
    getUserCode: () => `
      ${keptListSnippet(plan.k)}
      const ROWS = ${count}u;
      const SCORE_THREADS = ${plan.scoreThreads}u;
      const ROWS_PER_SCORE_THREAD = ${ROWS_PER_SCORE_THREAD}u;
      const CHUNKS = ${SELECT_THREADS}u;
      /** The row of an empty chunk: it ranks after every real row. */
      const NO_ROW = 0xffffffffu;
      var<workgroup> chunkBestScores: array<f32, CHUNKS>;
      var<workgroup> chunkBestRows: array<u32, CHUNKS>;
      var<workgroup> thresholdScore: f32;
      var<workgroup> thresholdRow: u32;

      fn reaches(score: f32, row: u32, minScore: f32, maxRow: u32) -> bool {
        return score > minScore || (score == minScore && row <= maxRow);
      }

      fn main(index: i32) {
        let chunk = localIndex;
        var bestScore = -3.0e38;
        var bestRow = NO_ROW;
        for (var thread = chunk; thread < SCORE_THREADS; thread += CHUNKS) {
          let score = scored[ROWS + 2u * thread];
          let row = u32(scored[ROWS + 2u * thread + 1u]);
          if (ranksBefore(score, row, bestScore, bestRow)) {
            bestScore = score;
            bestRow = row;
          }
        }
        chunkBestScores[chunk] = bestScore;
        chunkBestRows[chunk] = bestRow;
        workgroupBarrier();

        // Equal bests (empty chunks) are ordered by chunk, so every rank is taken exactly once.
        var rank = 0u;
        for (var other = 0u; other < CHUNKS; other++) {
          let otherScore = chunkBestScores[other];
          let otherRow = chunkBestRows[other];
          let same = otherScore == bestScore && otherRow == bestRow;
          if (ranksBefore(otherScore, otherRow, bestScore, bestRow) || (same && other < chunk)) {
            rank++;
          }
        }
        if (rank == K - 1u) {
          thresholdScore = bestScore;
          thresholdRow = bestRow;
        }
        workgroupBarrier();

        let minScore = thresholdScore;
        let maxRow = thresholdRow;
        if (rank < K) {
          for (var thread = chunk; thread < SCORE_THREADS; thread += CHUNKS) {
            if (!reaches(scored[ROWS + 2u * thread], u32(scored[ROWS + 2u * thread + 1u]), minScore, maxRow)) {
              continue;
            }
            for (var i = 0u; i < ROWS_PER_SCORE_THREAD; i++) {
              let row = thread + i * SCORE_THREADS;
              if (row < ROWS && reaches(scored[row], row, minScore, maxRow)) {
                offer(scored[row], row);
              }
            }
          }
        }
        writeKept(chunk);
      }
    `,
  };
}

/** Pass 3: one thread merges the SELECT_THREADS candidate lists into the K best: [2K]. */
function mergeProgram(k: number): WebGPUProgram {
  return {
    outputShape: [2 * k],
    shaderKey: `vitrineMerge_${k}`,
    dispatchLayout: { x: [0] },
    dispatch: [1, 1, 1],
    workgroupSize: [1, 1, 1],
    variableNames: ['candidates'],
    getUserCode: () => `
      ${keptListSnippet(k)}
      const LISTS = ${SELECT_THREADS}u;

      fn main(index: i32) {
        for (var source = 0u; source < LISTS; source++) {
          for (var r = 0u; r < K; r++) {
            let row = candidates[source * 2u * K + K + r];
            // Lists are sorted and padded at the end: the first empty slot ends this one.
            if (row < 0.0) {
              break;
            }
            offer(candidates[source * 2u * K + r], u32(row));
          }
        }
        writeKept(0u);
      }
    `,
  };
}
