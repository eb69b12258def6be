// The placements beside "For you" on the example shop (/shop/): recently viewed (trending until the
// shopper has looked at something), trending, and the product page's similar products, all from
// the one model and the one shopper the page's grids share. The grids run on wasm (see
// widget.spec.ts: many re-ranks on the software WebGPU adapter take minutes).
import type { Locator, Page } from '@playwright/test';
import { consoleMessages, expect, test } from './fixtures.ts';
import { readmeExample } from './readme-example.ts';
import { ShopPage } from './shop-page.ts';

/** A placement grid's section (its data attributes) inside the element with this id. */
const placement = (page: Page, id: string): Locator => page.locator(`vitrine-grid#${id} section[data-placement]`);
const ids = (grid: Locator): Promise<string[]> => grid.locator('[data-item-id]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id') ?? ''));
const attribute = (grid: Locator, name: string): Promise<string[]> =>
  grid.locator('[data-item-id]').evaluateAll((cards, name) => cards.map((c) => c.getAttribute(name) ?? ''), name);

test("the README's placements example, as written, shows each placement with its own list", async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const body = readmeExample('placements:example');
  await page.route('**/readme-placements.html', (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: `<!doctype html><html><head><title>Placements</title></head><body>${body}</body></html>` }),
  );
  await page.goto('/readme-placements.html');
  const sections = page.locator('vitrine-grid section[data-placement]');
  await expect(sections).toHaveCount(5, { timeout: 90_000 });
  const grids = page.locator('vitrine-grid');
  const section = (n: number) => grids.nth(n).locator('section[data-placement]');
  await expect(section(0)).toHaveAttribute('data-shows', 'for-you');
  await expect(section(0).locator('[data-item-id]')).toHaveCount(8);
  await expect(section(1)).toHaveAttribute('data-shows', 'similar');
  await expect(section(1).locator('[data-item-id]')).toHaveCount(4);
  expect(await ids(section(1))).not.toContain('p0042');
  await expect(section(2)).toHaveAttribute('data-shows', 'complements');
  await expect(section(2).locator('[data-item-id]')).toHaveCount(4);
  expect(await ids(section(2))).not.toContain('p0042');
  await expect(section(3)).toHaveAttribute('data-shows', 'trending');
  await expect(section(4)).toHaveAttribute('data-shows', 'trending');
  await expect(section(4).getByRole('heading', { level: 2 })).toHaveText('Trending in Garden');
  expect(await attribute(section(4), 'data-category')).toEqual(['Garden', 'Garden', 'Garden', 'Garden']);
});

test('a new shopper sees trending products where recently viewed will be, then what they viewed, newest first', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  await shop.open('wasm');
  const recent = placement(page, 'recently-viewed');
  const trending = placement(page, 'trending');
  await expect(recent).toHaveAttribute('data-shows', 'trending');
  await expect(recent.getByRole('heading', { level: 2 })).toHaveText('Trending now');
  await expect(trending).toHaveAttribute('data-shows', 'trending');
  await expect(trending.locator('[data-item-id]')).toHaveCount(4);
  expect(await attribute(trending, 'data-reason')).toEqual(['popular', 'popular', 'popular', 'popular']);
  // Both show the popularity prior: the fallback is the trending list itself.
  expect(await ids(recent)).toEqual(await ids(trending));

  const [first, second] = (await shop.productsIn('Kitchen')).slice(0, 2) as [string, string];
  await shop.product(first).getByRole('button').first().click();
  await shop.product(second).getByRole('button', { name: 'Add to cart' }).click();
  await expect(recent).toHaveAttribute('data-shows', 'recently-viewed');
  await expect.poll(() => ids(recent)).toEqual([second, first]);
  await expect(recent.getByRole('heading', { level: 2 })).toHaveText('Recently viewed');
  expect(await attribute(recent, 'data-reason')).toEqual(['recent', 'recent']);
  await expect(recent.locator(`[data-item-id="${first}"]`)).toContainText('You viewed this');
});

test('the product page lists products like the one on show, never itself, and follows the product shown', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  await shop.open('wasm');
  const [shown] = await shop.productsIn('Garden');
  if (shown === undefined) throw new Error('the shop lists no Garden product');
  await shop.product(shown).getByRole('button').first().click();
  const title = (await page.locator('#product-title').innerText()).trim();
  const similar = placement(page, 'similar');
  await expect(similar).toHaveAttribute('data-shows', 'similar');
  await expect(similar.locator('[data-item-id]')).toHaveCount(4);
  await expect(similar.getByRole('heading', { level: 2 })).toHaveText(`Similar to ${title}`);
  expect(await ids(similar)).not.toContain(shown);
  expect(await attribute(similar, 'data-reason')).toEqual(['like', 'like', 'like', 'like']);
  // Products alike in text and behaviour: the demo's departments are far apart in the item space.
  expect(await attribute(similar, 'data-category')).toEqual(['Garden', 'Garden', 'Garden', 'Garden']);

  // A similar card opens its product (the page's navigation), and the list follows it.
  const [next] = await ids(similar);
  await similar.locator(`[data-item-id="${next}"]`).getByRole('heading').click();
  await expect(page.locator('#product')).toHaveAttribute('data-item-id', next ?? '');
  await expect(shop.log).toContainText('(similar)');
  await expect.poll(() => ids(similar)).not.toContain(next);
  await expect(similar.locator('[data-item-id]')).toHaveCount(4);
});

