import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asMatrix, float32Matrix, int8Matrix, isInt8Matrix } from './item-matrix.ts';
import { gramMatrix, normalise, scoreAll, updateInterest } from './rank.ts';
import { attemptRead, seededRandom } from './test-support.ts';
import { decodeMatrix, decodeVectors, encodeVectors } from './vectors.ts';

const random = seededRandom(3);
const COUNT = 7;
const DIM = 5;
const rows = Float32Array.from({ length: COUNT * DIM }, () => random() - 0.5);
for (let row = 0; row < COUNT; row++) rows.set(normalise(rows.subarray(row * DIM, (row + 1) * DIM)), row * DIM);
/** The int8 file of those rows, and what decoding it gives. */
const file = encodeVectors(rows, COUNT, DIM, 'int8');
const decoded = decodeVectors(file, COUNT, DIM, 'int8', 'vectors.bin');
const int8 = () => int8Matrix(new Int8Array(file.buffer, 0, COUNT * DIM), new Float32Array(file.buffer.slice(COUNT * DIM)), DIM);
const vector = Float32Array.from({ length: DIM }, () => random() - 0.5);

describe('an int8 item matrix', () => {
  it('reads every row as the decoded float32 file holds it, to the bit', () => {
    const matrix = int8();
    expect(matrix.toFloat32()).toEqual(decoded);
    for (let row = 0; row < COUNT; row++) {
      expect(matrix.row(row)).toEqual(decoded.subarray(row * DIM, (row + 1) * DIM));
      expect(matrix.dot(row, vector)).toBe(float32Matrix(decoded, DIM).dot(row, vector));
    }
    const out = new Float32Array(DIM + 2);
    matrix.readRow(3, out, 2);
    expect([...out]).toEqual([0, 0, ...decoded.subarray(3 * DIM, 4 * DIM)]);
    // Only the row's own values are written: what follows it stays.
    const wide = new Float32Array(2 * DIM).fill(7);
    matrix.readRow(3, wide, 0);
    expect([...wide.subarray(DIM)]).toEqual(new Array<number>(DIM).fill(7));
  });

  it("gives core's scores, updates and cosines exactly as the decoded rows do", () => {
    const matrix = int8();
    const prior = Float32Array.from({ length: COUNT }, () => random());
    expect(scoreAll(matrix, DIM, vector, prior, 0.3)).toEqual(scoreAll(decoded, DIM, vector, prior, 0.3));
    const terms = [
      { kind: 'row', row: 2, weight: 1 },
      { kind: 'row', row: 5, weight: -0.5 },
    ] as const;
    expect(updateInterest(vector, 0.7, terms, matrix, DIM)).toEqual(updateInterest(vector, 0.7, terms, decoded, DIM));
    expect(gramMatrix(matrix, DIM, [6, 0, 3])).toEqual(gramMatrix(decoded, DIM, [6, 0, 3]));
  });

  it('counts its values and scales in the heap until they move, then reads the moved copies', () => {
    const matrix = int8();
    expect(matrix.heapBytes()).toBe(COUNT * DIM + COUNT * 4);
    const values = Int8Array.from(matrix.values());
    const scales = Float32Array.from(matrix.scales());
    matrix.moveTo(values, scales);
    expect(matrix.heapBytes()).toBe(0);
    expect(matrix.values()).toBe(values);
    // Reads follow the new arrays: a changed scale shows.
    scales[1] = 0;
    expect(matrix.row(1).every((value) => value === 0)).toBe(true);
    expect(matrix.dot(1, vector)).toBe(0);
    // Back to arrays of its own: the same values, counted again, no longer the moved copies.
    matrix.moveToHeap();
    expect(matrix.heapBytes()).toBe(COUNT * DIM + COUNT * 4);
    expect(matrix.values()).not.toBe(values);
    expect(matrix.values()).toEqual(values);
    scales[2] = 0;
    expect(matrix.row(2)).toEqual(decoded.subarray(2 * DIM, 3 * DIM));
  });

  it('refuses values that do not fit its rows, and a move to copies of another size', () => {
    expect(() => int8Matrix(new Int8Array(COUNT * DIM - 1), new Float32Array(COUNT), DIM)).toThrow(
      expect.objectContaining({ code: 'INTERNAL', message: `an int8 matrix of ${COUNT} rows x ${DIM} needs ${COUNT * DIM} values, found ${COUNT * DIM - 1}` }),
    );
    const matrix = int8();
    expect(() => matrix.moveTo(new Int8Array(COUNT * DIM + 1), new Float32Array(COUNT))).toThrow(
      expect.objectContaining({
        code: 'INTERNAL',
        message: `moving an int8 matrix of ${COUNT * DIM} values and ${COUNT} scales, found ${COUNT * DIM + 1} and ${COUNT}`,
      }),
    );
    expect(() => matrix.moveTo(new Int8Array(COUNT * DIM), new Float32Array(COUNT - 1))).toThrow(
      expect.objectContaining({
        code: 'INTERNAL',
        message: `moving an int8 matrix of ${COUNT * DIM} values and ${COUNT} scales, found ${COUNT * DIM} and ${COUNT - 1}`,
      }),
    );
    expect(matrix.heapBytes()).toBe(COUNT * DIM + COUNT * 4);
  });
});

