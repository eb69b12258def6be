/**
 * Model files kept on the shopper's device in Cache Storage, by content. A file is looked up by its
 * path and the sha256 its manifest gives, so a repeat visit asks the network for the manifest only
 * (which says what the files are now) and reads every unchanged file from the device, and a model
 * update downloads only the files whose checksum changed. A file is stored only once its bytes
 * match its manifest entry, and storing it deletes the older versions of the same file, so the
 * cache holds one copy of each file of each model the origin serves.
 *
 * Best effort throughout: where Cache Storage is missing (an insecure context), refused or full,
 * files come from the network as they would without it, and storing never holds up the load. A
 * downloaded file is stored when core has verified it (ModelSource.verified), so each is hashed once. The
 * browser may evict the cache under storage pressure (less readily once the site has persistent
 * storage, which the event store asks for); the next visit then downloads the files again. Core
 * verifies what this returns exactly as it verifies a download, so a copy corrupted on the device
 * is refused like a corrupted download, and the app's retry (which skips the lookup) replaces it.
 */
import type { ModelFile, ModelSource } from '../core/index.ts';

/** The one cache this app opens; the version changes if what an entry holds ever does. */
export const MODEL_CACHE_NAME = 'vitrine-model-files-v1';

export interface ModelFileCacheOptions {
  /** The browser's CacheStorage; defaults to the global `caches`, which insecure contexts lack. */
  readonly caches?: CacheStorage | undefined;
  /** The origin the entries' URLs are under (Cache Storage keys are http(s) URLs); defaults to the page's. The source's location is a path without a trailing slash. */
  readonly origin?: string;
  /** False for a read that must come from the server (it still stores what it reads). Default true. */
  readonly lookup?: boolean;
  /**
   * Runs a store of a verified copy: at once by default; the app passes an idle moment, because
   * copying the bytes into Cache Storage takes the main thread (a Blob and the put: 15-25 ms for a
   * click's two dozen card shards, measured in a profile), and a click's cards must not wait for it.
   */
  readonly later?: (task: () => void) => void;
}

/** A model source answered from the device's copies where it has them. */
export interface CachedModelSource extends ModelSource {
  /** Settles once every copy started so far has been stored or given up. */
  stored(): Promise<void>;
}

/**
 * @param network where files come from when the device has no copy (the HTTP source).
 * @param options the CacheStorage, the entries' origin and whether to look up at all.
 * @returns a source reading the manifest, and any file without a manifest entry, from `network`.
 */
export function withModelFileCache(network: ModelSource, options: ModelFileCacheOptions = {}): CachedModelSource {
  const storage = 'caches' in options ? options.caches : browserCaches();
  const origin = options.origin ?? (typeof location === 'undefined' ? 'http://localhost' : location.origin);
  const lookup = options.lookup ?? true;
  const later = options.later ?? ((task: () => void) => task());
  let opened: Promise<Cache | null> | null = null;
  // Opened on the first file, not the manifest, so a model that fails early opens nothing.
  const open = (): Promise<Cache | null> => (opened ??= storage === undefined ? Promise.resolve(null) : storage.open(MODEL_CACHE_NAME).catch(() => null));
  const storing: Promise<void>[] = [];
  // Bytes read from the network for a manifest entry, waiting for core to verify them.
  const downloaded = new WeakSet<Uint8Array>();
  return {
    location: network.location,
    async read(path, onBytes, file, options) {
      if (file === undefined) return network.read(path, onBytes, undefined, options);
      const cache = await open();
      const url = entryUrl(origin, network.location, file);
      if (cache !== null && lookup) {
        const copy = await cachedBytes(cache, url, file);
        if (copy !== null) {
          onBytes(copy.byteLength);
          return copy;
        }
      }
      const bytes = await network.read(path, onBytes, file);
      if (cache !== null) downloaded.add(bytes);
      return bytes;
    },
    verified(file, bytes) {
      if (!downloaded.has(bytes)) return;
      downloaded.delete(bytes);
      const url = entryUrl(origin, network.location, file);
      const contentNamed = file.path.includes(file.sha256);
      storing.push(new Promise<void>((done) => later(done)).then(open).then((cache) => (cache === null ? undefined : store(cache, url, bytes, contentNamed))));
    },
    async stored() {
      await Promise.all(storing);
    },
  };
}

/** The entry's URL: the file's own, with the content it holds in the query, e.g. /models/demo/vectors.bin?sha256=… */
function entryUrl(origin: string, location: string, file: ModelFile): string {
  return new URL(`${location}/${file.path}?sha256=${file.sha256}`, origin).href;
}

/** The device's copy, or null when there is none, it has the wrong size, or it cannot be read. */
async function cachedBytes(cache: Cache, url: string, file: ModelFile): Promise<Uint8Array | null> {
  try {
    const response = await cache.match(url);
    if (response === undefined) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    // A copy cut short (the browser stopped mid-write) is a miss, not a refused model.
    return bytes.byteLength === file.bytes ? bytes : null;
  } catch {
    return null;
  }
}

/**
 * Stores verified bytes and deletes the file's other versions (a file named by its content, as a card
 * shard is, has none: its path changes with its bytes); never rejects.
 */
async function store(cache: Cache, url: string, bytes: Uint8Array, contentNamed: boolean): Promise<void> {
  try {
    // Through a Blob, which the browser copies in one go and hands to the cache as a whole: a
    // Response over the bytes themselves is streamed into the cache on the main thread, which held
    // it about 230 ms for a 132 MB file here (70 ms through a Blob). Read bytes are backed by an
    // ArrayBuffer (a SharedArrayBuffer is no Blob part).
    await cache.put(url, new Response(new Blob([bytes as Uint8Array<ArrayBuffer>])));
    if (contentNamed) return;
    const unversioned = withoutQuery(url);
    const older = (await cache.keys()).filter((request) => request.url !== url && withoutQuery(request.url) === unversioned);
    await Promise.all(older.map((request) => cache.delete(request)));
  } catch {
    // Not stored: a full or refused cache only costs the next visit a download.
  }
}

function withoutQuery(url: string): string {
  return url.split('?')[0] ?? url;
}

function browserCaches(): CacheStorage | undefined {
  // Read here, not at import, so importing this in Node is safe; the DOM typings say `caches` always exists.
  return typeof caches === 'undefined' ? undefined : (caches as CacheStorage | undefined);
}
