// A paged model (src/core/vector-pages.ts) in the storefront and the shop page: the browser
// downloads the codes and the page list, never the whole vectors file, and fetches the pages of
// the rows it ranks exactly; a department still pulls to the top after clicks, a reload restores
// the ranking, search answers, and a page damaged on the way is refused, naming it. Which files
// were fetched comes from the request log.
import type { Request } from '@playwright/test';
import { expect, fault, test } from './fixtures.ts';
import { buildPagedModel, PAGED_MODEL, type PagedFixture } from './paged-model.ts';
import { rewrite } from './rewrite-response.ts';
import { ShopPage } from './shop-page.ts';

let fixture: PagedFixture;

test.beforeAll(async () => {
  fixture = await buildPagedModel();
});

const paths = (requests: Request[]): string[] => requests.map((request) => new URL(request.url()).pathname);
const pagesFetched = (requests: Request[]): Set<string> => new Set(paths(requests).filter((path) => path.startsWith(`/models/${PAGED_MODEL}/vectors/`)));

test('a first visit downloads the codes, not the vectors, and clicks pull a department up from the pages they fetch', async ({ storefront, requests }) => {
  await storefront.open(`?models=${PAGED_MODEL}&backend=webgpu`);
  await expect(storefront.cards).toHaveCount(24);
  // Its codes are scored in the WebAssembly kernel, whatever backend the page asked for.
  expect(await storefront.grid.getAttribute('data-backend')).toBe('wasm');
  // The page asked for WebGPU: the notice says why it is not used, not that the browser lacks it.
  await expect(storefront.page.getByRole('status').first()).toContainText(
    'WebGPU is not used for this catalogue: it is paged, and scored from its codes (WebAssembly).',
  );
  const fetched = paths(requests);
  expect(fetched).toContain(`/models/${PAGED_MODEL}/codes.pq.bin`);
  expect(fetched).toContain(`/models/${PAGED_MODEL}/vector-pages.bin`);
  expect(fetched.filter((path) => path.endsWith('.int8.bin'))).toEqual([]);

  const department = (await storefront.topCategories())[0] ?? '';
  await storefront.viewAndCartIn(department, 4);
  const after = await storefront.topCategories();
  // As the whole demo's storefront test: 8 of the first 12 is all the shop's rules let the department be sure to hold.
  expect(after.filter((category) => category === department).length, `first 12 after: ${after.join(', ')}`).toBeGreaterThanOrEqual(8);
  const pages = pagesFetched(requests);
  expect(pages.size).toBeGreaterThan(0);
  // The re-rank of 200 candidates and the rows shown: far from every page.
  expect(pages.size).toBeLessThan(fixture.pagePaths.length);
  expect([...pages].every((path) => fixture.pagePaths.includes(path.slice(`/models/${PAGED_MODEL}/`.length)))).toBe(true);
});

test('a reload restores the ranking, its reasons reading the pages of the items they name', async ({ storefront, page }) => {
  await storefront.open(`?models=${PAGED_MODEL}&backend=wasm`);
  const [first] = await storefront.topIds(1);
  await storefront.viewAndAddToCart(first ?? '');
  const ranked = async (): Promise<string[]> =>
    storefront.cards.evaluateAll((cards) => cards.filter((c) => c.getAttribute('data-reason') !== 'explore').map((c) => c.getAttribute('data-item-id') ?? ''));
  const before = await ranked();
  await page.reload();
  await storefront.waitReady();
  // A reload is a new session, whose exploration slots may differ: the ranked cards keep their order.
  const after = await ranked();
  const kept = Math.min(before.length, after.length);
  expect(kept).toBeGreaterThanOrEqual(20);
  expect(after.slice(0, kept)).toEqual(before.slice(0, kept));
});

test('a returning shopper’s pages come from the HTTP cache without a request to the server', async ({ storefront, page }) => {
  await storefront.open(`?models=${PAGED_MODEL}&backend=wasm`);
  const [first] = await storefront.topIds(1);
  await storefront.viewAndAddToCart(first ?? '');
  // The next visit restores the interest, reading the pages of the items it names.
  await page.reload();
  await storefront.waitReady();
  const pageReads = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((entry) => new URL(entry.name).pathname.includes('/vectors/'))
      .map((entry) => entry.transferSize),
  );
  expect(pageReads.length).toBeGreaterThan(0);
  // 0 bytes over the network: no body and no 304's headers either (a revalidation costs a round trip each).
  expect(pageReads.filter((bytes) => bytes > 0)).toEqual([]);
});

test('a search on a paged model shows the item whose title it names', async ({ storefront }) => {
  await storefront.open(`?models=${PAGED_MODEL}&backend=wasm`);
  const [, second] = await storefront.topIds(2);
  const title = fixture.items.get(second ?? '')?.title ?? '';
  await storefront.search(title);
  expect(await storefront.mode()).toBe('search');
  expect(await storefront.topIds(24)).toContain(second);
});

test('the shop page’s embedded grids on a paged model re-rank after a click', async ({ page, requests }) => {
  const grid = await new ShopPage(page).open(undefined, `/models/${PAGED_MODEL}`);
  const [first] = await grid.topIds(1);
  await grid.addToCart(first ?? '');
  expect(pagesFetched(requests).size).toBeGreaterThan(0);
  expect(paths(requests).filter((path) => path.endsWith('.int8.bin'))).toEqual([]);
});

test(
  'a vector page damaged on the way is refused, naming the page and the list that holds its checksum',
  fault('Model files', 'A vector page of a paged model corrupted: one byte changed'),
  async ({ page }) => {
    await rewrite(page, `**/models/${PAGED_MODEL}/vectors/*.bin`, (body) => {
      const damaged = Buffer.from(body);
      damaged[0] = (damaged[0] ?? 0) ^ 1;
      return damaged;
    });
    await page.goto(`/?models=${PAGED_MODEL}&backend=wasm`);
    const alert = page.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error-code', 'MODEL_CHECKSUM_MISMATCH');
    await expect(alert).toContainText(
      new RegExp(`/models/${PAGED_MODEL}/vectors/[0-9a-f]{64}\\.bin: expected sha256 [0-9a-f]{64} \\(vector-pages\\.bin\\), found [0-9a-f]{64}`),
    );
    // Pages still on their way when the test ends are let go (as for card shards).
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  },
);
