// The browser's sequence encoder on TF.js in Node (cpu and wasm backends): the interest it computes
// is sequence-model.ts's, its weights follow the engine to another backend, and it leaks nothing.
// Also core's decoder of the item table and bias (no TF.js) against TF.js's own weight decoding.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { normalise } from '../core/rank.ts';
import type { BackendName } from '../core/ports.ts';
import { decodeSequenceItemTable } from '../core/sequence-items.ts';
import { SEQUENCE_WEIGHTS, type SequenceArchitecture } from '../core/sequence-spec.ts';
import { seededRandom, thrownRecError } from '../core/test-support.ts';
import { initBackend, onBackend } from './backend.ts';
import { createSequenceEncoder } from './sequence-encoder.ts';
import { decodeSequenceWeights, encodeSequenceModel, initialSequenceWeights, sequenceInterest } from './sequence-model.ts';

const architecture: SequenceArchitecture = { itemCount: 12, dim: 8, maxLength: 4, blocks: 1, heads: 2, ffnDim: 8 };
const random = seededRandom(11);
const itemVectors = new Float32Array(architecture.itemCount * architecture.dim);
for (let row = 0; row < architecture.itemCount; row++)
  itemVectors.set(normalise(Float32Array.from({ length: architecture.dim }, () => random() - 0.5)), row * architecture.dim);

/** A model file as the trainer writes it: fresh weights, with a non-zero item bias and lengthened item rows. */
async function modelFile(halfItems: boolean): Promise<{ spec: Awaited<ReturnType<typeof encodeSequenceModel>>['spec']; weights: Uint8Array }> {
  return onBackend('cpu', async () => {
    const weights = initialSequenceWeights(
      architecture,
      itemVectors.map((v, i) => v * (1 + (i % 5))),
      3,
    );
    weights.get(SEQUENCE_WEIGHTS.itemBias)?.dispose();
    weights.set(SEQUENCE_WEIGHTS.itemBias, tf.linspace(-1, 1, architecture.itemCount));
    const { spec, bytes } = await encodeSequenceModel(weights, architecture, 'sequence.bin', {}, halfItems);
    for (const tensor of weights.values()) tensor.dispose();
    return { spec, weights: bytes };
  });
}

/** sequence-model.ts's interest, computed directly on `backend`. */
async function reference(model: Awaited<ReturnType<typeof modelFile>>, rows: number[], backend: BackendName): Promise<Float32Array> {
  return onBackend(backend, async () => {
    const weights = decodeSequenceWeights(model.spec, model.weights);
    const interest = tf.tidy(() => sequenceInterest(weights, architecture, tf.tensor2d(rows, [1, rows.length], 'int32')));
    const values = await interest.data<'float32'>();
    interest.dispose();
    for (const tensor of weights.values()) tensor.dispose();
    return values;
  });
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - (expected[i] ?? Number.NaN))).toBeLessThan(tolerance));
}

beforeAll(async () => {
  await initBackend({ preferred: 'wasm', allowed: ['wasm'] });
  await initBackend({ preferred: 'cpu', allowed: ['cpu'] });
});

describe('decodeSequenceItemTable', () => {
  it.each([false, true])('reads the item table and bias exactly as TF.js decodes them (float16 items: %s)', async (halfItems) => {
    const model = await modelFile(halfItems);
    const table = decodeSequenceItemTable(model);
    const decoded = await onBackend('cpu', () => decodeSequenceWeights(model.spec, model.weights));
    expect(table.vectors).toEqual(await decoded.get(SEQUENCE_WEIGHTS.items)?.data());
    expect(table.bias).toEqual(await decoded.get(SEQUENCE_WEIGHTS.itemBias)?.data());
    for (const tensor of decoded.values()) tensor.dispose();
    // Not unit length: the table is accepted as trained.
    expect(Math.hypot(...table.vectors.subarray(architecture.dim, 2 * architecture.dim))).toBeGreaterThan(1.5);
  });

  it(
    'names the tensor whose values are not finite',
    faultTest('Model files', 'One NaN or +Inf weight in a sequence model (it emptied the grid on every reload)', async (fault) => {
      const model = await modelFile(false);
      const weights = model.weights.slice();
      new DataView(weights.buffer).setFloat32(4 * architecture.dim * 2, Number.NaN, true);
      const error = thrownRecError(() => decodeSequenceItemTable({ ...model, weights }));
      fault.observe(`${error.code}: ${error.message}`);
      expect(error).toMatchObject({ code: 'MODEL_VECTORS_INVALID', location: { file: 'sequence.bin (items)' } });
    }),
  );
});

describe('createSequenceEncoder', () => {
  it("computes sequence-model.ts's interest on the engine's backend, follows it to another, and leaks nothing", async () => {
    const model = await modelFile(true);
    const baseline = tf.memory().numTensors;
    let backend: BackendName = 'cpu';
    const encoder = await createSequenceEncoder({ model, backend: () => backend });
    expect(encoder.maxLength).toBe(4);
    const rows = [3, 1, 3, 7];
    expectClose(await encoder.interest(rows), await reference(model, rows, 'cpu'), 1e-5);
    const resident = tf.memory().numTensors;
    expectClose(await encoder.interest([5]), await reference(model, [5], 'cpu'), 1e-5);
    expect(tf.memory().numTensors).toBe(resident);

    backend = 'wasm';
    expectClose(await encoder.interest(rows), await reference(model, rows, 'wasm'), 1e-5);
    expect(tf.memory().numTensors).toBe(resident);

    await expect(encoder.interest([])).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(encoder.interest([1, 2, 3, 4, 5])).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(encoder.interest([12])).rejects.toMatchObject({ code: 'INTERNAL' });
    encoder.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
    await expect(encoder.interest(rows)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
