// `npm run demo`: a scripted shopper, driven by Playwright (a script, not a test), through the
// storefront app (/) and the example shop that embeds the widget (/shop/). After each step it takes
// a screenshot and prints the departments of the first cards, so the re-ranking can be followed;
// each page's video is kept too. Everything goes to .cache/demo/desktop/ (gitignored), or with
// `-- --mobile` (a 390x844 phone viewport) to .cache/demo/mobile/, and the paths are printed. It
// starts its own Vite dev server on VITRINE_DEMO_PORT (default 5174), so it works next to a running
// `npm start`.
import { mkdir, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { createServer } from 'vite';
import { Storefront } from '../fixtures.ts';
import { ShopPage } from '../shop-page.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MOBILE = process.argv.includes('--mobile');
const OUT = join(ROOT, '.cache/demo', MOBILE ? 'mobile' : 'desktop');
const PORT = Number(process.env['VITRINE_DEMO_PORT'] ?? 5174);
/** The same flags as playwright.config.ts: WebGPU on, and nothing that would call Google hosts. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const VIEWPORT = MOBILE ? { width: 390, height: 844 } : { width: 1280, height: 900 };

let step = 0;

/** Screenshots the page after a step and prints what the grid shows now. */
async function record(page: Page, grid: Storefront, what: string): Promise<void> {
  step += 1;
  const file = join(
    OUT,
    `${String(step).padStart(2, '0')}-${what
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')}.png`,
  );
  await page.screenshot({ path: file, fullPage: true });
  const departments = (await grid.topCategories(8)).join(', ');
  console.log(`${String(step).padStart(2)}. ${what}\n    grid (${await grid.eventCount()} events): ${departments}\n    ${relative(ROOT, file)}`);
}

/** The storefront app: a first visit, a search and its results, a result added to the cart, then back to "For you". */
async function storefrontTour(page: Page): Promise<void> {
  const storefront = new Storefront(page);
  await storefront.open();
  await record(page, storefront, 'Storefront: first visit, popular products');
  await storefront.search('garden hose and watering can');
  await record(page, storefront, 'Storefront: results for garden hose and watering can');
  const [first] = await storefront.topIds(1);
  if (first !== undefined) await storefront.viewAndAddToCart(first);
  await record(page, storefront, 'Storefront: viewed the first result and added it to the cart');
  await storefront.leaveSearch();
  await record(page, storefront, 'Storefront: back to For you, re-ranked');
}

/** The example shop: its own buttons feed the widget, the widget's clicks drive the shop. */
async function shopTour(page: Page): Promise<void> {
  const shop = new ShopPage(page);
  const grid = await shop.open();
  await record(page, grid, 'Shop page: the embedded grid');
  const department = await shop.leastShownDepartment(grid, 8);
  const [itemId] = await shop.productsIn(department);
  if (itemId === undefined) throw new Error(`the shop lists nothing in ${department}`);
  await grid.afterRerank(() => shop.product(itemId).getByRole('button', { name: 'Add to cart' }).click());
  await record(page, grid, `Shop page: added a ${department} product with the shop's own button`);
  await grid.afterRerank(() => shop.product(itemId).getByRole('button', { name: 'Buy now' }).click());
  await record(page, grid, `Shop page: bought it with the shop's own button`);
  await grid.afterRerank(() => grid.cards.first().getByRole('heading').click());
  await record(page, grid, "Shop page: clicked the grid's first card, the shop opened its product page");
  await grid.afterRerank(() => grid.cards.nth(1).getByRole('button', { name: 'Add to cart' }).click());
  await record(page, grid, "Shop page: added the grid's second card to the shop's cart");
}

async function main(): Promise<void> {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const server = await createServer({ root: ROOT, logLevel: 'warn', server: { port: PORT, strictPort: true, host: '127.0.0.1' } });
  await server.listen();
  const browser = await chromium.launch({ executablePath: process.env['VITRINE_CHROMIUM'] ?? '/usr/bin/chromium-headless-shell', args: CHROMIUM_ARGS });
  const videos: string[] = [];
  try {
    for (const [name, tour] of [
      ['storefront', storefrontTour],
      ['shop', shopTour],
    ] as const) {
      // One context per tour: a fresh shopper (empty IndexedDB) and one video each.
      const context = await browser.newContext({
        baseURL: `http://127.0.0.1:${PORT}`,
        viewport: VIEWPORT,
        recordVideo: { dir: join(OUT, 'recording'), size: VIEWPORT },
      });
      const page = await context.newPage();
      try {
        await tour(page);
      } finally {
        await context.close();
        // Playwright names videos by page id; saved under the tour's name (after the context closed).
        const video = page.video();
        if (video !== null) {
          const file = join(OUT, `${name}.webm`);
          await video.saveAs(file);
          await video.delete();
          videos.push(file);
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
    await rm(join(OUT, 'recording'), { recursive: true, force: true });
  }
  console.log(`\nvideos:\n${videos.map((video) => `    ${relative(ROOT, video)}`).join('\n')}\nscreenshots: ${relative(ROOT, OUT)}/`);
}

await main();
