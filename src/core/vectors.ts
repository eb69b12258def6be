/**
 * Binary layout of item vectors (row-major, little-endian):
 *  - float32: count*dim float32 values.
 *  - float16: count*dim IEEE half values.
 *  - int8:    count*dim int8 values, then count float32 per-row scales (value = int8 * scale).
 * The browser keeps int8 files as they are (item-matrix.ts) and decodes the others into one
 * Float32Array; the builder encodes with the same code.
 */
import { UNIT_NORM_TOLERANCE } from './constants.ts';
import { RecError } from './errors.ts';
import { asMatrix, float32Matrix, int8Matrix, isInt8Matrix, type Int8ItemMatrix, type ItemMatrix, type ItemRows } from './item-matrix.ts';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export const VECTOR_DTYPES = ['float32', 'float16', 'int8'] as const;
export type VectorDtype = (typeof VECTOR_DTYPES)[number];

/**
 * @param count number of rows.
 * @param dim values per row.
 * @param dtype storage type.
 * @returns the exact byte length of the vectors file.
 */
export function vectorFileBytes(count: number, dim: number, dtype: VectorDtype): number {
  switch (dtype) {
    case 'float32':
      return count * dim * 4;
    case 'float16':
      return count * dim * 2;
    case 'int8':
      return count * dim + count * 4;
  }
}

/**
 * Checks that a row-major item matrix, and the per-item values that go with it, fit `dim`: what
 * every engine that takes a matrix (the interest engine, its scorers, the batch scorer) checks first.
 * @param vectors count*dim values, or a matrix.
 * @param dim values per row.
 * @param perItem one value per row (the popularity prior), or null.
 * @returns count, the number of rows.
 * @throws RecError MODEL_DIMENSION_MISMATCH naming the field that does not fit (dim, vectors, popularity).
 */
export function matrixRowCount(vectors: ItemRows, dim: number, perItem: Float32Array | null): number {
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `dim must be a positive whole number, found ${dim}`, { field: 'dim' });
  }
  if (vectors instanceof Float32Array && vectors.length % dim !== 0) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `the item matrix has ${vectors.length} values, not a multiple of dim ${dim}`, { field: 'vectors' });
  }
  const count = asMatrix(vectors, dim).count;
  if (perItem !== null && perItem.length !== count) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${count} popularity values (one per item), found ${perItem.length}`, { field: 'popularity' });
  }
  return count;
}

/**
 * Encodes row-major float32 vectors into the file layout of `dtype`.
 * @param values count*dim values.
 * @param count number of rows.
 * @param dim values per row.
 * @param dtype target storage type.
 */
export function encodeVectors(values: Float32Array, count: number, dim: number, dtype: VectorDtype): Uint8Array {
  const out = new Uint8Array(vectorFileBytes(count, dim, dtype));
  const view = new DataView(out.buffer);
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < count * dim; i++) view.setFloat32(i * 4, values[i] ?? 0, true);
      break;
    case 'float16':
      for (let i = 0; i < count * dim; i++) view.setUint16(i * 2, toHalf(values[i] ?? 0), true);
      break;
    case 'int8':
      for (let row = 0; row < count; row++) {
        let maxAbs = 0;
        for (let j = 0; j < dim; j++) maxAbs = Math.max(maxAbs, Math.abs(values[row * dim + j] ?? 0));
        const scale = maxAbs === 0 ? 1 : maxAbs / 127;
        for (let j = 0; j < dim; j++) view.setInt8(row * dim + j, Math.round((values[row * dim + j] ?? 0) / scale));
        view.setFloat32(count * dim + row * 4, scale, true);
      }
      break;
  }
  return out;
}

/**
 * Decodes a vectors file and checks every value is finite and, unless `unitRows` is false, every
 * row unit-length.
 * @param bytes the file contents.
 * @param count rows declared by the manifest.
 * @param dim dimension declared by the manifest.
 * @param dtype storage type declared by the manifest.
 * @param file the file name, for error messages.
 * @param unitRows whether rows must be L2-normalised (false for a trained sequence model's item
 *   table, whose lengths carry what it learned).
 */
export function decodeVectors(bytes: Uint8Array, count: number, dim: number, dtype: VectorDtype, file: string, unitRows = true): Float32Array {
  const expected = vectorFileBytes(count, dim, dtype);
  if (bytes.byteLength !== expected) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${expected} bytes for ${count} x ${dim} ${dtype}, found ${bytes.byteLength}`, { file });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count * dim);
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < count * dim; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'float16':
      for (let i = 0; i < count * dim; i++) out[i] = fromHalf(view.getUint16(i * 2, true));
      break;
    case 'int8':
      for (let row = 0; row < count; row++) {
        const scale = view.getFloat32(count * dim + row * 4, true);
        for (let j = 0; j < dim; j++) out[row * dim + j] = view.getInt8(row * dim + j) * scale;
      }
      break;
  }
  checkRows(float32Matrix(out, dim), file, unitRows);
  return out;
}

