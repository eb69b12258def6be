/**
 * The item space's scoring on the wasm backend: a coarse pass over an int8 copy of the item matrix in a
 * small hand-written WebAssembly SIMD module (score-int8.wat), then an exact re-rank that returns
 * precisely core/rank.ts's ranking and float32 scores (`topK(scoreAll(...))`), whatever the model's
 * dtype.
 *
 * Why: scoring one interest vector is a matrix-vector product, bound by the bytes read. The float32
 * matrix is 51 MB at 100k x 128, beyond the caches, and TF.js's wasm matMul reads all of it per
 * interaction. The module reads the rows as int8 (the model's int8 file layout, core/vectors.ts: a
 * quarter of the bytes) with the interest quantised to int16, and `i32x4.dot_i16x8_s` does 8
 * multiply-adds per instruction, exactly, in integers.
 *
 * Why the result is still exact: each row's coarse score is within a bound of its exact one
 * (`errorBound`: the int8 rounding of the row, measured once here, times |u|_1, plus the int16
 * rounding of the interest, plus float32 rounding). The coarse best k, scored exactly, give a
 * threshold T that the k-th best exact score reaches; a row whose coarse score plus its bound is
 * below T cannot be among the best k. The rest (a few more than k in practice; every row in the
 * worst case, which is then simply exact scoring) are scored with core's `scoreRow` and selected
 * with core's `topK`, so ties, exclusions and the scores are the reference's. Both passes over the
 * coarse scores (the first guess's best k, then the rows whose bound can reach T) skip ahead with the
 * module's `above`, four rows a step: at a million rows the two took about 6 ms in JS of the 14.
 * An int8 matrix (the model's int8 file, read in place: core/item-matrix.ts) is scored as it is,
 * with no rounding of its own, and its rows then move into the module's memory, where the matrix
 * reads them from: the item space holds them once.
 * No TF.js here: the item space calls it with the interest vector it was given, on the CPU.
 */
import { RecError } from '../../core/errors.ts';
import { scoreRow, topK, type RankedRows, type RowsAbove } from '../../core/rank.ts';
import { asMatrix, isInt8Matrix, type ItemMatrix, type ItemRows } from '../../core/item-matrix.ts';
import { encodeVectors, matrixRowCount } from '../../core/vectors.ts';
import { instantiateKernel } from './instantiate-kernel.ts';
import { WASM_BASE64 } from './score-int8-wasm-bytes.ts';

/** The item matrix and its prior, resident in the module's memory (int8) and in JS (exact). */
export interface WasmScorer {
  /**
   * The k best rows for `interest`, best first, not in `excluded`: core's `topK(scoreAll(...))`.
   * @param interest dim float32 values.
   * @param k how many rows.
   * @param excluded rows never returned.
   */
  topK(interest: Float32Array, k: number, excluded: ReadonlySet<number>): RankedRows;
  /** @returns whether an int8 matrix reads its rows from this scorer's memory. */
  holdsRowsOf(matrix: ItemMatrix): boolean;
  /** Bytes of its own: the module's memory (which holds an int8 matrix's rows once they moved), and the per-row bounds it keeps in JS. */
  readonly ownBytes: { readonly module: number; readonly tables: number };
}

/** What the scorer scores: the item space's options. */
export interface WasmScorerItems {
  /** The item matrix (count x dim), kept by reference for the exact re-rank: do not mutate. An int8 one's rows move into the module. */
  readonly vectors: ItemRows;
  readonly dim: number;
  /** One popularity value per row, or null. */
  readonly popularity: Float32Array | null;
  readonly priorWeight: number;
}

/** The module's exports (score-int8.wat). */
interface ScoreModule {
  readonly memory: WebAssembly.Memory;
  score(items: number, scales: number, prior: number, user: number, out: number, count: number, dim: number, userScale: number): void;
  /** The first row at or after `from` whose float32 value is above `threshold`, or `count` (core/rank.ts RowsAbove). */
  above(values: number, from: number, count: number, threshold: number): number;
}

/** int8 values per step of the module: one 128-bit vector. */
const STEP_VALUES = 16;
const PAGE_BYTES = 65_536;
const INT8_MAX = 127;
const INT16_MAX = 32_767;
const INT32_MAX = 2 ** 31 - 1;
/**
 * Relative slack for float32 rounding, on top of the quantisation bound: the coarse score is rounded
 * about four times (sum to float32, scale product, its product, + prior) and the exact one twice,
 * each by at most 2^-24 of the magnitudes involved; 1e-6 (about 17 roundings' worth) is generous.
 */
