// The trainer's hand-written gradients against TF.js's automatic ones, and a short training run on
// a tiny log with a pattern to learn (each item is followed by the next one).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalise } from '../../core/rank.ts';
import { seededRandom } from '../../core/test-support.ts';
import { SEQUENCE_WEIGHTS } from '../../core/sequence-spec.ts';
import { initBackend } from '../../engine/backend.ts';
import { sequenceInterest } from '../../engine/sequence-model.ts';
import { planBatches, trainingPositions } from './batches.ts';
import { tiedSoftmaxCrossEntropy } from './step-loss.ts';
import { trainSequenceModel } from './train-sequence.ts';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', allowed: ['wasm'] });
});

/** Cross-entropy through TF.js's own ops and gradients (transposed product, logSoftmax). */
function referenceLoss(h: tf.Tensor2D, e: tf.Tensor2D, b: tf.Tensor1D, targets: tf.Tensor1D): tf.Scalar {
  const logits = tf.add(tf.matMul(h, e, false, true), b);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.cast(tf.oneHot(targets, e.shape[0]), 'float32'), tf.logSoftmax(logits)), 1)));
}

describe('tiedSoftmaxCrossEntropy', () => {
  it('has the value and the gradients of the plain softmax cross-entropy', async () => {
    const random = seededRandom(3);
    const values = (n: number): number[] => Array.from({ length: n }, () => random() * 2 - 1);
    const h = tf.tensor2d(values(5 * 4), [5, 4]);
    const e = tf.tensor2d(values(7 * 4), [7, 4]);
    const b = tf.tensor1d(values(7));
    const targets = tf.tensor1d([0, 3, 3, 6, 2], 'int32');
    const ours = tf.valueAndGrads((hh: tf.Tensor, ee: tf.Tensor, bb: tf.Tensor) =>
      tiedSoftmaxCrossEntropy(hh as tf.Tensor2D, ee as tf.Tensor2D, bb as tf.Tensor1D, targets),
    )([h, e, b]);
    const reference = tf.valueAndGrads((hh: tf.Tensor, ee: tf.Tensor, bb: tf.Tensor) =>
      referenceLoss(hh as tf.Tensor2D, ee as tf.Tensor2D, bb as tf.Tensor1D, targets),
    )([h, e, b]);
    expect((await ours.value.data())[0]).toBeCloseTo((await reference.value.data())[0] ?? Number.NaN, 5);
    for (let i = 0; i < 3; i++) {
      const [got, want] = [await ours.grads[i]?.data(), await reference.grads[i]?.data()];
      expect(got?.length).toBe(want?.length);
      want?.forEach((v, j) => expect(got?.[j]).toBeCloseTo(v, 5));
    }
  });
});

describe('planBatches', () => {
  it('keeps the latest maxLength + 1 items, groups equal lengths and drops sequences with one item', () => {
    const batches = planBatches([{ rows: [1, 2, 3, 4, 5] }, { rows: [6, 7, 8] }, { rows: [9] }, { rows: [1, 2, 3] }], 3, 6, seededRandom(1));
    const all = batches.flatMap((batch) => batch.sequences.map((s) => [batch.length, ...s]));
    expect(all.sort()).toEqual(
      [
        [2, 1, 2, 3],
        [2, 6, 7, 8],
        [3, 2, 3, 4, 5],
      ].sort(),
    );
    expect(batches.every((batch) => batch.sequences.length * batch.length <= 6)).toBe(true);
    expect(trainingPositions([{ rows: [1, 2, 3, 4, 5] }, { rows: [6, 7, 8] }, { rows: [9] }, { rows: [1, 2, 3] }], 3)).toBe(3 + 2 + 0 + 2);
  });

  it('trains on a sequence of two items (one position)', () => {
    expect(planBatches([{ rows: [4, 5] }], 3, 6, seededRandom(1))).toEqual([{ length: 1, sequences: [[4, 5]] }]);
  });

  it('fills each batch up to the positions asked for, the last one with what is left', () => {
    const nine = Array.from({ length: 9 }, (_, i) => ({ rows: [i, i + 1, i + 2] }));
    expect(planBatches(nine, 3, 6, seededRandom(1)).map((batch) => batch.sequences.length)).toEqual([3, 3, 3]);
    expect(
      planBatches(nine, 3, 8, seededRandom(1))
        .map((batch) => batch.sequences.length)
        .sort(),
    ).toEqual([1, 4, 4]);
  });

  it('orders the batches by the seed', () => {
    const nine = Array.from({ length: 9 }, (_, i) => ({ rows: [i, i + 1] }));
    const firsts = new Set(Array.from({ length: 20 }, (_, seed) => planBatches(nine, 3, 1, seededRandom(seed + 1))[0]?.sequences[0]?.[0]));
    expect(firsts.size).toBeGreaterThanOrEqual(5);
  });
});

