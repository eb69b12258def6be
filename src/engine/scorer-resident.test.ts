// The item space on the TF.js wasm backend with dim a multiple of 16: the wasm scorer holds the
// items, updates are core's math in JS, similarities one matMul freed at once, so the space keeps
// no TF.js tensor and its update and topK dispatch none; answers are exactly core's.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isInt8Matrix } from '../core/item-matrix.ts';
import { gramMatrix, normalise, scoreAll, topK, updateInterest, type InterestTerm, type RankedRows } from '../core/rank.ts';
import { seededRandom } from '../core/test-support.ts';
import { decodeMatrix, decodeVectors, encodeVectors } from '../core/vectors.ts';
import { initBackend } from './backend.ts';
import { createItemSpace } from './item-space.ts';

const random = seededRandom(8);
const randomVector = (dim: number): Float32Array => Float32Array.from({ length: dim }, () => random() - 0.5);

/** count random unit rows of dim values, row-major. */
function unitRows(count: number, dim: number): Float32Array {
  const rows = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) rows.set(normalise(randomVector(dim)), row * dim);
  return rows;
}

/** Random unit rows as an int8 model file: the file, what decoding it gives, and the matrix read in place. */
function int8Rows(count: number, dim: number) {
  const file = encodeVectors(unitRows(count, dim), count, dim, 'int8');
  return { file, decoded: decodeVectors(file, count, dim, 'int8', 'vectors.bin'), matrix: decodeMatrix(file, count, dim, 'int8', 'vectors.bin') };
}

describe('the ItemSpace on wasm', () => {
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm', allowed: ['wasm'] });
  });

  it("updates and ranks with core's math and the wasm scorer, exactly as core does, keeping no TF.js tensor", async () => {
    const count = 500;
    const dim = 64;
    const vectors = unitRows(count, dim);
    const popularity = Float32Array.from({ length: count }, () => random());
    const tensors = tf.memory().numTensors;
    const space = await createItemSpace({ vectors, dim, popularity, priorWeight: 0.2, backend: 'wasm', allowedBackends: ['wasm'] });
    expect(tf.memory().numTensors).toBe(tensors);
    let interest: Float32Array = new Float32Array(dim);
    try {
      expect(space.backend).toBe('wasm');
      const start = normalise(randomVector(dim));
      const terms: InterestTerm[] = [
        { kind: 'row', row: 17, weight: 1 },
        { kind: 'row', row: 42, weight: 0.5 },
        { kind: 'vector', vector: randomVector(dim), weight: -0.2 },
      ];
      const excluded = new Set([17]);
      let ranked: RankedRows = { rows: [], scores: [] };
      const profile = await tf.profile(async () => {
        interest = await space.update(start, 0.9, terms);
        ranked = await space.topK(interest, 24, excluded);
        return [];
      });
      expect(profile.kernelNames).toEqual([]);
      expect(interest).toEqual(updateInterest(start, 0.9, terms, vectors, dim));
      expect(ranked).toEqual(topK(scoreAll(vectors, dim, interest, popularity, 0.2), 24, excluded));
      // Similarities: one TF.js matMul of the candidates' rows, freed at once.
      const similarities = await space.similarities([...ranked.rows, 499]);
      const expected = gramMatrix(vectors, dim, [...ranked.rows, 499]);
      expect(similarities).toHaveLength(expected.length);
      similarities.forEach((value, i) => expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 6));
      expect(tf.memory().numTensors).toBe(tensors);
    } finally {
      space.dispose();
    }
    await expect(space.topK(interest, 1, new Set())).rejects.toThrow(/after dispose/);
  });

  it('counts its memory: the float32 matrix and popularity it was given, two per-row bounds, the module memory for int8 rows, scales, prior, scores and interest', async () => {
    const count = 3000;
    const dim = 64;
    const vectors = unitRows(count, dim);
    const popularity = Float32Array.from({ length: count }, () => random());
    const space = await createItemSpace({ vectors, dim, popularity, priorWeight: 0.2, backend: 'wasm', allowedBackends: ['wasm'] });
    try {
      // int8 rows 192,000 + scales, prior and scores 3 x 12,000 + the int16 interest 128 = 228,128 bytes: four 64 KiB pages.
      expect(space.memory()).toEqual({ matrixBytes: count * dim * 4 + count * 4, tableBytes: 2 * count * 4, backendBytes: 4 * 65_536 });
    } finally {
      space.dispose();
    }
    expect(space.memory()).toEqual({ matrixBytes: 0, tableBytes: 0, backendBytes: 0 });
  });

  it('takes an int8 matrix as it is: ranks as core does over the decoded rows, and holds the rows once, in its module memory', async () => {
    const count = 3000;
    const dim = 64;
    const { file, decoded, matrix } = int8Rows(count, dim);
    const popularity = Float32Array.from({ length: count }, () => random());
    const space = await createItemSpace({ vectors: matrix, dim, popularity, priorWeight: 0.2, backend: 'wasm', allowedBackends: ['wasm'] });
    try {
      const interest = await space.update(normalise(randomVector(dim)), 0.8, [{ kind: 'row', row: 9, weight: 1 }]);
      expect(await space.topK(interest, 24, new Set([9]))).toEqual(topK(scoreAll(decoded, dim, interest, popularity, 0.2), 24, new Set([9])));
      // The rows now live in the module memory: the file's bytes are no longer read, and the heap holds the popularity and one bound per row.
      expect(isInt8Matrix(matrix) && matrix.values().buffer !== file.buffer).toBe(true);
      expect(matrix.heapBytes()).toBe(0);
      expect(matrix.toFloat32()).toEqual(decoded);
      expect(space.memory()).toEqual({ matrixBytes: count * 4, tableBytes: count * 4, backendBytes: 4 * 65_536 });
    } finally {
      space.dispose();
    }
  });

  it('gives an int8 matrix its rows back when it is released while holding them, and only then', async () => {
    const count = 2000;
    const dim = 32;
    const { decoded, matrix } = int8Rows(count, dim);
    const options = { vectors: matrix, dim, popularity: null, backend: 'wasm', allowedBackends: ['wasm'] } as const;
    // A second space takes the rows from the first (as a calibration's probe and then the chosen space would).
    const first = await createItemSpace(options);
    const second = await createItemSpace(options);
    first.dispose();
    expect(matrix.heapBytes()).toBe(0);
    second.dispose();
    expect(matrix.heapBytes()).toBe(count * dim + count * 4);
    expect(matrix.toFloat32()).toEqual(decoded);
  });
});
