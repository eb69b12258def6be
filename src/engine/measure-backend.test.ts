// The measuring half of the backend choice on the backends Node has (cpu, wasm): the probe opens an
// item space on one backend only, times real interactions on it, checks its ranking against core's
// reference, times the sequence model's encoding too, and frees what it made; and
// createCalibratedItemSpace wires it to core's policy (its cache key and reason). The policy itself
// is tested with a fake probe in core/backend-choice.test.ts; the browser's webgpu/webgl go through
// the same code in e2e.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadedSequenceModel } from '../core/model.ts';
import type { ItemSpace } from '../core/ports.ts';
import { normalise } from '../core/rank.ts';
import { seededRandom } from '../core/random.ts';
import { initBackend, onBackend } from './backend.ts';
import { createCalibratedItemSpace } from './calibrated-item-space.ts';
import { createBackendProbe } from './measure-backend.ts';
import { encodeSequenceModel, initialSequenceWeights } from './sequence-model.ts';

const COUNT = 60;
const DIM = 8;
const random = seededRandom(99);
const vectors = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) vectors.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);
const popularity = Float32Array.from({ length: COUNT }, () => random());
const options = { vectors, dim: DIM, popularity, backend: null, allowedBackends: ['cpu', 'wasm'] as const };

/** A localStorage stand-in. */
function memoryStore(): { getItem(key: string): string | null; setItem(key: string, value: string): void; entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return { entries, getItem: (key) => entries.get(key) ?? null, setItem: (key, value) => void entries.set(key, value) };
}

/** A tiny trained-shape sequence model over the catalogue (untrained weights: only its cost matters here). */
async function sequenceModel(): Promise<LoadedSequenceModel> {
  await initBackend({ preferred: 'cpu', allowed: ['cpu'] });
  const architecture = { itemCount: COUNT, dim: DIM, maxLength: 5, blocks: 1, heads: 2, ffnDim: DIM };
  return onBackend('cpu', async () => {
    const weights = initialSequenceWeights(architecture, vectors, 4);
    const { spec, bytes } = await encodeSequenceModel(weights, architecture, 'sequence.bin', {}, false);
    for (const tensor of weights.values()) tensor.dispose();
    return { spec, weights: bytes };
  });
}

const spaces: ItemSpace[] = [];
afterEach(() => {
  for (const space of spaces.splice(0)) space.dispose();
});

describe('createBackendProbe', () => {
  it('opens on the one backend asked for when `only`, and measures an agreeing ranking there', async () => {
    const probe = createBackendProbe(options, { trials: 2 });
    for (const backend of ['cpu', 'wasm'] as const) {
      const space = await probe.open(backend, true);
      spaces.push(space);
      expect(space.backend).toBe(backend);
      const trial = await probe.measure(space);
      expect(trial.agree).toBe(true);
      expect(Number.isFinite(trial.ms)).toBe(true);
    }
    // Only that backend: none of the allowed ones works, so nothing falls back.
    await expect(probe.open('webgl', true)).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    const fallback = await probe.open('webgl', false);
    spaces.push(fallback);
    expect(fallback.backend).toBe('wasm');
  });

  it("finds a space that ranks differently from core's reference on the model", async () => {
    const probe = createBackendProbe(options, { trials: 1 });
    // The same shape, other items: its ranking of the seeded interaction is not the reference's.
    const other = vectors.map((value, i) => (i % DIM === 0 ? -value : value));
    const space = await createBackendProbe({ ...options, vectors: other }).open('cpu', true);
    spaces.push(space);
    expect((await probe.measure(space)).agree).toBe(false);
  });

  it('with a sequence model, times its encoding on the same backend and frees the encoder', async () => {
    const sequence = await sequenceModel();
    const probe = createBackendProbe(options, { trials: 1, sequence });
    const space = await probe.open('cpu', true);
    spaces.push(space);
    const tensors = tf.memory().numTensors;
    expect((await probe.measure(space)).agree).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('reports a sequence model that cannot run, naming it', async () => {
    const sequence = await sequenceModel();
    const broken = { ...sequence, weights: sequence.weights.subarray(0, 16) };
    const probe = createBackendProbe(options, { trials: 1, sequence: broken });
    const space = await probe.open('cpu', true);
    spaces.push(space);
    await expect(probe.measure(space)).rejects.toThrow(/^the sequence model failed \(/);
  });
});

describe('createCalibratedItemSpace', () => {
  it('measures the allowed backends, returns the space on the fastest with the choice beside it, and caches the verdict', async () => {
    const store = memoryStore();
    const first = await createCalibratedItemSpace(options, { store, device: 'node', trials: 2 });
    spaces.push(first.space);
    expect(['cpu', 'wasm']).toContain(first.choice.backend);
    expect(first.space.backend).toBe(first.choice.backend);
    // The second is only warmed up when that alone took over three times the first's median.
    expect(first.choice.reason).toMatch(/^fastest here: (cpu|wasm) [\d.]+ ms, (cpu|wasm) [\d.]+ ms( \(warm-up only\))? per interaction$/);
    expect([...store.entries.keys()]).toEqual([`vitrine.backend.v1:node|${COUNT}x${DIM}|float32`]);
    expect(Object.keys(first.space)).not.toContain('backendReason');

    const again = await createCalibratedItemSpace(options, { store, device: 'node', trials: 2 });
    spaces.push(again.space);
    expect(again.choice).toEqual({ backend: first.choice.backend, reason: `${first.choice.reason} (measured on an earlier visit)` });
  });

  it('with a sequence model, says so and caches the verdict per sequence architecture, leaving only the space behind', async () => {
    const sequence = await sequenceModel();
    const store = memoryStore();
    const tensors = tf.memory().numTensors;
    const chosen = await createCalibratedItemSpace({ ...options, itemDtype: 'int8' }, { store, device: 'node', trials: 1, sequence });
    expect(chosen.choice.reason).toMatch(/^fastest here: .* per interaction \(with the sequence model\)$/);
    expect([...store.entries.keys()]).toEqual([`vitrine.backend.v1:node|${COUNT}x${DIM}|int8|sequence 1x2x${DIM}x5`]);
    chosen.space.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('an explicit backend wins without measuring', async () => {
    const store = memoryStore();
    const chosen = await createCalibratedItemSpace({ ...options, backend: 'cpu' }, { store, device: 'node' });
    spaces.push(chosen.space);
    expect(chosen.choice).toEqual({ backend: 'cpu', reason: 'asked for cpu' });
    expect(chosen.space.backend).toBe('cpu');
    expect(store.entries.size).toBe(0);
  });
});
