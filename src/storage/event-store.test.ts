// openEventStore as core uses it: round trips, reloads, the connection's life cycle and the
// migration of a version 1 database. Each transaction's own cases are in its module's test file.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DB_VERSION } from './schema.ts';
import { closeOpenStores, createVersion1Database, freshStore, rejection, sampleState, uniqueDbName, version1Events, viewEvent } from './test-support.ts';

afterEach(() => {
  vi.restoreAllMocks();
  closeOpenStores();
});

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
    expect(events.map((e) => [e.id, e.time])).toEqual([
      ['a', 100],
      ['b', 200],
      ['c', 300],
    ]);
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
});

describe('connection life cycle', () => {
  it('rejects with STORAGE_UNAVAILABLE after close', async () => {
    const { store } = await freshStore();
    store.close();
    store.close(); // Idempotent.
    const calls = [
      store.loadEvents(),
      store.countEvents(),
      store.loadState('m'),
      store.loadBaseline('m'),
      store.append([], sampleState()),
      store.compact(sampleState(), []),
      store.exportAll(),
      store.eraseAll(),
    ];
    for (const call of calls) {
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
