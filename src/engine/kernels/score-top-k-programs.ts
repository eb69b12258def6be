/**
 * The WGSL programs of the WebGPU scoring kernel (score-top-k-webgpu.ts runs them in this order):
 * score, select, merge. Each is generated for one shape (sizes and flags are constants in the
 * source, so TF.js compiles one pipeline per shape and caches it by `shaderKey`). Why they are
 * written this way on a software adapter and a real GPU: docs/decisions/webgpu-scoring-kernel.md.
 * Type-only imports from the webgpu backend package: this module loads anywhere.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { VectorDtype } from '../../core/vectors.ts';
import { ROWS_PER_SCORE_THREAD, SCORE_WORKGROUP_SIZE, SELECT_THREADS, type SelectionPlan } from './kernel-layout.ts';

/** What the score pass is generated for. */
export interface ScoreShape {
  readonly dtype: VectorDtype;
  readonly count: number;
  readonly dim: number;
  /** int8: the values are multiplied by a scale per row. */
  readonly scaled: boolean;
  /** A popularity prior is added. */
  readonly withPrior: boolean;
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
export function scoreProgram(shape: ScoreShape, plan: SelectionPlan): WebGPUProgram {
  const { scaled, withPrior } = shape;
  const rows = Array.from({ length: ROWS_PER_SCORE_THREAD }, (_, i) => i);
  return {
    outputShape: [shape.count + 2 * plan.scoreThreads],
    shaderKey: `vitrineScore_${shape.dtype}_${shape.count}_${shape.dim}_${plan.scoreThreads}_${scaled}_${withPrior}`,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(plan.scoreThreads / SCORE_WORKGROUP_SIZE), 1, 1],
    workgroupSize: [SCORE_WORKGROUP_SIZE, 1, 1],
    variableNames: ['values', 'user', ...(scaled ? ['scales'] : []), ...(withPrior ? ['prior'] : [])],
    variableComponents: [VALUE_COMPONENTS[shape.dtype], 4, ...(scaled ? [1] : []), ...(withPrior ? [1] : [])],
    // The ROWS_PER_SCORE_THREAD rows are unrolled at generation time (sum0, sum1, ...): a private
    // array indexed in a loop costs a gather per access on a software adapter. Each row accumulates
    // a scalar dot() per group rather than a vec4 of partial sums: 8 vector accumulators are 32
    // SIMD registers on SwiftShader, where every component is a register across the lanes, and
    // x86 has 16, so they likely spill; scalar sums measured faster (see the decision record). On
    // a GPU dot() is the same 4 multiply-adds with a quarter of the accumulator registers.
    getUserCode: () => `
      const VEC4_PER_ROW = ${shape.dim / 4}u;
      const ROWS = ${shape.count}u;
      const THREADS = ${plan.scoreThreads}u;
      /** 2^-24: int8 values are unpacked times 2^24 (unpackSnippet). */
      const INT8_UNIT = 5.9604644775390625e-8;
      ${unpackSnippet(shape.dtype)}

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
        ${rows
          .slice(1)
          .map(
            (i) =>
              `let score${i} = writeScore(row${i}, sum${i});\n        if (score${i} > bestScore) {\n          bestScore = score${i};\n          bestRow = row${i};\n        }`,
          )
          .join('\n        ')}
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
export function selectProgram(count: number, plan: SelectionPlan): WebGPUProgram {
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
export function mergeProgram(k: number): WebGPUProgram {
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
