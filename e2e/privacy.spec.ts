// The privacy panel shows what is stored, exports it, and erases it; nothing leaves the device
// (the request log of every test is checked by the fixture on teardown).
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures.ts';
import { interactQuickly } from './quick-interactions.ts';
import { readStored } from './stored.ts';

test('exports every stored event as JSON and erases everything', async ({ storefront, page }) => {
  await storefront.open();
  const id = (await storefront.topIds(1))[0] ?? '';
  await storefront.viewAndAddToCart(id);

  await page.getByRole('button', { name: 'Your data' }).click();
  const panel = page.getByRole('dialog', { name: 'Your data' });
  await expect(panel).toBeVisible();
  const download = page.waitForEvent('download');
  await panel.getByRole('button', { name: 'Export JSON' }).click();
  const exported = JSON.parse(await readFile(await (await download).path(), 'utf8')) as { events: Array<{ type: string; item?: string }> };
  expect(exported.events).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'view', item: id }), expect.objectContaining({ type: 'add_to_cart', item: id })]),
  );

  await panel.getByRole('button', { name: 'Erase everything' }).click();
  await panel.getByRole('button', { name: /Yes, erase/ }).click();
  await expect(page.getByRole('button', { name: /Cart \(0\)/ })).toBeVisible();
  // The grid shown after erasing records fresh impressions; nothing from before the erase may survive.
  const stored = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('vitrine');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = (store: string) =>
      new Promise<unknown[]>((resolve) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
      });
    const events = (await all('events')) as Array<{ type: string }>;
    return { nonImpressionEvents: events.filter((e) => e.type !== 'impression').length };
  });
  expect(stored).toEqual({ nonImpressionEvents: 0 });
  // Nothing but the backend calibration's verdict (core/backend-choice.ts): a backend and timings.
  const kept = await page.evaluate(() => Object.entries(localStorage));
  for (const [key, value] of kept) {
    expect(key).toMatch(/^vitrine\.backend\.v1:/);
    expect(Object.keys(JSON.parse(value) as object).sort()).toEqual(['backend', 'measuredAt', 'reason']);
  }
});

test('a scripted 200-interaction session requests only same-origin static assets and model files, none carrying event data', async ({
  storefront,
  page,
  requests,
}) => {
  test.setTimeout(300_000);
  await storefront.open('?backend=wasm');
  // 190 interactions through the UI, in the page: open a product (view), close it (dwell is only
  // recorded past 500 ms, so mostly not), add to cart from the grid; then 10 searches.
  await interactQuickly(page, 95);
  for (const query of [
    'garden hose',
    'running shoes',
    'desk lamp',
    'dog food',
    'silver ring',
    'coffee grinder',
    'office chair',
    'novel',
    'lipstick',
    'board game',
  ]) {
    await storefront.search(query);
  }
  await expect
    .poll(async () => (await readStored(page)).events - ((await readStored(page)).byType['impression'] ?? 0), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(200);

  // What the page asked for: the app shell and its chunks, the model, the encoder and TF.js's wasm.
  const paths = requests.map((request) => new URL(request.url()).pathname);
  const unexpected = paths.filter((path) => !/^\/($|assets\/|models\/demo\/|encoder\/|favicon)/.test(path));
  expect(unexpected, 'requests other than the app shell, its assets, the model and the encoder').toEqual([]);
  // The fixture checks on teardown that every request is a same-origin GET with no body or query.
  expect(requests.every((request) => request.method() === 'GET')).toBe(true);
});
