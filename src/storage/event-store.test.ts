import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventStore } from '../core/ports.ts';
import type { InterestState } from '../core/state.ts';
import { openEventStore, type EventStoreOptions, type InvalidRecord } from './event-store.ts';
import { DB_VERSION, STATE_VERSION } from './schema.ts';
import { createVersion1Database, rejection, sampleState, uniqueDbName, version1Events, viewEvent } from './test-support.ts';

const stores: EventStore[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const store of stores.splice(0)) store.close();
});

/** Opens a store on a fresh database; returns it with its name and the invalid records it reported. */
async function freshStore(options: EventStoreOptions = {}) {
  const name = options.name ?? uniqueDbName();
  const invalid: InvalidRecord[] = [];
  const store = await openEventStore({ onInvalidRecords: (records) => invalid.push(...records), ...options, name });
  stores.push(store);
  return { store, name, invalid };
}

/** Writes raw records straight into a store, the way another (buggy or newer) app version could. */
async function putRaw(name: string, storeName: 'events' | 'state' | 'baselines', ...records: unknown[]): Promise<void> {
  const db = await openDB(name); // Untyped on purpose: these records do not fit the schema.
  const tx = db.transaction(storeName, 'readwrite');
  await Promise.all([...records.map((record) => tx.store.put(record)), tx.done]);
  db.close();
}


describe('openEventStore', () => {
  it('is an indexeddb store that starts empty', async () => {
    const { store } = await freshStore();
    expect(store.kind).toBe('indexeddb');
    expect(await store.loadEvents()).toEqual([]);
    expect(await store.loadState('any')).toBeNull();
    expect(await store.exportAll()).toEqual({ events: [], states: [], baselines: [] });
  });

  it('round-trips events (oldest first) and the state, with a bit-exact Float32Array vector', async () => {
    const { store } = await freshStore();
    const state = sampleState();
    await store.append([viewEvent('c', 300), viewEvent('a', 100)], state);
    await store.append([viewEvent('b', 200, 'item-2')], state);

    const events = await store.loadEvents();
    expect(events.map((e) => [e.id, e.time])).toEqual([['a', 100], ['b', 200], ['c', 300]]);
    expect(events[0]).toEqual(viewEvent('a', 100));

    const loaded = await store.loadState(state.modelKey);
    expect(loaded).toEqual(state);
    expect(loaded?.vector).toBeInstanceOf(Float32Array);
    expect(Array.from(loaded?.vector ?? [])).toEqual(Array.from(state.vector));
  });

  it('stores only the state vector, not the whole buffer a view points into', async () => {
    const { store, name } = await freshStore();
    const matrix = new Float32Array(10_000).fill(0.5);
    const state = { ...sampleState(), vector: matrix.subarray(8, 12) };
    await store.append([], state);
    expect((await store.loadState(state.modelKey))?.vector).toEqual(Float32Array.of(0.5, 0.5, 0.5, 0.5));

    const db = await openDB(name);
    const raw = (await db.get('state', state.modelKey)) as { vector: Float32Array }; // Raw record, as written by toStateRecord.
    db.close();
    expect(raw.vector.buffer.byteLength).toBe(16);
  });

  it('stores an event appended twice (a retry) once', async () => {
    const { store } = await freshStore();
    const event = viewEvent('same-id', 100);
    await store.append([event], sampleState());
    await store.append([event, event], sampleState());
    expect(await store.loadEvents()).toEqual([event]);
  });

  it('keeps the latest state per model and one state per model', async () => {
    const { store } = await freshStore();
    await store.append([viewEvent('a', 1)], sampleState('m1', 1));
    await store.append([viewEvent('b', 2)], sampleState('m1', 2));
    await store.append([], sampleState('m2', 7));
    expect((await store.loadState('m1'))?.eventCount).toBe(2);
    expect((await store.loadState('m2'))?.eventCount).toBe(7);
    expect((await store.exportAll()).states).toHaveLength(2);
  });

  it('keeps events and state across close and reopen (a page reload)', async () => {
    const { store, name } = await freshStore();
    const state = sampleState();
    await store.append([viewEvent('a', 100), viewEvent('b', 200)], state);
    store.close();

    const { store: reopened } = await freshStore({ name });
    expect((await reopened.loadEvents()).map((e) => e.id)).toEqual(['a', 'b']);
    expect(await reopened.loadState(state.modelKey)).toEqual(state);
  });

  it('exports every event and state', async () => {
    const { store } = await freshStore();
    await store.append([viewEvent('b', 200)], sampleState('m1', 1));
    await store.append([viewEvent('a', 100)], sampleState('m2', 2));
    const data = await store.exportAll();
    expect(data.events.map((e) => e.id)).toEqual(['a', 'b']);
    expect([...data.states].sort((x, y) => x.eventCount - y.eventCount)).toEqual([sampleState('m1', 1), sampleState('m2', 2)]);
  });

  it('erases everything, and stays usable afterwards', async () => {
    const { store, name } = await freshStore();
    await store.append([viewEvent('a', 100)], sampleState());
    await store.eraseAll();
    expect(await store.exportAll()).toEqual({ events: [], states: [], baselines: [] });
    expect(await store.loadState(sampleState().modelKey)).toBeNull();

    const db = await openDB(name);
    expect([await db.count('events'), await db.count('state')]).toEqual([0, 0]);
    db.close();

    await store.append([viewEvent('b', 1)], sampleState());
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['b']);
  });
});