describe('dotRows', () => {
  // Rows in any order, repeated, two passes of four rows and some left over.
  const picked = [6, 4, 3, 3, 5, 1, 2, 0, 6];
  for (const [layout, matrix] of [
    ['float32', () => float32Matrix(rows, DIM)],
    ['int8', int8],
  ] as const) {
    it(`gives each ${layout} row's dot product, to the bit, for any number of rows in any order`, () => {
      const built = matrix();
      for (const count of [0, 1, 3, 4, 5, 8, picked.length]) {
        const out = new Float64Array(count + 1).fill(9);
        built.dotRows(picked.slice(0, count), vector, out);
        expect([...out]).toEqual([...picked.slice(0, count).map((row) => built.dot(row, vector)), 9]);
      }
    });
  }
});

describe('a float32 item matrix', () => {
  it('is a view of the array it wraps, counted whole', () => {
    const matrix = float32Matrix(rows, DIM);
    expect(matrix.count).toBe(COUNT);
    expect(matrix.toFloat32()).toBe(rows);
    expect(matrix.row(2).buffer).toBe(rows.buffer);
    expect(matrix.row(2)).toEqual(rows.subarray(2 * DIM, 3 * DIM));
    expect(matrix.heapBytes()).toBe(rows.byteLength);
    expect(isInt8Matrix(matrix)).toBe(false);
  });

  it('asMatrix wraps float32 values and hands a matrix of the same width back as it is, refusing another width', () => {
    const matrix = int8();
    expect(asMatrix(matrix, DIM)).toBe(matrix);
    expect(asMatrix(rows, DIM).dot(4, vector)).toBe(float32Matrix(rows, DIM).dot(4, vector));
    expect(() => asMatrix(matrix, DIM + 1)).toThrow(
      expect.objectContaining({ code: 'MODEL_DIMENSION_MISMATCH', message: `dim: the item matrix has dim ${DIM}, expected ${DIM + 1}` }),
    );
  });
});

