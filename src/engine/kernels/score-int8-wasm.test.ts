// The wasm int8 scoring kernel against core/rank.ts's reference over the decoded int8 values, in
// Node's WebAssembly (the same SIMD instructions Chromium runs), and the engine's use of it on the
// TF.js wasm backend.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isRecError } from '../../core/errors.ts';
import { normalise, scoreAll, topK, type RankedRows } from '../../core/rank.ts';
import { seededRandom } from '../../core/test-support.ts';
import { decodeVectors, encodeVectors } from '../../core/vectors.ts';
import { initBackend } from '../backend.ts';
import { compareRankings } from '../calibrate.ts';
import { createInterestEngine } from '../interest-engine.ts';
import { createInt8WasmScorer, int8ScorerSupportsDim, interestQuantisationMax } from './score-int8-wasm.ts';

const random = seededRandom(8);
const unitRows = (count: number, dim: number): Float32Array => {
  const values = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) values.set(normalise(Float32Array.from({ length: dim }, () => random() - 0.5)), row * dim);
  return values;
};

/** The matrix as the int8 file stores it, and the float32 values the browser decodes from it. */
function int8Matrix(count: number, dim: number): { bytes: Uint8Array; decoded: Float32Array } {
  const bytes = encodeVectors(unitRows(count, dim), count, dim, 'int8');
  return { bytes, decoded: decodeVectors(bytes, count, dim, 'int8', 'vectors.int8.bin', false) };
}

/** Rows may swap only where scores tie within the interest's int16 rounding (1e-5 here), as calibration accepts. */
function expectReferenceRanking(actual: RankedRows, expected: RankedRows): void {
  expect(compareRankings(actual, expected, 1e-5)).toEqual({ agree: true, maxScoreDifference: expect.any(Number) as number });
}

describe('createInt8WasmScorer', () => {
  it('ranks as core scoreAll + topK over the decoded int8 values: every supported width, prior, exclusions, k up to every row', async () => {
    for (const dim of [16, 48, 128, 512]) {
      const count = 301;
      const { bytes, decoded } = int8Matrix(count, dim);
      const prior = Float32Array.from({ length: count }, () => 0.1 * random());
      const scorer = await createInt8WasmScorer(bytes, count, dim, prior);
      if (scorer === null) throw new Error('this WebAssembly has no SIMD');
      const interest = normalise(Float32Array.from({ length: dim }, () => random() - 0.5));
      const excluded = new Set([3, 7, 200]);
      for (const k of [1, 24, count]) expectReferenceRanking(scorer.topK(interest, k, excluded), topK(scoreAll(decoded, dim, interest, prior, 1), k, excluded));
    }
  });

  it('without a prior scores the plain dot product; a zero interest ranks every row at 0, lower rows first', async () => {
    const { bytes, decoded } = int8Matrix(40, 32);
    const scorer = await createInt8WasmScorer(bytes, 40, 32, null);
    const interest = normalise(Float32Array.from({ length: 32 }, () => random() - 0.5));
    expectReferenceRanking(scorer?.topK(interest, 10, new Set()) ?? { rows: [], scores: [] }, topK(scoreAll(decoded, 32, interest, null, 0), 10, new Set()));
    expect(scorer?.topK(new Float32Array(32), 3, new Set())).toEqual({ rows: [0, 1, 2], scores: [0, 0, 0] });
  });

  it('cannot overflow int32: the widest rows at the extreme int8 values against an interest at its largest', async () => {
    for (const dim of [512, 1024, 4096]) {
      // Every value 127 (scale 1/127: each row is all ones) or, in row 1, -127: the sums are +-dim * 127 * max.
      const count = 2;
      const values = new Float32Array(count * dim).fill(1);
      values.fill(-1, dim);
      const scorer = await createInt8WasmScorer(encodeVectors(values, count, dim, 'int8'), count, dim, null);
      const ranked = scorer?.topK(new Float32Array(dim).fill(1), 2, new Set());
      expect(ranked?.rows).toEqual([0, 1]);
      expect(ranked?.scores[0]).toBeCloseTo(dim, 2);
      expect(ranked?.scores[1]).toBeCloseTo(-dim, 2);
      expect(dim * 127 * interestQuantisationMax(dim)).toBeLessThanOrEqual(2 ** 31 - 1);
    }
  });

  it('refuses widths it cannot read and sizes that do not fit, naming the field', async () => {
    expect(int8ScorerSupportsDim(128)).toBe(true);
    expect(int8ScorerSupportsDim(100)).toBe(false);
    const fields = async (promise: Promise<unknown>): Promise<string | undefined> =>
      promise.then(
        () => undefined,
        (error: unknown) => (isRecError(error) ? `${error.code}:${String(error.location.field)}` : String(error)),
      );
    const { bytes } = int8Matrix(10, 16);
    expect(await fields(createInt8WasmScorer(bytes, 10, 20, null))).toBe('MODEL_DIMENSION_MISMATCH:dim');
    expect(await fields(createInt8WasmScorer(bytes.subarray(1), 10, 16, null))).toBe('MODEL_DIMENSION_MISMATCH:vectors');
    expect(await fields(createInt8WasmScorer(bytes, 10, 16, new Float32Array(9)))).toBe('MODEL_DIMENSION_MISMATCH:popularity');
  });
});

describe('the InterestEngine on wasm with int8 items', () => {
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm', allowed: ['wasm'] });
  });

  it('ranks with the wasm kernel (no TF.js kernel runs) as core does over the decoded values, after updates', async () => {
    const count = 500;
    const dim = 64;
    const { decoded } = int8Matrix(count, dim);
    const popularity = Float32Array.from({ length: count }, () => random());
    const engine = await createInterestEngine({ vectors: decoded, dim, popularity, priorWeight: 0.2, backend: 'wasm', allowedBackends: ['wasm'], itemDtype: 'int8' });
    try {
      expect(engine.backend).toBe('wasm');
      const interest = await engine.update(0.9, [{ kind: 'row', row: 17, weight: 1 }, { kind: 'row', row: 42, weight: 0.5 }]);
      const excluded = new Set([17]);
      let ranked: RankedRows = { rows: [], scores: [] };
      const profile = await tf.profile(async () => {
        ranked = await engine.topK(24, excluded);
        return [];
      });
      expect(profile.kernelNames).toEqual([]);
      expectReferenceRanking(ranked, topK(scoreAll(decoded, dim, interest, popularity, 0.2), 24, excluded));
    } finally {
      engine.dispose();
    }
  });
});