describe('append is atomic', () => {
  it('stores neither the events nor the state when the state cannot be put (invalid key)', async () => {
    const { store, name } = await freshStore();
    await store.append([viewEvent('before', 1)], sampleState('m1', 1));
    // A corrupt state as a JS caller could pass it: the modelKey keyPath does not yield a valid key.
    const bad = { ...sampleState('m1', 2), modelKey: undefined } as unknown as InterestState;

    const error = await rejection(store.append([viewEvent('x', 2), viewEvent('y', 3)], bad));
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect((error.cause as DOMException).name).toBe('DataError'); // cause is unknown; IndexedDB throws a DOMException.

    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['before']);
    expect((await store.loadState('m1'))?.eventCount).toBe(1);
    const db = await openDB(name);
    expect(await db.count('events')).toBe(1);
    db.close();
  });

  it('stores neither when a request fails asynchronously and IndexedDB aborts the transaction', async () => {
    const { store } = await freshStore();
    await store.append([viewEvent('before', 1)], sampleState('m1', 1));
    const put = IDBObjectStore.prototype.put;
    // Make the state write fail the way a real request fails (after it was issued): `add` on a key
    // that exists gets a ConstraintError, which aborts the transaction with that error.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      return this.name === 'state' ? this.add(value, key) : put.call(this, value, key);
    });

    const error = await rejection(store.append([viewEvent('x', 2)], sampleState('m1', 2)));
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect((error.cause as DOMException).name).toBe('ConstraintError'); // The failure itself, not the AbortErrors it caused.

    vi.restoreAllMocks();
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['before']);
    expect((await store.loadState('m1'))?.eventCount).toBe(1);
  });

  it('maps a QuotaExceededError to STORAGE_QUOTA_EXCEEDED and stores nothing', async () => {
    const { store } = await freshStore();
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const put = IDBObjectStore.prototype.put;
    // Browsers report quota as a DOMException named QuotaExceededError from the write or the
    // commit; here the state write throws it, after the event writes were issued.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'state') throw quota;
      return put.call(this, value, key);
    });

    const error = await rejection(store.append([viewEvent('x', 1), viewEvent('y', 2)], sampleState()));
    expect(error.code).toBe('STORAGE_QUOTA_EXCEEDED');
    expect(error.kind).toBe('environment');
    expect(error.cause).toBe(quota);

    vi.restoreAllMocks();
    expect(await store.exportAll()).toEqual({ events: [], states: [], baselines: [] });
  });
});

describe('invalid stored records', () => {
  it('skips and reports invalid events, keeping every valid one in order', async () => {
    const { store, name, invalid } = await freshStore();
    await store.append([viewEvent('a', 100), viewEvent('c', 300)], sampleState());
    await putRaw(
      name,
      'events',
      { id: 'bad-type', time: 150, session: 's', type: 'teleport', item: 'x' },
      { id: 'no-time', session: 's', type: 'view', item: 'x' }, // Not in the by-time index at all.
      { id: 'text-time', time: '200', session: 's', type: 'view', item: 'x' },
      { ...viewEvent('b', 200), extra: 'ignored' },
    );

    const events = await store.loadEvents();
    expect(events.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(invalid.map((r) => [r.store, r.key, r.error.code]).sort()).toEqual([
      ['events', 'bad-type', 'EVENT_INVALID'],
      ['events', 'no-time', 'EVENT_INVALID'],
      ['events', 'text-time', 'EVENT_INVALID'],
    ]);
    expect(invalid.find((r) => r.key === 'bad-type')?.error.message).toContain('type');

    invalid.length = 0;
    const data = await store.exportAll();
    expect(data.events.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(invalid).toHaveLength(3);
  });

  it('reads an invalid state as null (rebuilt from events) and reports it; the next append replaces it', async () => {
    const { store, name, invalid } = await freshStore();
    const state = sampleState('m1');
    await putRaw(name, 'state', { ...state, vector: [0.5, 0.25], stateVersion: STATE_VERSION, updatedAt: 1 });

    expect(await store.loadState('m1')).toBeNull();
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.store).toBe('state');
    expect(invalid[0]?.key).toBe('m1');
    expect(invalid[0]?.error.message).toContain('vector');
    expect((await store.exportAll()).states).toEqual([]);

    await store.append([], state);
    expect(await store.loadState('m1')).toEqual(state);
  });

  it('reads a state of another stateVersion as null without reporting it', async () => {
    const { store, name, invalid } = await freshStore();
    await putRaw(name, 'state', { ...sampleState('m1'), stateVersion: STATE_VERSION + 1, updatedAt: 1 });
    expect(await store.loadState('m1')).toBeNull();
    expect(invalid).toEqual([]);
  });

  it('warns once per read by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const name = uniqueDbName();
    const store = await openEventStore({ name });
    stores.push(store);
    await putRaw(name, 'events', { id: 'x1' }, { id: 'x2', time: 1 });
    expect(await store.loadEvents()).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toContain('2 invalid stored record');
  });
});

