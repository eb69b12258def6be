/**
 * The event store's connection to its database, and how each call through it fails. Owns whether
 * the connection is still usable: open, lost (another tab's upgrade made it close itself, or the
 * browser closed it) or closed by its owner. Every read and write goes through `run`, so a call on
 * a connection that is gone, and any IndexedDB failure, reaches core as one storage RecError:
 * STORAGE_QUOTA_EXCEEDED when the origin is out of space, STORAGE_UNAVAILABLE otherwise
 * (db.ts's toStorageError), naming what could not be done.
 */
import type { IDBPDatabase } from 'idb';
import { RecError } from '../core/errors.ts';
import { openVitrineDB, toStorageError, type ConnectionLoss } from './db.ts';
import type { VitrineDB } from './schema.ts';

/** The open database behind an event store. */
export interface StoreConnection {
  /**
   * Runs a read or write on the database, mapping any failure to a storage RecError.
   * @param action what is being done, e.g. 'save the interaction' (the message reads "could not …").
   * @param body the read or write.
   * @throws RecError STORAGE_UNAVAILABLE when the connection is gone, or the mapped failure of `body`.
   */
  run<T>(action: string, body: (db: IDBPDatabase<VitrineDB>) => Promise<T>): Promise<T>;
  /** Closes the database; idempotent. Later calls to `run` reject with STORAGE_UNAVAILABLE. */
  close(): void;
}

/** Open timeouts, passed on to openVitrineDB. */
export interface StoreConnectionOptions {
  readonly blockedTimeoutMs?: number | undefined;
  readonly openTimeoutMs?: number | undefined;
}

/**
 * Opens the database and keeps track of its connection.
 * @param name the database name.
 * @param options the open timeouts.
 * @throws RecError STORAGE_UNAVAILABLE or STORAGE_BLOCKED when the database cannot be opened.
 */
export async function openStoreConnection(name: string, options: StoreConnectionOptions): Promise<StoreConnection> {
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

  return {
    async run(action, body) {
      try {
        return await body(connection());
      } catch (error) {
        throw toStorageError(error, action);
      }
    },
    close() {
      if (lost === null) db.close();
      lost ??= 'closed';
    },
  };
}
