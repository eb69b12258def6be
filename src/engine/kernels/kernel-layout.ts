/**
 * The plain-TypeScript half of the WebGPU scoring kernel (score-top-k-webgpu.ts): how an item
 * matrix in one of the model's file layouts (core/vectors.ts) is laid out in GPU buffers, and how
 * the kernel splits its top-K work. No TF.js here, so it is unit-tested in Node.
 *
 * The kernel reads the item values packed in 32-bit words, as the model files store them, and
 * unpacks them in the shader, so int8 and float16 matrices take 1/4 and 1/2 of float32's GPU
 * memory and bandwidth. Values are grouped by 4 (one vec4 per group) and the groups stored
 * dimension-major (group g of every row, then group g + 1), so that threads scoring neighbouring
 * rows read neighbouring memory. Per dtype, a group is:
 *  - float32: the values as they are (bound as vec4<f32>);
 *  - float16: two IEEE halves per word, the lower-addressed half in the low 16 bits (WGSL's
 *    `unpack2x16float` reads them in that order);
 *  - int8: four values per word, the lower-addressed byte in the low 8 bits, plus one float32 scale
 *    per row (value = int8 * scale), exactly the file's two sections.
 * Words are assembled little-endian, as the files are written, whatever the platform's order.
 */
import { RecError } from '../../core/errors.ts';
import { vectorFileBytes, type VectorDtype } from '../../core/vectors.ts';

/** An item matrix as the kernel's buffers hold it. */
export interface KernelMatrix {
  readonly dtype: VectorDtype;
  readonly count: number;
  readonly dim: number;
  /** float32: the values; float16/int8: the packed words (dim/2 or dim/4 per row); dimension-major groups of 4. */
  readonly values: Float32Array | Int32Array;
  /** int8 only: one scale per row. */
  readonly scales: Float32Array | null;
}

/** Threads per workgroup of the score pass. */
export const SCORE_WORKGROUP_SIZE = 64;
/**
 * Rows one thread of the score pass scores together: each load of the interest vector serves
 * all of them. On SwiftShader, where every buffer load is a per-lane gather, 8 rows measured
 * about 2x faster than 1 (4: 1.7x; 12 and 16: slower again); on a GPU it saves loads of the
 * interest and still leaves N/8 threads (12,500 at 100k rows) to fill the device.
 */
export const ROWS_PER_SCORE_THREAD = 8;
/**
 * Threads of the selection pass's one workgroup: one chunk of rows each. At least MAX_KERNEL_K, so
 * there are always K chunk maxima to take the threshold from; 256 is WebGPU's guaranteed
 * `maxComputeInvocationsPerWorkgroup`.
 */
export const SELECT_THREADS = 256;
/** The largest K one kernel run selects; a larger request falls back to reading every score. */
export const MAX_KERNEL_K = 256;
/** K is rounded up to a multiple of this, so a few compiled shaders serve every grid size. */
const K_STEP = 16;
/** Row ids travel through the kernel's float32 output, which holds whole numbers exactly up to 2^24. */
const MAX_EXACT_ROWS = 2 ** 24;

/**
 * Whether the kernel can score a matrix of this width: every dtype is read 4 values at a time.
 * @param dim values per row.
 */
export function kernelSupportsDim(dim: number): boolean {
  return Number.isInteger(dim) && dim > 0 && dim % 4 === 0;
}

/**
 * Lays out a model file's vector bytes (core/vectors.ts layout) for the kernel.
 * @param bytes the vectors file contents (already checked by loadModel, or encodeVectors output).
 * @param count rows.
 * @param dim values per row (a multiple of 4).
 * @param dtype the file's layout.
 * @throws RecError MODEL_DIMENSION_MISMATCH when dim is not a multiple of 4 or the byte length is wrong.
 */
export function packForKernel(bytes: Uint8Array, count: number, dim: number, dtype: VectorDtype): KernelMatrix {
  if (!kernelSupportsDim(dim)) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `the WebGPU scoring kernel needs dim to be a multiple of 4, found ${dim}`, { field: 'dim' });
  }
  const expected = vectorFileBytes(count, dim, dtype);
  if (bytes.byteLength !== expected) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${expected} bytes for ${count} x ${dim} ${dtype}, found ${bytes.byteLength}`, {
      field: 'vectors',
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const groups = dim / 4;
  // Group g of row r (its values 4g..4g+3) goes to element g * count + r: threads scoring
  // neighbouring rows read neighbouring memory.
  switch (dtype) {
    case 'float32': {
      const values = new Float32Array(count * dim);
      for (let row = 0; row < count; row++) {
        for (let j = 0; j < dim; j++) values[(Math.floor(j / 4) * count + row) * 4 + (j % 4)] = view.getFloat32((row * dim + j) * 4, true);
      }
      return { dtype, count, dim, values, scales: null };
    }
    case 'float16': {
      // Two words (four halves) per element.
      const values = new Int32Array((count * dim) / 2);
      for (let row = 0; row < count; row++) {
        for (let w = 0; w < groups * 2; w++) values[(Math.floor(w / 2) * count + row) * 2 + (w % 2)] = view.getInt32((row * groups * 2 + w) * 4, true);
      }
      return { dtype, count, dim, values, scales: null };
    }
    case 'int8': {
      // One word (four bytes) per element.
      const values = new Int32Array((count * dim) / 4);
      const scales = new Float32Array(count);
      for (let row = 0; row < count; row++) {
        for (let g = 0; g < groups; g++) values[g * count + row] = view.getInt32((row * groups + g) * 4, true);
        scales[row] = view.getFloat32(count * dim + row * 4, true);
      }
      return { dtype, count, dim, values, scales };
    }
  }
}

/** How one kernel run divides its work. */
export interface SelectionPlan {
  /** K as compiled into the shaders: the requested k rounded up to a multiple of 16. */
  readonly k: number;
  /**
   * Threads of the score pass: thread t scores rows t + i * scoreThreads (i < ROWS_PER_SCORE_THREAD),
   * so the lanes of a workgroup read neighbouring rows of each group.
   */
  readonly scoreThreads: number;
}

/**
 * @param count rows in the matrix.
 * @param k how many best rows are wanted (>= 1).
 * @returns the plan, or null when k is beyond MAX_KERNEL_K or the rows are too many for exact
 *   float32 ids (the caller reads every score instead).
 */
export function planSelection(count: number, k: number): SelectionPlan | null {
  if (k > MAX_KERNEL_K || count > MAX_EXACT_ROWS) return null;
  return { k: Math.max(K_STEP, Math.ceil(k / K_STEP) * K_STEP), scoreThreads: Math.max(1, Math.ceil(count / ROWS_PER_SCORE_THREAD)) };
}