describe('decodeMatrix', () => {
  it('reads an int8 file in place (values, and scales at an aligned offset, are views of its bytes) and a float32 one decoded', () => {
    const matrix = decodeMatrix(file, COUNT, DIM, 'int8', 'vectors.bin');
    expect(isInt8Matrix(matrix) && matrix.values().buffer === file.buffer).toBe(true);
    expect(matrix.toFloat32()).toEqual(decoded);
    // 4 rows x 5 values: the scales start at byte 20.
    const aligned = encodeVectors(rows.subarray(0, 4 * DIM), 4, DIM, 'int8');
    const alignedMatrix = decodeMatrix(aligned, 4, DIM, 'int8', 'vectors.bin');
    expect(isInt8Matrix(alignedMatrix) && alignedMatrix.scales().buffer === aligned.buffer).toBe(true);
    expect(alignedMatrix.toFloat32()).toEqual(decodeVectors(aligned, 4, DIM, 'int8', 'vectors.bin'));
    const float32 = decodeMatrix(encodeVectors(decoded, COUNT, DIM, 'float32'), COUNT, DIM, 'float32', 'vectors.bin');
    expect(float32.layout).toBe('float32');
    expect(float32.toFloat32()).toEqual(decoded);
  });

  it('copies scales that are not 4-byte aligned in the buffer (here 35 bytes in), with the same values; reads a file at any offset', () => {
    const matrix = decodeMatrix(file, COUNT, DIM, 'int8', 'vectors.bin');
    expect(isInt8Matrix(matrix) && matrix.scales().buffer !== file.buffer).toBe(true);
    expect(matrix.toFloat32()).toEqual(decoded);
    const shifted = new Uint8Array(file.byteLength + 1);
    shifted.set(file, 1);
    expect(decodeMatrix(shifted.subarray(1), COUNT, DIM, 'int8', 'vectors.bin').toFloat32()).toEqual(decoded);
  });

  it('refuses an int8 file as decodeVectors does: its size, a row that is not unit length, a scale that is not finite', () => {
    expect(() => decodeMatrix(file.subarray(1), COUNT, DIM, 'int8', 'm/vectors.bin')).toThrow(
      expect.objectContaining({
        code: 'MODEL_DIMENSION_MISMATCH',
        message: `m/vectors.bin: expected ${file.byteLength} bytes for ${COUNT} x ${DIM} int8, found ${file.byteLength - 1}`,
      }),
    );
    const long = file.slice();
    new DataView(long.buffer).setFloat32(COUNT * DIM + 2 * 4, 0.5, true);
    expect(() => decodeMatrix(long, COUNT, DIM, 'int8', 'm/vectors.bin')).toThrow(
      expect.objectContaining({ code: 'MODEL_VECTORS_INVALID', message: expect.stringMatching(/^m\/vectors\.bin: row 2 has L2 norm/) }),
    );
    const nan = file.slice();
    new DataView(nan.buffer).setFloat32(COUNT * DIM + 4 * 4, Number.NaN, true);
    expect(() => decodeMatrix(nan, COUNT, DIM, 'int8', 'm/vectors.bin')).toThrow(
      expect.objectContaining({ code: 'MODEL_VECTORS_INVALID', message: 'm/vectors.bin: row 4 column 0 is NaN, expected a finite number' }),
    );
  });

  it('accepts and refuses int8 files exactly as the check of their decoded rows does, near the unit-length tolerance and with scales too large to decode', () => {
    const dim = 8;
    const row = fc.tuple(
      fc.array(fc.integer({ min: -127, max: 127 }), { minLength: dim, maxLength: dim }),
      fc.oneof(
        // |norm - 1| from 0 to twice the tolerance, either side
        { arbitrary: fc.double({ min: 0.98, max: 1.02, noNaN: true }), weight: 6 },
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1e37, 1e31, 0),
      ),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 4 }), (rows) => {
        const count = rows.length;
        const file = new Uint8Array(count * dim + count * 4);
        const view = new DataView(file.buffer);
        rows.forEach(([values, norm], r) => {
          values.forEach((q, j) => view.setInt8(r * dim + j, q));
          const length = Math.hypot(...values);
          // `norm` is the row's target length; a special value is the scale itself
          const scale = Number.isFinite(norm) && norm > 0.5 && norm < 2 ? (length === 0 ? 1 : norm / length) : norm;
          view.setFloat32(count * dim + r * 4, scale, true);
        });
        const viaMatrix = attemptRead(() => Array.from(decodeMatrix(file, count, dim, 'int8', 'm/vectors.bin').toFloat32()));
        const viaDecoded = attemptRead(() => Array.from(decodeVectors(file, count, dim, 'int8', 'm/vectors.bin')));
        expect(viaMatrix instanceof Error ? viaMatrix.message : viaMatrix).toEqual(viaDecoded instanceof Error ? viaDecoded.message : viaDecoded);
      }),
      { numRuns: 400 },
    );
  });
});