test('a similar grid without an item, or with one the catalogue lacks, says which attribute is wrong', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  await shop.open('wasm');
  const errors = await page.evaluate(async () => {
    const messages: string[] = [];
    for (const item of [null, 'no-such-product']) {
      const grid = document.createElement('vitrine-grid');
      grid.setAttribute('models', '/models/demo');
      grid.setAttribute('placement', 'similar');
      if (item !== null) grid.setAttribute('item', item);
      const failed = new Promise<string>((resolve) =>
        grid.addEventListener('vitrine:error', (event) => resolve((event as CustomEvent<{ error: Error }>).detail.error.message)),
      );
      document.body.append(grid);
      messages.push(await failed);
      grid.remove();
    }
    return messages;
  });
  expect(errors[0]).toMatch(/"item"/);
  expect(errors[0]).toContain('<vitrine-grid> attribute');
  expect(errors[1]).toMatch(/"item" "no-such-product" is not in the catalogue/);
});

test('stock and price changes from the page reach every grid and placement at the next ranking, without a reload', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const warnings = consoleMessages(page, 'warning');
  const shop = new ShopPage(page);
  const main = await shop.open('wasm');
  const [viewed] = await shop.productsIn('Garden');
  if (viewed === undefined) throw new Error('the shop lists no Garden product');
  await shop.product(viewed).getByRole('button').first().click();
  const similar = placement(page, 'similar');
  const complements = placement(page, 'complements');
  const trending = placement(page, 'trending');
  const recent = placement(page, 'recently-viewed');
  await expect(similar.locator('[data-item-id]')).toHaveCount(4);
  await expect(complements.locator('[data-item-id]')).toHaveCount(4);
  await expect(recent).toHaveAttribute('data-shows', 'recently-viewed');
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  const [fromSimilar] = await ids(similar);
  const [fromComplements] = await ids(complements);
  const [fromTrending] = await ids(trending);
  const [fromMain, repriced] = await main.topIds(2);
  const gone = [viewed, fromSimilar, fromComplements, fromTrending, fromMain];
  const result = await page.evaluate(
    ({ gone, repriced }) => {
      // The element's type is the widget's, which this Node-side file does not import.
      const grid = document.querySelector('vitrine-grid#recommendations') as unknown as {
        setAvailability(changes: unknown): Promise<{ ignored: string[] }>;
      };
      return grid.setAvailability([
        ...gone.map((item) => ({ item, inStock: false })),
        { item: repriced, price: 1.23 },
        { item: 'new-since-the-build', inStock: true },
      ]);
    },
    { gone, repriced },
  );
  expect(result.ignored).toEqual(['new-since-the-build']);
  expect(warnings.some((line) => line.includes('new-since-the-build') && line.includes('ignored until the next build'))).toBe(true);

  for (const grid of [main.grid, similar, complements, trending, recent]) {
    await expect.poll(() => ids(grid)).not.toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^(${gone.join('|')})$`))]));
  }
  // The only item viewed is out of stock now: the recently viewed list falls back to trending.
  await expect(recent).toHaveAttribute('data-shows', 'trending');
  await expect(main.grid.locator(`[data-item-id="${repriced}"]`)).toContainText('1.23');
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});

test('vitrine:impression tells the page which cards each grid showed, with the placement and positions', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  await page.addInitScript(() => {
    const seen: Array<{ placement: string; shown: Array<{ itemId: string; position: number }> }> = [];
    (window as unknown as { seen: typeof seen }).seen = seen;
    document.addEventListener('vitrine:impression', (event) => seen.push((event as CustomEvent<(typeof seen)[number]>).detail));
  });
  const shop = new ShopPage(page);
  const main = await shop.open('wasm');
  const seen = () =>
    page.evaluate(() => (window as unknown as { seen: Array<{ placement: string; shown: Array<{ itemId: string; position: number }> }> }).seen);
  const shownIn = async (placementName: string) =>
    (await seen()).filter((event) => event.placement === placementName).flatMap((event) => event.shown.map(({ itemId, position }) => `${position}:${itemId}`));

  await expect.poll(async () => (await shownIn('for-you')).length).toBeGreaterThan(0);
  const mainCards = (await main.topIds(8)).map((id, position) => `${position}:${id}`);
  expect((await shownIn('for-you')).every((card) => mainCards.includes(card))).toBe(true);

  const trending = placement(page, 'trending');
  await trending.scrollIntoViewIfNeeded();
  const trendingCards = (await ids(trending)).map((id, position) => `${position}:${id}`);
  await expect.poll(async () => new Set(await shownIn('trending'))).toEqual(new Set(trendingCards));
});

test('availability.json beside the model takes its items out of every grid from the start, and is read on each visit', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  const main = await shop.open('wasm');
  const trending = placement(page, 'trending');
  await expect(trending.locator('[data-item-id]')).toHaveCount(4);
  const [fromTrending] = await ids(trending);
  const [fromMain] = await main.topIds(1);
  const gone = [fromTrending ?? '', fromMain ?? ''];

  await page.route('**/models/demo/availability.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify(gone.map((item) => ({ item, inStock: false }))) }),
  );
  await page.reload();
  await main.waitReady();
  await expect(trending.locator('[data-item-id]')).toHaveCount(4);
  for (const grid of [main.grid, trending])
    expect(await ids(grid)).not.toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^(${gone.join('|')})$`))]));

  // The shop's next file puts them back: the file is not a cached model file.
  await page.unroute('**/models/demo/availability.json');
  await page.reload();
  await main.waitReady();
  await expect.poll(() => ids(trending)).toContain(fromTrending);
});
