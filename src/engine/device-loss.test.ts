// A lost GPU device, simulated in Node: backend.ts's watchDeviceLoss is replaced by one that lets
// the test fire the loss on any backend. The item space must rebuild itself (same backend first,
// then the next that works) with the same items and prior, leak nothing, and keep ranking correctly.
// The real thing, GPUDevice.destroy() on WebGPU in Chromium, is e2e/device-lost.spec.ts.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import type { BackendName } from '../core/ports.ts';
import { normalise, scoreAll, topK, updateInterest } from '../core/rank.ts';
import { seededRandom } from '../core/test-support.ts';
import type * as backendModule from './backend.ts';
import { initBackend, resetBackend } from './backend.ts';
import { createItemSpace } from './item-space.ts';

/** The loss callbacks the space registered, newest last, with the backend each watches. */
const watchers = vi.hoisted(() => [] as { backend: string; onLost: (reason: string) => void }[]);

vi.mock('./backend.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof backendModule>();
  return {
    ...actual,
    watchDeviceLoss: (backend: string, onLost: (reason: string) => void) => watchers.push({ backend, onLost }),
    resetBackend: vi.fn(actual.resetBackend),
  };
});

const COUNT = 40;
const DIM = 8;
const random = seededRandom(7);
const items = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) items.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);

/** Fires the loss on the device the space uses now (the newest watcher). */
function loseDevice(): BackendName {
  const watcher = watchers.at(-1);
  if (watcher === undefined) throw new Error('the space watches no device');
  watcher.onLost('destroyed: simulated by the test');
  return watcher.backend as BackendName;
}

function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - (expected[i] ?? Number.NaN))).toBeLessThan(1e-5));
}

beforeAll(async () => {
  await initBackend({ preferred: 'cpu' });
});

afterEach(() => {
  watchers.length = 0;
  vi.mocked(resetBackend).mockClear();
});

describe('ItemSpace after its device is lost', () => {
  it(
    'rebuilds on the same backend, and the next calls rank and update as before',
    faultTest('GPU device', 'The device is lost: the item space rebuilds with the same interest', async () => {
      const baseline = tf.memory().numTensors;
      const space = await createItemSpace({ vectors: items, dim: DIM, popularity: null, backend: 'cpu' });
      const start = normalise(Float32Array.from({ length: DIM }, (_, i) => i - 3));
      const interest = await space.update(start, 0.9, [{ kind: 'row', row: 5, weight: 1 }]);
      const rankedBefore = await space.topK(interest, 10, new Set());
      const tensorsBefore = tf.memory().numTensors;

      expect(loseDevice()).toBe('cpu');
      // The next calls wait for the rebuild.
      expect(await space.topK(interest, 10, new Set())).toEqual(rankedBefore);
      const after = await space.update(interest, 0.5, [{ kind: 'row', row: 12, weight: 2 }]);
      expectClose(after, updateInterest(interest, 0.5, [{ kind: 'row', row: 12, weight: 2 }], items, DIM));
      expect((await space.topK(after, 5, new Set([12]))).rows).toEqual(topK(scoreAll(items, DIM, after, null, 0), 5, new Set([12])).rows);

      expect(space.backend).toBe('cpu');
      expect(resetBackend).toHaveBeenCalledWith('cpu');
      expect(watchers).toHaveLength(2); // the rebuilt space watches its new device
      // The old tensors were freed, the new ones replace them one for one.
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      space.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    }),
  );

  it('recovers when the loss is noticed by a call already on its way', async () => {
    const space = await createItemSpace({ vectors: items, dim: DIM, popularity: null, backend: 'cpu' });
    const interest = await space.update(new Float32Array(DIM), 1, [{ kind: 'row', row: 3, weight: 1 }]);
    loseDevice();
    // Issued in the same tick as the loss, before the eager rebuild has started.
    const [ranked, next] = await Promise.all([space.topK(interest, 3, new Set()), space.update(interest, 1, [{ kind: 'row', row: 4, weight: 1 }])]);
    expect(ranked.rows).toEqual(topK(scoreAll(items, DIM, interest, null, 0), 3, new Set()).rows);
    expectClose(next, updateInterest(interest, 1, [{ kind: 'row', row: 4, weight: 1 }], items, DIM));
    expect(resetBackend).toHaveBeenCalledTimes(1);
    space.dispose();
  });

  it('moves to the next backend that works when the lost one cannot be created again', async () => {
    const cpu = tf.engine().registryFactory['cpu'];
    if (cpu === undefined) throw new Error('cpu backend not registered');
    const space = await createItemSpace({ vectors: items, dim: DIM, popularity: null, backend: 'cpu' });
    const interest = await space.update(new Float32Array(DIM), 1, [{ kind: 'row', row: 9, weight: 1 }]);
    // As if the device were gone for good: resetting leaves no cpu backend to create.
    vi.mocked(resetBackend).mockImplementationOnce(async (name) => {
      tf.removeBackend(name);
    });
    try {
      loseDevice();
      const ranked = await space.topK(interest, 4, new Set());
      // In Node there is no WebGPU or WebGL: wasm is next.
      expect(space.backend).toBe('wasm');
      expect(ranked.rows).toEqual(topK(scoreAll(items, DIM, interest, null, 0), 4, new Set()).rows);
      expectClose(await space.update(interest, 1, []), interest);
    } finally {
      space.dispose();
      tf.registerBackend('cpu', cpu.factory, cpu.priority);
    }
  });

  it('reports DEVICE_LOST when the rebuilt space is lost too, and rebuilds again on the next call', async () => {
    const space = await createItemSpace({ vectors: items, dim: DIM, popularity: null, backend: 'cpu' });
    const interest = normalise(Float32Array.from({ length: DIM }, (_, i) => i + 1));
    // The first rebuild is lost as soon as it is watched, so the retry meets a lost device too.
    const watch = watchers.push.bind(watchers);
    watchers.push = (...added) => {
      watchers.push = watch;
      const length = watch(...added);
      for (const watcher of added) watcher.onLost('destroyed: simulated again');
      return length;
    };
    loseDevice();
    await expect(space.topK(interest, 3, new Set())).rejects.toMatchObject({
      code: 'DEVICE_LOST',
      message: 'the GPU device was lost (destroyed: simulated again) and the engine could not be rebuilt',
    });
    expect((await space.topK(interest, 3, new Set())).rows).toEqual(topK(scoreAll(items, DIM, interest, null, 0), 3, new Set()).rows);
    expect(resetBackend).toHaveBeenCalledTimes(2);
    space.dispose();
  });

  it('dispose() during the rebuild frees the rebuilt tensors too', async () => {
    const baseline = tf.memory().numTensors;
    const space = await createItemSpace({ vectors: items, dim: DIM, popularity: null, backend: 'cpu' });
    const interest = new Float32Array(DIM);
    await space.topK(interest, 1, new Set());
    loseDevice();
    await Promise.resolve(); // the rebuild starts
    space.dispose();
    await initBackend({ preferred: 'cpu' }); // queued behind the rebuild, so it has finished
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(tf.memory().numTensors).toBe(baseline);
    await expect(space.topK(interest, 1, new Set())).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});
