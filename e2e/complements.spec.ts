// The complements placement on the example shop (/shop/): on the product page, what goes with the
// product on show; in the cart, what goes with the cart. The demo model is built without an event
// log, so it has no co-purchase statistics: these lists are the text-based fallback (products close
// in text from other departments), and an empty cart shows trending. What is bought together comes
// from the builder's complements file (src/core/recommender-complements.test.ts, docs/results.md).
// The grids run on wasm (see widget.spec.ts).
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { ShopPage } from './shop-page.ts';

const placement = (page: Page, id: string): Locator => page.locator(`vitrine-grid#${id} section[data-placement]`);
const attribute = (grid: Locator, name: string): Promise<string[]> =>
  grid.locator('[data-item-id]').evaluateAll((cards, name) => cards.map((c) => c.getAttribute(name) ?? ''), name);

test('the product page lists products from other departments that go with the one on show, saying so', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  await shop.open('wasm');
  const [shown] = await shop.productsIn('Kitchen');
  if (shown === undefined) throw new Error('the shop lists no Kitchen product');
  await shop.product(shown).getByRole('button').first().click();
  const title = (await page.locator('#product-title').innerText()).trim();
  const complements = placement(page, 'complements');
  await expect(complements).toHaveAttribute('data-shows', 'complements');
  await expect(complements.locator('[data-item-id]')).toHaveCount(4);
  await expect(complements.getByRole('heading', { level: 2 })).toHaveText('Goes well with it');
  expect(await attribute(complements, 'data-reason')).toEqual(['goes-with', 'goes-with', 'goes-with', 'goes-with']);
  await expect(complements.locator('[data-item-id]').first()).toContainText(`Goes with ${title}`);
  // Not substitutes: nothing from the product's own department (similar shows those), nor the product.
  expect(await attribute(complements, 'data-category')).not.toContain('Kitchen');
  expect(await attribute(complements, 'data-item-id')).not.toContain(shown);
  const similar = placement(page, 'similar');
  await expect(similar.locator('[data-item-id]')).toHaveCount(4);
  const alike = await attribute(similar, 'data-item-id');
  expect((await attribute(complements, 'data-item-id')).filter((id) => alike.includes(id))).toEqual([]);
});

test('the cart shows trending while empty, then what goes with everything in it, never what is in it', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  await shop.open('wasm');
  const cart = placement(page, 'cart-complements');
  await expect(cart).toHaveAttribute('data-shows', 'trending');
  await expect(cart).toHaveAttribute('data-placement', 'complements');
  await expect(cart).toContainText('What goes with the products in your cart will show here.');

  const [kitchen] = await shop.productsIn('Kitchen');
  if (kitchen === undefined) throw new Error('the shop lists no Kitchen product');
  await shop.product(kitchen).getByRole('button', { name: 'Add to cart' }).click();
  await page.locator('#cart-button').click();
  await expect(cart).toHaveAttribute('data-shows', 'complements');
  await expect(cart.getByRole('heading', { level: 2 })).toHaveText('Complete your order');
  await expect(cart.locator('[data-item-id]')).toHaveCount(4);
  const withKitchen = await attribute(cart, 'data-category');
  expect(withKitchen).not.toContain('Kitchen');

  // A product from a department that goes with the kitchen product: once it is in the cart, that
  // department is a substitute's, and leaves the list.
  const other = withKitchen[0] ?? '';
  const [second] = await shop.productsIn(other);
  if (second === undefined) throw new Error(`the shop lists no ${other} product`);
  await shop.product(second).getByRole('button', { name: 'Add to cart' }).click();
  await expect.poll(() => attribute(cart, 'data-category')).not.toContain(other);
  const categories = await attribute(cart, 'data-category');
  expect(categories).toHaveLength(4);
  expect(categories).not.toContain('Kitchen');
  const listed = await attribute(cart, 'data-item-id');
  expect(listed).not.toContain(kitchen);
  expect(listed).not.toContain(second);

  // Bought: the cart is empty again, and so is what goes with it.
  await page.locator('#checkout').click();
  await expect(cart).toHaveAttribute('data-shows', 'trending');
});
