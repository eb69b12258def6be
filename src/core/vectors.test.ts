import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { RecError } from './errors.ts';
import { normalise } from './rank.ts';
import { seededRandom } from './test-support.ts';
import { VECTOR_DTYPES, decodeVectors, encodeVectors, matrixRowCount, vectorFileBytes } from './vectors.ts';

const COUNT = 30;
const DIM = 16;

function unitRows(): Float32Array {
  const random = seededRandom(3);
  const values = new Float32Array(COUNT * DIM);
  for (let row = 0; row < COUNT; row++) values.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);
  return values;
}

describe('vector files', () => {
  it.each(VECTOR_DTYPES)('round-trips %s within its precision', (dtype) => {
    const values = unitRows();
    const bytes = encodeVectors(values, COUNT, DIM, dtype);
    expect(bytes.byteLength).toBe(vectorFileBytes(COUNT, DIM, dtype));
    const decoded = decodeVectors(bytes, COUNT, DIM, dtype, 'v.bin');
    const tolerance = { float32: 0, float16: 1e-3, int8: 1e-2 }[dtype];
    let worst = 0;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs((values[i] ?? 0) - (decoded[i] ?? 0)));
    expect(worst).toBeLessThanOrEqual(tolerance);
  });

  it('rejects a file whose length does not fit count x dim, naming the file and both sizes', () => {
    const bytes = encodeVectors(unitRows(), COUNT, DIM, 'float32');
    const decode = () => decodeVectors(bytes.subarray(0, bytes.byteLength - 4), COUNT, DIM, 'float32', 'models/x/vectors.bin');
    expect(decode).toThrow(RecError);
    expect(decode).toThrow(`models/x/vectors.bin: expected ${COUNT * DIM * 4} bytes for ${COUNT} x ${DIM} float32, found ${COUNT * DIM * 4 - 4}`);
  });

  it(
    'rejects rows that are not unit length or not finite',
    faultTest('Model files', 'Item vectors that are not finite or not of unit length', async () => {
      const values = unitRows();
      values[DIM * 2] = 5;
      expect(() => decodeVectors(encodeVectors(values, COUNT, DIM, 'float32'), COUNT, DIM, 'float32', 'v.bin')).toThrow(/row 2 has L2 norm/);
      values[DIM * 2] = Number.NaN;
      expect(() => decodeVectors(encodeVectors(values, COUNT, DIM, 'float32'), COUNT, DIM, 'float32', 'v.bin')).toThrow(/row 2 column 0 is NaN/);
    }),
  );
});

describe('matrixRowCount', () => {
  it('counts the rows of a matrix that fits, and names the field that does not', () => {
    expect(matrixRowCount(new Float32Array(12), 4, new Float32Array(3))).toBe(3);
    expect(matrixRowCount(new Float32Array(12), 4, null)).toBe(3);
    const field = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error instanceof RecError ? [error.code, error.location.field] : error;
      }
      return 'no error';
    };
    expect(field(() => matrixRowCount(new Float32Array(12), 0, null))).toEqual(['MODEL_DIMENSION_MISMATCH', 'dim']);
    expect(field(() => matrixRowCount(new Float32Array(12), 5, null))).toEqual(['MODEL_DIMENSION_MISMATCH', 'vectors']);
    expect(field(() => matrixRowCount(new Float32Array(12), 4, new Float32Array(4)))).toEqual(['MODEL_DIMENSION_MISMATCH', 'popularity']);
  });
});
