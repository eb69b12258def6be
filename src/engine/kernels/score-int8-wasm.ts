/**
 * The engine's scoring kernel on the wasm backend, for an item matrix stored as int8 (the model's
 * int8 file layout, core/vectors.ts): a small hand-written WebAssembly module (score-int8.wat) that
 * scores every row with 128-bit SIMD integer dot products, then core's `topK` selects the best.
 *
 * Why not TF.js's wasm matMul over the decoded float32 matrix: scoring one interest vector is a
 * matrix-vector product, bound by the bytes read, and float32 reads four times the bytes of the
 * file's int8 values (51 MB per interaction at 100k x 128, beyond the caches). Here the module's
 * memory holds the int8 values and scales once; each scoring quantises the interest to int16
 * (its largest |value| maps to `interestQuantisationMax`), so each row's sum is an exact integer,
 * and the scores equal core/rank.ts's over the decoded values up to that rounding
 * (|error| <= sum_j |item_j| * userScale / 2, about 1e-6 for unit vectors).
 * No TF.js here: the engine calls it with its CPU copy of the interest vector.
 */
import { RecError } from '../../core/errors.ts';
import { topK, type RankedRows } from '../../core/rank.ts';
import { vectorFileBytes } from '../../core/vectors.ts';
import { WASM_BASE64 } from './score-int8-wasm-bytes.ts';

/** An int8 item matrix (and its prior) resident in the module's memory. */
export interface Int8WasmScorer {
  /**
   * The k best rows for `interest`, best first, not in `excluded` (ties to the lower row).
   * @param interest dim float32 values.
   * @param k how many rows.
   * @param excluded rows never returned.
   */
  topK(interest: Float32Array, k: number, excluded: ReadonlySet<number>): RankedRows;
}

/** The module's exports (score-int8.wat). */
interface ScoreModule {
  readonly memory: WebAssembly.Memory;
  score(items: number, scales: number, prior: number, user: number, out: number, count: number, dim: number, userScale: number): void;
}

/** Bytes per int8 value step of the module: one 128-bit vector. */
const STEP_VALUES = 16;
const PAGE_BYTES = 65_536;
const INT8_MAX = 127;
const INT16_MAX = 32_767;
const INT32_MAX = 2 ** 31 - 1;

/**
 * Whether the module can score rows of this width: it reads 16 int8 values per step.
 * @param dim values per row.
 */
export function int8ScorerSupportsDim(dim: number): boolean {
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
 * Compiles the module and copies the matrix into its memory.
 * @param bytes the int8 vectors file (values, then one float32 scale per row), as loadModel checked
 *   it or core's encodeVectors wrote it.
 * @param count rows.
 * @param dim values per row (int8ScorerSupportsDim).
 * @param prior the weighted popularity prior per row, or null.
 * @returns the scorer, or null when this WebAssembly has no SIMD (the engine then uses TF.js).
 * @throws RecError MODEL_DIMENSION_MISMATCH when the sizes do not fit.
 */
export async function createInt8WasmScorer(bytes: Uint8Array, count: number, dim: number, prior: Float32Array | null): Promise<Int8WasmScorer | null> {
  if (!int8ScorerSupportsDim(dim)) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `the wasm int8 scorer needs dim to be a multiple of ${STEP_VALUES}, found ${dim}`, { field: 'dim' });
  }
  if (bytes.byteLength !== vectorFileBytes(count, dim, 'int8')) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${vectorFileBytes(count, dim, 'int8')} bytes for ${count} x ${dim} int8, found ${bytes.byteLength}`, { field: 'vectors' });
  }
  if (prior !== null && prior.length !== count) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${count} prior values (one per item), found ${prior.length}`, { field: 'popularity' });
  }
  const binary = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
  if (!WebAssembly.validate(binary)) return null;
  const { instance } = await WebAssembly.instantiate(binary);
  const module = instance.exports as unknown as ScoreModule;

  // The memory: int8 values and float32 scales as the file lays them out, then prior, scores and
  // the int16 interest. count * dim is a multiple of 16, so every float section is aligned.
  const scalesAt = count * dim;
  const priorAt = scalesAt + count * 4;
  const outAt = priorAt + count * 4;
  const userAt = outAt + count * 4;
  const needed = userAt + dim * 2;
  const pages = Math.ceil(needed / PAGE_BYTES) - module.memory.buffer.byteLength / PAGE_BYTES;
  if (pages > 0) module.memory.grow(pages);
  const memory = module.memory.buffer;
  new Uint8Array(memory, 0, bytes.byteLength).set(bytes);
  if (prior !== null) new Float32Array(memory, priorAt, count).set(prior);
  const scores = new Float32Array(memory, outAt, count);
  const user = new Int16Array(memory, userAt, dim);
  const quantisationMax = interestQuantisationMax(dim);

  return {
    topK(interest, k, excluded) {
      if (interest.length !== dim) throw new RecError('MODEL_DIMENSION_MISMATCH', `the interest vector has ${interest.length} values, the model has dim ${dim}`);
      let largest = 0;
      for (const value of interest) largest = Math.max(largest, Math.abs(value));
      const userScale = largest / quantisationMax;
      for (let j = 0; j < dim; j++) user[j] = largest === 0 ? 0 : Math.round((interest[j] ?? 0) / userScale);
      module.score(0, scalesAt, priorAt, userAt, outAt, count, dim, userScale);
      return topK(scores, k, excluded);
    },
  };
}
