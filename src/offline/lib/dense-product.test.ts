import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/test-support.ts';
import { addProduct, BLOCK_ROWS, crossProduct, forEachRowBlockProduct, gram, rowMajor, transposed } from './dense-product.ts';

/** Random values with exact zeros among them (the old loops skipped zero terms). */
function randomValues(count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: count }, () => (random() < 0.1 ? 0 : random() * 2 - 1));
}

/** The rank-one update per row that the blocked products replace. */
function crossProductOneRowAtATime(x: Float32Array, dx: number, y: Float32Array, dy: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(dx * dy);
  for (const row of rows) {
    for (let a = 0; a < dx; a++) {
      const value = x[row * dx + a] ?? 0;
      if (value === 0) continue;
      for (let b = 0; b < dy; b++) out[a * dy + b] = (out[a * dy + b] ?? 0) + value * (y[row * dy + b] ?? 0);
    }
  }
  return out;
}

/** The same bits: compared as raw float64 words, so -0 against +0 or a last-bit rounding fails. */
function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  expect(new BigUint64Array(actual.buffer).join()).toBe(new BigUint64Array(expected.buffer).join());
}

describe('dense products give the bits of one row at a time', () => {
  // Rows repeated and out of order, over more than one block; widths with and without a 4 x 4 remainder.
  const rowCount = 150;
  const rows = Array.from({ length: 2 * BLOCK_ROWS + 17 }, (_, i) => (i * 37) % rowCount);

  it.each([
    [13, 5],
    [16, 8],
    [6, 3],
  ])('crossProduct of %i- and %i-wide rows', (dx, dy) => {
    const x = randomValues(rowCount * dx, dx);
    const y = randomValues(rowCount * dy, dy + 100);
    expectSameBits(crossProduct(x, dx, y, dy, rows), crossProductOneRowAtATime(x, dx, y, dy, rows));
  });

  it.each([7, 12, 21])('gram of %i-wide rows, both triangles filled', (d) => {
    const x = randomValues(rowCount * d, d);
    const expected = crossProductOneRowAtATime(x, d, x, d, rows);
    expectSameBits(gram(x, d, rows), expected);
  });

  it('gram of no rows is zero', () => {
    expectSameBits(gram(randomValues(40, 1), 4, []), new Float64Array(16));
  });

  it('addProduct adds to what the output holds, through strides, every cell of a 6 x 7 result', () => {
    const depth = 9;
    const a = Float64Array.from(randomValues(6 * depth, 2)); // read transposed: stored depth x 6
    const b = Float64Array.from(randomValues(depth * 7, 3));
    const start = Float64Array.from(randomValues(6 * 7, 4));
    const expected = start.slice();
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 7; j++) {
        let sum = expected[i * 7 + j] ?? 0;
        for (let k = 0; k < depth; k++) sum += (a[k * 6 + i] ?? 0) * (b[k * 7 + j] ?? 0);
        expected[i * 7 + j] = sum;
      }
    }
    const c = start.slice();
    addProduct(c, 7, transposed(a, 6), rowMajor(b, 7), 6, 7, depth);
    expectSameBits(c, expected);
  });

  it('addProduct reads a row-major left and a transposed right operand, in two columns of 4 x 4 tiles and the remainders', () => {
    const depth = 5;
    const a = Float64Array.from(randomValues(6 * depth, 5)); // 6 x depth
    const b = Float64Array.from(randomValues(9 * depth, 6)); // read transposed: stored 9 x depth
    const expected = new Float64Array(6 * 9);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 9; j++) {
        let sum = 0;
        for (let k = 0; k < depth; k++) sum += (a[i * depth + k] ?? 0) * (b[j * depth + k] ?? 0);
        expected[i * 9 + j] = sum;
      }
    }
    const c = new Float64Array(6 * 9);
    addProduct(c, 9, rowMajor(a, depth), transposed(b, depth), 6, 9, depth);
    expectSameBits(c, expected);
  });
});

describe('forEachRowBlockProduct', () => {
  it("hands every row's dot products with each vector over, a block at a time, the last block short", () => {
    const dim = 6;
    const total = 2 * BLOCK_ROWS + 22;
    const matrix = randomValues(total * dim, 7);
    const vectors = [randomValues(dim, 8), randomValues(dim, 9), randomValues(dim, 10)];
    const blocks: [number, number][] = [];
    const dots = new Float64Array(total * vectors.length);
    forEachRowBlockProduct(matrix, dim, vectors, (first, count, rows, blockDots) => {
      blocks.push([first, count]);
      // The rows handed over are the matrix's, as float64.
      expect(Array.from(rows.subarray(0, count * dim))).toEqual(Array.from(matrix.subarray(first * dim, (first + count) * dim)));
      dots.set(blockDots.subarray(0, count * vectors.length), first * vectors.length);
    });
    expect(blocks).toEqual([
      [0, BLOCK_ROWS],
      [BLOCK_ROWS, BLOCK_ROWS],
      [2 * BLOCK_ROWS, 22],
    ]);
    const expected = new Float64Array(total * vectors.length);
    for (let r = 0; r < total; r++) {
      vectors.forEach((vector, c) => {
        let sum = 0;
        for (let j = 0; j < dim; j++) sum += (matrix[r * dim + j] ?? 0) * (vector[j] ?? 0);
        expected[r * vectors.length + c] = sum;
      });
    }
    expectSameBits(dots, expected);
  });
});
