// compaction.ts: the checked baseline-and-deletions transaction, its atomicity and the over-quota retry.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { STATE_VERSION } from './schema.ts';
import { closeOpenStores, freshStore, putRaw, rejection, sampleState, storeWithHistory } from './test-support.ts';

afterEach(() => {
  vi.restoreAllMocks();
  closeOpenStores();
});

describe('compaction', () => {
  it('puts the baseline and removes the compacted events; the baseline round-trips bit-exact', async () => {
    const { store } = await storeWithHistory();
    const baseline = { ...sampleState('m1', 2), vector: Float32Array.of(0.1, 1 / 3, -0.7, 1e-30) };
    expect(await store.compact(baseline, ['a', 'b'])).toBe(true);
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['c', 'd', 'e']);
    expect(await store.countEvents()).toBe(3);
    const loaded = await store.loadBaseline('m1');
    expect(loaded).toEqual(baseline);
    expect(loaded?.vector).toBeInstanceOf(Float32Array);
    expect(Array.from(loaded?.vector ?? [])).toEqual(Array.from(baseline.vector));
    expect(await store.loadBaseline('m2')).toBeNull();
    // The state is untouched: 2 in the baseline + 3 events = its 5.
    expect((await store.loadState('m1'))?.eventCount).toBe(5);

    // A later compaction extends the baseline.
    expect(await store.compact(sampleState('m1', 3), ['c'])).toBe(true);
    expect((await store.loadBaseline('m1'))?.eventCount).toBe(3);
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['d', 'e']);
  });

  it('writes nothing when the store changed since it was read (an event gone, or another baseline stored)', async () => {
    const { store } = await storeWithHistory();
    expect(await store.compact(sampleState('m1', 2), ['a', 'missing'])).toBe(false);
    expect(await store.compact(sampleState('m1', 3), ['a', 'b'])).toBe(false); // Folded onto a baseline of 1 that is not stored.
    expect(await store.loadBaseline('m1')).toBeNull();
    expect(await store.countEvents()).toBe(5);

    // Two tabs compact the same events: the second finds them gone and the baseline moved on.
    expect(await store.compact(sampleState('m1', 2), ['a', 'b'])).toBe(true);
    expect(await store.compact(sampleState('m1', 2), ['a', 'b'])).toBe(false);
    expect(await store.compact(sampleState('m1', 3), ['b', 'c'])).toBe(false); // b is gone.
    expect((await store.loadBaseline('m1'))?.eventCount).toBe(2);
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['c', 'd', 'e']);

    // An erase in between: erased events never come back as a baseline.
    await store.eraseAll();
    expect(await store.compact(sampleState('m1', 1), ['c'])).toBe(false);
    expect(await store.exportAll()).toEqual({ events: [], states: [], baselines: [] });
  });

  it('checks and writes in one transaction: an erase from another tab in between never leaves a baseline', async () => {
    const { store, name } = await storeWithHistory();
    const { store: otherTab } = await freshStore({ name });
    // Both start at once; whichever transaction runs first, nothing may be left afterwards.
    const [compacted] = await Promise.all([store.compact(sampleState('m1', 2), ['a', 'b']), otherTab.eraseAll()]);
    expect(compacted).toBe(true); // It was first: the erase then removed its baseline too.
    expect(await store.exportAll()).toEqual({ events: [], states: [], baselines: [] });
  });

  it('is atomic: neither the baseline nor the deletions when a request fails and IndexedDB aborts', async () => {
    const { store } = await storeWithHistory();
    await store.compact(sampleState('m1', 1), ['a']);
    const put = IDBObjectStore.prototype.put;
    // The baseline write fails after it was issued, with the deletions already issued or not.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      return this.name === 'baselines' ? this.add(value, key) : put.call(this, value, key);
    });
    const error = await rejection(store.compact(sampleState('m1', 3), ['b', 'c']));
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect((error.cause as DOMException).name).toBe('ConstraintError'); // cause is unknown; IndexedDB's DOMException.
    vi.restoreAllMocks();
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['b', 'c', 'd', 'e']);
    expect((await store.loadBaseline('m1'))?.eventCount).toBe(1);
  });

  it('is atomic: the baseline is not kept when a deletion throws after it was issued', async () => {
    const { store } = await storeWithHistory();
    const remove = IDBObjectStore.prototype.delete;
    vi.spyOn(IDBObjectStore.prototype, 'delete').mockImplementation(function (this: IDBObjectStore, query: IDBValidKey | IDBKeyRange) {
      if (query === 'b') throw new DOMException('no', 'DataError');
      return remove.call(this, query);
    });
    const error = await rejection(store.compact(sampleState('m1', 2), ['a', 'b']));
    expect((error.cause as DOMException).name).toBe('DataError'); // cause is unknown; the DOMException thrown above.
    vi.restoreAllMocks();
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(await store.loadBaseline('m1')).toBeNull();
  });

  it('over quota, drops the state caches in a delete-only transaction and compacts on the second try', async () => {
    const { store } = await storeWithHistory();
    await store.append([], sampleState('other-model', 5));
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const put = IDBObjectStore.prototype.put;
    let refused = 0;
    // As Chromium does while the origin is over its quota: any transaction that puts fails.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'baselines' && refused++ === 0) throw quota;
      return put.call(this, value, key);
    });
    expect(await store.compact(sampleState('m1', 2), ['a', 'b'])).toBe(true);
    expect(refused).toBe(2);
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['c', 'd', 'e']);
    expect((await store.loadBaseline('m1'))?.eventCount).toBe(2);
    expect((await store.exportAll()).states).toEqual([]); // Caches: core rebuilds them from baseline + events.
  });

  it('over quota twice, rejects with STORAGE_QUOTA_EXCEEDED and keeps every event', async () => {
    const { store } = await storeWithHistory();
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const put = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'baselines') throw quota;
      return put.call(this, value, key);
    });
    const error = await rejection(store.compact(sampleState('m1', 2), ['a', 'b']));
    expect(error.code).toBe('STORAGE_QUOTA_EXCEEDED');
    vi.restoreAllMocks();
    expect(await store.countEvents()).toBe(5);
    expect(await store.loadBaseline('m1')).toBeNull();
  });

  it(
    'reads an invalid baseline as null and reports it; the next compaction replaces it',
    faultTest('Stored state', 'An invalid baseline record in IndexedDB', async () => {
      const { store, name, invalid } = await storeWithHistory();
      await putRaw(name, 'baselines', { ...sampleState('m1', 1), vector: 'not a vector', stateVersion: STATE_VERSION, updatedAt: 1 });
      expect(await store.loadBaseline('m1')).toBeNull();
      expect(invalid.map((r) => [r.store, r.key, r.error.location.field])).toEqual([['baselines', 'm1', 'vector']]);
      // Core folded onto an empty state then, and that is what compact checks against.
      expect(await store.compact(sampleState('m1', 1), ['a'])).toBe(true);
      expect(await store.loadBaseline('m1')).toEqual(sampleState('m1', 1));
    }),
  );
});
