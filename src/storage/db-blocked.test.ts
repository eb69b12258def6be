// The blocked-open timeout and the late connection's clean-up, with idb's openDB replaced by one
// that reports `blocked` and resolves only when told to. A real `blocked` from a version 1 tab is
// in db.test.ts.
import type { OpenDBCallbacks } from 'idb';
import { describe, expect, it, vi } from 'vitest';
import { RecError } from '../core/errors.ts';
import type { VitrineDB } from './schema.ts';

const late = { close: vi.fn() };
let release: (() => void) | undefined;

vi.mock('idb', () => ({
  openDB: (_name: string, _version: number, callbacks: OpenDBCallbacks<VitrineDB>) =>
    new Promise((resolve) => {
      // The event argument is unused by db.ts's blocked handler; a bare Event stands in for IDBVersionChangeEvent.
      callbacks.blocked?.(0, 1, new Event('blocked') as IDBVersionChangeEvent);
      release = () => resolve(late);
    }),
}));

describe('openVitrineDB when another tab blocks the upgrade', () => {
  it('gives up with STORAGE_BLOCKED once blockedTimeoutMs has passed, not before, and closes the connection that opens later', async () => {
    vi.useFakeTimers();
    vi.stubGlobal('indexedDB', {}); // Only its presence is checked before openDB (mocked) is called.
    const { openVitrineDB } = await import('./db.ts');
    let outcome: unknown;
    void openVitrineDB('blocked-db', { blockedTimeoutMs: 30, openTimeoutMs: 5000 }).then(
      () => (outcome = 'opened'),
      (e: unknown) => (outcome = e),
    );
    await vi.advanceTimersByTimeAsync(29);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(RecError);
    // Checked to be a RecError just above. The message is the blocked handler's, not the open timeout's.
    expect((outcome as RecError).code).toBe('STORAGE_BLOCKED');
    expect((outcome as RecError).message).toBe(
      'indexeddb:blocked-db: another tab keeps version 0 of the database open; close other tabs of this shop and reload',
    );

    release?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(late.close).toHaveBeenCalledOnce();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });
});
