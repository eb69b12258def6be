import 'fake-indexeddb/auto';
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecError } from '../core/errors.ts';
import { isQuotaError, openVitrineDB, toStorageError, type ConnectionLoss } from './db.ts';
import { rejection, uniqueDbName } from './test-support.ts';

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
    const newer = await openDB(name, 2, { blocked });
    expect(blocked).not.toHaveBeenCalled();
    expect(newer.version).toBe(2);
    expect(lost).toEqual(['versionchange']);
    expect(() => db.transaction('events')).toThrow();
    newer.close();
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
