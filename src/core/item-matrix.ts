/**
 * The item matrix as core reads it: a row at a time. Two layouts behind one interface: float32 rows,
 * and the int8 file layout (core/vectors.ts: count x dim int8 values and a float32 scale per row)
 * read in place, without a float32 copy. At a million 128-d items that is 132 MB instead of 512 MB,
 * against an item space budget of 250 MB.
 *
 * Reads are exact: value j of an int8 row is Math.fround(q_j * scale), the float32 that decoding the
 * file stores, so every score, interest update and cosine is the same to the bit in either layout.
 */
import { RecError } from './errors.ts';

export interface ItemMatrix {
  readonly count: number;
  readonly dim: number;
  /** 'paged': rows fetched by page as they are needed (vector-pages.ts). */
  readonly layout: 'float32' | 'int8' | 'paged';
  /**
   * @param row which row.
   * @param vector dim values.
   * @returns the sum over j of row_j * vector_j, in order, in float64 (as over the row decoded to float32).
   */
  dot(row: number, vector: Float32Array): number;
  /**
   * Many rows' dot products: out[i] = dot(rows[i], vector), the same values to the bit. A loop that
   * scores thousands of rows (a re-rank, a gram matrix) calls this once: four rows a pass keep four
   * sums going at once, where a call a row waits on each sum's additions in turn.
   * @param out at least rows.length values.
   */
  dotRows(rows: ArrayLike<number>, vector: Float32Array, out: Float64Array): void;
  /** @returns the row's float32 values: a view of float32 rows, a new decoded array for int8 ones. Do not modify. */
  row(row: number): Float32Array;
  /** Copies the row's float32 values into `out` from index `at` (no allocation, for loops over many rows). */
  readRow(row: number, out: Float32Array, at: number): void;
  /** @returns every row as float32, row-major: the rows themselves, or a new decoded copy (count x dim x 4 bytes). */
  toFloat32(): Float32Array;
  /** Bytes its arrays take in the JavaScript heap (0 once int8 rows have moved into WebAssembly memory). */
  heapBytes(): number;
}

/** The int8 layout, which the wasm scorer reads as it is. */
export interface Int8ItemMatrix extends ItemMatrix {
  readonly layout: 'int8';
  /** count x dim values, row-major. */
  values(): Int8Array;
  /** One scale per row. */
  scales(): Float32Array;
  /**
   * Reads from now on from copies of the same values kept elsewhere (the wasm scorer's module
   * memory), so the rows are held once; their bytes are then counted there, not in heapBytes.
   * @param values a copy of values().
   * @param scales a copy of scales().
   * @throws RecError INTERNAL when a copy has the wrong length.
   */
  moveTo(values: Int8Array, scales: Float32Array): void;
  /** Copies the rows back into arrays of its own in the heap (their holder is going away), counted in heapBytes again. */
  moveToHeap(): void;
}

/** Where core's math accepts the item matrix: row-major float32 values, or an ItemMatrix. */
export type ItemRows = Float32Array | ItemMatrix;

/**
 * ItemMatrix.dotRows over row-major values: out[i] = the sum over j of fround(value_j * scale) *
 * vector_j for row rows[i], added in order in float64, as both layouts' dot computes it (a float32
 * row's scale is 1, which leaves each value as it is). Four rows a pass keep four sums going at once.
 * @param scaleOf a row's scale.
 */
function scaledDotRows(
  values: Int8Array | Float32Array,
  scaleOf: (row: number) => number,
  dim: number,
  rows: ArrayLike<number>,
  vector: Float32Array,
  out: Float64Array,
): void {
  let i = 0;
  for (; i + 3 < rows.length; i += 4) {
    const r0 = rows[i] ?? 0;
    const r1 = rows[i + 1] ?? 0;
    const r2 = rows[i + 2] ?? 0;
    const r3 = rows[i + 3] ?? 0;
    const [s0, s1, s2, s3] = [scaleOf(r0), scaleOf(r1), scaleOf(r2), scaleOf(r3)];
    let x0 = 0;
    let x1 = 0;
    let x2 = 0;
    let x3 = 0;
    for (let j = 0; j < dim; j++) {
      const v = vector[j] ?? 0;
      x0 += Math.fround((values[r0 * dim + j] ?? 0) * s0) * v;
      x1 += Math.fround((values[r1 * dim + j] ?? 0) * s1) * v;
      x2 += Math.fround((values[r2 * dim + j] ?? 0) * s2) * v;
      x3 += Math.fround((values[r3 * dim + j] ?? 0) * s3) * v;
    }
    out[i] = x0;
    out[i + 1] = x1;
    out[i + 2] = x2;
    out[i + 3] = x3;
  }
  for (; i < rows.length; i++) {
    const row = rows[i] ?? 0;
    const scale = scaleOf(row);
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += Math.fround((values[row * dim + j] ?? 0) * scale) * (vector[j] ?? 0);
    out[i] = sum;
  }
}

