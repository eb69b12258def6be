/**
 * Core's EventStore on IndexedDB (stores and formats: schema.ts). Owns the `events`, `state` and
 * `baselines` stores; callers never see the database.
 *
 * - append writes the events and the state in one readwrite transaction, so a crash, a quota error
 *   or a closed tab leaves both or neither. Events are `put` by id: a retried or duplicated event
 *   is stored once.
 * - compact puts a model's new baseline and deletes the events it folded in one transaction, after
 *   checking in that transaction that the store is as the caller read it (every event still there,
 *   the stored baseline the one it extended): two tabs compacting at once, or an erase in between,
 *   then write nothing rather than count events twice or resurrect erased ones. Chromium refuses
 *   every transaction that writes once the origin's usage has reached its quota, even one that
 *   deletes far more than it adds (a delete-only one still commits; seen in Chromium 156 with a
 *   quota lowered through DevTools). So when the compaction itself hits the quota, the `state`
 *   records, caches that core rebuilds from baselines + events, are deleted in a delete-only
 *   transaction and the compaction is tried once more.
 * - Everything read back is validated (parseEvent, parseStateRecord). An invalid record, e.g.
 *   written by a newer or buggy version of the app or edited in devtools, is skipped and reported
 *   through `onInvalidRecords`, never thrown: one bad record must not cost the shopper the
 *   others. It is left in place (reading never writes, and a newer tab may understand it); the
 *   next append of that model's state overwrites a bad state record, the next compaction a bad
 *   baseline, and eraseAll removes all. A state that cannot be used reads as null, so core rebuilds
 *   it from the baseline and the events; a baseline that cannot be used reads as null too (the
 *   events it folded are gone, so core starts from the remaining events).
 * - Failures become RecErrors: STORAGE_QUOTA_EXCEEDED when the origin is out of space,
 *   STORAGE_UNAVAILABLE otherwise (including use after close, or after another tab's upgrade
 *   made this connection close itself).
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { RecError, toRecError } from '../core/errors.ts';
import { parseEvent, type InteractionEvent } from '../core/interactions.ts';
import type { EventStore, StoredData } from '../core/ports.ts';
import type { InterestState } from '../core/state.ts';
import { isQuotaError, openVitrineDB, toStorageError, type ConnectionLoss } from './db.ts';
import { DB_NAME, STORE_NAMES, type StateRecord, type VitrineDB } from './schema.ts';
import { parseStateRecord, toStateRecord } from './state-record.ts';

/** A stored record that failed validation and was skipped. */
export interface InvalidRecord {
  readonly store: StoreNames<VitrineDB>;
  /** Its key (event id or model key), when the record has a readable one. */
  readonly key: string | null;
  /** What is wrong with it (code EVENT_INVALID, naming the field). */
  readonly error: RecError;
}

export interface EventStoreOptions {
  /** The database name (default DB_NAME); tests pass a unique one. */
  readonly name?: string | undefined;
  /**
   * Called after a read that skipped invalid records (once per read, with all of them). Default:
   * one console.warn per read.
   */
  readonly onInvalidRecords?: ((records: readonly InvalidRecord[]) => void) | undefined;
  /** The clock for the state's `updatedAt` (default Date.now). */
  readonly now?: (() => number) | undefined;
  /** See OpenVitrineDBOptions.blockedTimeoutMs. */
  readonly blockedTimeoutMs?: number | undefined;
  /** See OpenVitrineDBOptions.openTimeoutMs. */
  readonly openTimeoutMs?: number | undefined;
}

/** A transaction over every store (every transaction here spans them all, see STORE_NAMES). */
type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<VitrineDB, typeof STORE_NAMES, Mode>;

/** The stores holding InterestStates (StateRecords). */
type StateStore = 'state' | 'baselines';

/**
 * Opens the IndexedDB-backed EventStore.
 * @param options the database name, the invalid-record reporter, the clock and open timeouts.
 * @returns a store with `kind: 'indexeddb'`.
 * @throws RecError STORAGE_UNAVAILABLE or STORAGE_BLOCKED when the database cannot be opened
 *   (callers fall back to core's createMemoryEventStore).
 */
