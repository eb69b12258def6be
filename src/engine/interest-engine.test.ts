// The TF.js engine on the cpu backend against core/rank.ts, the reference math, on a tiny seeded
// catalogue (50 items x 8 dims), plus the tensor accounting: no leaks, dispose frees everything.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { isRecError } from '../core/errors.ts';
import type { InterestEngine } from '../core/ports.ts';
import { gramMatrix, normalise, scoreAll, topK, updateInterest, type InterestTerm } from '../core/rank.ts';
import { initBackend } from './backend.ts';
import { seededRandom } from '../core/test-support.ts';
import { createInterestEngine, type InterestEngineOptions } from './interest-engine.ts';

const COUNT = 50;
const DIM = 8;
const TOLERANCE = 1e-4;

const random = seededRandom(20240611);
const gaussianish = (): number => random() + random() + random() - 1.5;
const randomVector = (scale = 1): Float32Array => Float32Array.from({ length: DIM }, () => scale * gaussianish());

const items = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) items.set(normalise(randomVector()), row * DIM);
const popularity = Float32Array.from({ length: COUNT }, () => random());

function expectClose(actual: Float32Array | readonly number[], expected: Float32Array | readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs((actual[i] ?? Number.NaN) - (expected[i] ?? Number.NaN))).toBeLessThan(TOLERANCE);
}

function expectRanking(engineRanking: { rows: readonly number[]; scores: readonly number[] }, interest: Float32Array, prior: Float32Array | null, priorWeight: number, k: number, excluded: ReadonlySet<number>): void {
  const expected = topK(scoreAll(items, DIM, interest, prior, priorWeight), k, excluded);
  expect(engineRanking.rows).toEqual(expected.rows);
  expectClose(engineRanking.scores, expected.scores);
}

const engines: InterestEngine[] = [];
async function engine(overrides: Partial<InterestEngineOptions> = {}): Promise<InterestEngine> {
  const created = await createInterestEngine({ vectors: items, dim: DIM, popularity, backend: 'cpu', ...overrides });
  engines.push(created);
  return created;
}

beforeAll(async () => {
  await initBackend({ preferred: 'cpu' });
});

afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
});

