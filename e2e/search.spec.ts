// Search that answers the query: the matches only (most relevant first, the shopper's interest
// ordering within them), a no-results state that leaves the shopper's interest alone, and the way
// back to "For you". On wasm: the encoder runs there anyway, and many re-ranks on the software
// WebGPU adapter would test nothing more here.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Request } from '@playwright/test';
import { expect, Storefront, test } from './fixtures.ts';
import { readStored } from './stored.ts';

interface DemoCatalogFile {
  items: Array<{ id: string; title: string; category: string }>;
}
const catalog = JSON.parse(readFileSync(resolve(import.meta.dirname, '../models/demo/catalog.json'), 'utf8')) as DemoCatalogFile;
const departmentOf = new Map(catalog.items.map((item) => [item.id, item.category]));

/** Titles of the cards in the grid's first row (the cards level with the first one). */
async function firstRowTitles(storefront: Storefront): Promise<string[]> {
  return storefront.cards.evaluateAll((cards) => {
    const top = cards[0]?.getBoundingClientRect().top ?? 0;
    return cards.filter((card) => Math.abs(card.getBoundingClientRect().top - top) < 2).map((card) => card.querySelector('h3')?.textContent ?? '');
  });
}

/** Views and carts two products of one department (the first card's, or the one given), each the first of it on the grid at the time. */
async function historyIn(storefront: Storefront, given?: string): Promise<string> {
  const [first] = await storefront.topIds(1);
  const department = given ?? departmentOf.get(first ?? '') ?? '';
  await storefront.viewAndCartIn(department, 2);
  return department;
}

test('a search for a product type of another department shows only that type in the first row, with the heading and count; "Back to For you" restores the personal grid', async ({
  storefront,
  page,
}) => {
  const sent: Request[] = [];
  page.on('request', (request) => sent.push(request));
  await storefront.open('?backend=wasm');
  const department = await historyIn(storefront);
  const [query, type] = department === 'Kitchen' ? ['desk lamp', /desk lamp/i] : ['air fryer', /air fryer/i];

  await storefront.search(query);
  const row = await firstRowTitles(storefront);
  expect(row.length, 'cards in the first row').toBeGreaterThanOrEqual(2);
  expect(
    row.filter((title) => !type.test(title)),
    `first row: ${row.join(' | ')}`,
  ).toEqual([]);
  const count = Number(await storefront.grid.getAttribute('data-result-count'));
  expect(count).toBeGreaterThanOrEqual(row.length);
  await expect(storefront.grid.getByRole('heading', { level: 2 })).toHaveText(`Results for “${query}”`);
  await expect(storefront.grid).toContainText(`${count} ${count === 1 ? 'product matches' : 'products match'}`);
  expect((await readStored(page)).byType['search'], 'searches stored').toBe(1);
  // Search runs on the device: no request carries the query (the fixture also allows no query strings or bodies).
  expect(sent.filter((request) => /fryer|lamp/i.test(request.url() + (request.postData() ?? '')))).toEqual([]);

  await storefront.leaveSearch();
  await expect(storefront.grid.getByRole('heading', { level: 2 })).toHaveText('Recommended for you');
  await expect(storefront.grid).toHaveAttribute('data-personalised', 'true');
  await expect(storefront.searchBox).toHaveValue('');
  expect((await readStored(page)).byType['search'], 'searches stored after leaving').toBe(1);
});

test('gibberish shows the no-results state and leaves the shopper’s interest and the next ranking as they were', async ({ storefront, page }) => {
  await storefront.open('?backend=wasm');
  await historyIn(storefront);
  const personalCards = () =>
    storefront.grid.locator('[data-item-id]:not([data-reason="explore"])').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id')));
  const before = await personalCards();
  const storedBefore = await readStored(page);

  await storefront.searchNothing('xqzv blorft 42 ###');
  await expect(storefront.grid.getByRole('status')).toContainText('No products match “xqzv blorft 42 ###”');
  await expect(storefront.cards).toHaveCount(0);
  const storedAfter = await readStored(page);
  expect(storedAfter.byType['search'] ?? 0, 'searches stored').toBe(0);
  expect(storedAfter.events - (storedAfter.byType['impression'] ?? 0)).toBe(storedBefore.events - (storedBefore.byType['impression'] ?? 0));

  await storefront.leaveSearch();
  expect(await personalCards()).toEqual(before);
});

test('two shoppers with different histories get the same matches for a query, in different orders', async ({ storefront, browser }) => {
  // The whole result set is shown (limit 200), so the sets can be compared, not only the first cards.
  const query = 'compact';
  const shopper = async (view: Storefront, department: string): Promise<string[]> => {
    await view.open('?backend=wasm&limit=200');
    await historyIn(view, department);
    await view.search(query);
    const shown = await view.topIds(200);
    expect(shown.length, 'every match shown').toBe(Number(await view.grid.getAttribute('data-result-count')));
    return shown;
  };
  const other = await secondShopper(browser);
  try {
    const first = await shopper(storefront, 'Furniture');
    const second = await shopper(other, 'Electronics');
    expect([...first].sort()).toEqual([...second].sort());
    expect(first).not.toEqual(second);
    // Each shopper's department comes earlier, on average, in their own order than in the other's.
    const meanRank = (ids: string[], department: string) => {
      const ranks = ids.flatMap((id, rank) => (departmentOf.get(id) === department ? [rank] : []));
      return ranks.reduce((sum, rank) => sum + rank, 0) / ranks.length;
    };
    expect(meanRank(first, 'Furniture')).toBeLessThan(meanRank(second, 'Furniture'));
    expect(meanRank(second, 'Electronics')).toBeLessThan(meanRank(first, 'Electronics'));
  } finally {
    await other.page.context().close();
  }
});

/** Another shopper: a browser context of their own (their own IndexedDB). */
async function secondShopper(browser: Browser): Promise<Storefront> {
  const { baseURL } = test.info().project.use;
  const context = await browser.newContext(baseURL === undefined ? {} : { baseURL });
  return new Storefront(await context.newPage());
}

test('the search’s encoder is not loaded among a new shopper’s first clicks, and is loaded once they stop, without a search', async ({
  storefront,
  requests,
}) => {
  await storefront.open('?backend=wasm');
  const encoderRequests = () => requests.filter((request) => new URL(request.url()).pathname.startsWith('/encoder/'));
  // Twelve clicks on the cards' "Add to cart", 250 ms apart, well inside the 1.5 s quiet spell.
  await storefront.clickAddToCartInPage(12, 250);
  expect(encoderRequests().map((request) => request.url())).toEqual([]);
  await expect.poll(() => encoderRequests().some((request) => request.url().endsWith('/model.json')), { timeout: 20_000 }).toBe(true);
});
