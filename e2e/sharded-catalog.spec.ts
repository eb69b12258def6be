// A sharded catalogue (src/core/card-shards.ts) in the storefront: the first visit fetches the card
// shards of what it shows, not the catalogue; clicks, the cart and search show real cards; search
// reads the prebuilt index's files, not every card; a shard damaged on the way is refused, naming it. Which shards were fetched comes from the request log.
import type { Request } from '@playwright/test';
import { expect, fault, test, type Storefront } from './fixtures.ts';
import { rewrite } from './rewrite-response.ts';
import { ShopPage } from './shop-page.ts';
import { buildShardedModel, ROWS_PER_SHARD, SHARDED_MODEL, type ShardedFixture } from './sharded-model.ts';

let fixture: ShardedFixture;

test.beforeAll(async () => {
  fixture = await buildShardedModel();
});

/** The card shards requested so far, by path. */
const shardsFetched = (requests: Request[]): Set<string> =>
  new Set(requests.map((request) => new URL(request.url()).pathname).filter((path) => path.startsWith(`/models/${SHARDED_MODEL}/cards/`)));

const GRID = 24;

/** The shard index of each card on the grid. */
async function shardsShown(storefront: Storefront): Promise<Set<number>> {
  const ids = await storefront.topIds(100);
  return new Set(ids.map((id) => Math.floor((fixture.items.get(id)?.row ?? -1) / ROWS_PER_SHARD)));
}

/** A shard's path, from the catalogue's list. */
const shardPathOf = (index: number): string => `/models/${SHARDED_MODEL}/${fixture.shardPaths[index] ?? '(none)'}`;

/** Every card's title next to the catalogue's title for its id. */
async function titlesShown(storefront: Storefront): Promise<{ shown: string[]; catalogue: string[] }> {
  const ids = await storefront.topIds(100);
  const shown = await storefront.cards.evaluateAll((cards) => cards.map((card) => card.querySelector('.card__title')?.textContent ?? ''));
  return { shown, catalogue: ids.map((id) => fixture.items.get(id)?.title ?? `(no item ${id})`) };
}

