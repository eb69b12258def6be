import 'fake-indexeddb/auto';
import { forceCloseDatabase } from 'fake-indexeddb';
import { deleteDB, openDB, unwrap, type IDBPDatabase } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { openStoreConnection } from './connection.ts';
import { DB_VERSION, type VitrineDB } from './schema.ts';
import { closeOpenStores, freshStore, rejection, sampleState, uniqueDbName, viewEvent } from './test-support.ts';

afterEach(() => {
  closeOpenStores();
  vi.restoreAllMocks();
});

/**
 * The browser closes `connection` (as when the site's data is cleared); settles once it said so
 * with `close` (queued until the connection's running transactions finish).
 */
function forceClose(connection: IDBDatabase): Promise<void> {
  const closed = new Promise<void>((resolve) => connection.addEventListener('close', () => resolve(), { once: true }));
  // fake-indexeddb's typings declare the parameter as the class (typeof FDBDatabase); it takes a connection.
  (forceCloseDatabase as unknown as (db: IDBDatabase) => void)(connection);
  return closed;
}

/** Spies on indexedDB.open: how many opens there were, and the connection the latest one made. */
function watchOpens(): { count: () => number; latest: () => IDBDatabase } {
  const open = vi.spyOn(indexedDB, 'open');
  return {
    count: () => open.mock.calls.length,
    latest: () => {
      const last = open.mock.results.at(-1);
      if (last?.type !== 'return') throw new Error('no open returned a request');
      return last.value.result;
    },
  };
}

/** A store holding events a…c and the state that counts them, with its opens watched from the start. */
async function watchedStoreWithHistory(): Promise<Awaited<ReturnType<typeof freshStore>> & { opens: ReturnType<typeof watchOpens> }> {
  const opens = watchOpens();
  const fresh = await freshStore();
  await fresh.store.append(
    ['a', 'b', 'c'].map((id, i) => viewEvent(id, i + 1)),
    sampleState('m1', 3),
  );
  return { ...fresh, opens };
}

/** The browser clears the site's data: it deletes the database and closes the connection (`close`). */
async function clearSiteData(name: string, connection: IDBDatabase): Promise<void> {
  await forceClose(connection);
  await deleteDB(name);
}

