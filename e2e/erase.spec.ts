// Privacy: "Erase everything" leaves nothing behind: not in IndexedDB (any store, any
// database), localStorage, sessionStorage, Cache Storage, cookies, service workers or the origin
// private file system. The app uses none of the last ones at all, which is checked before erasing,
// and Cache Storage only for the shop's model files (the same for every shopper), which it keeps.
// The stores are read raw from inside the page, not through app code, and enumerated rather than
// named, so a store added later is covered too.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/** Everything the origin keeps, read without app code. Typed arrays become plain arrays. */
interface OriginStorage {
  readonly databases: string[];
  /** Store name -> every record, per database. */
  readonly records: Record<string, Record<string, unknown[]>>;
  /** localStorage entries other than the backend calibration's verdicts and the last grid shown (see below). */
  readonly localStorage: number;
  /** localStorage entries keeping the last grid shown, for the next visit's first paint (src/app/first-grid.ts). */
  readonly lastGrids: number;
  readonly sessionStorage: number;
  /** Each Cache Storage cache's entries, as URL paths with their query. */
  readonly caches: Record<string, string[]>;
  readonly serviceWorkers: number;
  readonly opfsEntries: string[];
}

function readOriginStorage(page: Page): Promise<OriginStorage> {
  return page.evaluate(async () => {
    const databases = (await indexedDB.databases()).map((d) => d.name ?? '');
    const records: Record<string, Record<string, unknown[]>> = {};
    for (const name of databases) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const stores: Record<string, unknown[]> = {};
      for (const store of Array.from(db.objectStoreNames)) {
        stores[store] = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      }
      db.close();
      // Through JSON, turning Float32Arrays into arrays, so the test sees every value.
      records[name] = JSON.parse(
        JSON.stringify(stores, (_key, value: unknown) => (ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value)),
      ) as Record<string, unknown[]>;
    }
    const opfsEntries: string[] = [];
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) opfsEntries.push(name);
    return {
      databases,
      records,
      // The one thing the app keeps there: which backend measured fastest on this device for a
      // model shape (core/backend-choice.ts), which says nothing about the shopper.
      // The app's other entry there, the last grid shown (item ids and reasons, for the next visit's
      // first paint), is about the shopper: it must be gone after erasing.
      localStorage: Object.keys(localStorage).filter((key) => !key.startsWith('vitrine.backend.v1:') && !key.startsWith('vitrine.lastGrid.v1:')).length,
      lastGrids: Object.keys(localStorage).filter((key) => key.startsWith('vitrine.lastGrid.v1:')).length,
      sessionStorage: sessionStorage.length,
      caches: Object.fromEntries(
        await Promise.all(
          (await caches.keys()).map(async (name) => {
            const entries = await (await caches.open(name)).keys();
            return [name, entries.map((request) => new URL(request.url).pathname + new URL(request.url).search)] as const;
          }),
        ),
      ),
      serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
      opfsEntries,
    };
  });
}

/** Expects the storage the app must never use to be empty. */
async function expectUnusedStorageEmpty(page: Page, stored: OriginStorage): Promise<void> {
  expect(stored.databases, 'IndexedDB databases').toEqual(['vitrine']);
  expect(stored.localStorage, 'localStorage entries').toBe(0);
  expect(stored.sessionStorage, 'sessionStorage entries').toBe(0);
  // The model's files by content, and nothing else: no URL of a page, a query or an event.
  expect(Object.keys(stored.caches), 'Cache Storage caches').toEqual(['vitrine-model-files-v1']);
  for (const entry of stored.caches['vitrine-model-files-v1'] ?? [])
    expect(entry, 'a cached model file').toMatch(/^\/models\/demo\/[\w.]+\?sha256=[0-9a-f]{64}$/);
  expect(stored.serviceWorkers, 'service workers').toBe(0);
  expect(stored.opfsEntries, 'origin private file system').toEqual([]);
  expect(await page.context().cookies(), 'cookies').toEqual([]);
}

test('erasing leaves nothing from before in any store, and the app keeps nothing anywhere else but the shop’s model files', async ({ storefront, page }) => {
  const query = 'garden hose and lawn sprinkler';
  await storefront.open();
  const viewed = (await storefront.topIds(1))[0] ?? '';
  await storefront.viewAndAddToCart(viewed);
  await storefront.search(query);

  const before = await readOriginStorage(page);
  await expectUnusedStorageEmpty(page, before);
  const beforeEvents = (before.records['vitrine']?.['events'] ?? []) as Array<{ id: string; type: string }>;
  expect(beforeEvents.map((e) => e.type)).toEqual(expect.arrayContaining(['view', 'add_to_cart', 'dwell', 'search']));
  expect(JSON.stringify(before.records)).toContain(query);

  const erasedAt = await page.evaluate(() => Date.now());
  await page.getByRole('button', { name: 'Your data' }).click();
  const panel = page.getByRole('dialog', { name: 'Your data' });
  await panel.getByRole('button', { name: 'Erase everything' }).click();
  await panel.getByRole('button', { name: /Yes, erase/ }).click();
  await expect(panel.getByText('Everything was erased.')).toBeVisible();
  await expect(page.getByRole('button', { name: /Cart \(0\)/ })).toBeVisible();

  const after = await readOriginStorage(page);
  await expectUnusedStorageEmpty(page, after);
  expect(after.caches['vitrine-model-files-v1'], 'the model files kept').toEqual(before.caches['vitrine-model-files-v1']);
  expect(after.caches['vitrine-model-files-v1']).toHaveLength(3);
  expect(before.lastGrids, 'the last grid kept before erasing').toBe(1);
  expect(after.lastGrids, 'the last grid kept after erasing').toBe(0);
  const stores = after.records['vitrine'] ?? {};
  // The same stores exist (the schema stays), but nothing in them is from before the erase.
  expect(Object.keys(stores).sort()).toEqual(Object.keys(before.records['vitrine'] ?? {}).sort());
  const everything = JSON.stringify(stores);
  const survivors = beforeEvents.filter((event) => everything.includes(event.id)).map((event) => `${event.type} ${event.id}`);
  expect(survivors, 'events from before the erase still stored (or referred to)').toEqual([]);
  expect(everything.includes(query), 'the search query survived').toBe(false);

  // The grid shown after erasing is noted again as it appears: impressions, and only those.
  const events = (stores['events'] ?? []) as Array<{ type: string; time: number }>;
  for (const event of events) {
    expect(event.type).toBe('impression');
    expect(event.time).toBeGreaterThanOrEqual(erasedAt);
  }
  // No other store remembers what the shopper did: no item they viewed or carted, no query, and
  // no interest (every stored vector is zero).
  for (const [name, records] of Object.entries(stores)) {
    if (name === 'events') continue;
    expect(JSON.stringify(records).includes(viewed), `store "${name}" still names the viewed item ${viewed}`).toBe(false);
    for (const record of records as Array<Record<string, unknown>>) {
      const vector = record['vector'];
      if (Array.isArray(vector))
        expect(
          vector.every((v) => v === 0),
          `store "${name}" keeps a non-zero interest vector`,
        ).toBe(true);
    }
  }

  // And a reload starts from scratch.
  await page.reload();
  await storefront.waitReady();
  await expect(storefront.grid).toHaveAttribute('data-personalised', 'false');
  await expect(page.getByRole('button', { name: /Cart \(0\)/ })).toBeVisible();
});
