/**
 * Vitrine's storage on the shopper's device: core's EventStore in IndexedDB (the composition root
 * opens it and, on a STORAGE_* RecError, falls back to core's in-memory store), and the model files
 * kept by content in Cache Storage for the next visit.
 */
export { openEventStore, type EventStoreOptions, type IndexedDbEventStore } from './event-store.ts';
export type { InvalidRecord } from './read-records.ts';
export { DB_NAME } from './schema.ts';
export { createBroadcastSync, SYNC_CHANNEL_NAME } from './broadcast-sync.ts';
export { MODEL_CACHE_NAME, withModelFileCache, type CachedModelSource, type ModelFileCacheOptions } from './model-file-cache.ts';