export async function openEventStore(options: EventStoreOptions = {}): Promise<EventStore> {
  const name = options.name ?? DB_NAME;
  const now = options.now ?? (() => Date.now());
  const report = options.onInvalidRecords ?? warnInvalidRecords;
  let lost: ConnectionLoss | 'closed' | null = null;
  const db = await openVitrineDB(name, {
    blockedTimeoutMs: options.blockedTimeoutMs,
    openTimeoutMs: options.openTimeoutMs,
    onLost: (reason) => {
      lost ??= reason;
    },
  });

  /** The open database, or a RecError saying why there is none any more. */
  const connection = (): IDBPDatabase<VitrineDB> => {
    if (lost === null) return db;
    const why = {
      closed: 'the store was closed',
      versionchange: 'another tab opened a newer version of the database; reload this page',
      terminated: 'the browser closed the database (site data cleared?)',
    }[lost];
    throw new RecError('STORAGE_UNAVAILABLE', `IndexedDB is no longer usable: ${why}`, { file: `indexeddb:${name}` });
  };

  /** Runs a read or write, mapping any failure to a storage RecError. */
  const run = async <T>(action: string, body: (db: IDBPDatabase<VitrineDB>) => Promise<T>): Promise<T> => {
    try {
      return await body(connection());
    } catch (error) {
      throw toStorageError(error, action);
    }
  };

  /** Every valid event in `tx` (with `time` before `before`, if given), oldest first; invalid ones go to `invalid`. */
  const readEvents = async (tx: Tx<'readonly'>, invalid: InvalidRecord[], before?: number): Promise<InteractionEvent[]> => {
    const store = tx.objectStore('events');
    const byTime = store.index('by-time');
    let raw: readonly unknown[];
    if (before === undefined) {
      const [indexed, total, indexedCount] = await Promise.all([byTime.getAll(), store.count(), byTime.count()]);
      // A record whose `time` is not a valid key (missing, NaN) is absent from the index; such a
      // record is invalid anyway, but read the whole store then so it is reported, not silently lost.
      raw = total === indexedCount ? indexed : sortByTime(await store.getAll());
    } else {
      // A record without a valid time has no age; it is reported when all events are read.
      raw = await byTime.getAll(IDBKeyRange.upperBound(before, true));
    }
    const events: InteractionEvent[] = [];
    for (const value of raw) {
      const key = recordKey(value, 'id');
      try {
        events.push(parseEvent(value, `indexeddb:${name}/events/${key ?? '?'}`));
      } catch (error) {
        invalid.push({ store: 'events', key, error: toRecError(error, 'EVENT_INVALID') });
      }
    }
    return events;
  };

  /** Every usable record of `store` in `tx`; invalid ones go to `invalid`, other-version ones are left out. */
  const readStates = async (tx: Tx<'readonly'>, store: StateStore, invalid: InvalidRecord[]): Promise<InterestState[]> => {
    const raw: readonly unknown[] = await tx.objectStore(store).getAll();
    const states: InterestState[] = [];
    for (const value of raw) {
      const state = parseState(store, value, recordKey(value, 'modelKey'), invalid);
      if (state !== null) states.push(state);
    }
    return states;
  };

  /** A `state` or `baselines` record as an InterestState; null (and reported if invalid) when it cannot be used. */
  const parseState = (store: StateStore, value: unknown, modelKey: string | null, invalid: InvalidRecord[]): InterestState | null => {
    try {
      // A record without a string modelKey cannot match any key: parseStateRecord reports the field.
      return parseStateRecord(value, modelKey ?? '', `indexeddb:${name}/${store}/${modelKey ?? '?'}`, store === 'state' ? 'cache' : 'baseline');
    } catch (error) {
      invalid.push({ store, key: modelKey, error: toRecError(error, 'EVENT_INVALID') });
      return null;
    }
  };

  /** Reads one model's record from `state` or `baselines`. */
  const loadRecord = (store: StateStore, modelKey: string, action: string): Promise<InterestState | null> =>
    run(action, async (db) => {
      const value: unknown = await db.get(store, modelKey);
      if (value === undefined) return null;
      const invalid: InvalidRecord[] = [];
      return reported(parseState(store, value, modelKey, invalid), invalid);
    });

  /**
   * One attempt at compacting (see the module header): checks, then writes, in one transaction.
   * @returns false, writing nothing, when the store is not as the caller read it.
   */
  const compactOnce = async (db: IDBPDatabase<VitrineDB>, record: StateRecord, removeEventIds: readonly string[]): Promise<boolean> => {
    const tx = db.transaction(STORE_NAMES, 'readwrite');
    // Handled here if the checks fail (the transaction then aborts); writeAll awaits it otherwise.
    tx.done.catch(() => undefined);
    const events = tx.objectStore('events');
    const [previous, ...present] = await Promise.all([tx.objectStore('baselines').get(record.modelKey), ...removeEventIds.map((id) => events.count(id))]);
    // A missing or unusable stored baseline reads as none (loadBaseline gives null): the caller
    // folded onto an empty state then.
    const previousCount = previous === undefined ? 0 : (parseState('baselines', previous, record.modelKey, [])?.eventCount ?? 0);
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
  };

  const reported = <T>(result: T, invalid: readonly InvalidRecord[]): T => {
    if (invalid.length > 0) report(invalid);
    return result;
  };

  return {
    kind: 'indexeddb',

    loadEvents: (query = {}) =>
      run('read the stored events', async (db) => {
        const invalid: InvalidRecord[] = [];
        const tx = db.transaction(STORE_NAMES, 'readonly');
        return reported(await readEvents(tx, invalid, query.before), invalid);
      }),

    countEvents: () => run('count the stored events', (db) => db.count('events')),

    loadState: (modelKey) => loadRecord('state', modelKey, 'read the stored interest state'),

    loadBaseline: (modelKey) => loadRecord('baselines', modelKey, 'read the compacted history'),

    append: (events, state) =>
      run('save the interaction', async (db) => {
        const record = toStateRecord(state, now());
        await writeAll(db.transaction(STORE_NAMES, 'readwrite'), function* (tx) {
          const store = tx.objectStore('events');
          for (const event of events) yield store.put(event);
          yield tx.objectStore('state').put(record);
        });
      }),

    compact: (baseline, removeEventIds) =>
      run('compact older events', async (db) => {
        const record = toStateRecord(baseline, now());
        try {
          return await compactOnce(db, record, removeEventIds);
        } catch (error) {
          if (!isQuotaError(error)) throw error;
          // Over quota, only a delete-only transaction commits (see the module header): drop the
          // state caches, which frees room without losing anything, and try once more.
          await writeAll(db.transaction(STORE_NAMES, 'readwrite'), function* (tx) {
            yield tx.objectStore('state').clear();
          });
          return await compactOnce(db, record, removeEventIds);
        }
      }),

    exportAll: () =>
      run('export the stored data', async (db): Promise<StoredData> => {
        const invalid: InvalidRecord[] = [];
        const tx = db.transaction(STORE_NAMES, 'readonly');
        const [events, states, baselines] = await Promise.all([readEvents(tx, invalid), readStates(tx, 'state', invalid), readStates(tx, 'baselines', invalid)]);
        return reported({ events, states, baselines }, invalid);
      }),

    eraseAll: () =>
      run('erase the stored data', async (db) => {
        await writeAll(db.transaction(STORE_NAMES, 'readwrite'), function* (tx) {
          for (const store of STORE_NAMES) yield tx.objectStore(store).clear();
        });
      }),

    close() {
      if (lost === null) db.close();
      lost ??= 'closed';
    },
  };
}

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
async function writeAll(tx: Tx<'readwrite'>, issue: (tx: Tx<'readwrite'>) => Iterable<Promise<unknown>>): Promise<void> {
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

/** @returns the record's key field, if it is a string (it always is for a record IndexedDB accepted, unless edited). */
function recordKey(value: unknown, field: 'id' | 'modelKey'): string | null {
  if (typeof value !== 'object' || value === null || !(field in value)) return null;
  const key: unknown = (value as Record<typeof field, unknown>)[field]; // `in` does not narrow a variable key.
  return typeof key === 'string' ? key : null;
}

/** Orders raw records as the by-time index does: by time, then by id (records without a numeric time last). */
function sortByTime(values: readonly unknown[]): unknown[] {
  const time = (value: unknown): number => {
    const t = typeof value === 'object' && value !== null && 'time' in value ? value.time : undefined;
    return typeof t === 'number' && !Number.isNaN(t) ? t : Number.POSITIVE_INFINITY;
  };
  const id = (value: unknown): string => recordKey(value, 'id') ?? '';
  return [...values].sort((a, b) => time(a) - time(b) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

function warnInvalidRecords(records: readonly InvalidRecord[]): void {
  const first = records[0];
  console.warn(`Vitrine skipped ${records.length} invalid stored record(s); first: ${first?.store}/${first?.key ?? '?'}: ${first?.error.message ?? ''}`);
}
