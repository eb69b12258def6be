/**
 * Opens Vitrine's IndexedDB database (schema.ts) and turns IndexedDB's failures into RecErrors.
 *
 * Owns the connection's life cycle across tabs:
 *  - open blocked by another tab that keeps an older version open: wait a little, then give up
 *    with STORAGE_BLOCKED so the app can carry on in memory; a connection that opens after that
 *    is closed at once so it never blocks anyone itself.
 *  - another tab wants a newer version (or to delete the database): close ours so it can proceed
 *    (`blocking`), and tell the owner that this connection is gone.
 *  - the browser closes the connection (storage cleared, disk error): tell the owner.
 * Browser globals (`indexedDB`) are read inside functions only, so importing this in Node is safe.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { RecError, type RecErrorCode } from '../core/errors.ts';
import { DB_NAME, DB_VERSION, upgradeVitrineDB, type VitrineDB } from './schema.ts';

/** How long an open blocked by another tab waits for it to close its connection. */
export const DEFAULT_BLOCKED_TIMEOUT_MS = 3000;
/** How long an open may take in all (an open queued behind another tab's stuck upgrade or delete gets no `blocked` event). */
export const DEFAULT_OPEN_TIMEOUT_MS = 10_000;

/** Why an open connection stopped being usable. */
export type ConnectionLoss = 'versionchange' | 'terminated';

export interface OpenVitrineDBOptions {
  /** Give up with STORAGE_BLOCKED this long after the open reports `blocked`. */
  readonly blockedTimeoutMs?: number | undefined;
  /** Give up with STORAGE_BLOCKED if the open has not finished after this long. */
  readonly openTimeoutMs?: number | undefined;
  /**
   * Called once the connection is unusable: 'versionchange' when it was closed so another tab can
   * upgrade or delete the database, 'terminated' when the browser closed it.
   */
  readonly onLost?: ((reason: ConnectionLoss) => void) | undefined;
}

/**
 * Opens (creating or migrating) the database.
 * @param name the database name; tests pass a unique one.
 * @param options timeouts and the connection-loss callback.
 * @returns the open database.
 * @throws RecError STORAGE_UNAVAILABLE when IndexedDB is missing or refuses to open (private
 *   mode, SecurityError, InvalidStateError, a newer version on disk), STORAGE_BLOCKED when other
 *   tabs keep it from opening.
 */
export function openVitrineDB(name: string = DB_NAME, options: OpenVitrineDBOptions = {}): Promise<IDBPDatabase<VitrineDB>> {
  const { blockedTimeoutMs = DEFAULT_BLOCKED_TIMEOUT_MS, openTimeoutMs = DEFAULT_OPEN_TIMEOUT_MS, onLost } = options;
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(new RecError('STORAGE_UNAVAILABLE', 'IndexedDB is not available in this browser or context', { file: `indexeddb:${name}` }));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    let blockedTimer: ReturnType<typeof setTimeout> | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(openTimer);
      clearTimeout(blockedTimer);
      return true;
    };
    const giveUp = (error: RecError): void => {
      if (settle()) reject(error);
    };
    const openTimer = setTimeout(
      () =>
        giveUp(
          new RecError('STORAGE_BLOCKED', `the database did not open within ${openTimeoutMs} ms; another tab may be upgrading or deleting it`, {
            file: `indexeddb:${name}`,
          }),
        ),
      openTimeoutMs,
    );

    let opening: Promise<IDBPDatabase<VitrineDB>>;
    try {
      opening = openDB<VitrineDB>(name, DB_VERSION, {
        upgrade: upgradeVitrineDB,
        blocked(currentVersion) {
          blockedTimer ??= setTimeout(
            () =>
              giveUp(
                new RecError('STORAGE_BLOCKED', `another tab keeps version ${currentVersion} of the database open; close other tabs of this shop and reload`, {
                  file: `indexeddb:${name}`,
                }),
              ),
            blockedTimeoutMs,
          );
        },
        blocking(_currentVersion, _blockedVersion, event) {
          // The event's target is the raw connection this listener was added to; the DOM typings
          // say EventTarget (https://github.com/microsoft/TypeScript-DOM-lib-generator/pull/1405).
          (event.target as IDBDatabase).close();
          onLost?.('versionchange');
        },
        terminated() {
          onLost?.('terminated');
        },
      });
    } catch (error) {
      // Some browsers throw from indexedDB.open itself (old Firefox private mode: InvalidStateError).
      giveUp(toStorageError(error, 'open the database'));
      return;
    }
    opening.then(
      (db) => {
        if (settle()) resolve(db);
        else db.close(); // Too late: we already gave up; don't hold a connection nobody uses.
      },
      (error: unknown) => giveUp(toStorageError(error, 'open the database')),
    );
  });
}

const QUOTA_ERROR_NAMES: ReadonlySet<string> = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

/**
 * @param error anything caught from IndexedDB (a DOMException, or an Error whose cause is one).
 * @returns whether it says the origin's storage quota is exhausted.
 */
export function isQuotaError(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if ('name' in e && typeof e.name === 'string' && QUOTA_ERROR_NAMES.has(e.name)) return true;
    e = 'cause' in e ? e.cause : undefined;
  }
  return false;
}

/**
 * Maps an IndexedDB failure to the RecError the app recovers from, keeping a RecError as it is.
 * @param error the caught value (DOMException, Error, anything).
 * @param action what was being done, e.g. 'save the events' (the message reads "could not …").
 * @returns STORAGE_QUOTA_EXCEEDED for a quota error, otherwise STORAGE_UNAVAILABLE; the original is the cause.
 */
export function toStorageError(error: unknown, action: string): RecError {
  if (error instanceof RecError) return error;
  const code: RecErrorCode = isQuotaError(error) ? 'STORAGE_QUOTA_EXCEEDED' : 'STORAGE_UNAVAILABLE';
  const detail = describeError(error);
  const message =
    code === 'STORAGE_QUOTA_EXCEEDED' ? `could not ${action}: the browser's storage for this site is full (${detail})` : `could not ${action}: ${detail}`;
  return new RecError(code, message, {}, { cause: error });
}

function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'name' in error && 'message' in error) {
    return `${String(error.name)}: ${String(error.message)}`;
  }
  return String(error);
}