const ROUNDING_SLACK = 1e-6;

/**
 * Whether the module can score rows of this width: it reads 16 int8 values per step.
 * @param dim values per row.
 */
export function wasmScorerSupportsDim(dim: number): boolean {
  return Number.isInteger(dim) && dim > 0 && dim % STEP_VALUES === 0;
}

/**
 * The largest |int16| the interest is quantised to: as large as int16 allows, but small enough that
 * a row's sum of dim products (|int8| <= 127) cannot overflow int32.
 * @param dim values per row.
 */
export function interestQuantisationMax(dim: number): number {
  return Math.min(INT16_MAX, Math.floor(INT32_MAX / (INT8_MAX * dim)));
}

/**
 * Quantises the matrix to int8 (unless it is int8 already), measures each row's rounding, and
 * copies both into the module.
 * @param items the matrix and the prior.
 * @returns the scorer, or null when the module cannot run here (the item space then scores with TF.js).
 * @throws RecError MODEL_DIMENSION_MISMATCH when the sizes do not fit.
 */
export async function createWasmScorer(items: WasmScorerItems): Promise<WasmScorer | null> {
  const { vectors, dim, popularity, priorWeight } = items;
  if (!wasmScorerSupportsDim(dim)) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `the wasm scorer needs dim to be a multiple of ${STEP_VALUES}, found ${dim}`, { field: 'dim' });
  }
  const count = matrixRowCount(vectors, dim, popularity);
  const matrix = asMatrix(vectors, dim);
  const module = await instantiateKernel<ScoreModule>(WASM_BASE64);
  if (module === null) return null;

  // The int8 file layout: count * dim values, then one float32 scale per row.
  const { values, scales, residual } = isInt8Matrix(matrix) ? { values: matrix.values(), scales: matrix.scales(), residual: null } : quantise(matrix, count);
  /** Half the L1 norm of each quantised row (scale * sum |q_j| / 2): the interest's rounding costs at most t times it. */
  const halfL1 = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    let l1 = 0;
    for (let j = row * dim; j < (row + 1) * dim; j++) l1 += Math.abs(values[j] ?? 0);
    halfL1[row] = ((scales[row] ?? 0) * l1) / 2;
  }

  // The module's memory: the int8 values and scales, the weighted prior, the coarse scores and the
  // int16 interest. count * dim is a multiple of 16, so every float section is aligned.
  const scalesAt = count * dim;
  const priorAt = scalesAt + count * 4;
  const outAt = priorAt + count * 4;
  const userAt = outAt + count * 4;
  const pages = Math.ceil((userAt + dim * 2) / PAGE_BYTES) - module.memory.buffer.byteLength / PAGE_BYTES;
  if (pages > 0) module.memory.grow(pages);
  const memory = module.memory.buffer;
  const residentValues = new Int8Array(memory, 0, count * dim);
  const residentScales = new Float32Array(memory, scalesAt, count);
  residentValues.set(values);
  residentScales.set(scales);
  if (isInt8Matrix(matrix)) matrix.moveTo(residentValues, residentScales);
  const prior = new Float32Array(memory, priorAt, count);
  if (popularity !== null) popularity.forEach((p, row) => (prior[row] = priorWeight * p));
  const coarse = new Float32Array(memory, outAt, count);
  /** The coarse scores' RowsAbove, in the module: four rows a step instead of one in JS. */
  const coarseAbove: RowsAbove = (from, threshold) => module.above(outAt, from, count, threshold);
  // Each per-row term of the bound at its largest, for the scan's first test.
  const largestHalfL1 = largestOf(halfL1);
  const largestResidual = residual === null ? 0 : largestOf(residual);
  const largestPrior = largestOf(prior);
  const user = new Int16Array(memory, userAt, dim);
  const quantisationMax = interestQuantisationMax(dim);
  const exactScore = (interest: Float32Array, row: number): number => Math.fround(scoreRow(matrix, dim, interest, popularity, priorWeight, row));

  return {
    ownBytes: { module: memory.byteLength, tables: halfL1.byteLength + (residual?.byteLength ?? 0) },
    holdsRowsOf: (other) => isInt8Matrix(other) && other.values().buffer === memory,
    topK(interest, k, excluded) {
      if (interest.length !== dim)
        throw new RecError('MODEL_DIMENSION_MISMATCH', `the interest vector has ${interest.length} values, the model has dim ${dim}`);
      let largest = 0;
      let l1 = 0;
      for (const value of interest) {
        largest = Math.max(largest, Math.abs(value));
        l1 += Math.abs(value);
      }
      const userScale = largest / quantisationMax;
      for (let j = 0; j < dim; j++) user[j] = largest === 0 ? 0 : Math.round((interest[j] ?? 0) / userScale);
      module.score(0, scalesAt, priorAt, userAt, outAt, count, dim, userScale);

      const firstGuess = topK(coarse, k, excluded, coarseAbove);
      if (firstGuess.rows.length === 0) return firstGuess;
      let threshold = Number.POSITIVE_INFINITY;
      for (const row of firstGuess.rows) threshold = Math.min(threshold, exactScore(interest, row));
      // |coarse - exact| <= t * halfL1 + residual * (|u|_1 + dim * t) + rounding (see the header).
      const residualFactor = l1 + dim * userScale;
      // The module passes over the rows whose coarse score is below `floor`, which none of their
      // bounds can lift to the threshold; the rest get their own bound here.
      const floor = candidateFloor(threshold, userScale * largestHalfL1 + largestResidual * residualFactor + ROUNDING_SLACK * (1 + largestPrior));
      const candidates: number[] = [];
      for (let row = coarseAbove(0, floor); row < count; row = coarseAbove(row + 1, floor)) {
        const score = coarse[row] ?? 0;
        const bound =
          userScale * (halfL1[row] ?? 0) + (residual?.[row] ?? 0) * residualFactor + ROUNDING_SLACK * (1 + Math.abs(score) + Math.abs(prior[row] ?? 0));
        if (score + bound >= threshold && !excluded.has(row)) candidates.push(row);
      }
      // Candidates are in row order, so topK's ties (to the lower index) go to the lower row.
      const exact = Float32Array.from(candidates, (row) => exactScore(interest, row));
      const best = topK(exact, k, new Set());
      return { rows: best.rows.map((i) => candidates[i] ?? -1), scores: best.scores };
    },
  };
}

