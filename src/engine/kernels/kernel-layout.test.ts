// The WebGPU kernel's buffer layout (what the shader's unpacking assumes) and its work split,
// checked in Node against core's file layouts (core/vectors.ts).
import { describe, expect, it } from 'vitest';
import { isRecError } from '../../core/errors.ts';
import { normalise } from '../../core/rank.ts';
import { seededRandom } from '../../core/random.ts';
import { decodeVectors, encodeVectors } from '../../core/vectors.ts';
import { MAX_KERNEL_K, packForKernel, planSelection } from './kernel-layout.ts';

const COUNT = 7;
const DIM = 12;
const random = seededRandom(8);
const matrix = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) matrix.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);

/** Where the shader finds value j of `row`: element (j/4) * count + row, component j % 4. */
const element = (row: number, j: number): number => Math.floor(j / 4) * COUNT + row;

describe('packForKernel', () => {
  it('float32: each row’s groups of 4 values, dimension-major', () => {
    const packed = packForKernel(encodeVectors(matrix, COUNT, DIM, 'float32'), COUNT, DIM, 'float32');
    for (let row = 0; row < COUNT; row++) {
      for (let j = 0; j < DIM; j++) expect(packed.values[element(row, j) * 4 + (j % 4)]).toBe(matrix[row * DIM + j]);
    }
    expect(packed.scales).toBeNull();
  });

  it('int8: four signed bytes per word, low byte first, sign-extended as the shader does, times the row scale', () => {
    const bytes = encodeVectors(matrix, COUNT, DIM, 'int8');
    const decoded = decodeVectors(bytes, COUNT, DIM, 'int8', 'test');
    const packed = packForKernel(bytes, COUNT, DIM, 'int8');
    for (let row = 0; row < COUNT; row++) {
      for (let j = 0; j < DIM; j++) {
        const word = packed.values[element(row, j)] ?? 0;
        // The shader: (word << (24 - 8 * (j % 4))) >> 24, arithmetic.
        const value = (word << (24 - 8 * (j % 4))) >> 24;
        expect(value * (packed.scales?.[row] ?? Number.NaN)).toBeCloseTo(decoded[row * DIM + j] ?? Number.NaN, 6);
      }
    }
  });

  it('float16: two halves per word, low half first, as unpack2x16float reads them', () => {
    const bytes = encodeVectors(matrix, COUNT, DIM, 'float16');
    const view = new DataView(bytes.buffer);
    const packed = packForKernel(bytes, COUNT, DIM, 'float16');
    for (let row = 0; row < COUNT; row++) {
      for (let j = 0; j < DIM; j++) {
        // Two words per element: values 0-1 in the first, 2-3 in the second.
        const word = packed.values[element(row, j) * 2 + Math.floor((j % 4) / 2)] ?? 0;
        const half = (j % 2 === 0 ? word : word >>> 16) & 0xffff;
        expect(half).toBe(view.getUint16((row * DIM + j) * 2, true));
      }
    }
  });

  it('names the problem when dim is not a multiple of 4 or the bytes do not fit', () => {
    const problems = [
      () => packForKernel(new Uint8Array(COUNT * 6 * 4), COUNT, 6, 'float32'),
      () => packForKernel(new Uint8Array(10), COUNT, DIM, 'int8'),
    ];
    for (const problem of problems) {
      try {
        problem();
        expect.unreachable('packForKernel accepted it');
      } catch (error) {
        expect(isRecError(error) && error.code).toBe('MODEL_DIMENSION_MISMATCH');
      }
    }
  });
});

describe('planSelection', () => {
  it('rounds k up to a multiple of 16 and merges lists 16 at a time down to one', () => {
    expect(planSelection(100_000, 50)).toEqual({ k: 64, rowsPerThread: 512, lists: [196, 13, 1] });
    expect(planSelection(300, 1)).toEqual({ k: 16, rowsPerThread: 512, lists: [1] });
    expect(planSelection(1_000_000, 24)?.lists).toEqual([1954, 123, 8, 1]);
  });

  it('gives up beyond what one run selects, so the engine reads every score instead', () => {
    expect(planSelection(1000, MAX_KERNEL_K + 1)).toBeNull();
    expect(planSelection(2 ** 24 + 1, 10)).toBeNull();
  });
});
