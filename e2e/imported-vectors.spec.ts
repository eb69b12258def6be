// A storefront on a model whose item vectors came from the shop's own embedding model
// (build:models --item-vectors, see imported-model.ts): it re-ranks after clicks, and search
// answers a query through the map from the built-in encoder's space into the imported one.
import { buildImportedModel, IMPORTED_MODEL } from './imported-model.ts';
import { expect, test } from './fixtures.ts';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await buildImportedModel();
});

test('a storefront on imported item vectors pulls one department to the top after viewing and carting its products', async ({ storefront }) => {
  await storefront.open(`?models=${IMPORTED_MODEL}&backend=wasm`);
  const first = await storefront.topCategories();
  const department = first[0] ?? '';
  const before = await storefront.countInTop(department);
  await storefront.viewAndCartIn(department, 3);
  const after = await storefront.topCategories();
  // This catalogue has no shop rules (no department caps), so the department can fill the first
  // row; exploration slots may take two of the 12.
  expect(after.filter((c) => c === department).length, `first 12 before: ${first.join(', ')}; after: ${after.join(', ')}`).toBeGreaterThanOrEqual(
    Math.max(before + 1, 8),
  );
});

test('a storefront on imported item vectors answers a search with that product type first', async ({ storefront }) => {
  await storefront.open(`?models=${IMPORTED_MODEL}&backend=wasm`);
  await storefront.search('air fryer');
  const titles = await storefront.cards.evaluateAll((cards) => cards.slice(0, 4).map((card) => card.querySelector('h3')?.textContent ?? ''));
  expect(
    titles.filter((title) => !/air fryer/i.test(title)),
    `first 4: ${titles.join(' | ')}`,
  ).toEqual([]);
  const count = Number(await storefront.grid.getAttribute('data-result-count'));
  await expect(storefront.grid).toContainText(`${count} ${count === 1 ? 'product matches' : 'products match'}`);
  await expect(storefront.grid.getByRole('heading', { level: 2 })).toHaveText('Results for “air fryer”');
});
