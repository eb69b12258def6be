/**
 * The event store's connection to its database, and how each call through it fails. Owns whether
 * the connection is still usable: open, lost (another tab's upgrade made it close itself, or the
 * browser closed it) or closed by its owner. Every read and write goes through `run`, so a call on
 * a connection that is gone, and any IndexedDB failure, reaches core as one storage RecError:
 * STORAGE_QUOTA_EXCEEDED when the origin is out of space, STORAGE_UNAVAILABLE otherwise
 * (db.ts's toStorageError), naming what could not be done.
 *
 * When the browser closes the database under the page (site data cleared, storage evicted), the
 * next `run` opens it again (the schema upgrade recreates the stores if the data was wiped), and
 * every `run` waiting meanwhile shares that one open; if it fails, the calls waiting reject with
 * the reason and the next call tries again. The browser's closing races the page: a transaction
 * already running is aborted, `close` arrives just after, and an open made while the browser is
 * still deleting is aborted too (both seen in Chromium when the site's data is cleared). So a call
 * that fails for any reason but a full quota waits a moment, and if the browser turned out to have
 * closed the database, is made once more on a new connection: every call is one transaction (or a
 * delete-only one before it), so a failed one wrote nothing. A connection closed for another tab's
 * newer version is not reopened (this page's code is the older one: it must reload), nor one its
 * owner closed.
 *
 * A wiped database comes back empty while core's in-memory state still folds the history that was
 * in it. The next write stores that state with only the new events, so the stored state does not
 * add up (its eventCount counts the wiped events) and the next load rebuilds the interest from the
 * events written after the wipe: the wiped history lasts until the page is reloaded, not after.
 */
import type { IDBPDatabase } from 'idb';
import { RecError } from '../core/errors.ts';
import { isQuotaError, openVitrineDB, toStorageError, type ConnectionLoss } from './db.ts';
import type { VitrineDB } from './schema.ts';

/** The open database behind an event store. */
export interface StoreConnection {
  /**
   * Runs a read or write on the database, mapping any failure to a storage RecError. After the
   * browser closed the database, opens it again first (see the module header).
   * @param action what is being done, e.g. 'save the interaction' (the message reads "could not …").
   * @param body the read or write.
   * @throws RecError STORAGE_UNAVAILABLE when the connection is gone (and, after the browser closed
   *   it, could not be opened again), or the mapped failure of `body`.
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

/** One opened connection, and why it stopped being usable (null while it is usable). */
interface Link {
  readonly db: IDBPDatabase<VitrineDB>;
  readonly lost: () => ConnectionLoss | null;
}

const WHY_GONE = {
  closed: 'the store was closed',
  versionchange: 'another tab opened a newer version of the database; reload this page',
  terminated: 'the browser closed the database (site data cleared?)',
} as const;

/** How long a failed call waits for the browser's `close` (queued after the aborts) before it is made again. */
const CLOSE_GRACE_MS = 100;

/**
 * Opens the database and keeps track of its connection.
 * @param name the database name.
 * @param options the open timeouts.
 * @throws RecError STORAGE_UNAVAILABLE or STORAGE_BLOCKED when the database cannot be opened.
 */
export async function openStoreConnection(name: string, options: StoreConnectionOptions): Promise<StoreConnection> {
  const connect = async (): Promise<Link> => {
    let lost: ConnectionLoss | null = null;
    const db = await openVitrineDB(name, {
      blockedTimeoutMs: options.blockedTimeoutMs,
      openTimeoutMs: options.openTimeoutMs,
      onLost: (reason) => {
        lost ??= reason;
      },
    });
    return { db, lost: () => lost };
  };
  const gone = (why: string, errorOptions?: { cause: unknown }): RecError =>
    new RecError('STORAGE_UNAVAILABLE', `IndexedDB is no longer usable: ${why}`, { file: `indexeddb:${name}` }, errorOptions);

  let link = await connect();
  /** Why the owner's close() found the store gone: the loss it came after, if any, comes first. */
  let closed: keyof typeof WHY_GONE | null = null;
  /** The one open pending after the browser closed `link`. */
  let reopening: Promise<Link> | null = null;

  const reopen = (): Promise<Link> =>
    connect().then(
      (fresh) => {
        reopening = null;
        if (closed !== null) {
          fresh.db.close();
          throw gone(WHY_GONE[closed]);
        }
        link = fresh;
        return fresh;
      },
      (error: unknown) => {
        reopening = null;
        throw gone(`${WHY_GONE.terminated}, and opening it again failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      },
    );

  /** The usable database, reopened if the browser closed it; or a RecError saying why there is none. */
  const usable = async (): Promise<IDBPDatabase<VitrineDB>> => {
    if (closed !== null) throw gone(WHY_GONE[closed]);
    const lost = link.lost();
    if (lost === null) return link.db;
    if (lost === 'versionchange') throw gone(WHY_GONE.versionchange);
    reopening ??= reopen();
    return (await reopening).db;
  };

  /**
   * Whether a call that failed with `error` met the browser closing the database, and is worth
   * making again. A full origin is not that: the journal makes room and writes again at once.
   */
  const closedUnder = async (error: unknown): Promise<boolean> => {
    if (isQuotaError(error)) return false;
    await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS));
    return link.lost() === 'terminated';
  };

  return {
    async run(action, body) {
      try {
        try {
          return await body(await usable());
        } catch (error) {
          if (!(await closedUnder(error))) throw error;
          return await body(await usable());
        }
      } catch (error) {
        throw toStorageError(error, action);
      }
    },
    close() {
      if (closed === null && link.lost() === null) link.db.close();
      closed ??= link.lost() ?? 'closed';
    },
  };
}
