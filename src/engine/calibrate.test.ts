// Choosing the backend by measurement: the ranking check (compareRankings), the verdict and its
// reason, the cache between visits, and an explicit backend skipping the measurement. Runs on the
// backends Node has (cpu, wasm); the browser's webgpu/webgl go through the same code in e2e.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { InterestEngine } from '../core/ports.ts';
import { normalise } from '../core/rank.ts';
import { seededRandom } from '../core/random.ts';
import { initBackend, onBackend } from './backend.ts';
import { compareRankings, createCalibratedInterestEngine, type CalibrationStore } from './calibrate.ts';
import { encodeSequenceModel, initialSequenceWeights } from './sequence-model.ts';

const COUNT = 60;
const DIM = 8;
const random = seededRandom(99);
const vectors = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) vectors.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);
const popularity = Float32Array.from({ length: COUNT }, () => random());
const options = { vectors, dim: DIM, popularity, allowedBackends: ['cpu', 'wasm'] as const };

/** A localStorage stand-in that counts reads. */
function memoryStore(): CalibrationStore & { reads: number; entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    reads: 0,
    getItem(key) {
      this.reads++;
      return entries.get(key) ?? null;
    },
    setItem(key, value) {
      entries.set(key, value);
    },
  };
}

const engines: InterestEngine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.dispose();
});

describe('compareRankings', () => {
  const expected = { rows: [4, 2, 9], scores: [0.9, 0.5, 0.3] };

  it('agrees with the same ranking, and with rows swapped or replaced only where scores tie', () => {
    expect(compareRankings(expected, expected)).toEqual({ agree: true, maxScoreDifference: 0 });
    expect(compareRankings({ rows: [4, 2, 7], scores: [0.9, 0.5, 0.30001] }, expected).agree).toBe(true);
    expect(compareRankings({ rows: [4, 9, 2], scores: [0.9, 0.50001, 0.49999] }, { rows: [4, 2, 9], scores: [0.9, 0.5, 0.5] }).agree).toBe(true);
  });

  it('disagrees on a different row, a different score, or a shorter list', () => {
    expect(compareRankings({ rows: [4, 7, 9], scores: [0.9, 0.5, 0.3] }, expected).agree).toBe(false);
    expect(compareRankings({ rows: [4, 2, 9], scores: [0.9, 0.4, 0.3] }, expected).agree).toBe(false);
    expect(compareRankings({ rows: [4, 2], scores: [0.9, 0.5] }, expected).agree).toBe(false);
  });
});

describe('createCalibratedInterestEngine', () => {
  it('measures each allowed backend, keeps the fastest correct one, says why, and caches the verdict', async () => {
    const store = memoryStore();
    const first = await createCalibratedInterestEngine({ ...options, backend: null }, { store, device: 'node', trials: 2 });
    engines.push(first.engine);
    expect(['cpu', 'wasm']).toContain(first.choice.backend);
    expect(first.engine.backend).toBe(first.choice.backend);
    expect(first.engine.backendReason).toBe(first.choice.reason);
    expect(first.choice.reason).toMatch(/^fastest here: (cpu|wasm) [\d.]+ ms, (cpu|wasm) [\d.]+ ms per interaction$/);
    expect([...store.entries.keys()]).toEqual([`vitrine.backend.v1:node|${COUNT}x${DIM}|float32`]);

    const again = await createCalibratedInterestEngine({ ...options, backend: null }, { store, device: 'node', trials: 2 });
    engines.push(again.engine);
    expect(again.choice).toEqual({ backend: first.choice.backend, reason: `${first.choice.reason} (measured on an earlier visit)` });
  });

  it('measures again for another device or model shape, and ignores a corrupt cache entry', async () => {
    const store = memoryStore();
    store.entries.set(`vitrine.backend.v1:node|${COUNT}x${DIM}|float32`, '{"backend":"quantum"}');
    const chosen = await createCalibratedInterestEngine({ ...options, backend: null }, { store, device: 'node', trials: 1 });
    engines.push(chosen.engine);
    expect(chosen.choice.reason).toMatch(/^fastest here/);
  });

  it('with a sequence model, times its encoding too and caches the verdict per sequence architecture', async () => {
    await initBackend({ preferred: 'cpu', allowed: ['cpu'] });
    const architecture = { itemCount: COUNT, dim: DIM, maxLength: 5, blocks: 1, heads: 2, ffnDim: DIM };
    const sequence = await onBackend('cpu', async () => {
      const weights = initialSequenceWeights(architecture, vectors, 4);
      const { spec, bytes } = await encodeSequenceModel(weights, architecture, 'sequence.bin', {}, false);
      for (const tensor of weights.values()) tensor.dispose();
      return { spec, weights: bytes };
    });
    const store = memoryStore();
    const tensors = tf.memory().numTensors;
    const chosen = await createCalibratedInterestEngine({ ...options, backend: null }, { store, device: 'node', trials: 1, sequence });
    engines.push(chosen.engine);
    expect(chosen.choice.reason).toMatch(/^fastest here: .* per interaction \(with the sequence model\)$/);
    expect([...store.entries.keys()]).toEqual([`vitrine.backend.v1:node|${COUNT}x${DIM}|float32|sequence 1x2x${DIM}x5`]);
    // The encoders used for timing are gone; only the chosen engine's tensors remain.
    chosen.engine.dispose();
    engines.pop();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('an explicit backend wins without measuring', async () => {
    const store = memoryStore();
    const chosen = await createCalibratedInterestEngine({ ...options, backend: 'cpu' }, { store, device: 'node' });
    engines.push(chosen.engine);
    expect(chosen.choice).toEqual({ backend: 'cpu', reason: 'asked for cpu' });
    expect(chosen.engine.backendReason).toBe('asked for cpu');
    expect(store.reads).toBe(0);
    expect(store.entries.size).toBe(0);
  });
});