/**
 * A float32 value below which no row's coarse score can meet the threshold: a row is a candidate when
 * score + bound >= threshold, with bound = rowPart + ROUNDING_SLACK * |score|, and rowPart at most
 * `widest`. So score (1 ± ROUNDING_SLACK) >= threshold - widest, whatever the score's sign, and a
 * score below the smaller of the two quotients cannot be one. A margin far above float64's rounding
 * of those sums, and a float32 rounded down, keep the floor at or below the exact one.
 * @param threshold the k-th best exact score of the first guess.
 * @param widest the largest rowPart any row has.
 */
function candidateFloor(threshold: number, widest: number): number {
  const reach = threshold - widest;
  const exact = Math.min(reach / (1 + ROUNDING_SLACK), reach / (1 - ROUNDING_SLACK));
  const floor = exact - 1e-9 * (1 + Math.abs(threshold) + widest);
  const float32 = Math.fround(floor);
  // `above` finds scores strictly above: one float32 step down lets a score equal to the floor through.
  return nextFloat32Down(float32 > floor ? nextFloat32Down(float32) : float32);
}

/** The float32 just below a float32 value (-Infinity stays itself: every finite score is above it). */
function nextFloat32Down(value: number): number {
  if (value === Number.NEGATIVE_INFINITY) return value;
  if (value === 0) return -(2 ** -149);
  const bits = new Float32Array([value]);
  const word = new Int32Array(bits.buffer);
  word[0] = (word[0] as number) + (value > 0 ? -1 : 1);
  return bits[0] as number;
}

/** @returns the largest |value| (0 for none). */
function largestOf(values: Float32Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}

/**
 * Float32 rows to the int8 file layout, with each row's own rounding.
 * @returns the values and scales, and each row's largest |v_j - q_j * scale|.
 */
function quantise(matrix: ItemMatrix, count: number): { values: Int8Array; scales: Float32Array; residual: Float32Array } {
  const { dim } = matrix;
  const float32 = matrix.toFloat32();
  const int8 = encodeVectors(float32, count, dim, 'int8');
  const values = new Int8Array(int8.buffer, 0, count * dim);
  const scales = new Float32Array(int8.buffer.slice(count * dim));
  const residual = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    const scale = scales[row] ?? 0;
    let largest = 0;
    for (let j = row * dim; j < (row + 1) * dim; j++) largest = Math.max(largest, Math.abs((float32[j] ?? 0) - (values[j] ?? 0) * scale));
    residual[row] = largest;
  }
  return { values, scales, residual };
}
