import 'fake-indexeddb/auto';
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecError } from '../core/errors.ts';
import { isQuotaError, openVitrineDB, toStorageError, type ConnectionLoss } from './db.ts';
import { DB_VERSION } from './schema.ts';
import { createVersion1Database, rejection, uniqueDbName } from './test-support.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('openVitrineDB failures', () => {
  it('reports STORAGE_UNAVAILABLE when there is no IndexedDB at all', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const error = await rejection(openVitrineDB(uniqueDbName()));
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.kind).toBe('environment');
  });

  it.each(['SecurityError', 'InvalidStateError'])('reports STORAGE_UNAVAILABLE with the cause when open throws %s', async (name) => {
    const cause = new DOMException('The operation is insecure.', name);
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw cause;
    });
    const error = await rejection(openVitrineDB(uniqueDbName()));
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain(name);
  });

  it('reports STORAGE_UNAVAILABLE when the database on disk is newer (VersionError)', async () => {
    const name = uniqueDbName();
    (await openDB(name, 5)).close();
    const error = await rejection(openVitrineDB(name));
    expect(error.code).toBe('STORAGE_UNAVAILABLE');
    expect((error.cause as DOMException).name).toBe('VersionError'); // cause is unknown; we put a DOMException there.
  });

  it('reports STORAGE_BLOCKED when the open is stuck behind another tab, and closes the late connection', async () => {
    const name = uniqueDbName();
    // "Another tab" holds a connection and ignores versionchange, so a delete from a third stays pending
    // and every open queued behind it waits (without a `blocked` event of its own).
    const otherTab = await openDB(name, 1, { upgrade: (db) => void db.createObjectStore('x') });
    const deleting = deleteDB(name);
    const error = await rejection(openVitrineDB(name, { openTimeoutMs: 50 }));
    expect(error.code).toBe('STORAGE_BLOCKED');

    otherTab.close(); // The delete proceeds, then our queued open completes and must close itself.
    await deleting;
    const blocked = vi.fn();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await deleteDB(name, { blocked });
    expect(blocked).not.toHaveBeenCalled();
  });
});

describe('openVitrineDB across tabs', () => {
  it('closes its connection when another tab opens a newer version, and says so', async () => {
    const name = uniqueDbName();
    const lost: ConnectionLoss[] = [];
    const db = await openVitrineDB(name, { onLost: (reason) => lost.push(reason) });
    const blocked = vi.fn();
    const newer = await openDB(name, DB_VERSION + 1, { blocked });
    expect(blocked).not.toHaveBeenCalled();
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(lost).toEqual(['versionchange']);
    expect(() => db.transaction('events')).toThrow();
    newer.close();
  });
});

describe('upgrading while a tab of the previous version is open', () => {
  it('opens version 2 at once: the version 1 tab closes its connection on versionchange, as v1 did', async () => {
    const name = uniqueDbName();
    const v1Tab = await createVersion1Database(name);
    const v1Closed = vi.fn();
    // Version 1's db.ts closed its connection on `versionchange` (idb's `blocking`), as ours does.
    v1Tab.addEventListener('versionchange', () => {
      v1Tab.close();
      v1Closed();
    });
    // The open's own request must never report `blocked`: the old tab made way before that.
    const blocked = vi.fn();
    const open = indexedDB.open.bind(indexedDB);
    vi.spyOn(indexedDB, 'open').mockImplementation((...args) => {
      const request = open(...args);
      request.addEventListener('blocked', blocked);
      return request;
    });
    const db = await openVitrineDB(name);
    expect(v1Closed).toHaveBeenCalledOnce();
    expect(blocked).not.toHaveBeenCalled();
    expect(db.version).toBe(2);
    expect([...db.objectStoreNames].sort()).toEqual(['baselines', 'events', 'state']);
    expect(() => v1Tab.transaction('events')).toThrow(); // The old tab's connection is closed.
    db.close();
  });

  it('gives up with STORAGE_BLOCKED when the version 1 tab does not close, and leaves its data alone', async () => {
    const name = uniqueDbName();
    const v1Tab = await createVersion1Database(name, 3);
    const error = await rejection(openVitrineDB(name, { blockedTimeoutMs: 50 }));
    expect(error.code).toBe('STORAGE_BLOCKED');
    expect(error.message).toContain('version 1');
    expect(await v1Tab.count('events')).toBe(3); // Still usable and untouched.
    v1Tab.close();
    // Once it is closed, the upgrade goes through.
    const db = await openVitrineDB(name);
    expect(db.version).toBe(DB_VERSION);
    db.close();
  });
});

describe('error mapping', () => {
  it('maps a QuotaExceededError, directly or as a cause, to STORAGE_QUOTA_EXCEEDED', () => {
    const quota = new DOMException('Quota exceeded', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(new Error('wrapped', { cause: quota }))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    const error = toStorageError(quota, 'save the interaction');
    expect(error.code).toBe('STORAGE_QUOTA_EXCEEDED');
    expect(error.kind).toBe('environment');
    expect(error.cause).toBe(quota);
    expect(error.message).toContain('could not save the interaction');
  });

  it('maps other failures to STORAGE_UNAVAILABLE and keeps a RecError as it is', () => {
    for (const cause of [new DOMException('gone', 'InvalidStateError'), new DOMException('AbortError', 'AbortError'), new TypeError('x'), 'odd']) {
      expect(isQuotaError(cause)).toBe(false);
      const error = toStorageError(cause, 'read');
      expect(error.code).toBe('STORAGE_UNAVAILABLE');
      expect(error.cause).toBe(cause);
    }
    const recError = new RecError('STORAGE_BLOCKED', 'blocked');
    expect(toStorageError(recError, 'open')).toBe(recError);
  });
});
