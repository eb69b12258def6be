/**
 * The shape of Vitrine's IndexedDB database, and how it is created and migrated.
 *
 * Database `vitrine` (DB_NAME), schema version DB_VERSION, on the storefront's origin:
 *  - `events`: one record per interaction, the core `InteractionEvent` exactly as core made it,
 *    keyed by its `id` (so a write retried or seen from two tabs is stored once). Indexes:
 *    `by-time` (epoch ms; loadEvents reads in this order), `by-session` and `by-type` (for the
 *    privacy panel and later clean-up by age or kind). This is the source of truth.
 *  - `baselines` (since version 2): one `StateRecord` per model (`modelKey`): the fold of every
 *    event compacted away for that model (when the storage was full, or the events were older than
 *    the retention period), oldest first. The events it folded are gone, so together with the
 *    remaining `events` it is the record: the baseline's eventCount says how many it holds.
 *  - `state`: one `StateRecord` per model (`modelKey`): the shopper's `InterestState`, the fold of
 *    that model's baseline and then the events, plus `stateVersion` and `updatedAt`. It is a cache,
 *    trusted only when its eventCount is the baseline's plus the number of events: a missing,
 *    unreadable, other-version or stale record is rebuilt from `baselines` + `events` by core.
 *
 * A baseline serves only its own model: the events it folded cannot be replayed for another one, so
 * after a model change the old model's baseline is left as it is (for a switch back) and the new
 * model starts from the events still stored.
 *
 * The interest vector (of states and baselines) is stored as a Float32Array, not a number[]: IndexedDB's structured clone
 * keeps typed arrays as they are, so the record is compact (4 bytes a value) and reads back
 * bit-exact with no conversion. It is copied before writing so a view into a larger buffer never
 * drags that whole buffer into storage (see state-record.ts).
 *
 * Who writes what: append.ts puts events and a state; compaction.ts puts a baseline, deletes the
 * events it folded and, over quota, clears `state`; export-erase.ts clears every store. Records
 * read back are validated before use (read-records.ts), never trusted for their stored shape.
 *
 * Nothing here touches browser globals: the upgrade only uses the database it is given.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { InteractionEvent, InteractionType } from '../core/interactions.ts';
import type { InterestState } from '../core/state.ts';

/** The database's name on the origin. */
export const DB_NAME = 'vitrine';

/**
 * The schema version. Bump it with a new `if (oldVersion < N)` step in upgradeVitrineDB whenever a
 * store or index changes; never edit a step that has shipped.
 */
export const DB_VERSION = 2;

/**
 * The format of a `state` record, independent of DB_VERSION: bump it when InterestState or its
 * serialisation changes. Records of another version are not migrated but rebuilt from the events.
 */
export const STATE_VERSION = 1;

/** An InterestState as stored (in `state` and in `baselines`): the state itself plus bookkeeping. */
export interface StateRecord extends InterestState {
  /** STATE_VERSION when written. */
  readonly stateVersion: typeof STATE_VERSION;
  /** Epoch milliseconds of the write. */
  readonly updatedAt: number;
}

/**
 * The typed schema for `idb`. The value types say what is *written*; everything read back is
 * treated as `unknown` and parsed (core's parseEvent, parseStateRecord) before use.
 */
export interface VitrineDB extends DBSchema {
  events: {
    key: string;
    value: InteractionEvent;
    indexes: {
      'by-time': number;
      'by-session': string;
      'by-type': InteractionType;
    };
  };
  state: {
    key: string;
    value: StateRecord;
  };
  baselines: {
    key: string;
    value: StateRecord;
  };
}

/** The names of the object stores, as a value (for transactions over all of them). */
export const STORE_NAMES = ['events', 'state', 'baselines'] as const satisfies readonly StoreNames<VitrineDB>[];

/**
 * Creates or migrates the schema, one versioned step at a time, inside the open's versionchange
 * transaction. A database at version N runs every step above N, in order.
 * @param db the database being upgraded.
 * @param oldVersion the version on disk (0 when the database is new).
 * @param _newVersion the version being opened (DB_VERSION).
 * @param _transaction the versionchange transaction: later steps use it to rewrite existing records.
 */
export function upgradeVitrineDB(
  db: IDBPDatabase<VitrineDB>,
  oldVersion: number,
  _newVersion: number | null,
  _transaction: IDBPTransaction<VitrineDB, StoreNames<VitrineDB>[], 'versionchange'>,
): void {
  if (oldVersion < 1) {
    const events = db.createObjectStore('events', { keyPath: 'id' });
    events.createIndex('by-time', 'time');
    events.createIndex('by-session', 'session');
    events.createIndex('by-type', 'type');
    db.createObjectStore('state', { keyPath: 'modelKey' });
  }
  if (oldVersion < 2) {
    // Compaction (storage full, retention): existing events and states are kept as they are; a
    // state written by version 1 is still trusted, as no baseline means an eventCount of 0.
    db.createObjectStore('baselines', { keyPath: 'modelKey' });
  }
  // Next: `if (oldVersion < 3) { const events = _transaction.objectStore('events'); … }`
}
