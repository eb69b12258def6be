// The embeddable <vitrine-grid> on the example shop page (public/shop/index.html, plain
// HTML and JavaScript, served at /shop/), under the same request log and CSP monitor as the app.
// The first test runs the page exactly as served; the others put the grid on wasm by adding
// backend="wasm" to the element as the page is served (as tabs.spec.ts does through the URL): many
// re-ranks on the software WebGPU adapter take minutes and would test nothing more here.
import type { Request } from '@playwright/test';
import { consoleMessages, expect, fault, observe, test } from './fixtures.ts';
import { ShopPage } from './shop-page.ts';
import { accountedEvents, readStored } from './stored.ts';

test('the plain-HTML shop embeds the grid with one script tag and one element, and the grid’s clicks reach the page', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  const grid = await shop.open();
  await expect(page.locator('script[src="/widget/vitrine.js"]')).toHaveCount(1);
  await expect(page.locator('vitrine-grid#recommendations')).toHaveCount(1);
  // The page asks for 8 cards and the demo catalogue has thousands of items: exactly 8 are shown.
  await expect(page.locator('vitrine-grid#recommendations')).toHaveAttribute('limit', '8');
  await expect(grid.cards).toHaveCount(8);

  // A click on a card: recorded by the widget (a view), navigation is the page's (its product page).
  const [first] = await grid.topIds(1);
  const firstCard = grid.grid.locator(`[data-item-id="${first}"]`);
  const title = (await firstCard.getByRole('heading').innerText()).trim();
  await grid.afterRerank(() => firstCard.getByRole('heading').click());
  await expect(page.getByRole('region', { name: 'Product page' })).toBeVisible();
  await expect(page.locator('#product-title')).toHaveText(title);
  await expect(shop.log).toContainText(`product-click: ${title}`);

  // "Add to cart" on a card: recorded by the widget, the cart is the page's.
  await expect(page.locator('#cart-count')).toHaveText('0');
  await grid.afterRerank(() => grid.grid.locator('[data-item-id]').first().getByRole('button', { name: 'Add to cart' }).click());
  await expect(page.locator('#cart-count')).toHaveText('1');
  await expect(shop.log).toContainText('add-to-cart: ');
});

test('the page’s own buttons re-rank the grid through element.record()', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  const grid = await shop.open('wasm');
  const department = await shop.leastShownDepartment(grid, 8);
  const before = await grid.countInTop(department, 8);
  for (const itemId of await shop.productsIn(department)) {
    await grid.afterRerank(() => shop.product(itemId).getByRole('button', { name: 'Add to cart' }).click());
    await grid.afterRerank(() => shop.product(itemId).getByRole('button', { name: 'Buy now' }).click());
  }
  await expect(page.locator('#cart-count')).toHaveText('2');
  expect(await grid.countInTop(department, 8)).toBeGreaterThan(before);
  await expect(grid.grid).toHaveAttribute('data-personalised', 'true');
});

test(
  'record() called right after a settings change reaches the grid started with the new settings, not the one it replaces',
  fault('Host page calls', 'The host page calls record() in the same task as it changes the grid’s models and backend attributes'),
  async ({ page, requests, csp }) => {
    void requests;
    void csp;
    const shop = new ShopPage(page);
    const grid = await shop.open('wasm');
    const [item] = await grid.topIds(1);
    const before = accountedEvents(await readStored(page));
    const ranked = await page.evaluate(async (item) => {
      // The element's type is the widget's, which this Node-side file does not import.
      const element = document.querySelector('vitrine-grid#recommendations') as unknown as
        (Element & { record(interaction: unknown): Promise<void>; readonly ranked: unknown }) | null;
      if (element === null || item === undefined) throw new Error('no grid on the page');
      // The same model by another path is another storefront to the page (they are keyed by the
      // path), so the grid restarts: on the CPU backend, which tells the two apart.
      element.setAttribute('models', '/models/./demo');
      element.setAttribute('backend', 'cpu');
      await element.record({ type: 'purchase', item });
      return element.ranked;
    }, item);
    const stored = await readStored(page);
    expect(stored.byType['purchase']).toBe(1);
    // The ranking counts every event stored before and the purchase, and no more than are stored
    // now: the new grid's impressions are written after it renders.
    expect(ranked).toMatchObject({ backend: 'cpu' });
    const counted = (ranked as { eventCount: number }).eventCount;
    expect(counted).toBeGreaterThanOrEqual(before + 1);
    expect(counted).toBeLessThanOrEqual(accountedEvents(stored));
    observe(`after await record(): the grid's ranking is on ${String((ranked as { backend?: unknown } | null)?.backend)} and counts the purchase`);
  },
);

