/**
 * The event store's compaction: a model's new baseline is put and the events it folded are deleted
 * in one transaction, after checking in that transaction that the store is as the caller read it
 * (every event still there, the stored baseline the one it extended). Two tabs compacting at once,
 * or an erase in between, then write nothing rather than count events twice or resurrect erased ones.
 *
 * Chromium refuses every transaction that writes once the origin's usage has reached its quota,
 * even one that deletes far more than it adds (a delete-only one still commits; seen in Chromium 156
 * with a quota lowered through DevTools). So when the compaction itself hits the quota, the `state`
 * records, caches that core rebuilds from baselines + events, are deleted in a delete-only
 * transaction and the compaction is tried once more.
 */
import type { IDBPDatabase } from 'idb';
import { isQuotaError } from './db.ts';
import { parseState } from './read-records.ts';
import { STORE_NAMES, type StateRecord, type VitrineDB } from './schema.ts';
import { writeAll } from './transaction.ts';

/**
 * Compacts, retrying once after dropping the state caches when over quota (see the module header).
 * @param db the database.
 * @param dbName its name, for messages.
 * @param record the new baseline, as a record (toStateRecord).
 * @param removeEventIds the events it folded on top of the stored baseline.
 * @returns false, writing nothing, when the store is not as the caller read it.
 * @throws the quota error of the second try, or any other failure.
 */
export async function compactEvents(db: IDBPDatabase<VitrineDB>, dbName: string, record: StateRecord, removeEventIds: readonly string[]): Promise<boolean> {
  try {
    return await compactOnce(db, dbName, record, removeEventIds);
  } catch (error) {
    if (!isQuotaError(error)) throw error;
    // Over quota, only a delete-only transaction commits: drop the state caches, which frees room
    // without losing anything, and try once more.
    await writeAll(db.transaction(STORE_NAMES, 'readwrite'), function* (tx) {
      yield tx.objectStore('state').clear();
    });
    return await compactOnce(db, dbName, record, removeEventIds);
  }
}

/**
 * One attempt at compacting: checks, then writes, in one transaction.
 * @returns false, writing nothing, when the store is not as the caller read it.
 */
async function compactOnce(db: IDBPDatabase<VitrineDB>, dbName: string, record: StateRecord, removeEventIds: readonly string[]): Promise<boolean> {
  const tx = db.transaction(STORE_NAMES, 'readwrite');
  // Handled here if the checks fail (the transaction then aborts); writeAll awaits it otherwise.
  tx.done.catch(() => undefined);
  const events = tx.objectStore('events');
  const [previous, ...present] = await Promise.all([tx.objectStore('baselines').get(record.modelKey), ...removeEventIds.map((id) => events.count(id))]);
  // A missing or unusable stored baseline reads as none (loadBaseline gives null): the caller
  // folded onto an empty state then.
  const previousCount = previous === undefined ? 0 : (parseState(dbName, 'baselines', previous, record.modelKey, [])?.eventCount ?? 0);
  if (previousCount !== record.eventCount - removeEventIds.length || present.some((count) => count === 0)) {
    await tx.done; // Nothing was written: it commits empty.
    return false;
  }
  await writeAll(tx, function* (tx) {
    yield tx.objectStore('baselines').put(record);
    const store = tx.objectStore('events');
    for (const id of removeEventIds) yield store.delete(id);
  });
  return true;
}
