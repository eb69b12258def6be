// The BatchScorer on the cpu backend against core/rank.ts's reference scoring (what the
// ItemSpace's topK computes), plus the tensor accounting.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { normalise, scoreAll, topK } from '../core/rank.ts';
import { seededRandom } from '../core/test-support.ts';
import { createBatchScorer } from './batch-scorer.ts';

const COUNT = 40;
const DIM = 6;
const random = seededRandom(7);
const vector = (): Float32Array => normalise(Float32Array.from({ length: DIM }, () => random() - 0.5));
const items = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) items.set(vector(), row * DIM);
const popularity = Float32Array.from({ length: COUNT }, () => random());

describe('createBatchScorer', () => {
  it('ranks each interest vector as the reference scoring does (prior, exclusions, ties to the lower row), without leaking tensors', async () => {
    const scorer = await createBatchScorer({ vectors: items, dim: DIM, popularity, priorWeight: 0.3, backend: 'cpu' });
    const interests = [vector(), vector(), new Float32Array(DIM)];
    const excluded = [new Set([1, 2]), new Set<number>(), new Set([0])];
    const stacked = new Float32Array(interests.length * DIM);
    interests.forEach((interest, i) => stacked.set(interest, i * DIM));
    await scorer.topK(stacked, 5, excluded);
    const tensors = tf.memory().numTensors;
    const ranked = await scorer.topK(stacked, 5, excluded);
    expect(tf.memory().numTensors).toBe(tensors);
    interests.forEach((interest, i) => {
      const expected = topK(scoreAll(items, DIM, interest, popularity, 0.3), 5, excluded[i] ?? new Set());
      expect(ranked[i]?.rows).toEqual(expected.rows);
      ranked[i]?.scores.forEach((score, j) => expect(score).toBeCloseTo(expected.scores[j] ?? Number.NaN, 5));
    });
    scorer.dispose();
    expect(tf.memory().numTensors).toBe(tensors - 2);
    await expect(scorer.topK(stacked, 5, excluded)).rejects.toThrow(/after dispose/);
  });

  it('refuses a matrix that does not fit dim', async () => {
    await expect(createBatchScorer({ vectors: new Float32Array(7), dim: 2, popularity: null, backend: 'cpu' })).rejects.toThrow(/not a multiple of dim 2/);
  });
});
