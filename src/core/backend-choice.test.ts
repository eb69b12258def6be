// The backend choice policy with a fake probe (no TF.js): an asked-for backend wins without
// measuring, a cached verdict is reused when its backend still opens, otherwise the likely backends
// are measured within a time budget and the fastest that agrees with the reference wins, is cached
// and explained, naming what was not measured.
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import {
  calibrationKey,
  chooseBackend,
  VERDICT_MAX_AGE_MS,
  type BackendProbe,
  type BackendTrial,
  type CalibrationStore,
  type ChoiceRequest,
} from './backend-choice.ts';
import type { BackendName } from './ports.ts';

/** What the fake probe opens: a backend, and whether it was freed. */
interface Opened {
  readonly backend: BackendName;
  disposed: boolean;
  dispose(): void;
}

/**
 * A probe over scripted backends: each one that opens gives its trial (or throws its message);
 * one that is absent does not open. `open(b, false)` falls back to the first that opens, in order.
 */
function fakeProbe(
  script: Partial<Record<BackendName, BackendTrial | string>>,
): BackendProbe<Opened> & { opened: Opened[]; measured: BackendName[]; bounds: (number | undefined)[] } {
  const opened: Opened[] = [];
  const measured: BackendName[] = [];
  const bounds: (number | undefined)[] = [];
  const make = (backend: BackendName): Opened => {
    const made: Opened = {
      backend,
      disposed: false,
      dispose() {
        made.disposed = true;
      },
    };
    opened.push(made);
    return made;
  };
  return {
    opened,
    measured,
    bounds,
    async open(backend, only) {
      if (backend !== null && backend in script) return make(backend);
      if (only) throw new Error(`${backend ?? 'none'} does not open`);
      const first = (['webgpu', 'webgl', 'wasm', 'cpu'] as const).find((name) => name in script);
      if (first === undefined) throw new Error('nothing opens');
      return make(first);
    },
    async measure(space, bound) {
      measured.push(space.backend);
      bounds.push(bound);
      const trial = script[space.backend];
      if (typeof trial === 'string') throw new Error(trial);
      if (trial === undefined) throw new Error('not scripted');
      return trial;
    },
  };
}