describe('createInterestEngine on the cpu backend', () => {
  it('runs on the preferred backend', async () => {
    expect((await engine()).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('update() matches core updateInterest step by step: rows, negative weights, vectors, decay', async () => {
    const e = await engine();
    const steps: { decay: number; terms: InterestTerm[] }[] = [
      { decay: 1, terms: [{ kind: 'row', row: 3, weight: 1 }] },
      { decay: 0.8, terms: [{ kind: 'row', row: 17, weight: 0.5 }, { kind: 'row', row: 3, weight: 0.25 }] },
      { decay: 0.5, terms: [{ kind: 'row', row: 42, weight: -0.4 }] },
      { decay: 0.9, terms: [{ kind: 'vector', vector: normalise(randomVector()), weight: 1 }] },
      { decay: 0.7, terms: [{ kind: 'vector', vector: randomVector(3), weight: -0.3 }, { kind: 'row', row: 0, weight: 2 }, { kind: 'row', row: 49, weight: -1 }] },
      { decay: 0.95, terms: [] },
      { decay: 0, terms: [{ kind: 'row', row: 8, weight: 0.2 }, { kind: 'row', row: 8, weight: 0.3 }] },
    ];
    let expected: Float32Array = new Float32Array(DIM);
    for (const { decay, terms } of steps) {
      const actual = await e.update(decay, terms);
      expected = updateInterest(expected, decay, terms, items, DIM);
      expectClose(actual, expected);
      let norm = 0;
      for (const v of actual) norm += v * v;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
      expectRanking(await e.topK(10, new Set()), expected, popularity, DEFAULT_PRIOR_WEIGHT, 10, new Set());
    }
  });

  it('keeps a zero interest zero, as core normalise does', async () => {
    const e = await engine();
    expect(Array.from(await e.update(1, []))).toEqual(new Array<number>(DIM).fill(0));
    // Exact cancellation: v - v is 0 on both sides, below the 1e-12 threshold.
    const cancelled = await e.update(0.5, [
      { kind: 'row', row: 5, weight: 1 },
      { kind: 'row', row: 5, weight: -1 },
    ]);
    expect(Array.from(cancelled)).toEqual(Array.from(updateInterest(new Float32Array(DIM), 0.5, [{ kind: 'row', row: 5, weight: 1 }, { kind: 'row', row: 5, weight: -1 }], items, DIM)));
    expect(Array.from(cancelled)).toEqual(new Array<number>(DIM).fill(0));
    // A tiny but non-zero sum is still normalised (no float32 underflow on the way).
    const tiny = await e.update(0, [{ kind: 'row', row: 7, weight: 1e-9 }]);
    expectClose(tiny, items.subarray(7 * DIM, 8 * DIM));
    // A zero interest ranks by the popularity prior alone.
    e.setInterest(new Float32Array(DIM));
    expectRanking(await e.topK(5, new Set()), new Float32Array(DIM), popularity, DEFAULT_PRIOR_WEIGHT, 5, new Set());
  });

  it('topK() matches core scoreAll + topK with the prior, excluded rows and edge values of k', async () => {
    const e = await engine({ priorWeight: 0.3 });
    const interest = normalise(randomVector());
    e.setInterest(interest);
    const excluded = new Set([0, 1, 2, 10, 20, 30, 40]);
    excluded.add((await e.topK(1, new Set())).rows[0] ?? -1);
    expectRanking(await e.topK(12, excluded), interest, popularity, 0.3, 12, excluded);
    expectRanking(await e.topK(COUNT, excluded), interest, popularity, 0.3, COUNT, excluded);
    expect((await e.topK(COUNT, excluded)).rows).toHaveLength(COUNT - excluded.size);
    expect(await e.topK(0, excluded)).toEqual({ rows: [], scores: [] });
  });

  it('topK() without a popularity prior, or with weight 0, is the plain cosine', async () => {
    const interest = normalise(randomVector());
    for (const overrides of [{ popularity: null }, { priorWeight: 0 }]) {
      const e = await engine(overrides);
      e.setInterest(interest);
      expectRanking(await e.topK(8, new Set([4])), interest, null, 0, 8, new Set([4]));
    }
  });

  it('setInterest() copies its input and update() returns a copy', async () => {
    const e = await engine();
    const interest = normalise(randomVector());
    e.setInterest(interest);
    const before = await e.topK(5, new Set());
    interest.fill(0);
    expect(await e.topK(5, new Set())).toEqual(before);
    const returned = await e.update(1, [{ kind: 'row', row: 1, weight: 1 }]);
    const ranking = await e.topK(5, new Set());
    returned.fill(0);
    expect(await e.topK(5, new Set())).toEqual(ranking);
  });

  it('does not leak tensors across repeated update/topK/setInterest calls', async () => {
    const e = await engine();
    const cycle = async (): Promise<void> => {
      await e.update(0.9, [
        { kind: 'row', row: 11, weight: 1 },
        { kind: 'vector', vector: normalise(randomVector()), weight: 0.5 },
      ]);
      await e.topK(10, new Set([1]));
      e.setInterest(normalise(randomVector()));
      await e.update(1, []);
      await e.topK(3, new Set());
    };
    await cycle(); // warm-up
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await cycle();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('dispose() frees every tensor it created, and the engine refuses further use', async () => {
    const before = tf.memory().numTensors;
    const e = await createInterestEngine({ vectors: items, dim: DIM, popularity, backend: 'cpu' });
    await e.update(1, [{ kind: 'row', row: 2, weight: 1 }]);
    await e.topK(5, new Set());
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    e.dispose();
    e.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(before);
    await expect(e.topK(5, new Set())).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(e.update(1, [])).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(() => e.setInterest(new Float32Array(DIM))).toThrow(/after dispose/);
  });

  it('rejects inputs that do not fit the model, naming them', async () => {
    const mismatch = (promise: Promise<unknown>): Promise<void> => expect(promise).rejects.toMatchObject({ code: 'MODEL_DIMENSION_MISMATCH' });
    await mismatch(createInterestEngine({ vectors: items.subarray(1), dim: DIM, popularity: null, backend: 'cpu' }));
    await mismatch(createInterestEngine({ vectors: items, dim: DIM, popularity: popularity.subarray(1), backend: 'cpu' }));
    await mismatch(createInterestEngine({ vectors: items, dim: 0, popularity: null, backend: 'cpu' }));
    const e = await engine();
    expect(() => e.setInterest(new Float32Array(DIM + 1))).toThrow(/has 9 values, the model has dim 8/);
    await mismatch(e.update(1, [{ kind: 'vector', vector: new Float32Array(3), weight: 1 }]));
    await expect(e.update(1, [{ kind: 'row', row: COUNT, weight: 1 }])).rejects.toSatisfy(isRecError);
    await expect(e.update(Number.NaN, [])).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(e.topK(-1, new Set())).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(e.similarities([0, COUNT])).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('similarities() matches core gramMatrix, in the order asked, without leaking tensors', async () => {
    const e = await engine();
    const rows = [7, 0, 42, 7, 19];
    expectClose(await e.similarities(rows), gramMatrix(items, DIM, rows));
    expect(await e.similarities([])).toEqual(new Float32Array(0));
    const tensors = tf.memory().numTensors;
    await e.similarities([3, 4, 5]);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('similarities() are cosines when rows are not unit length (a sequence model item table), 0 for a zero row', async () => {
    const scaled = items.map((value, i) => value * (1 + Math.floor(i / DIM) * 0.5));
    scaled.fill(0, 3 * DIM, 4 * DIM);
    const e = await engine({ vectors: scaled });
    const rows = [7, 0, 3, 42];
    const cosines = await e.similarities(rows);
    expectClose(cosines, gramMatrix(items, DIM, [7, 0, 0, 42]).map((value, i) => (Math.floor(i / 4) === 2 || i % 4 === 2 ? 0 : value)));
    expectClose(cosines, gramMatrix(scaled, DIM, rows));
  });
});
