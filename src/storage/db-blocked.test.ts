// The late connection's clean-up, with idb's openDB replaced by one that reports `blocked` and
// resolves only when told to. A real `blocked` from a version 1 tab is in db.test.ts.
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
  it('gives up with STORAGE_BLOCKED after blockedTimeoutMs and closes the connection that opens later', async () => {
    vi.stubGlobal('indexedDB', {}); // Only its presence is checked before openDB (mocked) is called.
    const { openVitrineDB } = await import('./db.ts');
    const started = Date.now();
    const error: unknown = await openVitrineDB('blocked-db', { blockedTimeoutMs: 30, openTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecError);
    expect((error as RecError).code).toBe('STORAGE_BLOCKED'); // Checked to be a RecError just above.
    expect((error as RecError).message).toContain('another tab');
    expect(Date.now() - started).toBeLessThan(2000);

    release?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(late.close).toHaveBeenCalledOnce();
    vi.unstubAllGlobals();
  });
});
