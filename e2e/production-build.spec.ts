// The build a shop deploys: `npm run build` (vite build, after the type check) without the test
// hooks the rest of the suite runs on, previewed on a port of its own. The storefront, the example
// shop's embedded grid (the widget's ES module) and a page on the classic script all work from it,
// and nothing of the test build leaks into it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, Storefront, test } from './fixtures.ts';
import { ShopPage } from './shop-page.ts';
import { portBesideSuite, runNpx, startServer, type SpawnedServer } from './spawned-server.ts';

/** Beside the suite's own build folder (playwright.config.ts), so two checkouts keep theirs apart too. */
const SUITE_OUT_DIR = process.env['VITRINE_E2E_OUT_DIR'] ?? '.cache/e2e-dist';
const OUT_DIR = process.env['VITRINE_E2E_OUT_DIR'] === undefined ? '.cache/e2e-prod-dist' : `${SUITE_OUT_DIR}-prod`;
const ORIGIN = `http://127.0.0.1:${portBesideSuite(1)}`;

let server: SpawnedServer | null = null;

test.use({ baseURL: ORIGIN });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // What `npm run build` runs after `tsc -b`; the widget's two builds run inside it (vite.config.ts).
  await runNpx(['vite', 'build', '--logLevel', 'warn', '--outDir', OUT_DIR]);
  server = await startServer(['vite', 'preview', '--host', '127.0.0.1', '--port', String(portBesideSuite(1)), '--strictPort', '--outDir', OUT_DIR], ORIGIN);
});

test.afterAll(async () => {
  await server?.stop();
});

/** Every file under a folder, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

/** The scripts of a build that mention the test hooks' global. */
function scriptsWithTestHooks(dir: string): string[] {
  return filesUnder(dir).filter((file) => file.endsWith('.js') && readFileSync(join(dir, file), 'latin1').includes('__vitrineTestHooks'));
}

test('the build holds the storefront, both widget files, the models, the encoder and the example shop, and neither the test hooks nor the bench page', () => {
  const files = filesUnder(OUT_DIR);
  for (const file of ['index.html', 'widget/vitrine.js', 'widget/vitrine.iife.js', 'models/demo/manifest.json', 'encoder/model.json', 'shop/index.html']) {
    expect(files, file).toContain(file);
  }
  // The generator's stamp stays out of the copy (vite.config.ts).
  expect(files.filter((file) => file.startsWith('encoder/') && file.endsWith('quantised-from.json'))).toEqual([]);
  // The suite's own build has both: the checks below would find them if they were here.
  expect(scriptsWithTestHooks(SUITE_OUT_DIR).length).toBeGreaterThan(0);
  expect(existsSync(join(SUITE_OUT_DIR, 'src/bench/bench.html'))).toBe(true);
  expect(scriptsWithTestHooks(OUT_DIR)).toEqual([]);
  // (models/ is copied as it is, and may hold a model named for the bench.)
  expect(files.filter((file) => !file.startsWith('models/') && /bench|test-hooks/.test(file))).toEqual([]);
});

test('the production storefront ranks, re-ranks after a product click, carries its policy in <meta>, and exposes no test hooks', async ({
  storefront,
  page,
}) => {
  await storefront.open();
  await expect(storefront.cards).toHaveCount(24);
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(await storefront.backend());
  const before = await storefront.topIds(24);

  const [first] = await storefront.topIds(1);
  await storefront.afterRerank(() => storefront.grid.locator(`[data-item-id="${first}"]`).getByRole('heading').first().click());
  await expect(page.getByRole('dialog')).toBeVisible();
  // The view moved the shopper's interest: the grid is in another order.
  expect(await storefront.topIds(24)).not.toEqual(before);

  expect(await page.evaluate(() => '__vitrineTestHooks' in window)).toBe(false);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(meta).toContain("script-src 'self' 'wasm-unsafe-eval'");
});

test('the example shop embeds the grid from the production widget module, and its clicks reach the page', async ({ page, requests, csp }) => {
  void csp;
  const shop = new ShopPage(page);
  const grid = await shop.open('wasm');
  await expect(grid.cards).toHaveCount(8);
  expect(requests.some((request) => new URL(request.url()).pathname === '/widget/vitrine.js')).toBe(true);

  await grid.afterRerank(() => grid.grid.locator('[data-item-id]').first().getByRole('button', { name: 'Add to cart' }).click());
  await expect(page.locator('#cart-count')).toHaveText('1');
  await expect(shop.log).toContainText('add-to-cart: ');
});

test('a page with only the production classic script shows the grid and re-ranks after a click', async ({ page, requests, csp }) => {
  void csp;
  await page.route('**/classic.html', (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><html><head><title>Classic</title><script src="/widget/vitrine.iife.js"></script></head><body><vitrine-grid models="/models/demo" limit="5" backend="wasm"></vitrine-grid></body></html>',
    }),
  );
  await page.goto('/classic.html');
  const grid = new Storefront(page, page.locator('vitrine-grid'));
  await grid.waitReady();
  await expect(grid.cards).toHaveCount(5);
  const before = await grid.topIds(5);
  await grid.afterRerank(() => grid.cards.first().getByRole('heading').click());
  expect(await grid.topIds(5)).not.toEqual(before);
  expect(requests.map((request) => new URL(request.url()).pathname)).not.toContain('/widget/vitrine.js');
});