test('a first visit fetches the shards of the cards on show, not the whole catalogue, and clicks show real cards', async ({ storefront, page, requests }) => {
  const encoderModel = page.waitForRequest((request) => new URL(request.url()).pathname.startsWith('/encoder/'));
  await storefront.open(`?models=${SHARDED_MODEL}&backend=wasm`);
  const { shown, catalogue } = await titlesShown(storefront);
  expect(shown).toEqual(catalogue);
  expect(shown).toHaveLength(24);
  const needed = await shardsShown(storefront);
  const fetched = shardsFetched(requests);
  expect([...needed].every((shard) => fetched.has(shardPathOf(shard)))).toBe(true);
  // Besides the engine's grid: the first grid's cards (it may differ by its exploration slots) and
  // the three grids' worth ranked below the grid, fetched ahead; at most one shard a card.
  expect(fetched.size).toBeLessThanOrEqual(needed.size + GRID + 3 * GRID);

  const [first] = await storefront.topIds(1);
  await storefront.viewAndAddToCart(first ?? '');
  const after = await titlesShown(storefront);
  expect(after.shown).toEqual(after.catalogue);
  await page.getByRole('button', { name: /^Cart \(/ }).click();
  await expect(page.getByRole('dialog')).toContainText(fixture.items.get(first ?? '')?.title ?? '(none)');
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

  // Left alone, the page prepares the search's encoder, but not the index.
  await encoderModel;
  expect(shardsFetched(requests).size).toBeLessThan(fixture.shardPaths.length);
});

/** The prebuilt search index's files requested so far, by path. */
const searchFilesFetched = (requests: Request[]): string[] =>
  requests.map((request) => new URL(request.url()).pathname).filter((path) => path.startsWith(`/models/${SHARDED_MODEL}/search/`));

test('a search answers from the prebuilt index’s files, fetching only the cards it shows, with their titles', async ({ storefront, requests }) => {
  await storefront.open(`?models=${SHARDED_MODEL}&backend=wasm`);
  const [, second] = await storefront.topIds(2);
  const title = fixture.items.get(second ?? '')?.title ?? '';
  const cardsBefore = shardsFetched(requests);
  await storefront.search(title);
  expect(await storefront.mode()).toBe('search');
  const { shown, catalogue } = await titlesShown(storefront);
  expect(shown).toEqual(catalogue);
  expect(shown).toContain(title);
  // The vocabulary and the shards of the title's words, not all of them.
  const searchFiles = new Set(searchFilesFetched(requests));
  expect(searchFiles.size).toBeGreaterThan(1);
  expect(searchFiles.size).toBeLessThan(fixture.searchPaths.length);
  // The cards the search brought: at most a shard a match shown (and those fetched ahead of them), never the catalogue.
  const cardsAfter = shardsFetched(requests);
  expect(cardsAfter.size - cardsBefore.size).toBeLessThanOrEqual(shown.length + 3 * GRID);
  expect(cardsAfter.size).toBeLessThan(fixture.shardPaths.length);
});

test(
  'a search index shard damaged on the way is refused, naming it and the checksum catalog.json lists',
  fault('Model files', 'A shard of a sharded catalogue’s search index corrupted: one byte changed'),
  async ({ storefront, page }) => {
    await rewrite(page, `**/models/${SHARDED_MODEL}/search/*.bin`, (body) => Buffer.from(body.map((byte, at) => (at === 0 ? byte ^ 1 : byte))));
    await storefront.open(`?models=${SHARDED_MODEL}&backend=wasm`);
    await storefront.searchBox.fill('ceramic teapot');
    await storefront.searchBox.press('Enter');
    await expect(page.getByRole('status').filter({ hasText: 'Could not search' })).toContainText(
      new RegExp(`/models/${SHARDED_MODEL}/search/[0-9a-f]{64}\\.bin: expected sha256 [0-9a-f]{64} \\(catalog\\.json\\), found [0-9a-f]{64}`),
    );
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  },
);

test('the shop page’s embedded grids on a sharded catalogue show real cards, and re-rank after a click', async ({ page, requests }) => {
  const grid = await new ShopPage(page).open('wasm', `/models/${SHARDED_MODEL}`);
  const before = await titlesShown(grid);
  expect(before.shown).toEqual(before.catalogue);
  expect(before.shown).toHaveLength(8);
  // A placement's list (trending) is a section of its own element.
  const trending = page.locator(`vitrine-grid#trending section[data-placement] [data-item-id]`);
  await expect(trending).toHaveCount(4);
  const trendingIds = await trending.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-item-id') ?? ''));
  const trendingTitles = await trending.evaluateAll((cards) => cards.map((card) => card.querySelector('.card__title')?.textContent ?? ''));
  expect(trendingTitles).toEqual(trendingIds.map((id) => fixture.items.get(id)?.title ?? `(no item ${id})`));

  const [first] = await grid.topIds(1);
  await grid.addToCart(first ?? '');
  const after = await titlesShown(grid);
  expect(after.shown).toEqual(after.catalogue);
  // The cards came from the sharded model's shards (the demo's whole catalogue has the same titles).
  expect(shardsFetched(requests).size).toBeGreaterThan(0);
});

test(
  'a shard damaged on the way is refused, naming the shard and the checksum catalog.json lists',
  fault('Model files', 'A card shard of a sharded catalogue corrupted: one character changed'),
  async ({ page }) => {
    // One letter of the first title changed: the same size, another sha256.
    await rewrite(page, `**/models/${SHARDED_MODEL}/cards/*.json`, (body) =>
      Buffer.from(body.toString('utf8').replace(/"title":"(.)/, (_, letter: string) => `"title":"${letter === 'X' ? 'Y' : 'X'}`)),
    );
    await page.goto(`/?models=${SHARDED_MODEL}&backend=wasm`);
    const alert = page.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error-code', 'MODEL_CHECKSUM_MISMATCH');
    await expect(alert).toContainText(
      new RegExp(`/models/${SHARDED_MODEL}/cards/[0-9a-f]{64}\\.json: expected sha256 [0-9a-f]{64} \\(catalog\\.json\\), found [0-9a-f]{64}`),
    );
    // Shards still on their way when the test ends are let go: rewriting one after the page has
    // closed throws in the route handler, which crashed the test worker once in CI.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  },
);
