// The complements placement on a model built with a basket log (basket-model.ts): what was bought
// with the product comes first, saying so, then products that go with it from other departments;
// a product only viewed in the same session is not bought with it. The grids run on wasm (see
// widget.spec.ts).
import type { Locator, Page } from '@playwright/test';
import { BASKET_MODEL, buildBasketModel, type BasketPairs } from './basket-model.ts';
import { expect, test } from './fixtures.ts';

let pairs: BasketPairs;
test.beforeAll(async () => {
  test.setTimeout(300_000);
  pairs = await buildBasketModel();
});

/** A page with one complements grid for `item` (of the cart without one). */
async function complementsOf(page: Page, item: string | null): Promise<Locator> {
  const itemAttribute = item === null ? '' : ` item="${item}"`;
  const body = `<script type="module" src="/widget/vitrine.js"></script><vitrine-grid models="/models/${BASKET_MODEL}" limit="4" backend="wasm" placement="complements"${itemAttribute}></vitrine-grid>`;
  await page.route('**/bought-together.html', (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><title>Bought together</title></head><body>${body}</body></html>`,
    }),
  );
  await page.goto('/bought-together.html');
  return page.locator('vitrine-grid section[data-placement]');
}
const attribute = (grid: Locator, name: string): Promise<string[]> =>
  grid.locator('[data-item-id]').evaluateAll((cards, name) => cards.map((c) => c.getAttribute(name) ?? ''), name);

test('what was bought with it comes first, saying so, then what goes with it; a product only viewed alongside is not', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const [kitchen, garden, books] = [pairs.kitchen[0], pairs.garden[0], pairs.books[0]];
  const grid = await complementsOf(page, kitchen ?? '');
  await expect(grid).toHaveAttribute('data-shows', 'complements', { timeout: 90_000 });
  await expect(grid.locator('[data-item-id]')).toHaveCount(4);
  await expect(grid.getByRole('heading', { level: 2 })).toHaveText('Frequently bought together');
  const listed = await attribute(grid, 'data-item-id');
  const reasons = await attribute(grid, 'data-reason');
  expect(listed[0]).toBe(garden);
  expect(reasons[0]).toBe('bought-together');
  const title = await page.evaluate(async (id) => {
    const response = await fetch('/models/e2e-baskets/catalog.json');
    const catalog = (await response.json()) as { items: { id: string; title: string }[] };
    return catalog.items.find((entry) => entry.id === id)?.title ?? '';
  }, kitchen);
  await expect(grid.locator(`[data-item-id="${garden}"]`)).toContainText(`Often bought with ${title.slice(0, 20)}`);
  // The random third product of each order makes a few more bought-together items; then goes-with.
  expect(reasons.slice(1).every((reason) => reason === 'bought-together' || reason === 'goes-with')).toBe(true);
  const boughtWith = listed.filter((_, n) => reasons[n] === 'bought-together');
  expect(boughtWith).not.toContain(books);
  expect(listed).not.toContain(kitchen);
});
