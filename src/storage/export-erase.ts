/**
 * The shopper's rights over their data: exporting everything stored (the privacy panel's
 * download) and erasing it all. The export reads every store in one transaction, so it is a
 * consistent snapshot even while another tab appends or compacts; records that fail validation
 * are left out and reported (read-records.ts). The erase clears every store in one transaction,
 * so no baseline outlives the events it folded, nor a state the events it counted.
 */
import type { IDBPDatabase } from 'idb';
import type { StoredData } from '../core/ports.ts';
import { readEvents, readStates, type InvalidRecord } from './read-records.ts';
import { STORE_NAMES, type VitrineDB } from './schema.ts';
import { writeAll } from './transaction.ts';

/**
 * @param db the database.
 * @param dbName its name, for messages.
 * @param invalid receives the records skipped.
 * @returns every valid event (oldest first), state and baseline.
 */
export async function exportData(db: IDBPDatabase<VitrineDB>, dbName: string, invalid: InvalidRecord[]): Promise<StoredData> {
  const tx = db.transaction(STORE_NAMES, 'readonly');
  const [events, states, baselines] = await Promise.all([
    readEvents(tx, dbName, invalid),
    readStates(tx, dbName, 'state', invalid),
    readStates(tx, dbName, 'baselines', invalid),
  ]);
  return { events, states, baselines };
}

/** Removes every event, state and baseline. @param db the database. */
export function eraseData(db: IDBPDatabase<VitrineDB>): Promise<void> {
  return writeAll(db.transaction(STORE_NAMES, 'readwrite'), function* (tx) {
    for (const store of STORE_NAMES) yield tx.objectStore(store).clear();
  });
}
