/**
 * Vitrine's IndexedDB storage: core's EventStore, persisted on the shopper's device. The
 * composition root opens it and, on a STORAGE_* RecError, falls back to core's in-memory store.
 */
export { openEventStore, type EventStoreOptions, type IndexedDbEventStore } from './event-store.ts';
export type { InvalidRecord } from './read-records.ts';
export { DB_NAME } from './schema.ts';
export { createBroadcastSync, SYNC_CHANNEL_NAME } from './broadcast-sync.ts';
