/**
 * Core's EventStore on IndexedDB (stores and formats: schema.ts). Owns the `events` and `state`
 * stores; callers never see the database.
 *
 * - append writes the events and the state in one readwrite transaction over both stores, so a
 *   crash, a quota error or a closed tab leaves both or neither. Events are `put` by id: a retried
 *   or duplicated event is stored once.
 * - Everything read back is validated (parseEvent, parseStateRecord). An invalid record, e.g.
 *   written by a newer or buggy version of the app or edited in devtools, is skipped and reported
 *   through `onInvalidRecords`, never thrown: one bad record must not cost the shopper the
 *   others. It is left in place (reading never writes, and a newer tab may understand it); the
 *   next append of that model's state overwrites a bad state record, and eraseAll removes all.
 *   A state that cannot be used reads as null, so core rebuilds it from the events.
 * - Failures become RecErrors: STORAGE_QUOTA_EXCEEDED when the origin is out of space,
 *   STORAGE_UNAVAILABLE otherwise (including use after close, or after another tab's upgrade
 *   made this connection close itself).
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { RecError, toRecError } from '../core/errors.ts';
import { parseEvent, type InteractionEvent } from '../core/interactions.ts';
import type { EventStore, StoredData } from '../core/ports.ts';
import type { InterestState } from '../core/state.ts';
import { openVitrineDB, toStorageError, type ConnectionLoss } from './db.ts';
import { DB_NAME, STORE_NAMES, type VitrineDB } from './schema.ts';
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

/** A transaction over both stores (every transaction here spans both, see STORE_NAMES). */
type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<VitrineDB, typeof STORE_NAMES, Mode>;

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

  /** Every valid event in `tx`, oldest first; invalid ones go to `invalid`. */
  const readEvents = async (tx: Tx<'readonly'>, invalid: InvalidRecord[]): Promise<InteractionEvent[]> => {
    const store = tx.objectStore('events');
    const byTime = store.index('by-time');
    const [indexed, total, indexedCount] = await Promise.all([byTime.getAll(), store.count(), byTime.count()]);
    // A record whose `time` is not a valid key (missing, NaN) is absent from the index; such a
    // record is invalid anyway, but read the whole store then so it is reported, not silently lost.
    const raw: readonly unknown[] = total === indexedCount ? indexed : sortByTime(await store.getAll());
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

  /** Every usable state in `tx`; invalid ones go to `invalid`, other-version ones are left out. */
  const readStates = async (tx: Tx<'readonly'>, invalid: InvalidRecord[]): Promise<InterestState[]> => {
    const raw: readonly unknown[] = await tx.objectStore('state').getAll();
    const states: InterestState[] = [];
    for (const value of raw) {
      const state = parseState(value, recordKey(value, 'modelKey'), invalid);
      if (state !== null) states.push(state);
    }
    return states;
  };

  const parseState = (value: unknown, modelKey: string | null, invalid: InvalidRecord[]): InterestState | null => {
    try {
      // A record without a string modelKey cannot match any key: parseStateRecord reports the field.
      return parseStateRecord(value, modelKey ?? '', `indexeddb:${name}/state/${modelKey ?? '?'}`);
    } catch (error) {
      invalid.push({ store: 'state', key: modelKey, error: toRecError(error, 'EVENT_INVALID') });
      return null;
    }
  };

  const reported = <T>(result: T, invalid: readonly InvalidRecord[]): T => {
    if (invalid.length > 0) report(invalid);
    return result;
  };

  return {
    kind: 'indexeddb',

    loadEvents: () =>
      run('read the stored events', async (db) => {
        const invalid: InvalidRecord[] = [];
        const tx = db.transaction(STORE_NAMES, 'readonly');
        return reported(await readEvents(tx, invalid), invalid);
      }),

    countEvents: () => run('count the stored events', (db) => db.count('events')),

    loadState: (modelKey) =>
      run('read the stored interest state', async (db) => {
        const value: unknown = await db.get('state', modelKey);
        if (value === undefined) return null;
        const invalid: InvalidRecord[] = [];
        return reported(parseState(value, modelKey, invalid), invalid);
      }),

    append: (events, state) =>
      run('save the interaction', async (db) => {
        const record = toStateRecord(state, now());
        await writeAll(db.transaction(STORE_NAMES, 'readwrite'), function* (tx) {
          const store = tx.objectStore('events');
          for (const event of events) yield store.put(event);
          yield tx.objectStore('state').put(record);
        });
      }),

    exportAll: () =>
      run('export the stored data', async (db): Promise<StoredData> => {
        const invalid: InvalidRecord[] = [];
        const tx = db.transaction(STORE_NAMES, 'readonly');
        const [events, states] = await Promise.all([readEvents(tx, invalid), readStates(tx, invalid)]);
        return reported({ events, states }, invalid);
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
