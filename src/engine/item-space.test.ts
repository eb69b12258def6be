// The TF.js item space on the cpu backend against core/rank.ts, the reference math, on a tiny
// seeded catalogue (50 items x 8 dims), plus the tensor accounting: no leaks, dispose frees everything.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import type { ItemSpace } from '../core/ports.ts';
import { gramMatrix, normalise, scoreAll, topK, updateInterest, type InterestTerm } from '../core/rank.ts';
import { initBackend } from './backend.ts';
import { seededRandom } from '../core/test-support.ts';
import { createItemSpace, type ItemSpaceOptions } from './item-space.ts';

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

function expectRanking(
  ranking: { rows: readonly number[]; scores: readonly number[] },
  interest: Float32Array,
  prior: Float32Array | null,
  priorWeight: number,
  k: number,
  excluded: ReadonlySet<number>,
): void {
  const expected = topK(scoreAll(items, DIM, interest, prior, priorWeight), k, excluded);
  expect(ranking.rows).toEqual(expected.rows);
  expectClose(ranking.scores, expected.scores);
}

const spaces: ItemSpace[] = [];
async function space(overrides: Partial<ItemSpaceOptions> = {}): Promise<ItemSpace> {
  const created = await createItemSpace({ vectors: items, dim: DIM, popularity, backend: 'cpu', ...overrides });
  spaces.push(created);
  return created;
}

const ZERO = new Float32Array(DIM);

beforeAll(async () => {
  await initBackend({ preferred: 'cpu' });
});

afterEach(() => {
  for (const s of spaces.splice(0)) s.dispose();
});

