// Data-parallel steps against single-thread ones: the shares of a batch add up to its gradient and
// loss, the same batches on one replica and on two (one a worker thread) give the same losses, and
// the two replicas stay bit-identical.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/test-support.ts';
import { SEQUENCE_WEIGHTS } from '../../core/sequence-spec.ts';
import { initBackend } from '../../engine/backend.ts';
import { initialSequenceWeights } from '../../engine/sequence-model.ts';
import type { Batch } from './batches.ts';
import { batchShare, createReplica, gradientLayout, trainableWeights } from './replica.ts';
import { startReplicas, type ReplicaGroup } from './replica-group.ts';

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', allowed: ['wasm'] });
});

const itemCount = 10;
const dim = 8;
const architecture = { itemCount, dim, maxLength: 4, blocks: 1, heads: 2, ffnDim: dim };
const settings = { architecture, learningRate: 0.01, dropout: 0, seed: 1 };

function startingWeights(): Map<string, tf.Variable> {
  const random = seededRandom(7);
  const initial = initialSequenceWeights(
    architecture,
    Float32Array.from({ length: itemCount * dim }, () => random() - 0.5),
    3,
  );
  const weights = trainableWeights(initial);
  tf.dispose([...initial.values()]);
  return weights;
}

// Shares of different sizes: 3 sequences split 1 + 2, and a batch of one that leaves the worker's share empty.
const batches: Batch[] = [
  {
    length: 3,
    sequences: [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [2, 3, 4, 5],
    ],
  },
  {
    length: 2,
    sequences: [
      [9, 0, 1],
      [3, 4, 5],
      [6, 7, 8],
      [0, 1, 2],
    ],
  },
  { length: 4, sequences: [[4, 5, 6, 7, 8]] },
];

const open: { group: ReplicaGroup; weights: Map<string, tf.Variable> }[] = [];
afterEach(() => {
  for (const { group, weights } of open.splice(0)) {
    group.dispose();
    tf.dispose([...weights.values()]);
  }
});

async function trained(count: number): Promise<{ losses: number[]; weights: Map<string, tf.Variable>; group: ReplicaGroup }> {
  const weights = startingWeights();
  const group = await startReplicas(weights, settings, count);
  open.push({ group, weights });
  const losses: number[] = [];
  for (const batch of batches) losses.push(await group.step(batch));
  return { losses, weights, group };
}

describe('batchShare', () => {
  it('cuts a batch into contiguous runs that together hold each sequence once', () => {
    const batch = batches[1] as Batch;
    expect([0, 1, 2].map((r) => batchShare(batch, r, 3).sequences)).toEqual([
      [[9, 0, 1]],
      [[3, 4, 5]],
      [
        [6, 7, 8],
        [0, 1, 2],
      ],
    ]);
    expect(batchShare(batches[2] as Batch, 0, 2).sequences).toEqual([]);
    expect(batchShare(batches[2] as Batch, 1, 2)).toEqual({ length: 4, sequences: [[4, 5, 6, 7, 8]] });
  });
});

describe('createReplica', () => {
  it('splits a step into shares whose gradients and losses add up to the whole batch', () => {
    const weights = startingWeights();
    const whole = createReplica(weights, settings, 0, 1);
    const shares = [createReplica(weights, settings, 0, 2), createReplica(weights, settings, 1, 2)];
    const size = gradientLayout(weights).size;
    for (const batch of batches) {
      const want = new Float32Array(size);
      const wantLoss = whole.computeShare(batch, want);
      const parts = shares.map(() => new Float32Array(size));
      const loss = shares.reduce((sum, replica, r) => sum + replica.computeShare(batch, parts[r] as Float32Array), 0);
      expect(loss).toBeCloseTo(wantLoss, 5);
      let worst = 0;
      want.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - (parts[0]?.[i] ?? 0) - (parts[1]?.[i] ?? 0)))));
      expect(worst).toBeLessThan(1e-6);
      expect(Math.max(...want.map(Math.abs))).toBeGreaterThan(1e-3);
    }
    for (const replica of [whole, ...shares]) replica.dispose();
    tf.dispose([...weights.values()]);
  });
});

describe('createReplica with dropout', () => {
  it('draws its masks from the seed and the step: the same gradient twice, another with another seed or at the next step', () => {
    const weights = startingWeights();
    const size = gradientLayout(weights).size;
    const batch = batches[0] as Batch;
    /** The gradients of the first two steps on one batch (no step applied in between). */
    const firstTwo = (seed: number): [Float32Array, Float32Array] => {
      const replica = createReplica(weights, { ...settings, dropout: 0.5, seed }, 0, 1);
      const gradients: [Float32Array, Float32Array] = [new Float32Array(size), new Float32Array(size)];
      for (const out of gradients) replica.computeShare(batch, out);
      replica.dispose();
      return gradients;
    };
    const [first, second] = firstTwo(1);
    expect(firstTwo(1)[0]).toEqual(first);
    expect(firstTwo(2)[0]).not.toEqual(first);
    expect(second).not.toEqual(first);
    tf.dispose([...weights.values()]);
  });
});

describe('startReplicas', () => {
  it('gives the same losses with two replicas as with one, and the two stay bit-identical', async () => {
    const single = await trained(1);
    const parallel = await trained(2);
    expect(parallel.group.count).toBe(2);
    parallel.losses.forEach((loss, i) => expect(loss).toBeCloseTo(single.losses[i] ?? Number.NaN, 5));
    await expect(parallel.group.checkAgreement()).resolves.toBeUndefined();
  });

  it('notices when the weights of the calling thread no longer match the worker replica', async () => {
    const { weights, group } = await trained(2);
    const bias = weights.get(SEQUENCE_WEIGHTS.itemBias) as tf.Variable;
    bias.assign(tf.add(bias, 1e-3));
    await expect(group.checkAgreement()).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/replica 1 no longer has the same weights/),
    });
  });

  it('rejects a step whose worker share fails, with the worker error', async () => {
    const weights = startingWeights();
    const group = await startReplicas(weights, settings, 2);
    open.push({ group, weights });
    // The second sequence (the worker's share) is too short for the batch's length.
    const failed = { code: 'INTERNAL', message: expect.stringMatching(/a training replica failed: .+/) };
    await expect(group.step({ length: 2, sequences: [[1, 2, 3], [4]] })).rejects.toMatchObject(failed);
    // A failed replica fails every later step too, at once, instead of leaving it waiting.
    await expect(group.step(batches[0] as Batch)).rejects.toMatchObject(failed);
  });

  it('refuses to start when a worker replica cannot', async () => {
    const weights = startingWeights();
    const entry = { module: new URL('./replica-group.ts', import.meta.url), entry: 'noSuchExport' };
    await expect(startReplicas(weights, settings, 2, entry)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/a training replica failed: .*is not a function/),
    });
    tf.dispose([...weights.values()]);
  });
});
