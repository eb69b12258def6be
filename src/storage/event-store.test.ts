import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventStore } from '../core/ports.ts';
import type { InterestState } from '../core/state.ts';
import { openEventStore, type EventStoreOptions, type InvalidRecord } from './event-store.ts';
import { STATE_VERSION } from './schema.ts';
import { rejection, sampleState, uniqueDbName, viewEvent } from './test-support.ts';

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
async function putRaw(name: string, storeName: 'events' | 'state', ...records: unknown[]): Promise<void> {
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
    expect(await store.exportAll()).toEqual({ events: [], states: [] });
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
    expect(await store.exportAll()).toEqual({ events: [], states: [] });
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
    expect(await store.exportAll()).toEqual({ events: [], states: [] });
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
    const newer = await openDB(name, 2); // Would hang if our connection did not close itself.
    newer.close();
    const error = await rejection(store.loadEvents());
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.message).toContain('reload');
  });
});

describe('migration', () => {
  it('keeps every event and state written by version 1 of the schema', async () => {
    const name = uniqueDbName();
    // Version 1 as it shipped, re-declared here on purpose: later schema changes must keep this data.
    const v1 = await openDB(name, 1, {
      upgrade(db) {
        const events = db.createObjectStore('events', { keyPath: 'id' });
        events.createIndex('by-time', 'time');
        events.createIndex('by-session', 'session');
        events.createIndex('by-type', 'type');
        db.createObjectStore('state', { keyPath: 'modelKey' });
      },
    });
    const written = Array.from({ length: 50 }, (_, i) => viewEvent(`e${String(i).padStart(2, '0')}`, 1000 - i * 10, `item-${i % 7}`));
    const state = sampleState('m1', 50);
    const tx = v1.transaction(['events', 'state'], 'readwrite');
    await Promise.all([
      ...written.map((event) => tx.objectStore('events').put(event)),
      tx.objectStore('state').put({ ...state, stateVersion: 1, updatedAt: 123 }),
      tx.done,
    ]);
    v1.close();

    const { store, invalid } = await freshStore({ name });
    const events = await store.loadEvents();
    expect(events).toHaveLength(written.length);
    expect(events).toEqual([...written].sort((a, b) => a.time - b.time));
    expect(await store.loadState('m1')).toEqual(state);
    expect(invalid).toEqual([]);
  });
});
