// tensor-math.ts's TF.js ops on the cpu backend against core/rank.ts, the reference math they
// mirror, on a small seeded matrix; every tensor a test makes is freed (tf.tidy or readFloats).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gramMatrix, normalise, updateInterest, type InterestTerm } from '../core/rank.ts';
import { seededRandom } from '../core/test-support.ts';
import { initBackend } from './backend.ts';
import { combine, normaliseRow, readFloats, unitGram, unitGramOfRows, weightedPrior } from './tensor-math.ts';

const COUNT = 9;
const DIM = 6;
const TOLERANCE = 1e-5;

const random = seededRandom(31);
const randomVector = (scale = 1): Float32Array => Float32Array.from({ length: DIM }, () => scale * (random() - 0.5));
// Rows of different lengths, as a sequence model's item table has; row 4 is zero.
const items = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) items.set(randomVector(1 + row), row * DIM);
items.fill(0, 4 * DIM, 5 * DIM);

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => expect(Math.abs((actual[i] ?? Number.NaN) - value), `value ${i}`).toBeLessThan(TOLERANCE));
}

/** Runs one synchronous op inside tf.tidy and reads its result back, checking that no tensor is left behind. */
async function run(op: () => tf.Tensor): Promise<Float32Array> {
  const before = tf.memory().numTensors;
  const values = await readFloats(tf.tidy(op));
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

const itemTensor = (): tf.Tensor2D => tf.tensor2d(items, [COUNT, DIM]);

beforeAll(async () => {
  await initBackend({ preferred: 'cpu' });
});

describe('weightedPrior', () => {
  it('is priorWeight * popularity per row, in a new float32 array', () => {
    const popularity = Float32Array.of(0, 0.5, 1, 0.25);
    expect(weightedPrior(popularity, 0.2)).toEqual(Float32Array.of(0, 0.1, 0.2, 0.05));
    expect(popularity).toEqual(Float32Array.of(0, 0.5, 1, 0.25));
  });

  it('is null when there is no popularity or its weight is 0 (the prior adds nothing)', () => {
    expect(weightedPrior(null, 0.2)).toBeNull();
    expect(weightedPrior(Float32Array.of(0.5, 1), 0)).toBeNull();
  });
});

describe('readFloats', () => {
  it('returns a copy of the values, not the array the cpu tensor was made from, and frees the tensor', async () => {
    const storage = Float32Array.of(1, 2, 3);
    const tensor = tf.tensor1d(storage);
    const read = await readFloats(tensor);
    expect(read).toEqual(Float32Array.of(1, 2, 3));
    expect(tensor.isDisposed).toBe(true);
    read[0] = 9;
    expect(storage).toEqual(Float32Array.of(1, 2, 3));
  });
});

describe('combine', () => {
  it('matches core updateInterest for rows, several outside vectors and decay together', async () => {
    const interest = normalise(randomVector());
    const cases: { decay: number; terms: InterestTerm[] }[] = [
      {
        decay: 0.6,
        terms: [
          { kind: 'row', row: 2, weight: 0.5 },
          { kind: 'vector', vector: randomVector(), weight: 0.7 },
          { kind: 'row', row: 7, weight: -0.25 },
          { kind: 'vector', vector: randomVector(2), weight: -0.4 },
          { kind: 'vector', vector: randomVector(), weight: 1.5 },
        ],
      },
      { decay: 1, terms: [] },
      {
        decay: 0,
        terms: [
          { kind: 'vector', vector: randomVector(), weight: 1 },
          { kind: 'vector', vector: randomVector(), weight: 2 },
        ],
      },
    ];
    for (const { decay, terms } of cases) {
      const combined = await run(() => combine(tf.tensor2d(interest, [1, DIM]), decay, terms, itemTensor()));
      expectClose(combined, updateInterest(interest, decay, terms, items, DIM));
    }
  });
});

describe('normaliseRow', () => {
  it('scales a row to unit length, however small, and leaves a row of norm below 1e-12 zero', async () => {
    const row = Float32Array.of(3, 0, -4, 0, 0, 0);
    const unit = Float32Array.of(0.6, 0, -0.8, 0, 0, 0);
    // Just above the threshold (norm 1.5e-12) still counts; (4e20)² overflows float32, so the op
    // must scale before squaring.
    for (const scale of [1, 1e-9, 3e-13, 1e20])
      expectClose(
        await run(() =>
          normaliseRow(
            tf.tensor2d(
              row.map((v) => v * scale),
              [1, DIM],
            ),
          ),
        ),
        unit,
      );
    for (const scale of [0, 1e-13, 1e-30])
      expect(
        await run(() =>
          normaliseRow(
            tf.tensor2d(
              row.map((v) => v * scale),
              [1, DIM],
            ),
          ),
        ),
      ).toEqual(new Float32Array(DIM));
  });
});

describe('the cosines of some rows (core gramMatrix)', () => {
  const rows = [3, 0, 4, 8, 3];

  it('unitGram, from the resident item tensor', async () => {
    expectClose(await run(() => unitGram(itemTensor(), rows)), gramMatrix(items, DIM, rows));
  });

  it('unitGramOfRows, from the CPU array, in the order asked, a zero row giving 0, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const gram = await unitGramOfRows(items, DIM, rows);
    expect(tf.memory().numTensors).toBe(before);
    expectClose(gram, gramMatrix(items, DIM, rows));
    // Spelled out for two of them: the zero row's cosines are 0, a row's with itself 1.
    expect(Array.from(gram.subarray(2 * rows.length, 3 * rows.length))).toEqual([0, 0, 0, 0, 0]);
    expect(gram[0]).toBeCloseTo(1, 5);
  });
});