describe('createItemSpace on the cpu backend: the math', () => {
  it('runs on the preferred backend', async () => {
    expect((await space()).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('update() matches core updateInterest step by step: rows, negative weights, vectors, decay', async () => {
    const s = await space();
    const steps: { decay: number; terms: InterestTerm[] }[] = [
      { decay: 1, terms: [{ kind: 'row', row: 3, weight: 1 }] },
      {
        decay: 0.8,
        terms: [
          { kind: 'row', row: 17, weight: 0.5 },
          { kind: 'row', row: 3, weight: 0.25 },
        ],
      },
      { decay: 0.5, terms: [{ kind: 'row', row: 42, weight: -0.4 }] },
      { decay: 0.9, terms: [{ kind: 'vector', vector: normalise(randomVector()), weight: 1 }] },
      {
        decay: 0.7,
        terms: [
          { kind: 'vector', vector: randomVector(3), weight: -0.3 },
          { kind: 'row', row: 0, weight: 2 },
          { kind: 'row', row: 49, weight: -1 },
        ],
      },
      { decay: 0.95, terms: [] },
      {
        decay: 0,
        terms: [
          { kind: 'row', row: 8, weight: 0.2 },
          { kind: 'row', row: 8, weight: 0.3 },
        ],
      },
    ];
    let actual: Float32Array = new Float32Array(DIM);
    let expected: Float32Array = new Float32Array(DIM);
    for (const { decay, terms } of steps) {
      // Each step continues from the space's own answer, as the recommender does with its state.
      actual = await s.update(actual, decay, terms);
      expected = updateInterest(expected, decay, terms, items, DIM);
      expectClose(actual, expected);
      let norm = 0;
      for (const v of actual) norm += v * v;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
      expectRanking(await s.topK(actual, 10, new Set()), expected, popularity, DEFAULT_PRIOR_WEIGHT, 10, new Set());
    }
  });

  it('keeps a zero interest zero, as core normalise does', async () => {
    const s = await space();
    expect(Array.from(await s.update(ZERO, 1, []))).toEqual(new Array<number>(DIM).fill(0));
    // Exact cancellation: v - v is 0 on both sides, below the 1e-12 threshold.
    const cancelling: InterestTerm[] = [
      { kind: 'row', row: 5, weight: 1 },
      { kind: 'row', row: 5, weight: -1 },
    ];
    const cancelled = await s.update(ZERO, 0.5, cancelling);
    expect(Array.from(cancelled)).toEqual(Array.from(updateInterest(ZERO, 0.5, cancelling, items, DIM)));
    expect(Array.from(cancelled)).toEqual(new Array<number>(DIM).fill(0));
    // A tiny but non-zero sum is still normalised (no float32 underflow on the way).
    const tiny = await s.update(ZERO, 0, [{ kind: 'row', row: 7, weight: 1e-9 }]);
    expectClose(tiny, items.subarray(7 * DIM, 8 * DIM));
    // A zero interest ranks by the popularity prior alone.
    expectRanking(await s.topK(ZERO, 5, new Set()), ZERO, popularity, DEFAULT_PRIOR_WEIGHT, 5, new Set());
  });

  it('topK() matches core scoreAll + topK with the prior, excluded rows and edge values of k', async () => {
    const s = await space({ priorWeight: 0.3 });
    const interest = normalise(randomVector());
    const excluded = new Set([0, 1, 2, 10, 20, 30, 40]);
    excluded.add((await s.topK(interest, 1, new Set())).rows[0] ?? -1);
    expectRanking(await s.topK(interest, 12, excluded), interest, popularity, 0.3, 12, excluded);
    expectRanking(await s.topK(interest, COUNT, excluded), interest, popularity, 0.3, COUNT, excluded);
    expect((await s.topK(interest, COUNT, excluded)).rows).toHaveLength(COUNT - excluded.size);
    expect(await s.topK(interest, 0, excluded)).toEqual({ rows: [], scores: [] });
  });

  it('topK() without a popularity prior, or with weight 0, is the plain cosine', async () => {
    const interest = normalise(randomVector());
    for (const overrides of [{ popularity: null }, { priorWeight: 0 }]) {
      const s = await space(overrides);
      expectRanking(await s.topK(interest, 8, new Set([4])), interest, null, 0, 8, new Set([4]));
    }
  });

  it('similarities() matches core gramMatrix, in the order asked, without leaking tensors', async () => {
    const s = await space();
    const rows = [7, 0, 42, 7, 19];
    expectClose(await s.similarities(rows), gramMatrix(items, DIM, rows));
    expect(await s.similarities([])).toEqual(new Float32Array(0));
    const tensors = tf.memory().numTensors;
    await s.similarities([3, 4, 5]);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('similarities() are cosines when rows are not unit length (a sequence model item table), 0 for a zero row', async () => {
    const scaled = items.map((value, i) => value * (1 + Math.floor(i / DIM) * 0.5));
    scaled.fill(0, 3 * DIM, 4 * DIM);
    const s = await space({ vectors: scaled });
    const rows = [7, 0, 3, 42];
    const cosines = await s.similarities(rows);
    expectClose(
      cosines,
      gramMatrix(items, DIM, [7, 0, 0, 42]).map((value, i) => (Math.floor(i / 4) === 2 || i % 4 === 2 ? 0 : value)),
    );
    expectClose(cosines, gramMatrix(scaled, DIM, rows));
  });
});

describe('createItemSpace on the cpu backend: state, tensors and inputs', () => {
  it('keeps no interest between calls, and neither modifies nor holds on to the arrays it is given or returns', async () => {
    const s = await space();
    const first = normalise(randomVector());
    const second = normalise(randomVector());
    const rankedFirst = await s.topK(first, 5, new Set());
    expectRanking(await s.topK(second, 5, new Set()), second, popularity, DEFAULT_PRIOR_WEIGHT, 5, new Set());
    expect(await s.topK(first, 5, new Set())).toEqual(rankedFirst);

    const pending = s.topK(first, 5, new Set());
    first.fill(0); // while the call waits its turn on the backend
    expect(await pending).toEqual(rankedFirst);

    const terms: InterestTerm[] = [{ kind: 'row', row: 1, weight: 1 }];
    const input = normalise(randomVector());
    const snapshot = input.slice();
    const updated = await s.update(input, 0.5, terms);
    expect(input).toEqual(snapshot);
    const kept = updated.slice();
    updated.fill(0);
    expect(await s.update(input, 0.5, terms)).toEqual(kept);
  });

  it('does not leak tensors across repeated update/topK calls', async () => {
    const s = await space();
    const cycle = async (): Promise<void> => {
      const interest = await s.update(normalise(randomVector()), 0.9, [
        { kind: 'row', row: 11, weight: 1 },
        { kind: 'vector', vector: normalise(randomVector()), weight: 0.5 },
      ]);
      await s.topK(interest, 10, new Set([1]));
      await s.update(interest, 1, []);
      await s.topK(normalise(randomVector()), 3, new Set());
    };
    await cycle(); // warm-up
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await cycle();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('holds only the item matrix and the prior; dispose() frees them, and the space refuses further use', async () => {
    const before = tf.memory().numTensors;
    const s = await createItemSpace({ vectors: items, dim: DIM, popularity, backend: 'cpu' });
    const interest = await s.update(ZERO, 1, [{ kind: 'row', row: 2, weight: 1 }]);
    await s.topK(interest, 5, new Set());
    expect(tf.memory().numTensors).toBe(before + 2);
    // Both tensors are float32: the matrix and one prior value per row, as many bytes as the arrays it was given.
    expect(s.memory()).toEqual({ matrixBytes: (COUNT * DIM + COUNT) * 4, tableBytes: 0, backendBytes: (COUNT * DIM + COUNT) * 4 });
    s.dispose();
    s.dispose(); // idempotent
    expect(tf.memory().numTensors).toBe(before);
    await expect(s.topK(interest, 5, new Set())).rejects.toMatchObject({ code: 'INTERNAL', message: 'ItemSpace.topK() was called after dispose()' });
    await expect(s.update(interest, 1, [])).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(s.similarities([0])).rejects.toThrow(/after dispose/);
    expect(s.memory()).toEqual({ matrixBytes: 0, tableBytes: 0, backendBytes: 0 });
  });

  it('counts no prior tensor without a popularity prior', async () => {
    const s = await space({ popularity: null });
    expect(s.memory()).toEqual({ matrixBytes: COUNT * DIM * 4, tableBytes: 0, backendBytes: COUNT * DIM * 4 });
  });
});
