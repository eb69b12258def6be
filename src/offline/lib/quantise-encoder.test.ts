import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { quantiseGraphModel, quantiseValues, schemeId, type GraphModelFiles } from './quantise-encoder.ts';

// A synthetic graph model's weights: a large float32 kernel, a small float32 bias, an int32 shape
// constant and a constant float32 tensor, concatenated in manifest order as in a real shard.
const KERNEL = Float32Array.from({ length: 6000 }, (_, i) => Math.sin(i * 0.37) * 2.5 - 0.25 + (i % 7 === 0 ? 0.001 * i : 0));
const BIAS = Float32Array.from([0.1, -0.2, 0.3]);
const SHAPE = Int32Array.from([3, -1, 512]);
const CONSTANT = new Float32Array(5000).fill(0.75);

function model(): GraphModelFiles {
  const parts = [KERNEL, BIAS, SHAPE, CONSTANT].map((values) => new Uint8Array(values.buffer.slice(0)));
  const weightData = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  parts.reduce((at, part) => (weightData.set(part, at), at + part.byteLength), 0);
  return {
    modelJson: {
      modelTopology: { node: [] },
      weightsManifest: [
        {
          paths: ['group1-shard1of1'],
          weights: [
            { name: 'kernel', shape: [2, 3000], dtype: 'float32' },
            { name: 'bias', shape: [3], dtype: 'float32' },
            { name: 'shape', shape: [3], dtype: 'int32' },
            { name: 'constant', shape: [5000], dtype: 'float32' },
          ],
        },
      ],
    },
    weightData,
  };
}

/** Decodes the quantised shards with TF.js's own weight decoder, as loadGraphModel does. */
function decode(quantised: ReturnType<typeof quantiseGraphModel>): tf.NamedTensorMap {
  const specs = quantised.modelJson.weightsManifest.flatMap((group) => group.weights);
  const bytes = new Uint8Array(quantised.shards.reduce((sum, shard) => sum + shard.bytes.byteLength, 0));
  quantised.shards.reduce((at, shard) => (bytes.set(shard.bytes, at), at + shard.bytes.byteLength), 0);
  return tf.io.decodeWeights(bytes.buffer, specs);
}

describe('quantiseGraphModel', () => {
  it('stores large float32 weights as uint8 that TF.js decodes within scale / 2, other weights untouched', () => {
    const quantised = quantiseGraphModel(model(), { dtype: 'uint8', keepFloat32Below: 4096 });
    const specs = quantised.modelJson.weightsManifest.flatMap((group) => group.weights);
    expect(specs.map(({ name, shape, dtype }) => ({ name, shape, dtype }))).toEqual(model().modelJson.weightsManifest[0]?.weights);
    const [kernel, bias, shape, constant] = specs;
    expect(kernel?.quantization?.dtype).toBe('uint8');
    expect(bias?.quantization).toBeUndefined();
    expect(shape?.quantization).toBeUndefined();
    expect(constant?.quantization).toEqual({ dtype: 'uint8', min: 0.75, scale: 1 });
    expect(quantised.modelJson.modelTopology).toEqual({ node: [] });
    expect(quantised.shards.map((shard) => shard.name)).toEqual(['group1-shard1of1']);
    expect(quantised.shards[0]?.bytes.byteLength).toBe(6000 + 3 * 4 + 3 * 4 + 5000);

    const tensors = decode(quantised);
    const scale = kernel?.quantization?.scale ?? Number.NaN;
    expect(scale).toBeCloseTo((Math.max(...KERNEL) - Math.min(...KERNEL)) / 255, 9);
    const decoded = tensors['kernel']?.dataSync() ?? new Float32Array();
    expect(tensors['kernel']?.shape).toEqual([2, 3000]);
    expect(tensors['kernel']?.dtype).toBe('float32');
    let worst = 0;
    KERNEL.forEach((value, i) => (worst = Math.max(worst, Math.abs((decoded[i] ?? Number.NaN) - value))));
    expect(worst).toBeLessThanOrEqual(scale / 2 + 1e-6);
    expect(worst).toBeGreaterThan(scale / 10);
    expect(tensors['bias']?.dataSync()).toEqual(BIAS);
    expect(tensors['shape']?.dtype).toBe('int32');
    expect(tensors['shape']?.dataSync()).toEqual(SHAPE);
    expect(tensors['constant']?.dataSync()).toEqual(CONSTANT);
    tf.dispose(tensors);
  });

  it('is deterministic, and keeps every float32 weight under the threshold as it was', () => {
    const a = quantiseGraphModel(model());
    expect(quantiseGraphModel(model())).toEqual(a);
    const all = quantiseGraphModel(model(), { dtype: 'uint16', keepFloat32Below: 0 });
    expect(all.modelJson.weightsManifest[0]?.weights.map((spec) => spec.quantization?.dtype)).toEqual(['uint16', 'uint16', undefined, 'uint16']);
    const tensors = decode(all);
    expect(Array.from(tensors['bias']?.dataSync() ?? []).map((v) => Number(v.toFixed(4)))).toEqual([0.1, -0.2, 0.3]);
    tf.dispose(tensors);
    expect(schemeId({ dtype: 'uint8', keepFloat32Below: 4096 })).toBe('uint8-f32below4096');
    expect(schemeId({ dtype: 'uint16', keepFloat32Below: 0 })).toBe('uint16');
  });

  it('splits the weights into 4 MiB shards', () => {
    const big = Float32Array.from({ length: 5_000_000 }, (_, i) => i % 251);
    const quantised = quantiseGraphModel({
      modelJson: { modelTopology: {}, weightsManifest: [{ paths: ['a', 'b', 'c', 'd', 'e'], weights: [{ name: 'w', shape: [5_000_000], dtype: 'float32' }] }] },
      weightData: new Uint8Array(big.buffer),
    });
    expect(quantised.shards.map((shard) => [shard.name, shard.bytes.byteLength])).toEqual([
      ['group1-shard1of2', 4 * 1024 * 1024],
      ['group1-shard2of2', 5_000_000 - 4 * 1024 * 1024],
    ]);
    expect(quantised.modelJson.weightsManifest[0]?.paths).toEqual(['group1-shard1of2', 'group1-shard2of2']);
  });

  it('refuses weights that do not fit the manifest, are already quantised or are not finite', () => {
    const files = model();
    expect(() => quantiseGraphModel({ ...files, weightData: files.weightData.subarray(4) })).toThrow(/past the .* bytes of the shards/);
    expect(() => quantiseGraphModel({ ...files, weightData: new Uint8Array(files.weightData.byteLength + 4) })).toThrow(/the shards hold/);
    const quantised = quantiseGraphModel(files);
    expect(() => quantiseGraphModel({ modelJson: quantised.modelJson, weightData: files.weightData })).toThrow(/already quantised/);
    expect(() => quantiseValues(Float32Array.from([1, Number.NaN]), 'uint8', 'w')).toThrow(expect.objectContaining({ code: 'ENCODER_UNAVAILABLE' }));
  });
});
