/**
 * The event store's append: the new events and the state that includes them, written in one
 * readwrite transaction, so a crash, a quota error or a closed tab leaves both or neither. Events
 * are `put` by id: a retried or duplicated event is stored once.
 */
import type { IDBPDatabase } from 'idb';
import type { InteractionEvent } from '../core/interactions.ts';
import { STORE_NAMES, type StateRecord, type VitrineDB } from './schema.ts';
import { writeAll } from './transaction.ts';

/**
 * @param db the database.
 * @param events the events to store.
 * @param record the state that includes them, as a record (toStateRecord).
 */
export function appendEvents(db: IDBPDatabase<VitrineDB>, events: readonly InteractionEvent[], record: StateRecord): Promise<void> {
  return writeAll(db.transaction(STORE_NAMES, 'readwrite'), function* (tx) {
    const store = tx.objectStore('events');
    for (const event of events) yield store.put(event);
    yield tx.objectStore('state').put(record);
  });
}
