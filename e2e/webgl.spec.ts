// WebGL 2, the backend README lists for every current browser, asked for by name: `?backend=webgl`
// on the storefront and backend="webgl" on the widget. This headless Chromium offers WebGL 2
// (through SwiftShader), so the grid must rank on it, say why, and follow the shopper's interest,
// not merely change order: a department the shopper dwells on moves up.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { ShopPage } from './shop-page.ts';

/** The page's WebGL 2 renderer, or null when the browser offers none. */
function webgl2Renderer(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    return gl === null ? null : String(gl.getParameter(gl.RENDERER));
  });
}

test('?backend=webgl ranks the storefront on WebGL 2, says it was asked for, and pulls a viewed department up', async ({ storefront, page }) => {
  await storefront.open('?backend=webgl');
  // What the rest rests on: the browser offers WebGL 2 (else the grid would name its fallback).
  expect(await webgl2Renderer(page)).not.toBeNull();
  await expect(storefront.grid).toHaveAttribute('data-backend', 'webgl');
  await expect(storefront.grid).toHaveAttribute('data-backend-reason', 'asked for webgl');
  await expect(storefront.cards).toHaveCount(24);

  const before = await storefront.topIds();
  const department = (await storefront.topCategories())[2] ?? '';
  const countBefore = await storefront.countInTop(department);
  const id = await storefront.grid.locator(`[data-category="${department}"]`).first().getAttribute('data-item-id');
  await storefront.viewAndAddToCart(id ?? '');
  expect(await storefront.topIds()).not.toEqual(before);
  expect(await storefront.countInTop(department)).toBeGreaterThan(countBefore);
  // Still on WebGL after the re-ranks: no silent move to another backend on the way.
  await expect(storefront.grid).toHaveAttribute('data-backend', 'webgl');
});

test('backend="webgl" on <vitrine-grid> ranks on WebGL 2, and the page’s own purchases pull their department up', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  const grid = await shop.open('webgl');
  expect(await webgl2Renderer(page)).not.toBeNull();
  await expect(grid.grid).toHaveAttribute('data-backend', 'webgl');
  await expect(grid.grid).toHaveAttribute('data-backend-reason', 'asked for webgl');
  await expect(grid.cards).toHaveCount(8);

  const department = await shop.leastShownDepartment(grid, 8);
  const before = await grid.countInTop(department, 8);
  for (const itemId of await shop.productsIn(department)) {
    await grid.afterRerank(() => shop.product(itemId).getByRole('button', { name: 'Buy now' }).click());
  }
  expect(await grid.countInTop(department, 8)).toBeGreaterThan(before);
  await expect(grid.grid).toHaveAttribute('data-backend', 'webgl');
});