test(
  '200 record() calls made at once are all stored and re-rank the grid once',
  fault('Host page calls', 'The host page calls record() 200 times without waiting (a replayed history, a script in a loop)'),
  async ({ page, requests, csp }) => {
    void requests;
    void csp;
    const shop = new ShopPage(page);
    const grid = await shop.open('wasm');
    const ids = await grid.topIds(24);
    const rankings = await page.evaluate(async (ids) => {
      const element = document.querySelector('vitrine-grid#recommendations') as unknown as (Element & { record(interaction: unknown): Promise<void> }) | null;
      if (element === null) throw new Error('no grid on the page');
      const rankings: { eventCount: number }[] = [];
      let ranked: () => void = () => undefined;
      element.addEventListener('vitrine:ranked', (event) => {
        rankings.push((event as CustomEvent<{ eventCount: number }>).detail);
        ranked();
      });
      await Promise.all(Array.from({ length: 200 }, (_, i) => element.record({ type: 'view', item: ids[i % ids.length] })));
      // vitrine:ranked comes from the grid's next render, which a loaded machine may hold back for
      // a while: wait for it, then two more frames for any second one.
      if (rankings.length === 0) await new Promise<void>((resolve) => (ranked = resolve));
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return rankings;
    }, ids);
    const stored = await readStored(page);
    expect(stored.byType['view']).toBe(200);
    // One ranking, counting all 200 views (a ranking made before the last record() was in counts
    // fewer), and no more events than are stored: the grid's impressions are written after it.
    expect(rankings).toHaveLength(1);
    expect(rankings[0]?.eventCount).toBeGreaterThanOrEqual(200);
    expect(rankings[0]?.eventCount).toBeLessThanOrEqual(accountedEvents(stored));
    observe(`200 views stored; the grid re-ranked ${rankings.length} time(s)`);
  },
);

test('two grids on one page share one event store, one ranking and one copy of the model', async ({ page, requests, csp }) => {
  void csp;
  const shop = new ShopPage(page);
  const first = await shop.open('wasm');
  // A second grid, added the way a host page would add one later.
  await page.evaluate(() => {
    const second = document.createElement('vitrine-grid');
    second.id = 'second';
    second.setAttribute('models', '/models/demo');
    second.setAttribute('limit', '4');
    document.body.append(second);
  });
  const second = shop.grid('second');
  await second.waitReady();
  await expect(second.cards).toHaveCount(4);
  expect(await second.topIds(4)).toEqual(await first.topIds(4));

  // An interaction in one grid re-ranks the other: the same recommender, so the same event count.
  await first.afterRerank(() => first.grid.locator('[data-item-id]').nth(3).getByRole('button', { name: 'Add to cart' }).click());
  await expect.poll(() => second.eventCount()).toBe(await first.eventCount());
  expect(await second.topIds(4)).toEqual(await first.topIds(4));
  await expect(second.grid).toHaveAttribute('data-backend', 'wasm');

  const modelFiles = (request: Request): boolean => /\/models\/demo\/(manifest\.json|vectors\.[\w]+\.bin)$/.test(new URL(request.url()).pathname);
  expect(
    requests
      .filter(modelFiles)
      .map((request) => new URL(request.url()).pathname)
      .sort(),
  ).toEqual(['/models/demo/manifest.json', expect.stringMatching(/^\/models\/demo\/vectors\.\w+\.bin$/)]);
});

test('a second tab re-ranks after an interaction in the first', async ({ context, requests, csp }) => {
  void requests;
  void csp;
  const [firstShop, secondShop] = [new ShopPage(await context.newPage()), new ShopPage(await context.newPage())];
  const first = await firstShop.open('wasm');
  const second = await secondShop.open('wasm');
  const department = await secondShop.leastShownDepartment(second, 8);
  const before = { ids: await second.topIds(8), count: await second.countInTop(department, 8), events: await second.eventCount() };

  for (const itemId of await firstShop.productsIn(department)) {
    await first.afterRerank(() => firstShop.product(itemId).getByRole('button', { name: 'Buy now' }).click());
  }
  await expect.poll(() => second.eventCount(), { timeout: 60_000 }).toBeGreaterThan(before.events);
  await expect.poll(() => second.countInTop(department, 8), { timeout: 60_000 }).toBeGreaterThan(before.count);
  expect(await second.topIds(8)).not.toEqual(before.ids);
});

