// Opening the event store asks once for persistent storage, records the answer on the store, and
// neither waits for it nor fails on it.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { requestPersistence, type PersistableStorage } from './persistence.ts';
import { closeOpenStores, freshStore, sampleState, viewEvent } from './test-support.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  closeOpenStores();
});

/** A navigator.storage whose site is not yet persistent, answering persist() with `answer`. */
function stubStorage(answer: () => Promise<boolean>, persisted = false): { persist: ReturnType<typeof vi.fn>; persisted: ReturnType<typeof vi.fn> } {
  const storage = { persist: vi.fn(answer), persisted: vi.fn(() => Promise.resolve(persisted)) };
  vi.stubGlobal('navigator', { storage });
  return storage;
}

describe('opening the event store requests persistent storage', () => {
  it('asks once and records the grant', async () => {
    const storage = stubStorage(() => Promise.resolve(true));
    const { store } = await freshStore();
    expect(await store.persistent).toBe(true);
    expect(storage.persisted).toHaveBeenCalledTimes(1);
    expect(storage.persist).toHaveBeenCalledTimes(1);
  });

  it('does not ask again when the site is already persistent', async () => {
    const storage = stubStorage(() => Promise.resolve(false), true);
    const { store } = await freshStore();
    expect(await store.persistent).toBe(true);
    expect(storage.persist).not.toHaveBeenCalled();
  });

  it('records a refusal as false', async () => {
    stubStorage(() => Promise.resolve(false));
    const { store } = await freshStore();
    expect(await store.persistent).toBe(false);
  });

  it(
    'opens a working store when the request rejects, recording null',
    faultTest('Stored state', 'navigator.storage.persist() rejects', async () => {
      const storage = stubStorage(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
      const { store } = await freshStore();
      expect(await store.persistent).toBeNull();
      expect(storage.persist).toHaveBeenCalledTimes(1);
      await store.append([viewEvent('a', 1)], sampleState());
      expect((await store.loadEvents()).map((event) => event.id)).toEqual(['a']);
    }),
  );

  it(
    'does not wait for an answer that never comes (a permission prompt left open)',
    faultTest('Stored state', 'navigator.storage.persist() never answers (a permission prompt left open)', async () => {
      const storage = stubStorage(() => new Promise<boolean>(() => {}));
      const { store } = await freshStore();
      expect(await store.loadEvents()).toEqual([]);
      const unanswered = Symbol('unanswered');
      expect(await Promise.race([store.persistent, Promise.resolve(unanswered)])).toBe(unanswered);
      expect(storage.persist).toHaveBeenCalledTimes(1);
    }),
  );

  it('records null where the browser has no storage manager', async () => {
    vi.stubGlobal('navigator', {});
    const { store } = await freshStore();
    expect(await store.persistent).toBeNull();
  });
});

describe('requestPersistence', () => {
  it('turns a persisted() that throws into null, without asking', async () => {
    const persist = vi.fn(() => Promise.resolve(true));
    const throwing: PersistableStorage = {
      persist,
      persisted: () => {
        throw new TypeError('Illegal invocation');
      },
    };
    expect(await requestPersistence(throwing)).toBeNull();
    expect(persist).not.toHaveBeenCalled();
  });
});