describe('after the browser closed the database (terminated)', () => {
  it(
    'opens it again on the next write, with the stores recreated when the data was wiped',
    faultTest('Stored state', "The browser wipes the site's data and closes the database under the page", async () => {
      const { store, name, opens } = await watchedStoreWithHistory();
      await clearSiteData(name, opens.latest());
      await store.append([viewEvent('d', 4)], sampleState('m1', 4));
      expect(opens.count()).toBe(2);
      expect((await store.loadEvents()).map((event) => event.id)).toEqual(['d']);
      expect((await store.loadState('m1'))?.eventCount).toBe(4);
      const reopened = await openDB(name); // Read raw: the write is in the database, not only in memory.
      expect(await reopened.count('events')).toBe(1);
      reopened.close();
    }),
  );

  it(
    'keeps what is stored when only the connection was closed, and opens again after each loss',
    faultTest('Stored state', 'The browser closes the database connection, again and again', async () => {
      const { store, opens } = await watchedStoreWithHistory();
      await forceClose(opens.latest());
      expect(await store.countEvents()).toBe(3);
      await forceClose(opens.latest());
      await store.append([viewEvent('d', 4)], sampleState('m1', 4));
      expect(await store.countEvents()).toBe(4);
      expect(opens.count()).toBe(3);
    }),
  );

  it('opens it once for calls made while it is opening', async () => {
    const { store, name, opens } = await watchedStoreWithHistory();
    await clearSiteData(name, opens.latest());
    const [, count, events] = await Promise.all([store.append([viewEvent('d', 4)], sampleState('m1', 4)), store.countEvents(), store.loadEvents()]);
    expect(opens.count()).toBe(2);
    expect(count).toBeLessThanOrEqual(1); // Each sees the reopened database, before or after the write.
    expect(events.length).toBe(count);
    expect(await store.countEvents()).toBe(1);
  });

  it(
    'rejects the waiting call with the reason when opening again fails twice, and the next call opens it',
    faultTest('Stored state', 'Opening the database again fails after the browser closed it', async () => {
      const { store, opens } = await watchedStoreWithHistory();
      await forceClose(opens.latest());
      const insecure = (): never => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      };
      vi.mocked(indexedDB.open).mockImplementationOnce(insecure).mockImplementationOnce(insecure);
      const error = await rejection(store.countEvents());
      expect(error.code).toBe('STORAGE_UNAVAILABLE');
      expect(error.message).toContain('the browser closed the database (site data cleared?)');
      expect(error.message).toContain('SecurityError');
      expect(opens.count()).toBe(3);
      await store.append([viewEvent('d', 4)], sampleState('m1', 4));
      expect(opens.count()).toBe(4);
      expect(await store.countEvents()).toBe(4);
    }),
  );

  it(
    'makes a call again on a new connection when the browser aborted it while closing the database',
    faultTest('Stored state', "The browser aborts a running transaction as it closes the database, and says 'close' just after", async () => {
      const name = uniqueDbName();
      const opens = watchOpens();
      const connection = await openStoreConnection(name, {});
      const seen: IDBDatabase[] = [];
      const counted = await connection.run('count the stored events', async (db) => {
        seen.push(unwrap(db));
        if (seen.length === 1) {
          // As Chromium does: the running transaction fails first, `close` is queued after it.
          setTimeout(() => void forceClose(unwrap(db)), 0);
          throw new DOMException('The connection was closed.', 'AbortError');
        }
        return db.count('events');
      });
      expect(counted).toBe(0);
      expect(opens.count()).toBe(2);
      expect(seen[1]).not.toBe(seen[0]);
      connection.close();
    }),
  );

  it('does not make a failed call again when the connection stayed open', async () => {
    const connection = await openStoreConnection(uniqueDbName(), {});
    const body = vi.fn(() => Promise.reject(new DOMException('failed: AbortError', 'AbortError')));
    const error = await rejection(connection.run('save the interaction', body));
    expect(error.message).toContain('AbortError: failed: AbortError');
    expect(body).toHaveBeenCalledTimes(1);
    connection.close();
  });

  it('does not make a call again that failed for a full quota, even as the browser closes the database', async () => {
    const opens = watchOpens();
    const connection = await openStoreConnection(uniqueDbName(), {});
    const body = vi.fn(async (db: IDBPDatabase<VitrineDB>) => {
      await forceClose(unwrap(db));
      throw new DOMException('failed: QuotaExceededError', 'QuotaExceededError');
    });
    const error = await rejection(connection.run('save the interaction', body));
    expect(error.code).toBe('STORAGE_QUOTA_EXCEEDED');
    expect(body).toHaveBeenCalledTimes(1);
    expect(opens.count()).toBe(1);
    connection.close();
  });
});

describe('a connection that is not opened again', () => {
  it('closed for another tab’s newer version: rejects asking for a reload', async () => {
    const { store, name, opens } = await watchedStoreWithHistory();
    const newer = await openDB(name, DB_VERSION + 1);
    newer.close();
    const openedBefore = opens.count();
    const error = await rejection(store.countEvents());
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.message).toContain('another tab opened a newer version of the database; reload this page');
    expect(opens.count()).toBe(openedBefore);
  });

  it('closed by its owner: rejects saying so and naming the database', async () => {
    const { store, name, opens } = await watchedStoreWithHistory();
    store.close();
    const error = await rejection(store.countEvents());
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.message).toContain('the store was closed');
    expect(error.location).toEqual({ file: `indexeddb:${name}` });
    expect(opens.count()).toBe(1);
  });

  it('closed by its owner after the browser closed it: rejects with the loss, without opening again', async () => {
    const { store, opens } = await watchedStoreWithHistory();
    await forceClose(opens.latest());
    store.close();
    const error = await rejection(store.countEvents());
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.message).toMatch(/IndexedDB is no longer usable: the browser closed the database \(site data cleared\?\)$/);
    expect(opens.count()).toBe(1);
  });

  it('closed by its owner while opening again: the call rejects and the new connection is closed', async () => {
    const { store, name, opens } = await watchedStoreWithHistory();
    await forceClose(opens.latest());
    const counting = store.countEvents();
    store.close();
    expect((await rejection(counting)).message).toMatch(/IndexedDB is no longer usable: the browser closed the database \(site data cleared\?\)$/);
    expect(opens.count()).toBe(2);
    const blocked = vi.fn();
    await deleteDB(name, { blocked }); // Nothing left open to block it.
    expect(blocked).not.toHaveBeenCalled();
  });
});
