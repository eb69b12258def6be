// Backend choice: the pure order, and what actually initialises in Node (no WebGPU, no WebGL).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, type BackendName } from '../core/ports.ts';
import { backendOrder, initBackend, onBackend } from './backend.ts';

describe('backendOrder', () => {
  it('is webgpu, webgl, wasm, cpu without a preference', () => {
    expect(backendOrder(null)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('puts the preferred backend first and keeps the rest in order', () => {
    expect(backendOrder('wasm')).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
    expect(backendOrder('cpu')).toEqual(['cpu', 'webgpu', 'webgl', 'wasm']);
    expect(backendOrder('webgpu')).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    for (const name of BACKEND_NAMES) expect([...backendOrder(name)].sort()).toEqual([...BACKEND_NAMES].sort());
  });

  it('keeps only the allowed backends', () => {
    expect(backendOrder(null, ['cpu', 'wasm'])).toEqual(['wasm', 'cpu']);
    expect(backendOrder('cpu', ['wasm', 'cpu'])).toEqual(['cpu', 'wasm']);
    expect(backendOrder('webgpu', ['wasm', 'cpu'])).toEqual(['wasm', 'cpu']);
    expect(backendOrder('cpu', [])).toEqual([]);
  });

  it('returns a fresh array each time', () => {
    const order = backendOrder(null);
    order.pop();
    expect(backendOrder(null)).toHaveLength(4);
  });
});

describe('initBackend in Node', () => {
  it('uses the preferred backend when it works', async () => {
    expect(await initBackend({ preferred: 'cpu' })).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('skips webgpu and webgl (no navigator.gpu, no canvas) and lands on wasm, saying why', async () => {
    const skipped: [BackendName, string][] = [];
    const backend = await initBackend({ preferred: null, onSkip: (name, reason) => skipped.push([name, reason]) });
    expect(backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(skipped.map(([name]) => name)).toEqual(['webgpu', 'webgl']);
    expect(skipped[0]?.[1]).toMatch(/navigator\.gpu/);
  });

  it('falls back from an unavailable preferred backend', async () => {
    expect(await initBackend({ preferred: 'webgl' })).toBe('wasm');
  });

  it('only tries allowed backends', async () => {
    const skipped: BackendName[] = [];
    expect(await initBackend({ preferred: 'webgpu', allowed: ['webgpu', 'cpu'], onSkip: (name) => skipped.push(name) })).toBe('cpu');
    expect(skipped).toEqual(['webgpu']);
    await expect(initBackend({ preferred: null, allowed: [] })).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/none allowed/),
    });
  });

  it('can switch back and forth without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    await initBackend({ preferred: 'cpu' });
    await initBackend({ preferred: 'wasm' });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('onBackend', () => {
  it('runs each piece of work with its backend active throughout, never interleaved', async () => {
    await initBackend({ preferred: 'cpu' });
    await initBackend({ preferred: 'wasm' });
    const log: string[] = [];
    const work = (backend: BackendName, id: number) =>
      onBackend(backend, async () => {
        log.push(`start ${id} ${tf.getBackend()}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        const sum = tf.tidy(() => tf.add(tf.scalar(id), tf.scalar(1)));
        const value = (await sum.data())[0];
        sum.dispose();
        log.push(`end ${id} ${tf.getBackend()}`);
        return value;
      });
    const results = await Promise.all([work('cpu', 1), work('wasm', 2), work('cpu', 3), work('wasm', 4)]);
    expect(results).toEqual([2, 3, 4, 5]);
    expect(log).toEqual(['start 1 cpu', 'end 1 cpu', 'start 2 wasm', 'end 2 wasm', 'start 3 cpu', 'end 3 cpu', 'start 4 wasm', 'end 4 wasm']);
  });

  it('keeps going after a failed piece of work', async () => {
    await expect(onBackend('cpu', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await onBackend('cpu', () => 42)).toBe(42);
  });
});
