// The item space's checks and lifecycle on the cpu backend: each bad input rejected with its exact
// code and message, every method refused after dispose() (also when it was already waiting its
// turn), and the backend-choice options passed on to backend.ts. The math is item-space.test.ts's.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendName, ItemSpace } from '../core/ports.ts';
import { normalise, updateInterest, type InterestTerm } from '../core/rank.ts';
import { seededRandom } from '../core/test-support.ts';
import { createItemSpace, type ItemSpaceOptions } from './item-space.ts';

const COUNT = 10;
const DIM = 4;
const TOLERANCE = 1e-5;

const random = seededRandom(77);
const randomVector = (): Float32Array => normalise(Float32Array.from({ length: DIM }, () => random() - 0.5));
const items = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) items.set(randomVector(), row * DIM);
const popularity = Float32Array.from({ length: COUNT }, () => random());
const ZERO = new Float32Array(DIM);

const spaces: ItemSpace[] = [];
async function space(overrides: Partial<ItemSpaceOptions> = {}): Promise<ItemSpace> {
  const created = await createItemSpace({ vectors: items, dim: DIM, popularity, backend: 'cpu', ...overrides });
  spaces.push(created);
  return created;
}

afterEach(() => {
  for (const s of spaces.splice(0)) s.dispose();
});

describe('createItemSpace: a model that does not fit', () => {
  it('is rejected with MODEL_DIMENSION_MISMATCH or CONFIG_INVALID, naming the field', async () => {
    const cases: [Partial<ItemSpaceOptions>, string, string][] = [
      [{ vectors: items.subarray(1) }, 'MODEL_DIMENSION_MISMATCH', 'vectors: the item matrix has 39 values, not a multiple of dim 4'],
      [{ popularity: popularity.subarray(1) }, 'MODEL_DIMENSION_MISMATCH', 'popularity: expected 10 popularity values (one per item), found 9'],
      [{ dim: 0 }, 'MODEL_DIMENSION_MISMATCH', 'dim: dim must be a positive whole number, found 0'],
      [{ priorWeight: Number.NaN }, 'CONFIG_INVALID', 'priorWeight: priorWeight must be a finite number, found NaN'],
      [{ priorWeight: Number.POSITIVE_INFINITY }, 'CONFIG_INVALID', 'priorWeight: priorWeight must be a finite number, found Infinity'],
    ];
    for (const [overrides, code, message] of cases) {
      const field = message.slice(0, message.indexOf(':'));
      await expect(space(overrides), message).rejects.toMatchObject({ code, message, location: { field } });
    }
  });
});

