// <vitrine-list> around a list the shop renders itself: the shop's HTML order without JavaScript
// and for a new shopper, the shopper's order after their interactions (pinned and unknown items
// kept in place), no layout shift the shopper did not cause, and rank() for lists a shop renders
// itself. The page is served by the test, with the demo catalogue's real ids.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { watchLayoutShifts } from './layout-shift.ts';
import { readmeExample } from './readme-example.ts';

interface DemoItem {
  readonly id: string;
  readonly title: string;
  readonly category: string;
}
const catalogue = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../models/demo/catalog.json'), 'utf8')) as { items: DemoItem[] }).items;
const inCategory = (category: string) => catalogue.filter((item) => item.category === category).slice(0, 6);
const kitchen = inCategory('Kitchen');
const garden = inCategory('Garden');
/** The shop's list: a pinned Kitchen item, five more, one the model does not know, six Garden items. */
const shopOrder = [...kitchen.map((item) => item.id), 'host-only', ...garden.map((item) => item.id)];

const row = (id: string, attributes = '') => `<li data-item-id="${id}"${attributes}>${id} <button type="button">Add to cart</button></li>`;
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Category page</title>
<script type="module" src="/widget/vitrine.js"></script>
<script type="module">
  const list = document.querySelector('vitrine-list');
  document.addEventListener('click', (event) => {
    const item = event.target.closest('button')?.closest('[data-item-id]');
    if (item) list.record({ type: 'add_to_cart', item: item.dataset.itemId });
  });
</script></head><body>
<vitrine-list models="/models/demo" backend="wasm"><ul>
${[row(kitchen[0]?.id ?? '', ' data-pinned'), ...kitchen.slice(1).map((item) => row(item.id)), row('host-only'), ...garden.map((item) => row(item.id))].join('\n')}
</ul></vitrine-list></body></html>`;

async function openList(page: Page): Promise<void> {
  await page.route('**/category-page.html', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: PAGE }));
  await page.goto('/category-page.html');
}
const order = (page: Page): Promise<string[]> =>
  page.locator('vitrine-list li').evaluateAll((items) => items.map((item) => item.getAttribute('data-item-id') ?? ''));

test("without JavaScript the shop's HTML order stands", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await openList(page);
  expect(await order(page)).toEqual(shopOrder);
  await context.close();
});

test("a new shopper keeps the shop's order; after carting Garden items they come first, pinned and unknown items stay, no layout shift comes unasked, and an order the shopper did not cause waits for their click", async ({
  page,
  requests,
}) => {
  void requests;
  const layoutShift = await watchLayoutShifts(page);
  await openList(page);
  // rank() settles once the engine is ready: a new shopper's list is the shop's.
  const fresh = await page.evaluate(() =>
    (document.querySelector('vitrine-list') as unknown as { rank(ids: string[]): Promise<{ order: string[] }> }).rank([]),
  );
  expect(fresh.order).toEqual([]);
  expect(await order(page)).toEqual(shopOrder);

  for (const item of garden.slice(3)) await page.locator(`li[data-item-id="${item.id}"] button`).click();
  const gardenIds = new Set(garden.map((item) => item.id));
  await expect.poll(async () => (await order(page)).slice(1, 6).every((id) => gardenIds.has(id)), { timeout: 30_000 }).toBe(true);
  // The order is read once the last click's input window (500 ms) has passed: a ranking from an
  // earlier click can satisfy the poll while the last click's own ranking is still on its way, and
  // that one is still applied at once if it lands inside the window.
  await page.waitForTimeout(600);
  const after = await order(page);
  expect(after[0]).toBe(kitchen[0]?.id);
  expect(after[6]).toBe('host-only');
  // The six Garden items fill the first six movable places (1 to 5 and 7); Kitchen's five follow.
  expect(new Set([...after.slice(1, 6), after[7]])).toEqual(gardenIds);
  expect(new Set(after.slice(8))).toEqual(new Set(kitchen.slice(1).map((item) => item.id)));

  expect(await layoutShift()).toBe(0);

  // rank() for a list the shop renders itself: the same order, nothing on the page moves.
  const ranked = await page.evaluate(
    (ids) =>
      (
        document.querySelector('vitrine-list') as unknown as {
          rank(ids: string[]): Promise<{ order: string[]; reasons: Record<string, string | null>; unknown: string[] }>;
        }
      ).rank(ids),
    [kitchen[2]?.id ?? '', 'nope', garden[0]?.id ?? ''],
  );
  expect(ranked.order).toEqual([garden[0]?.id, kitchen[2]?.id]);
  expect(ranked.unknown).toEqual(['nope']);
  expect(ranked.reasons[garden[0]?.id ?? '']).toBe('similar');

  // An interest change the shopper did not just cause here (the page's script, as another tab's would
  // be) waits while the list is in view, and lands with their next click.
  const held = await page.evaluate(
    async (ids) => {
      const list = document.querySelector('vitrine-list') as unknown as { record(i: unknown): Promise<void>; rank(ids: string[]): Promise<unknown> };
      for (const item of ids) await list.record({ type: 'purchase', item });
      await list.rank([]);
      return [...document.querySelectorAll('vitrine-list li')].map((item) => item.getAttribute('data-item-id'));
    },
    kitchen.slice(1).map((item) => item.id),
  );
  expect(held).toEqual(after);
  await page.mouse.click(1200, 5);
  await expect.poll(() => order(page)).not.toEqual(after);
});

test("the README's in-place example, as written, keeps the shop's order for a new shopper and re-orders it after interactions, the pinned item first", async ({
  page,
  requests,
}) => {
  void requests;
  const example = readmeExample('in-place:example');
  await page.route('**/readme-list.html', (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: `<!doctype html><html><head><title>List</title></head><body>${example}</body></html>` }),
  );
  await page.goto('/readme-list.html');
  const htmlOrder = ['p0002', 'p0022', 'p0045', 'p0005', 'p0021', 'p0058'];
  await page.evaluate(() => (document.querySelector('vitrine-list') as unknown as { rank(ids: string[]): Promise<unknown> }).rank([]));
  expect(await order(page)).toEqual(htmlOrder);
  await page.evaluate(async () => {
    const list = document.querySelector('vitrine-list') as unknown as { record(i: unknown): Promise<void> };
    for (const item of ['p0005', 'p0021', 'p0058']) await list.record({ type: 'add_to_cart', item });
  });
  // The new order waits for the shopper's next click (the page's script moved the interest, not them).
  await page.mouse.click(5, 5);
  await expect
    .poll(async () => {
      const now = await order(page);
      return [now[0], new Set(now.slice(1, 4)), new Set(now.slice(4))];
    })
    .toEqual(['p0002', new Set(['p0005', 'p0021', 'p0058']), new Set(['p0022', 'p0045'])]);
});
