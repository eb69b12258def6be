/**
 * Core's EventStore on IndexedDB (stores and formats: schema.ts). Owns the `events`, `state` and
 * `baselines` stores; callers never see the database. This module only composes the store from
 * its parts, one per responsibility:
 *  - connection.ts: the connection's life cycle, and every failure as a storage RecError
 *    (STORAGE_QUOTA_EXCEEDED when the origin is out of space, STORAGE_UNAVAILABLE otherwise,
 *    including use after close or after another tab's upgrade closed this connection).
 *  - read-records.ts: reading back, with invalid records skipped and reported, never thrown.
 *  - append.ts: events and state in one transaction (both or neither).
 *  - compaction.ts: baseline and deletions in one checked transaction, with the over-quota retry.
 *  - export-erase.ts: the privacy panel's export and erase.
 *  - persistence.ts: the request, once per open, that the browser not evict the store.
 */
import type { EventStore } from '../core/ports.ts';
import { appendEvents } from './append.ts';
import { compactEvents } from './compaction.ts';
import { openStoreConnection } from './connection.ts';
import { eraseData, exportData } from './export-erase.ts';
import { requestPersistence } from './persistence.ts';
import { loadEvents, loadStateRecord, reportingInvalid, warnInvalidRecords, type InvalidRecordReporter } from './read-records.ts';
import { DB_NAME } from './schema.ts';
import { toStateRecord } from './state-record.ts';

export interface EventStoreOptions {
  /** The database name (default DB_NAME); tests pass a unique one. */
  readonly name?: string | undefined;
  /**
   * Called after a read that skipped invalid records (once per read, with all of them). Default:
   * one console.warn per read.
   */
  readonly onInvalidRecords?: InvalidRecordReporter | undefined;
  /** The clock for the state's `updatedAt` (default Date.now). */
  readonly now?: (() => number) | undefined;
  /** See OpenVitrineDBOptions.blockedTimeoutMs. */
  readonly blockedTimeoutMs?: number | undefined;
  /** See OpenVitrineDBOptions.openTimeoutMs. */
  readonly openTimeoutMs?: number | undefined;
}

/** The IndexedDB-backed EventStore, with what the browser said about keeping it. */
export interface IndexedDbEventStore extends EventStore {
  readonly kind: 'indexeddb';
  /**
   * Settles once the browser answers the request for persistent storage made when the store
   * opened: true when the store is safe from eviction, false when the browser declined, null when
   * it cannot be asked or the request failed. Never rejects; nothing waits for it.
   */
  readonly persistent: Promise<boolean | null>;
}

/**
 * Opens the IndexedDB-backed EventStore and asks the browser to keep it under storage pressure.
 * @param options the database name, the invalid-record reporter, the clock and open timeouts.
 * @returns a store with `kind: 'indexeddb'` and the persistence request's answer to come.
 * @throws RecError STORAGE_UNAVAILABLE or STORAGE_BLOCKED when the database cannot be opened
 *   (callers fall back to core's createMemoryEventStore).
 */
export async function openEventStore(options: EventStoreOptions = {}): Promise<IndexedDbEventStore> {
  const name = options.name ?? DB_NAME;
  const now = options.now ?? (() => Date.now());
  const report = options.onInvalidRecords ?? warnInvalidRecords;
  const { run, close } = await openStoreConnection(name, { blockedTimeoutMs: options.blockedTimeoutMs, openTimeoutMs: options.openTimeoutMs });
  return {
    kind: 'indexeddb',
    // Only once the database opened: a store that cannot be used has nothing to keep.
    persistent: requestPersistence(),
    loadEvents: (query = {}) => run('read the stored events', (db) => reportingInvalid(report, (invalid) => loadEvents(db, name, invalid, query.before))),
    countEvents: () => run('count the stored events', (db) => db.count('events')),
    loadState: (modelKey) =>
      run('read the stored interest state', (db) => reportingInvalid(report, (invalid) => loadStateRecord(db, name, 'state', modelKey, invalid))),
    loadBaseline: (modelKey) =>
      run('read the compacted history', (db) => reportingInvalid(report, (invalid) => loadStateRecord(db, name, 'baselines', modelKey, invalid))),
    append: (events, state) => run('save the interaction', (db) => appendEvents(db, events, toStateRecord(state, now()))),
    compact: (baseline, removeEventIds) => run('compact older events', (db) => compactEvents(db, name, toStateRecord(baseline, now()), removeEventIds)),
    exportAll: () => run('export the stored data', (db) => reportingInvalid(report, (invalid) => exportData(db, name, invalid))),
    eraseAll: () => run('erase the stored data', eraseData),
    close,
  };
}