describe('connection life cycle', () => {
  it('rejects with STORAGE_UNAVAILABLE after close', async () => {
    const { store } = await freshStore();
    store.close();
    store.close(); // Idempotent.
    for (const call of [store.loadEvents(), store.loadState('m'), store.append([], sampleState()), store.exportAll(), store.eraseAll()]) {
      const error = await rejection(call);
      expect(error.code).toBe('STORAGE_UNAVAILABLE');
      expect(error.message).toContain('closed');
    }
  });

  it('lets another tab upgrade, then rejects with STORAGE_UNAVAILABLE asking for a reload', async () => {
    const { store, name } = await freshStore();
    await store.append([viewEvent('a', 1)], sampleState());
    const newer = await openDB(name, DB_VERSION + 1); // Would hang if our connection did not close itself.
    newer.close();
    const error = await rejection(store.loadEvents());
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.message).toContain('reload');
  });
});

describe('migration', () => {
  it('keeps every event and the state written by version 1 of the schema, and adds the baselines store', async () => {
    const name = uniqueDbName();
    const state = sampleState('m1', 200);
    (await createVersion1Database(name, 200, state)).close();

    const { store, invalid } = await freshStore({ name });
    const events = await store.loadEvents();
    expect(events).toHaveLength(200);
    expect(events).toEqual([...version1Events(200)].sort((a, b) => a.time - b.time));
    expect(await store.countEvents()).toBe(200);
    // Still trusted by core: no baseline yet, so 0 + 200 events = the state's eventCount.
    expect(await store.loadState('m1')).toEqual(state);
    expect(await store.loadBaseline('m1')).toBeNull();
    expect(invalid).toEqual([]);

    const db = await openDB(name);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['baselines', 'events', 'state']);
    db.close();

    // The new store is usable at once.
    expect(await store.compact(sampleState('m1', 2), [events[0]?.id ?? '', events[1]?.id ?? ''])).toBe(true);
    expect(await store.countEvents()).toBe(198);
  });
});

describe('compaction', () => {
  /** A store holding events a…e (times 1…5), a state of 5 events and, optionally, a baseline. */
  async function storeWithHistory() {
    const fresh = await freshStore();
    const events = ['a', 'b', 'c', 'd', 'e'].map((id, i) => viewEvent(id, i + 1));
    await fresh.store.append(events, sampleState('m1', 5));
    return { ...fresh, events };
  }

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

  it('reads events before a time, oldest first, for retention', async () => {
    const { store } = await storeWithHistory();
    await store.append([viewEvent('a2', 2), viewEvent('z', 0)], sampleState('m1', 7));
    expect((await store.loadEvents({ before: 3 })).map((e) => e.id)).toEqual(['z', 'a', 'a2', 'b']);
    expect(await store.loadEvents({ before: 0 })).toEqual([]);
    expect(await store.loadEvents({ before: Number.NEGATIVE_INFINITY })).toEqual([]);
    expect(await store.loadEvents({ before: Number.POSITIVE_INFINITY })).toHaveLength(7);
  });

  it('exports the baselines, and erases them', async () => {
    const { store, name } = await storeWithHistory();
    await store.compact(sampleState('m1', 2), ['a', 'b']);
    const data = await store.exportAll();
    expect(data.baselines).toEqual([sampleState('m1', 2)]);
    expect(data.events.map((e) => e.id)).toEqual(['c', 'd', 'e']);
    expect(data.states).toEqual([sampleState('m1', 5)]);

    await store.eraseAll();
    expect(await store.exportAll()).toEqual({ events: [], states: [], baselines: [] });
    const db = await openDB(name);
    expect(await db.count('baselines')).toBe(0);
    db.close();
  });

  it('reads an invalid baseline as null and reports it; the next compaction replaces it', async () => {
    const { store, name, invalid } = await storeWithHistory();
    await putRaw(name, 'baselines', { ...sampleState('m1', 1), vector: 'not a vector', stateVersion: STATE_VERSION, updatedAt: 1 });
    expect(await store.loadBaseline('m1')).toBeNull();
    expect(invalid.map((r) => [r.store, r.key, r.error.location.field])).toEqual([['baselines', 'm1', 'vector']]);
    // Core folded onto an empty state then, and that is what compact checks against.
    expect(await store.compact(sampleState('m1', 1), ['a'])).toBe(true);
    expect(await store.loadBaseline('m1')).toEqual(sampleState('m1', 1));
  });
});
