/**
 * Transactions of the event store, and writing in them all-or-nothing. Every write, and every read
 * of more than one record, runs in a transaction over every store (STORE_NAMES): whichever stores
 * they touch, those of this tab and of other tabs are then ordered one after another as wholes (a
 * compaction's check and write never straddle an erase), and an export is one consistent snapshot.
 *
 * IndexedDB aborts a transaction by itself only when a request fails asynchronously; writeAll also
 * aborts it when issuing a write throws, so a readwrite transaction here commits every write or none.
 */
import type { IDBPTransaction } from 'idb';
import type { STORE_NAMES, VitrineDB } from './schema.ts';

/** A transaction over every store (see STORE_NAMES). */
export type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<VitrineDB, typeof STORE_NAMES, Mode>;

/**
 * Issues the writes in `tx` and waits until it commits. If issuing one throws (an invalid key, a
 * value that cannot be cloned), the transaction is aborted so the writes issued before it are
 * undone too: IndexedDB only aborts by itself when a request fails asynchronously.
 * @param tx a fresh readwrite transaction.
 * @param issue yields each write's promise as it issues it, so the ones issued before a throw are
 *   still awaited (their AbortErrors would otherwise be unhandled rejections).
 * @throws the most telling failure: the one that aborted the transaction rather than the
 *   AbortErrors it caused.
 */
export async function writeAll(tx: Tx<'readwrite'>, issue: (tx: Tx<'readwrite'>) => Iterable<Promise<unknown>>): Promise<void> {
  const writes: Promise<unknown>[] = [];
  let thrown: { error: unknown } | null = null;
  try {
    for (const write of issue(tx)) writes.push(write);
  } catch (error) {
    thrown = { error };
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: nothing was committed by us, nothing more to undo.
    }
  }
  // allSettled, not all: every request and tx.done must be handled, or the AbortErrors of the
  // requests after the failing one surface as unhandled rejections.
  const [done, ...results] = await Promise.allSettled([tx.done, ...writes]);
  if (thrown !== null) throw thrown.error;
  if (done?.status === 'fulfilled') return;
  const failures = [done, ...results].flatMap((result) => (result?.status === 'rejected' ? [result.reason as unknown] : []));
  throw failures.find((error) => !isAbortError(error)) ?? failures[0];
}

function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError';
}
