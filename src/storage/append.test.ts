// append.ts: events and state are written together or not at all, and failures map to storage RecErrors.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InterestState } from '../core/state.ts';
import { closeOpenStores, freshStore, rejection, sampleState, viewEvent } from './test-support.ts';

afterEach(() => {
  vi.restoreAllMocks();
  closeOpenStores();
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
