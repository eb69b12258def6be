// List quality: the grid respects the shop's catalogue (stock, variants, a pinned product) and stays
// varied while a shopper sticks to one department. The demo catalogue's facts are read from the
// built model folder, as the browser reads them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Storefront } from './fixtures.ts';

interface DemoCatalogFile {
  items: Array<{ id: string; title: string; category: string; group?: string; inStock?: boolean }>;
  rules: { pin: Array<{ item: string; position: number }> };
}

const catalog = JSON.parse(readFileSync(resolve(import.meta.dirname, '../models/demo/catalog.json'), 'utf8')) as DemoCatalogFile;
const outOfStock = new Set(catalog.items.filter((item) => item.inStock === false).map((item) => item.id));
const groupOf = new Map(catalog.items.flatMap((item) => (item.group === undefined ? [] : [[item.id, item.group] as const])));
const pin = catalog.rules.pin[0] ?? { item: '(no pin in the demo rules)', position: 0 };

/** The grid's invariants: no out-of-stock item, no two variants of one product, the pin in its slot (not in search results, which show matches only). */
async function expectShopRules(storefront: Storefront, step: string): Promise<void> {
  const ids = await storefront.topIds(24);
  expect(
    ids.filter((id) => outOfStock.has(id)),
    `out-of-stock cards ${step}`,
  ).toEqual([]);
  const groups = ids.flatMap((id) => groupOf.get(id) ?? []);
  expect(groups.length - new Set(groups).size, `variants sharing a group ${step}: ${groups.join(', ')}`).toBe(0);
  if ((await storefront.mode()) === 'search') return;
  const pinned = storefront.cards.nth(pin.position);
  await expect(pinned, `the pinned card ${step}`).toHaveAttribute('data-item-id', pin.item);
  await expect(pinned).toHaveAttribute('data-reason', 'pinned');
}

test('one department only: the grid stays varied, shows no out-of-stock item and no two variants, and the pin holds its slot', async ({ storefront }) => {
  // A department with an out-of-stock product and a product whose variants are all in stock.
  const inDepartment = (category: string) => catalog.items.filter((item) => item.category === category);
  const department =
    [...new Set(catalog.items.map((item) => item.category))].find(
      (category) =>
        inDepartment(category).some((item) => outOfStock.has(item.id)) &&
        inDepartment(category).some((item) => item.group !== undefined && !outOfStock.has(item.id)),
    ) ?? '';
  const missing = inDepartment(department).find((item) => outOfStock.has(item.id));
  const variant = inDepartment(department).find(
    (item) => item.group !== undefined && catalog.items.every((other) => other.group !== item.group || !outOfStock.has(other.id)),
  );
  expect(missing && variant, `a department with an out-of-stock item and an in-stock variant group (${department})`).toBeTruthy();

  await storefront.open();
  await expectShopRules(storefront, 'on the first visit');

  // Searching for the out-of-stock product's own title: products like it come up, it does not.
  await storefront.search(missing?.title ?? '');
  expect(await storefront.countInTop(department), `first 12 after searching "${missing?.title}"`).toBeGreaterThanOrEqual(4);
  await expectShopRules(storefront, `in the results for out-of-stock ${missing?.id}`);
  await storefront.leaveSearch();
  await expectShopRules(storefront, `after searching for out-of-stock ${missing?.id}`);

  // Searching for a product with variants: one of them is shown, never two.
  await storefront.search(variant?.title ?? '');
  const ids = await storefront.topIds(24);
  expect(
    ids.filter((id) => groupOf.get(id) === variant?.group),
    `cards of group ${variant?.group}`,
  ).toHaveLength(1);
  await expectShopRules(storefront, `in the results for ${variant?.id}`);
  await storefront.leaveSearch();
  await expectShopRules(storefront, `after searching for ${variant?.id}`);

  // Then views and add-to-carts in that department only.
  const touched = new Set<string>();
  for (let step = 0; step < 3; step++) {
    const candidates = await storefront.grid
      .locator(`[data-category="${department}"]`)
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id') ?? ''));
    const next = candidates.find((id) => !touched.has(id) && id !== pin.item) ?? '';
    touched.add(next);
    await storefront.viewAndAddToCart(next);
    await expectShopRules(storefront, `after adding ${next}`);
  }
  const top = await storefront.topCategories();
  expect(top.filter((c) => c === department).length, `first 12: ${top.join(', ')}`).toBeGreaterThanOrEqual(6);
  // Not counting the pinned card: the shop placed it, whatever the shopper did.
  const notPinned = top.filter((_, position) => position !== pin.position);
  expect(new Set(notPinned).size, `first 12 without the pinned card: ${notPinned.join(', ')}`).toBeGreaterThanOrEqual(2);
  // The demo's firstRow rule: at most two cards of one department among the first four.
  const firstRow = top.slice(0, 4);
  expect(Math.max(...firstRow.map((c) => firstRow.filter((other) => other === c).length)), `first row: ${firstRow.join(', ')}`).toBeLessThanOrEqual(2);
});
