// The privacy panel shows what is stored, exports it, and erases it; nothing leaves the device
// (the request log of every test is checked by the fixture on teardown).
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures.ts';

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
  expect(exported.events).toEqual(expect.arrayContaining([
    expect.objectContaining({ type: 'view', item: id }),
    expect.objectContaining({ type: 'add_to_cart', item: id }),
  ]));

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
    const all = (store: string) => new Promise<unknown[]>((resolve) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
    });
    const events = (await all('events')) as Array<{ type: string }>;
    return { nonImpressionEvents: events.filter((e) => e.type !== 'impression').length };
  });
  expect(stored).toEqual({ nonImpressionEvents: 0 });
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
});
