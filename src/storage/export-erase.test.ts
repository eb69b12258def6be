// export-erase.ts: everything stored comes out in the export, and nothing survives an erase.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeOpenStores, freshStore, sampleState, storeWithHistory, viewEvent } from './test-support.ts';

afterEach(() => {
  vi.restoreAllMocks();
  closeOpenStores();
});

describe('export and erase', () => {
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
});
