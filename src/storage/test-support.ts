/**
 * Fixtures for the storage tests: events, states, event stores on unique databases (so tests
 * sharing fake-indexeddb's global factory never see each other's data), and raw writes that bypass
 * the schema the way another version of the app could.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { RecError } from '../core/errors.ts';
import { toItemId, toSessionId } from '../core/ids.ts';
import type { InteractionEvent } from '../core/interactions.ts';
import type { EventStore } from '../core/ports.ts';
import type { InterestState } from '../core/state.ts';
import { openEventStore, type EventStoreOptions, type IndexedDbEventStore } from './event-store.ts';
import type { InvalidRecord } from './read-records.ts';

/** @returns a database name no other test uses. */
export function uniqueDbName(): string {
  return `vitrine-test-${crypto.randomUUID()}`;
}

/**
 * @param id the event id.
 * @param time epoch ms.
 * @param item the item viewed.
 */
export function viewEvent(id: string, time: number, item = 'item-1'): InteractionEvent {
  return { id, time, session: toSessionId('session-1'), type: 'view', item: toItemId(item), position: 2 };
}

/**
 * @param modelKey the model the state belongs to.
 * @param eventCount its event count (to tell two states apart).
 */
export function sampleState(modelKey = 'catalog:0123456789abcdef', eventCount = 3): InterestState {
  return {
    modelKey,
    vector: Float32Array.of(0.5, -0.25, 1 / 3, 1e-7),
    eventCount,
    actionCount: Math.min(eventCount, 2),
    lastEventTime: 300,
    purchased: [{ item: toItemId('item-9'), time: 250 }],
    cart: [toItemId('item-2'), toItemId('item-3')],
    recent: [{ item: toItemId('item-1'), type: 'view', time: 300 }],
    sequence: [toItemId('item-2'), toItemId('item-1'), toItemId('item-1')],
    lastQuery: { query: 'red shoes', time: 200 },
  };
}

/** @returns the RecError `promise` rejects with (fails the test if it resolves or rejects otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<RecError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (!(error instanceof RecError)) throw error;
  return error;
}

/**
 * Creates a database exactly as version 1 of the schema did (its upgrade step, re-declared here on
 * purpose: later schema changes must keep its data), with `events` view events and, if `state` is
 * given, that state record; and returns the open version 1 connection, like a tab of the old app.
 * @param name the database name.
 * @param events how many events to write (times 1000, 990, …: newest first, as written out of order).
 * @param state a state to store as version 1 wrote it (stateVersion 1).
 */
export async function createVersion1Database(name: string, events = 0, state: InterestState | null = null): Promise<IDBPDatabase> {
  const v1 = await openDB(name, 1, {
    upgrade(db) {
      const store = db.createObjectStore('events', { keyPath: 'id' });
      store.createIndex('by-time', 'time');
      store.createIndex('by-session', 'session');
      store.createIndex('by-type', 'type');
      db.createObjectStore('state', { keyPath: 'modelKey' });
    },
  });
  const tx = v1.transaction(['events', 'state'], 'readwrite');
  await Promise.all([
    ...version1Events(events).map((event) => tx.objectStore('events').put(event)),
    ...(state === null ? [] : [tx.objectStore('state').put({ ...state, vector: state.vector.slice(), stateVersion: 1, updatedAt: 123 })]),
    tx.done,
  ]);
  return v1;
}

/** @returns the events createVersion1Database writes, in the order it writes them. */
export function version1Events(count: number): InteractionEvent[] {
  return Array.from({ length: count }, (_, i) => viewEvent(`e${String(i).padStart(4, '0')}`, 100_000 - i * 10, `item-${i % 7}`));
}

const openStores: EventStore[] = [];

/** Closes every store freshStore opened; call it after each test. */
export function closeOpenStores(): void {
  for (const store of openStores.splice(0)) store.close();
}

/**
 * Opens a store (on a fresh database unless `options.name` is given), closed by closeOpenStores.
 * @returns the store, its database name, and the invalid records it has reported so far.
 */
export async function freshStore(options: EventStoreOptions = {}): Promise<{ store: IndexedDbEventStore; name: string; invalid: InvalidRecord[] }> {
  const name = options.name ?? uniqueDbName();
  const invalid: InvalidRecord[] = [];
  const store = await openEventStore({ onInvalidRecords: (records) => invalid.push(...records), ...options, name });
  openStores.push(store);
  return { store, name, invalid };
}

/** A fresh store holding events a…e (times 1…5) and a state of model `m1` that counts them. */
export async function storeWithHistory(): ReturnType<typeof freshStore> {
  const fresh = await freshStore();
  await fresh.store.append(
    ['a', 'b', 'c', 'd', 'e'].map((id, i) => viewEvent(id, i + 1)),
    sampleState('m1', 5),
  );
  return fresh;
}

/** Writes raw records straight into a store, the way another (buggy or newer) app version could. */
export async function putRaw(name: string, storeName: 'events' | 'state' | 'baselines', ...records: unknown[]): Promise<void> {
  const db = await openDB(name); // Untyped on purpose: these records do not fit the schema.
  const tx = db.transaction(storeName, 'readwrite');
  await Promise.all([...records.map((record) => tx.store.put(record)), tx.done]);
  db.close();
}