/**
 * @param values row-major float32 rows (kept, not copied: do not modify).
 * @param dim values per row.
 */
export function float32Matrix(values: Float32Array, dim: number): ItemMatrix {
  const dot = (row: number, vector: Float32Array): number => {
    let sum = 0;
    const start = row * dim;
    for (let j = 0; j < dim; j++) sum += (values[start + j] ?? 0) * (vector[j] ?? 0);
    return sum;
  };
  return {
    count: values.length / dim,
    dim,
    layout: 'float32',
    dot,
    dotRows: (rows, vector, out) => scaledDotRows(values, () => 1, dim, rows, vector, out),
    row: (row) => values.subarray(row * dim, (row + 1) * dim),
    readRow: (row, out, at) => out.set(values.subarray(row * dim, (row + 1) * dim), at),
    toFloat32: () => values,
    heapBytes: () => values.byteLength,
  };
}

/**
 * @param values count x dim int8 values, row-major (kept, not copied).
 * @param scales one float32 scale per row (kept, not copied).
 * @param dim values per row.
 */
export function int8Matrix(values: Int8Array, scales: Float32Array, dim: number): Int8ItemMatrix {
  const count = scales.length;
  if (values.length !== count * dim) {
    throw new RecError('INTERNAL', `an int8 matrix of ${count} rows x ${dim} needs ${count * dim} values, found ${values.length}`);
  }
  let q = values;
  let s = scales;
  let inHeap = true;
  const decodeInto = (row: number, out: Float32Array, at: number): void => {
    const scale = s[row] ?? 0;
    const start = row * dim;
    for (let j = 0; j < dim; j++) out[at + j] = (q[start + j] ?? 0) * scale;
  };
  const dot = (row: number, vector: Float32Array): number => {
    const scale = s[row] ?? 0;
    const start = row * dim;
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += Math.fround((q[start + j] ?? 0) * scale) * (vector[j] ?? 0);
    return sum;
  };
  return {
    count,
    dim,
    layout: 'int8',
    dot,
    dotRows: (rows, vector, out) => scaledDotRows(q, (row) => s[row] ?? 0, dim, rows, vector, out),
    row(row) {
      const out = new Float32Array(dim);
      decodeInto(row, out, 0);
      return out;
    },
    readRow: decodeInto,
    toFloat32() {
      const out = new Float32Array(count * dim);
      for (let row = 0; row < count; row++) decodeInto(row, out, row * dim);
      return out;
    },
    heapBytes: () => (inHeap ? q.byteLength + s.byteLength : 0),
    values: () => q,
    scales: () => s,
    moveTo(movedValues, movedScales) {
      if (movedValues.length !== q.length || movedScales.length !== s.length) {
        throw new RecError(
          'INTERNAL',
          `moving an int8 matrix of ${q.length} values and ${s.length} scales, found ${movedValues.length} and ${movedScales.length}`,
        );
      }
      q = movedValues;
      s = movedScales;
      inHeap = false;
    },
    moveToHeap() {
      q = q.slice();
      s = s.slice();
      inHeap = true;
    },
  };
}

/**
 * @param rows float32 values or a matrix.
 * @param dim values per row.
 * @returns the matrix (float32 values wrapped, not copied).
 * @throws RecError MODEL_DIMENSION_MISMATCH when a matrix has another dim.
 */
export function asMatrix(rows: ItemRows, dim: number): ItemMatrix {
  if (rows instanceof Float32Array) return float32Matrix(rows, dim);
  if (rows.dim !== dim) throw new RecError('MODEL_DIMENSION_MISMATCH', `the item matrix has dim ${rows.dim}, expected ${dim}`, { field: 'dim' });
  return rows;
}

/** @returns whether the matrix is in the int8 layout (the wasm scorer then reads its values as they are). */
export function isInt8Matrix(matrix: ItemMatrix): matrix is Int8ItemMatrix {
  return matrix.layout === 'int8';
}
