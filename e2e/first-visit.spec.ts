// The first grid does not wait for the engine: as soon as the model is verified the page shows a
// read-only grid (data-backend "starting" on the grid and on the developer indicator), the popular
// one for a new shopper and the last one shown for a returning shopper; then the engine's grid takes
// its place with the same number of cards in the same boxes.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/** The page's first grid with cards, as it was when it first appeared (recorded before any paint). */
interface FirstGrid {
  readonly backend: string | undefined;
  readonly indicator: string | undefined;
  readonly personalised: string | undefined;
  readonly busy: string | null;
  readonly ids: string[];
  readonly addDisabled: boolean | undefined;
  readonly box: { width: number; height: number; x: number; y: number };
}

/** Installed before the app's scripts: records the first grid that has cards. */
function recordFirstGrid(): void {
  const target = window as unknown as { firstGrid: FirstGrid | null };
  target.firstGrid = null;
  const observer = new MutationObserver(() => {
    const grid = document.querySelector<HTMLElement>('section[aria-label="Recommended products"]');
    const cards = [...(grid?.querySelectorAll<HTMLElement>('[data-item-id]') ?? [])];
    if (grid === null || cards.length === 0) return;
    const { x, y, width, height } = (cards[0] as HTMLElement).getBoundingClientRect();
    target.firstGrid = {
      backend: grid.dataset['backend'],
      indicator: document.querySelector<HTMLElement>('[data-testid="backend-indicator"]')?.dataset['backend'],
      personalised: grid.dataset['personalised'],
      busy: grid.getAttribute('aria-busy'),
      ids: cards.map((card) => card.dataset['itemId'] ?? ''),
      // :disabled, not .disabled: the button is disabled by the fieldset around the page.
      addDisabled: cards[0]?.querySelector('.card__add')?.matches(':disabled'),
      box: { x, y, width, height },
    };
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true });
}

const firstGridOf = (page: Page): Promise<FirstGrid | null> => page.evaluate(() => (window as unknown as { firstGrid: FirstGrid | null }).firstGrid);

test.beforeEach(async ({ page }) => {
  await page.addInitScript(recordFirstGrid);
});

test('a new shopper sees the popular grid while the engine starts, read-only, then the engine’s grid in the same boxes', async ({ storefront, page }) => {
  await storefront.open();
  const first = await firstGridOf(page);
  expect(first, 'a grid with cards was recorded').not.toBeNull();
  expect(first?.backend).toBe('starting');
  expect(first?.indicator).toBe('starting');
  expect(first?.personalised).toBe('false');
  expect(first?.busy).toBe('true');
  expect(first?.addDisabled, 'nothing can be recorded before the store is open').toBe(true);

  // The engine's grid: same number of cards, the first card in the same box; its first row is the
  // same popular items (exploration slots, drawn per session, never take the first row).
  await expect(storefront.grid).not.toHaveAttribute('data-backend', 'starting');
  await expect(page.getByTestId('backend-indicator')).not.toHaveAttribute('data-backend', 'starting');
  const ids = await storefront.topIds(24);
  expect(ids).toHaveLength(first?.ids.length ?? -1);
  expect(ids.slice(0, 4)).toEqual(first?.ids.slice(0, 4));
  const box = await storefront.cards.first().boundingBox();
  expect(box).toMatchObject({ x: first?.box.x, y: first?.box.y, width: first?.box.width, height: first?.box.height });
  await expect(storefront.cards.first().getByRole('button', { name: 'Add to cart' })).toBeEnabled();
});

test('a returning shopper’s first grid is the one they were last shown, before the engine is ready', async ({ storefront, page }) => {
  await storefront.open('?backend=wasm');
  for (const position of [3, 7]) {
    await storefront.afterRerank(() => storefront.cards.nth(position).getByRole('button', { name: 'Add to cart' }).click());
  }
  await expect(storefront.grid).toHaveAttribute('data-personalised', 'true');
  const lastShown = await storefront.topIds(24);
  const events = await storefront.eventCount();

  await page.reload();
  await storefront.waitReady();
  const first = await firstGridOf(page);
  expect(first?.backend).toBe('starting');
  expect(first?.personalised).toBe('true');
  expect(first?.ids).toEqual(lastShown);
  await expect(page.getByRole('button', { name: /Cart \(2\)/ })).toBeVisible();
  expect(await storefront.eventCount()).toBeGreaterThanOrEqual(events);
});

test('the header shows shoppers no engine details; ?debug=1 shows the backend, the click-to-painted time and the item space’s memory', async ({
  storefront,
  page,
}) => {
  await storefront.open('?backend=wasm');
  const indicator = page.getByTestId('backend-indicator');
  await expect(indicator).toBeHidden();
  await expect(indicator).toHaveAttribute('data-backend', 'wasm');
  expect(await page.getByRole('banner').innerText()).not.toMatch(/WebAssembly|re-rank|ms\b/);

  await storefront.open('?backend=wasm&debug=1');
  await expect(indicator).toBeVisible();
  await expect(indicator).toContainText('WebAssembly');
  await storefront.afterRerank(() => storefront.cards.first().getByRole('button', { name: 'Add to cart' }).click());
  await expect(indicator).toHaveAttribute('data-click-to-paint-ms', /^\d+(\.\d+)?$/);
  await expect(indicator.locator('.backend__time')).toHaveText(/^[\d.]+ (ms|s)$/);
  // The item space's memory: the demo's vectors are int8, so their rows live in the scorer's module
  // memory alone (int8 rows, then scales, prior and scores, then the int16 interest, in 64 KiB
  // pages); in the JS heap, the popularity and one per-row bound.
  const { itemCount, dim } = (await (await page.request.get('/models/demo/manifest.json')).json()) as { itemCount: number; dim: number };
  await expect(indicator).toHaveAttribute('data-item-space-matrix-bytes', String(itemCount * 4));
  await expect(indicator).toHaveAttribute('data-item-space-table-bytes', String(itemCount * 4));
  const pages = Math.ceil((itemCount * dim + itemCount * 12 + dim * 2) / 65_536);
  await expect(indicator).toHaveAttribute('data-item-space-backend-bytes', String(pages * 65_536));
});