describe('the space: inputs that do not fit the model', () => {
  it('are rejected with the exact code and a message naming the value', async () => {
    const s = await space();
    const row = (at: number, weight = 1): InterestTerm => ({ kind: 'row', row: at, weight });
    const cases: [() => Promise<unknown>, string, string][] = [
      [() => s.topK(new Float32Array(DIM + 1), 5, new Set()), 'MODEL_DIMENSION_MISMATCH', 'the interest vector has 5 values, the model has dim 4'],
      [() => s.update(new Float32Array(DIM - 1), 1, []), 'MODEL_DIMENSION_MISMATCH', 'the interest vector has 3 values, the model has dim 4'],
      [
        () => s.update(ZERO, 1, [row(0), { kind: 'vector', vector: new Float32Array(3), weight: 1 }]),
        'MODEL_DIMENSION_MISMATCH',
        "term 1's vector has 3 values, the model has dim 4",
      ],
      [() => s.update(ZERO, 1, [row(COUNT)]), 'INTERNAL', 'term 0 names row 10, expected a whole number below 10'],
      [() => s.update(ZERO, 1, [row(2), row(-1)]), 'INTERNAL', 'term 1 names row -1, expected a whole number below 10'],
      [() => s.update(ZERO, 1, [row(1.5)]), 'INTERNAL', 'term 0 names row 1.5, expected a whole number below 10'],
      [() => s.update(ZERO, 1, [row(1, Number.POSITIVE_INFINITY)]), 'INTERNAL', 'term 0 has weight Infinity, expected a finite number'],
      [() => s.update(ZERO, 1, [row(1), row(2, Number.NaN)]), 'INTERNAL', 'term 1 has weight NaN, expected a finite number'],
      [() => s.update(ZERO, Number.NaN, []), 'INTERNAL', 'decay must be a finite number, found NaN'],
      [() => s.topK(ZERO, -1, new Set()), 'INTERNAL', 'k must be a whole number >= 0, found -1'],
      [() => s.topK(ZERO, 2.5, new Set()), 'INTERNAL', 'k must be a whole number >= 0, found 2.5'],
      [() => s.similarities([0, COUNT]), 'INTERNAL', 'row 1 is 10, expected a whole number below 10'],
      [() => s.similarities([-1]), 'INTERNAL', 'row 0 is -1, expected a whole number below 10'],
      [() => s.similarities([3, 0.5]), 'INTERNAL', 'row 1 is 0.5, expected a whole number below 10'],
    ];
    // One at a time: each call is made only when its rejection is awaited.
    for (const [call, code, message] of cases) await expect(call(), message).rejects.toMatchObject({ code, message });
  });

  it('update() copies the interest: changing the array while the call waits its turn changes nothing', async () => {
    const s = await space();
    const terms: InterestTerm[] = [{ kind: 'row', row: 1, weight: 1 }];
    const input = randomVector();
    const expected = updateInterest(input, 0.5, terms, items, DIM);
    const pending = s.update(input, 0.5, terms);
    input.fill(0);
    const updated = await pending;
    expected.forEach((value, i) => expect(Math.abs((updated[i] ?? Number.NaN) - value)).toBeLessThan(TOLERANCE));
  });
});

describe('the space after dispose()', () => {
  const calls: [string, (s: ItemSpace) => Promise<unknown>][] = [
    ['update', (s) => s.update(ZERO, 1, [{ kind: 'row', row: 0, weight: 1 }])],
    ['topK', (s) => s.topK(ZERO, 3, new Set())],
    ['similarities', (s) => s.similarities([0, 1])],
  ];

  it('refuses every method, naming it', async () => {
    const s = await space();
    s.dispose();
    for (const [method, call] of calls) {
      await expect(call(s)).rejects.toMatchObject({ code: 'INTERNAL', message: `ItemSpace.${method}() was called after dispose()` });
    }
  });

  it('refuses a call made before dispose() that was still waiting its turn on the backend, naming it', async () => {
    const s = await space();
    const pending = calls.map(([, call]) => call(s));
    s.dispose();
    const outcomes = await Promise.allSettled(pending);
    expect(outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as Error).message : 'fulfilled'))).toEqual(
      calls.map(([method]) => `ItemSpace.${method}() was called after dispose()`),
    );
  });
});

describe('createItemSpace: choosing the backend', () => {
  it('tries only the allowed backends and reports each one skipped', async () => {
    const skipped: [BackendName, string][] = [];
    const s = await space({ backend: 'webgpu', allowedBackends: ['webgpu', 'cpu'], onBackendSkip: (backend, reason) => skipped.push([backend, reason]) });
    expect(s.backend).toBe('cpu');
    expect(skipped).toEqual([['webgpu', 'navigator.gpu is missing (no WebGPU in this browser)']]);
  });

  it("looks for the wasm backend's files where wasmPaths says (here a folder without them, so it falls back to cpu)", async () => {
    // The wasm loader reports the missing file on the console; that is expected here.
    const quiet = [vi.spyOn(console, 'warn').mockImplementation(() => undefined), vi.spyOn(console, 'error').mockImplementation(() => undefined)];
    try {
      const skipped: [BackendName, string][] = [];
      const s = await space({
        backend: 'wasm',
        allowedBackends: ['wasm', 'cpu'],
        wasmPaths: '/no-wasm-files-here/',
        onBackendSkip: (backend, reason) => skipped.push([backend, reason]),
      });
      expect(s.backend).toBe('cpu');
      expect(skipped).toEqual([['wasm', 'it failed to initialise']]);
    } finally {
      for (const spy of quiet) spy.mockRestore();
    }
  });
});
