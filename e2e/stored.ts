// Reads what the app stored in IndexedDB, from inside the page (raw IndexedDB, no app code), so
// tests check the real database rather than what the UI says.
import type { Page } from '@playwright/test';

/** One stored `state` record, summarised. */
export interface StoredState {
  readonly modelKey: string;
  /** How many events the state says it folded (its baseline's included). */
  readonly eventCount: number;
  /** The interest vector's length. */
  readonly dim: number;
  /** Whether every component of the vector is a finite number. */
  readonly finite: boolean;
  /** Whether any component is not zero (an interest has moved). */
  readonly moved: boolean;
}

export interface StoredSummary {
  readonly events: number;
  readonly byType: Record<string, number>;
  /** Each stored state, one per model. */
  readonly states: StoredState[];
  /** eventCount of each model's baseline: the events compacted away (schema version 2 on). */
  readonly baselineCounts: number[];
}

/**
 * Reads the events, states and baselines in one read-only transaction, so the summary is one
 * consistent snapshot even while the app is writing.
 * @param page any page of the app's origin.
 */
export function readStored(page: Page): Promise<StoredSummary> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('vitrine');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const names = ['events', 'state', ...(db.objectStoreNames.contains('baselines') ? ['baselines'] : [])];
    const transaction = db.transaction(names);
    const all = (store: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const request = transaction.objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const [events, states, baselines] = (await Promise.all(names.map(all))) as [
      Array<{ type: string }>,
      Array<{ modelKey: string; eventCount: number; vector: Float32Array }>,
      Array<{ eventCount: number }> | undefined,
    ];
    db.close();
    const byType: Record<string, number> = {};
    for (const event of events) byType[event.type] = (byType[event.type] ?? 0) + 1;
    return {
      events: events.length,
      byType,
      states: states.map(({ modelKey, eventCount, vector }) => ({
        modelKey,
        eventCount,
        dim: vector.length,
        finite: vector.every(Number.isFinite),
        moved: vector.some((x) => x !== 0),
      })),
      baselineCounts: (baselines ?? []).map((b) => b.eventCount),
    };
  });
}

/**
 * @param stored a snapshot from readStored.
 * @returns how many events the database accounts for: the raw events and those folded into the baseline.
 */
export function accountedEvents(stored: StoredSummary): number {
  return stored.events + (stored.baselineCounts[0] ?? 0);
}