test('bad attributes show shoppers a short notice and developers the specific error (console, vitrine:error, data-error-code); bad record() input is rejected', async ({
  page,
  requests,
  csp,
}) => {
  void requests;
  void csp;
  const consoleErrors = consoleMessages(page, 'error');
  const shop = new ShopPage(page);
  await shop.open('wasm');
  await page.evaluate(() => {
    const events: Array<{ id: string; message: string; code: string; during: string }> = [];
    (window as unknown as { vitrineErrors: typeof events }).vitrineErrors = events;
    document.addEventListener('vitrine:error', (event) => {
      // The detail's type lives in src/widget, outside this test project.
      const { error, during } = (event as CustomEvent<{ error: { message: string; code: string }; during: string }>).detail;
      events.push({ id: (event.target as HTMLElement).id, message: error.message, code: error.code, during });
    });
    for (const [id, name, value] of [
      ['bad-limit', 'limit', 'lots'],
      ['bad-models', 'models', '../secrets'],
      ['bad-backend', 'backend', 'quantum'],
    ] as const) {
      const grid = document.createElement('vitrine-grid');
      grid.id = id;
      grid.setAttribute(name, value);
      document.body.append(grid);
    }
  });
  const expected = {
    'bad-limit': '<vitrine-grid> attribute: limit: "limit" must be a whole number from 1 to 200, found "lots"',
    'bad-models': '<vitrine-grid> attribute: models: "models" must be a model folder name or a same-origin path, found "../secrets"',
    'bad-backend': '<vitrine-grid> attribute: backend: "backend" must be one of webgpu, webgl, wasm, cpu, found "quantum"',
  };
  const errorEvents = () =>
    page.evaluate(() => (window as unknown as { vitrineErrors: Array<{ id: string; message: string; code: string; during: string }> }).vitrineErrors);
  for (const [id, message] of Object.entries(expected)) {
    const alert = page.locator(`vitrine-grid#${id}`).getByRole('alert');
    // The shopper reads a short notice, not the attribute's name, a command or a code.
    await expect(alert).toHaveText('Recommendations are unavailable right now.');
    await expect(alert).toHaveAttribute('data-error-code', 'CONFIG_INVALID');
    await expect.poll(errorEvents).toContainEqual({ id, message, code: 'CONFIG_INVALID', during: 'start' });
    expect(consoleErrors.some((line) => line.includes(message))).toBe(true);
  }
  // Fixing the attribute restarts the grid with it.
  await page.locator('vitrine-grid#bad-limit').evaluate((grid) => grid.setAttribute('limit', '3'));
  await expect(shop.grid('bad-limit').cards).toHaveCount(3);

  // The host page's calls are checked too, naming the field.
  const rejected = await page.evaluate(() => {
    // The element's type lives in src/widget, outside this test project.
    const grid = document.querySelector('vitrine-grid#recommendations') as unknown as { record(interaction: unknown): Promise<void> };
    return grid.record({ type: 'purchase' }).then(
      () => 'resolved',
      (error: unknown) => String(error),
    );
  });
  expect(rejected).toContain('<vitrine-grid>.record(): item:');
});

test('element.search() shows the matches with the DOM contract and vitrine:ranked says the mode; clearSearch() goes back', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  const grid = await shop.open('wasm');
  type Ranked = { mode: string; query: string | null; resultCount: number | null; itemIds: string[] };
  // The element's type lives in src/widget, outside this test project.
  type Element = { search(query: string): Promise<void>; clearSearch(): Promise<void>; ranked: Ranked | null };
  const ranked = await page.evaluate(async () => {
    const element = document.querySelector('vitrine-grid#recommendations') as unknown as Element & HTMLElement;
    const modes: string[] = [];
    element.addEventListener('vitrine:ranked', (event) => modes.push((event as CustomEvent<Ranked>).detail.mode));
    await element.search('air fryer');
    const searched = element.ranked;
    const blank = await element.search('   ').then(
      () => 'resolved',
      (error: unknown) => String(error),
    );
    return { searched, blank, modes };
  });
  expect(ranked.searched).toMatchObject({ mode: 'search', query: 'air fryer' });
  expect(ranked.searched?.resultCount).toBeGreaterThan(0);
  expect(ranked.blank).toContain('<vitrine-grid>.search(): query:');
  await expect(grid.grid).toHaveAttribute('data-mode', 'search');
  await expect(grid.grid).toHaveAttribute('data-query', 'air fryer');
  await expect(grid.grid).toHaveAttribute('data-result-count', String(ranked.searched?.resultCount));
  const titles = await grid.cards.evaluateAll((cards) => cards.map((card) => card.querySelector('h3')?.textContent ?? ''));
  expect(titles[0]).toMatch(/air fryer/i);

  await page.evaluate(() => (document.querySelector('vitrine-grid#recommendations') as unknown as Element).clearSearch());
  await expect(grid.grid).toHaveAttribute('data-mode', 'for-you');
  expect(await page.evaluate(() => (document.querySelector('vitrine-grid#recommendations') as unknown as Element).ranked?.mode)).toBe('for-you');
});