/**
 * decodeVectors as a matrix, with the same checks: an int8 file is read in place (its values and,
 * when they are 4-byte aligned, its scales are views of `bytes`), the other layouts decoded to float32.
 * @param bytes the file contents.
 * @param count rows declared by the manifest.
 * @param dim dimension declared by the manifest.
 * @param dtype storage type declared by the manifest.
 * @param file the file name, for error messages.
 */
export function decodeMatrix(bytes: Uint8Array, count: number, dim: number, dtype: VectorDtype, file: string): ItemMatrix {
  if (dtype !== 'int8') return float32Matrix(decodeVectors(bytes, count, dim, dtype, file), dim);
  const expected = vectorFileBytes(count, dim, dtype);
  if (bytes.byteLength !== expected) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${expected} bytes for ${count} x ${dim} ${dtype}, found ${bytes.byteLength}`, { file });
  }
  const scalesAt = bytes.byteOffset + count * dim;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A Float32Array reads the platform's byte order: a view only where that is the file's (little-endian) and the offset aligned.
  const scales =
    LITTLE_ENDIAN && scalesAt % 4 === 0
      ? new Float32Array(bytes.buffer, scalesAt, count)
      : Float32Array.from({ length: count }, (_, row) => view.getFloat32(count * dim + row * 4, true));
  const matrix = int8Matrix(new Int8Array(bytes.buffer, bytes.byteOffset, count * dim), scales, dim);
  checkRows(matrix, file, true);
  return matrix;
}

function checkRows(matrix: ItemMatrix, file: string, unitRows: boolean): void {
  const { count, dim } = matrix;
  const clears = isInt8Matrix(matrix) ? int8RowClears(matrix, unitRows) : () => false;
  // One row at a time into one array: a new one per row would be a million allocations at 1M items.
  const values = new Float32Array(dim);
  for (let row = 0; row < count; row++) {
    if (clears(row)) continue;
    matrix.readRow(row, values, 0);
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const v = values[j] ?? Number.NaN;
      if (!Number.isFinite(v)) {
        throw new RecError('MODEL_VECTORS_INVALID', `row ${row} column ${j} is ${v}, expected a finite number`, { file });
      }
      sum += v * v;
    }
    const norm = Math.sqrt(sum);
    if (unitRows && Math.abs(norm - 1) > UNIT_NORM_TOLERANCE) {
      throw new RecError('MODEL_VECTORS_INVALID', `row ${row} has L2 norm ${norm.toFixed(4)}, expected 1 (L2-normalised)`, { file });
    }
  }
}

/**
 * For an int8 file, a test that clears a row without decoding it, so that only rows it cannot clear
 * get checkRows's exact check and its message (decoding every row to check it took about 0.25 s of
 * a million-item first visit). A row's values are integers times its scale: they are finite when
 * their norm, |scale| x sqrt(sum q^2), is far below float32's largest value, and that norm is the
 * decoded row's up to float32 rounding (a relative 1e-7), far inside the margin kept from the
 * tolerance's edge.
 */
function int8RowClears(matrix: Int8ItemMatrix, unitRows: boolean): (row: number) => boolean {
  const { dim } = matrix;
  const values = matrix.values();
  const scales = matrix.scales();
  return (row) => {
    let sum = 0;
    for (let j = row * dim, end = j + dim; j < end; j++) {
      const q = values[j] as number;
      sum += q * q;
    }
    const norm = Math.abs(scales[row] as number) * Math.sqrt(sum);
    return norm < FAR_BELOW_FLOAT32_MAX && (!unitRows || Math.abs(norm - 1) <= UNIT_NORM_TOLERANCE * 0.99);
  };
}

/** A row norm below this has every value finite in float32 (largest: about 3.4e38). */
const FAR_BELOW_FLOAT32_MAX = 1e30;

// IEEE 754 half precision conversion (Float16Array is not in Node 20 or every browser yet).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (half + (rest > halfway || (rest === halfway && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >> 13);
  const rest = mant & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