describe('trainSequenceModel', () => {
  it.each([1, 2])('lowers the loss and learns the successor pattern on %i thread(s), without leaking tensors', async (threads) => {
    const itemCount = 12;
    const dim = 8;
    const random = seededRandom(5);
    const itemVectors = new Float32Array(itemCount * dim);
    for (let row = 0; row < itemCount; row++) itemVectors.set(normalise(Float32Array.from({ length: dim }, () => random() - 0.5)), row * dim);
    // Each sequence walks up the catalogue from a random start: the next item is always row + 1.
    const training = Array.from({ length: 60 }, (_, i) => ({ rows: Array.from({ length: 4 + (i % 4) }, (_, j) => ((i % itemCount) + j) % itemCount) }));
    const architecture = { itemCount, dim, maxLength: 6, blocks: 1, heads: 2, ffnDim: dim };
    const tensors = tf.memory().numTensors;
    const trained = await trainSequenceModel(training, {
      architecture,
      itemVectors,
      epochs: 30,
      learningRate: 0.01,
      dropout: 0,
      batchPositions: 64,
      seed: 1,
      threads,
    });
    const losses = trained.history.map((record) => record.loss);
    expect(losses.at(-1)).toBeLessThan((losses[0] ?? 0) * 0.5);
    // The browser's path: the interest of [3, 4, 5] scored against the trained item table + bias.
    const best = tf.tidy(() => {
      const interest = sequenceInterest(trained.weights, architecture, tf.tensor2d([[3, 4, 5]], [1, 3], 'int32'));
      const scores = tf.add(
        tf.matMul(interest, trained.weights.get(SEQUENCE_WEIGHTS.items) as tf.Tensor2D, false, true),
        trained.weights.get(SEQUENCE_WEIGHTS.itemBias) as tf.Tensor1D,
      );
      return tf.argMax(scores, 1);
    });
    expect((await best.data())[0]).toBe(6);
    best.dispose();
    expect(tf.memory().numTensors).toBe(tensors + trained.weights.size);
    for (const weight of trained.weights.values()) weight.dispose();
  });

  it('trains the same weights twice from one seed, dropout and two threads included, and others from another seed', async () => {
    const itemCount = 12;
    const dim = 8;
    const random = seededRandom(5);
    const itemVectors = Float32Array.from({ length: itemCount * dim }, () => random() - 0.5);
    const training = Array.from({ length: 40 }, (_, i) => ({ rows: Array.from({ length: 3 + (i % 4) }, (_, j) => (i + j * 5) % itemCount) }));
    const architecture = { itemCount, dim, maxLength: 6, blocks: 1, heads: 2, ffnDim: dim };
    const run = async (seed: number): Promise<{ losses: number[]; items: Float32Array }> => {
      const trained = await trainSequenceModel(training, {
        architecture,
        itemVectors,
        epochs: 2,
        learningRate: 0.01,
        dropout: 0.3,
        batchPositions: 32,
        seed,
        threads: 2,
      });
      const items = Float32Array.from((trained.weights.get(SEQUENCE_WEIGHTS.items) as tf.Tensor).dataSync());
      for (const weight of trained.weights.values()) weight.dispose();
      return { losses: trained.history.map((record) => record.loss), items };
    };
    const first = await run(1);
    expect(await run(1)).toEqual(first);
    expect((await run(2)).items).not.toEqual(first.items);
  });
});
