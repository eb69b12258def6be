// What a shop developer meets when embedding the widget: the example shop page (/shop/) holds the
// grid's space and has a heading; pages under public/ are not served with the app's policy (they
// bring their own); the classic script works on a page that declares no charset, with the same
// search results as the module, because every emitted script is ASCII-only.
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { watchLayoutShifts } from './layout-shift.ts';
import { ShopPage } from './shop-page.ts';

for (const viewport of [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
]) {
  test(`/shop/ at ${viewport.width}×${viewport.height}: the grid appears without shifting the page (CLS < 0.05), and the page has an h1`, async ({
    page,
    requests,
    csp,
  }) => {
    void requests;
    void csp;
    await page.setViewportSize(viewport);
    const layoutShift = await watchLayoutShifts(page);
    const shop = new ShopPage(page);
    const grid = await shop.open();
    await expect(grid.cards).toHaveCount(8);
    // The shop's own list arrives with catalog.json, on its own schedule: wait for it too.
    await expect(page.locator('#products li').first()).toBeVisible();
    // Shifts are reported after the frame that made them.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    expect(await layoutShift()).toBeLessThan(0.05);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Corner Shop');
  });
}

test('the app’s pages carry the app’s policy header; a page under public/ (/shop/) does not, and states its own', async ({ request, page }) => {
  const app = await request.get('/');
  expect(app.headers()['content-security-policy']).toContain("default-src 'none'");
  const shop = await request.get('/shop/');
  expect(shop.status()).toBe(200);
  expect(shop.headers()['content-security-policy']).toBeUndefined();
  // So its own policy is the one in its <meta>: what the widget needs, nothing more.
  await page.goto('/shop/');
  const meta = (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
  expect(meta).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(meta).toContain("connect-src 'self'");
  expect(meta).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|https?:/);
});

/**
 * Every script of the built app and widget, by path, from their entries (the app's HTML, the
 * widget's two files), following the chunk names each one mentions (the app's chunks are under
 * /assets/, the widget module's under /widget/chunks/).
 */
async function builtScripts(request: APIRequestContext): Promise<Map<string, Buffer>> {
  const scripts = new Map<string, Buffer>();
  const html = await (await request.get('/')).text();
  const queue = [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1] ?? '');
  queue.push('/widget/vitrine.js', '/widget/vitrine.iife.js');
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (scripts.has(path)) continue;
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const bytes = await response.body();
    scripts.set(path, bytes);
    const folder = path.startsWith('/widget/') ? '/widget/chunks/' : '/assets/';
    for (const [name] of bytes.toString('latin1').matchAll(/[\w.-]+-[\w-]{8}\.js/g)) queue.push(`${folder}${name}`);
  }
  return scripts;
}

test('every built script (the app’s, the widget module’s chunks, the classic script) is ASCII-only', async ({ request }) => {
  const scripts = await builtScripts(request);
  expect([...scripts.keys()].filter((path) => path.startsWith('/widget/chunks/')).length).toBeGreaterThan(5);
  expect([...scripts.keys()].filter((path) => path.startsWith('/assets/')).length).toBeGreaterThan(5);
  const nonAscii = [...scripts].filter(([, bytes]) => bytes.some((byte) => byte > 0x7f)).map(([path]) => path);
  expect(nonAscii).toEqual([]);
});

type Ranked = { mode: string; resultCount: number | null; itemIds: string[] };

/** Searches through the page's main <vitrine-grid> (id "recommendations") and returns what it ranked. */
function searchOnPage(page: Page, query: string): Promise<Ranked | null> {
  return page.evaluate(async (text) => {
    // The element's type lives in src/widget, outside this test project.
    const element = document.querySelector('vitrine-grid#recommendations') as unknown as { search(query: string): Promise<void>; ranked: Ranked | null };
    await element.search(text);
    return element.ranked;
  }, query);
}

test('the classic script on a page that declares no charset finds what the module finds on the example shop', async ({ page, browser, requests, csp }) => {
  void requests;
  void csp;
  const shop = new ShopPage(page);
  await shop.open('wasm');
  const viaModule = await searchOnPage(page, 'air fryer');
  expect(viaModule?.mode).toBe('search');
  expect(viaModule?.resultCount).toBeGreaterThan(0);

  // A fresh profile, so neither search is personalised by the other's.
  const context = await browser.newContext();
  const classic = await context.newPage();
  // Nothing declares a charset: no <meta>, no charset in either Content-Type (as many static hosts serve).
  await classic.route('**/no-charset.html', (route) =>
    route.fulfill({
      headers: { 'content-type': 'text/html' },
      body: '<!doctype html><html><head><title>No charset</title><script src="/widget/vitrine.iife.js"></script></head><body><vitrine-grid id="recommendations" models="/models/demo" limit="8" backend="wasm"></vitrine-grid></body></html>',
    }),
  );
  await classic.route('**/widget/vitrine.iife.js', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'text/javascript' } });
  });
  await classic.goto('/no-charset.html');
  // The case this is about: the document, and so its classic script, is decoded as windows-1252.
  expect(await classic.evaluate(() => document.characterSet)).toBe('windows-1252');
  await expect(classic.locator('vitrine-grid [data-item-id]').first()).toBeVisible({ timeout: 90_000 });
  const viaClassic = await searchOnPage(classic, 'air fryer');
  await context.close();

  expect(viaClassic?.resultCount).toBe(viaModule?.resultCount);
  expect([...(viaClassic?.itemIds ?? [])].sort()).toEqual([...(viaModule?.itemIds ?? [])].sort());
});
