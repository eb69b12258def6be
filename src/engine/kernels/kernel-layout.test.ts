// The WebGPU kernel's buffer layout (what the shader's unpacking assumes) and its work split,
// checked in Node against core's file layouts (core/vectors.ts).
import { describe, expect, it } from 'vitest';
import { normalise } from '../../core/rank.ts';
import { seededRandom } from '../../core/random.ts';
import { decodeVectors, encodeVectors } from '../../core/vectors.ts';
import { kernelSupportsDim, MAX_KERNEL_K, packForKernel, planSelection, ROWS_PER_SCORE_THREAD, SELECT_THREADS } from './kernel-layout.ts';

const COUNT = 7;
const DIM = 12;
const random = seededRandom(8);
const matrix = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) matrix.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);

/**
 * score-top-k-webgpu.ts's int8 unpacking, in 32-bit integer arithmetic: the word times
 * 2^(24 - 8 * byte) (wrapping), its top byte kept, read as a signed i32, divided by 2^24.
 */
const shaderInt8 = (word: number, byte: number): number => (Math.imul(word, 2 ** (24 - 8 * byte)) & 0xff000000) / 2 ** 24;

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

  it('int8: four signed bytes per word, low byte first, read as the shader does, times the row scale', () => {
    const bytes = encodeVectors(matrix, COUNT, DIM, 'int8');
    const decoded = decodeVectors(bytes, COUNT, DIM, 'int8', 'test');
    const packed = packForKernel(bytes, COUNT, DIM, 'int8');
    for (let row = 0; row < COUNT; row++) {
      for (let j = 0; j < DIM; j++) {
        const word = packed.values[element(row, j)] ?? 0;
        expect(shaderInt8(word, j % 4) * (packed.scales?.[row] ?? Number.NaN)).toBeCloseTo(decoded[row * DIM + j] ?? Number.NaN, 6);
      }
    }
  });

  it('int8: the shader’s multiply-and-mask reading gives every byte value, -128 and 127 included', () => {
    for (let value = -128; value <= 127; value++) {
      for (let byte = 0; byte < 4; byte++) {
        // The byte among neighbours with every bit set, so a leak from them would show.
        const word = (0xffffffff & ~(0xff << (8 * byte))) | ((value & 0xff) << (8 * byte));
        expect(shaderInt8(word | 0, byte)).toBe(value);
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

  it('holds exactly count x dim values: float32 as they are, float16 two per word, int8 four per word plus one scale per row', () => {
    const sizes = (['float32', 'float16', 'int8'] as const).map((dtype) => {
      const packed = packForKernel(encodeVectors(matrix, COUNT, DIM, dtype), COUNT, DIM, dtype);
      return [packed.dtype, packed.count, packed.dim, packed.values.length, packed.scales?.length ?? null];
    });
    expect(sizes).toEqual([
      ['float32', COUNT, DIM, COUNT * DIM, null],
      ['float16', COUNT, DIM, (COUNT * DIM) / 2, null],
      ['int8', COUNT, DIM, (COUNT * DIM) / 4, COUNT],
    ]);
  });

  it('names the problem when dim is not a multiple of 4 or the bytes do not fit', () => {
    const problems: [() => unknown, string, string][] = [
      [() => packForKernel(new Uint8Array(COUNT * 6 * 4), COUNT, 6, 'float32'), 'dim', 'the WebGPU scoring kernel needs dim to be a multiple of 4, found 6'],
      // int8: count x dim bytes, then one float32 scale per row.
      [() => packForKernel(new Uint8Array(10), COUNT, DIM, 'int8'), 'vectors', `expected ${COUNT * DIM + COUNT * 4} bytes for 7 x 12 int8, found 10`],
    ];
    for (const [problem, field, message] of problems) {
      expect(problem).toThrow(expect.objectContaining({ code: 'MODEL_DIMENSION_MISMATCH', location: { field }, message: `${field}: ${message}` }));
    }
  });
});

describe('kernelSupportsDim', () => {
  it('accepts a positive whole multiple of 4 only', () => {
    const dims = [4, 8, 512, 0, -4, 6, 2, 4.5, Number.NaN, Number.POSITIVE_INFINITY];
    expect(dims.map(kernelSupportsDim)).toEqual([true, true, true, false, false, false, false, false, false, false]);
  });
});

describe('planSelection', () => {
  it('rounds k up to a multiple of 16 and gives the score pass one thread per ROWS_PER_SCORE_THREAD rows', () => {
    expect(planSelection(100_000, 50)).toEqual({ k: 64, scoreThreads: 12_500 });
    expect(planSelection(300, 1)).toEqual({ k: 16, scoreThreads: 38 });
    expect(planSelection(3, 1)).toEqual({ k: 16, scoreThreads: 1 });
    expect(planSelection(1_000_001, 24)).toEqual({ k: 32, scoreThreads: 125_001 });
  });

  it('covers every row exactly once: thread t scores rows t + i * scoreThreads', () => {
    for (const count of [1, 5, 300, 1001]) {
      const plan = planSelection(count, 10);
      const scored = new Array<number>(count).fill(0);
      for (let thread = 0; thread < (plan?.scoreThreads ?? 0); thread++) {
        for (let i = 0; i < ROWS_PER_SCORE_THREAD; i++) {
          const row = thread + i * (plan?.scoreThreads ?? 0);
          if (row < count) scored[row] = (scored[row] ?? 0) + 1;
        }
      }
      expect(
        scored.every((times) => times === 1),
        `${count} rows`,
      ).toBe(true);
    }
  });

  it('has at least K chunks in the selection pass, so the K-th best chunk maximum always exists', () => {
    expect(SELECT_THREADS).toBeGreaterThanOrEqual(MAX_KERNEL_K);
  });

  it('gives up beyond what one run selects, so the item space reads every score instead', () => {
    expect(planSelection(1000, MAX_KERNEL_K + 1)).toBeNull();
    expect(planSelection(2 ** 24 + 1, 10)).toBeNull();
    // The limits themselves still fit one run: K = 256 and 2^24 rows, whose ids float32 holds exactly.
    expect(planSelection(1000, MAX_KERNEL_K)).toEqual({ k: 256, scoreThreads: 125 });
    expect(planSelection(2 ** 24, 10)).toEqual({ k: 16, scoreThreads: 2 ** 21 });
  });
});
