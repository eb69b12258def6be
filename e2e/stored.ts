// Reads what the app stored in IndexedDB, from inside the page (raw IndexedDB, no app code), so
// tests check the real database rather than what the UI says.
import type { Page } from '@playwright/test';

export interface StoredSummary {
  readonly events: number;
  readonly distinctIds: number;
  readonly byType: Record<string, number>;
  /** eventCount of each stored state. */
  readonly stateCounts: number[];
  /** eventCount of each model's baseline: the events compacted away (schema version 2 on). */
  readonly baselineCounts: number[];
}

/** @param page any page of the app's origin. */
export function readStored(page: Page): Promise<StoredSummary> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('vitrine');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = (store: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const events = (await all('events')) as Array<{ id: string; type: string }>;
    const states = (await all('state')) as Array<{ eventCount: number }>;
    const baselines = (db.objectStoreNames.contains('baselines') ? await all('baselines') : []) as Array<{ eventCount: number }>;
    db.close();
    const byType: Record<string, number> = {};
    for (const event of events) byType[event.type] = (byType[event.type] ?? 0) + 1;
    return {
      events: events.length,
      distinctIds: new Set(events.map((e) => e.id)).size,
      byType,
      stateCounts: states.map((s) => s.eventCount),
      baselineCounts: baselines.map((b) => b.eventCount),
    };
  });
}
