/**
 * Asking the browser to keep this site's storage when it runs short of space. Without it, data is
 * "best effort" and may be evicted under storage pressure, taking the shopper's history with it.
 * Browsers decide on their own (Chromium by how the site is used, Firefox may ask the shopper), so
 * the answer is only recorded: nothing waits for it and nothing fails on it.
 */

/** The part of the browser's StorageManager used here. */
export type PersistableStorage = Pick<StorageManager, 'persist' | 'persisted'>;

/**
 * Requests persistent storage unless the site already has it.
 * @param storage the browser's StorageManager (default navigator.storage, which insecure contexts
 *   and older browsers lack).
 * @returns true when the storage is persistent (already, or granted now), false when the browser
 *   declined, null when it has no such request or the request failed. Never rejects.
 */
export async function requestPersistence(storage: PersistableStorage | undefined = browserStorage()): Promise<boolean | null> {
  if (typeof storage?.persist !== 'function') return null;
  try {
    if (await storage.persisted()) return true;
    return await storage.persist();
  } catch {
    return null;
  }
}

function browserStorage(): PersistableStorage | undefined {
  // Read here, not at import, so importing this in Node is safe; the DOM typings say navigator.storage always exists.
  return typeof navigator === 'undefined' ? undefined : (navigator.storage as PersistableStorage | undefined);
}