function memoryStore(initial: Record<string, string> = {}): CalibrationStore & { entries: Map<string, string>; reads: number } {
  const entries = new Map(Object.entries(initial));
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

const KEY = calibrationKey({ device: 'test device', count: 60, dim: 8, dtype: 'float32' });
/** The wall clock of every request (epoch ms), and a verdict measured a day before it. */
const NOW = Date.UTC(2025, 5, 1);
const DAY = 24 * 60 * 60 * 1000;
const cachedVerdict = (backend: string, reason: string, measuredAt = NOW - DAY) => JSON.stringify({ backend, reason, measuredAt });
const request = (overrides: Partial<ChoiceRequest> = {}): ChoiceRequest => ({
  asked: null,
  cacheKey: KEY,
  withSequence: false,
  clock: () => NOW,
  ...overrides,
});

describe('calibrationKey', () => {
  it('names the device and the shape, and the sequence architecture when there is one', () => {
    expect(KEY).toBe('vitrine.backend.v1:test device|60x8|float32');
    const sequence = { blocks: 2, heads: 4, ffnDim: 64, maxLength: 20 };
    expect(calibrationKey({ device: 'd', count: 5, dim: 16, dtype: 'int8', sequence })).toBe('vitrine.backend.v1:d|5x16|int8|sequence 2x4x64x20');
  });
});

describe('chooseBackend', () => {
  it('measures every allowed backend in order, keeps the fastest that agrees, frees the rest, explains and caches the verdict', async () => {
    const probe = fakeProbe({
      webgpu: { ms: 19.9, agree: true },
      webgl: { ms: 0.5, agree: false },
      wasm: { ms: 1.8, agree: true },
      cpu: { ms: 9.1, agree: true },
    });
    const store = memoryStore();
    const { opened, choice } = await chooseBackend(request({ store }), probe);
    const reason = 'fastest here: wasm 1.80 ms, cpu 9.10 ms, webgpu 19.90 ms per interaction';
    expect(choice).toEqual({ backend: 'wasm', reason });
    expect(opened.backend).toBe('wasm');
    expect(probe.measured).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(probe.opened.filter((o) => !o.disposed)).toEqual([opened]);
    expect(JSON.parse(store.entries.get(KEY) ?? 'null')).toEqual({ ...choice, measuredAt: NOW });
  });

  it('measures only the allowed backends, says when the sequence model was timed, and works without a store', async () => {
    const probe = fakeProbe({ webgpu: { ms: 1, agree: true }, wasm: { ms: 3, agree: true }, cpu: { ms: 2, agree: true } });
    const { choice } = await chooseBackend(request({ allowed: ['wasm', 'cpu'], withSequence: true }), probe);
    expect(choice).toEqual({ backend: 'cpu', reason: 'fastest here: cpu 2.00 ms, wasm 3.00 ms per interaction (with the sequence model)' });
    expect(probe.measured).toEqual(['wasm', 'cpu']);
  });

  it('measures the likely backends only, likeliest first, bounding each by the best so far, and names the rest', async () => {
    const probe = fakeProbe({
      webgpu: { ms: 0.5, agree: true },
      wasm: { ms: 1.8, agree: true },
      cpu: { ms: 30.2, agree: true, warmUpOnly: true },
    });
    const likely = { backends: ['wasm', 'cpu'] as const, othersBecause: 'software GPU adapter' };
    const { choice } = await chooseBackend(request({ likely }), probe);
    expect(choice.reason).toBe(
      'fastest here: wasm 1.80 ms, cpu 30.20 ms (warm-up only) per interaction; not measured: webgpu (software GPU adapter), webgl (software GPU adapter)',
    );
    expect(probe.measured).toEqual(['wasm', 'cpu']);
    expect(probe.bounds).toEqual([undefined, 1.8]);
  });

  it('opens no further backend once the budget is spent, but goes on until one agrees', async () => {
    let clock = 0;
    const probe = fakeProbe({ webgpu: { ms: 1, agree: false }, wasm: { ms: 2, agree: true }, cpu: { ms: 1, agree: true } });
    const slowProbe = { ...probe, open: (backend: BackendName | null, only: boolean) => ((clock += 200), probe.open(backend, only)) };
    const { choice } = await chooseBackend(request({ allowed: ['webgpu', 'wasm', 'cpu'], budgetMs: 300, now: () => clock }), slowProbe);
    expect(choice).toEqual({ backend: 'wasm', reason: 'fastest here: wasm 2.00 ms per interaction; not measured: cpu (over the 300 ms budget)' });
    expect(probe.measured).toEqual(['webgpu', 'wasm']);
  });
});

describe('chooseBackend with a cached verdict', () => {
  it('uses a cached verdict without measuring when its backend still opens', async () => {
    const store = memoryStore({ [KEY]: cachedVerdict('cpu', 'fastest here: cpu 2.00 ms per interaction') });
    const probe = fakeProbe({ wasm: { ms: 1, agree: true }, cpu: { ms: 2, agree: true } });
    const { opened, choice } = await chooseBackend(request({ store }), probe);
    expect(choice).toEqual({ backend: 'cpu', reason: 'fastest here: cpu 2.00 ms per interaction (measured on an earlier visit)' });
    expect(opened.backend).toBe('cpu');
    expect(probe.measured).toEqual([]);
  });

  it(
    'measures again once the cached verdict is VERDICT_MAX_AGE_MS old, or has no time, or is dated after now',
    faultTest('Time and dates', 'A cached backend verdict 30 days old, without its time, or dated after now', async () => {
      const reason = 'fastest here: cpu 2.00 ms per interaction';
      const entries = {
        'just under the age': cachedVerdict('cpu', reason, NOW - VERDICT_MAX_AGE_MS + 1),
        'at the age': cachedVerdict('cpu', reason, NOW - VERDICT_MAX_AGE_MS),
        'no time': JSON.stringify({ backend: 'cpu', reason }),
        'after now': cachedVerdict('cpu', reason, NOW + DAY),
      };
      const measuredFor: Record<string, boolean> = {};
      for (const [name, entry] of Object.entries(entries)) {
        const store = memoryStore({ [KEY]: entry });
        const probe = fakeProbe({ wasm: { ms: 1, agree: true }, cpu: { ms: 2, agree: true } });
        const { choice } = await chooseBackend(request({ store }), probe);
        measuredFor[name] = probe.measured.length > 0;
        if (measuredFor[name]) expect(JSON.parse(store.entries.get(KEY) ?? 'null'), name).toEqual({ ...choice, measuredAt: NOW });
        else expect(store.entries.get(KEY), name).toBe(entry);
      }
      expect(measuredFor).toEqual({ 'just under the age': false, 'at the age': true, 'no time': true, 'after now': true });
    }),
  );

  it('measures again when the cached backend no longer opens as itself, freeing what opened instead', async () => {
    const store = memoryStore({ [KEY]: cachedVerdict('webgpu', 'old') });
    const probe = fakeProbe({ wasm: { ms: 1, agree: true } });
    const { choice } = await chooseBackend(request({ store }), probe);
    expect(choice.reason).toBe('fastest here: wasm 1.00 ms per interaction');
    expect(probe.opened[0]).toMatchObject({ backend: 'wasm', disposed: true });
    expect(JSON.parse(store.entries.get(KEY) ?? 'null')).toEqual({ ...choice, measuredAt: NOW });
  });

  it('ignores a corrupt or unknown cache entry, and a store that throws', async () => {
    for (const entry of [cachedVerdict('quantum', 'x'), JSON.stringify({ backend: 'cpu', measuredAt: NOW }), 'not json', '42']) {
      const probe = fakeProbe({ cpu: { ms: 2, agree: true } });
      const { choice } = await chooseBackend(request({ store: memoryStore({ [KEY]: entry }) }), probe);
      expect(choice.reason, entry).toMatch(/^fastest here/);
      expect(probe.measured, entry).toEqual(['cpu']);
    }
    const refusing: CalibrationStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect((await chooseBackend(request({ store: refusing }), fakeProbe({ cpu: { ms: 2, agree: true } }))).choice.backend).toBe('cpu');
  });

  it('an asked-for backend wins without reading the cache or measuring, and says when it fell back', async () => {
    const store = memoryStore({ [KEY]: cachedVerdict('cpu', 'cached') });
    const probe = fakeProbe({ wasm: { ms: 1, agree: true }, cpu: { ms: 2, agree: true } });
    expect((await chooseBackend(request({ asked: 'wasm', store }), probe)).choice).toEqual({ backend: 'wasm', reason: 'asked for wasm' });
    expect((await chooseBackend(request({ asked: 'webgpu', store }), probe)).choice).toEqual({
      backend: 'wasm',
      reason: 'asked for webgpu, which does not work here',
    });
    expect(store.reads).toBe(0);
    expect(probe.measured).toEqual([]);
  });

  it('throws BACKEND_UNAVAILABLE naming why each backend was rejected when none agrees', async () => {
    const probe = fakeProbe({ webgl: { ms: 1, agree: false }, wasm: 'out of memory' });
    const error = await chooseBackend(request({ allowed: ['webgpu', 'webgl', 'wasm'] }), probe).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message:
        'no TF.js backend computed the ranking correctly here (webgpu: webgpu does not open; webgl: its ranking disagreed with the reference; wasm: out of memory)',
    });
    expect(probe.opened.every((o) => o.disposed)).toBe(true);
    await expect(chooseBackend(request({ allowed: [] }), probe)).rejects.toThrow('no TF.js backend computed the ranking correctly here (none allowed)');
  });
});
