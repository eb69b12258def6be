// The buy-again placement on the example shop (/shop/): trending until something the shopper bought
// is due again under the demo catalogue's repurchase rules (Grocery after 14 days), then that
// product; a durable bought (Kitchen, no rule) never comes back. The days pass on Playwright's clock,
// installed before a reload: the events stay in IndexedDB and the page reads them at the new date.
// The grids run on wasm (see widget.spec.ts).
import { expect, test } from './fixtures.ts';
import { ShopPage } from './shop-page.ts';

const DAY_MS = 86_400_000;

test('buy again shows trending until a bought consumable is due again, then that product, never a bought durable', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  await shop.open('wasm');
  const buyAgain = page.locator('vitrine-grid#buy-again section[data-placement]');
  await expect(buyAgain).toHaveAttribute('data-shows', 'trending');
  await expect(buyAgain).toContainText('What you buy regularly will show here when it is due again.');

  const [grocery] = await shop.productsIn('Grocery');
  const [kitchen] = await shop.productsIn('Kitchen');
  if (grocery === undefined || kitchen === undefined) throw new Error('the shop lists no Grocery or no Kitchen product');
  await shop.product(grocery).getByRole('button', { name: 'Add to cart' }).click();
  await shop.product(kitchen).getByRole('button', { name: 'Add to cart' }).click();
  await page.locator('#cart-button').click();
  await page.locator('#checkout').click();
  await expect(shop.log).toContainText('checked out');
  // Bought today: nothing is due yet.
  await expect(buyAgain).toHaveAttribute('data-shows', 'trending');

  await page.clock.install({ time: Date.now() + 15 * DAY_MS });
  await page.reload();
  await shop.grid('recommendations').waitReady();
  await expect(buyAgain).toHaveAttribute('data-shows', 'buy-again');
  await expect(buyAgain.getByRole('heading', { level: 2 })).toHaveText('Buy again');
  const listed = await buyAgain.locator('[data-item-id]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id')));
  expect(listed).toEqual([grocery]);
  await expect(buyAgain.locator(`[data-item-id="${grocery}"]`)).toContainText('You bought this');
});
