// Rough edges of the storefront's dialogs a shopper meets: "Your data" with many events (axe finds
// no serious or critical violation, and its erase confirmation comes into view with focus on a
// laptop and a phone), and focus going back to what opened a dialog when it closes.
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { expect, test, type Storefront } from './fixtures.ts';
import { interactQuickly } from './quick-interactions.ts';
import { readStored } from './stored.ts';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

/** Waits until at least `count` interactions other than impressions are stored. */
async function expectStoredActions(page: Page, count: number): Promise<void> {
  await expect
    .poll(async () => {
      const stored = await readStored(page);
      return stored.events - (stored.byType['impression'] ?? 0);
    })
    .toBeGreaterThanOrEqual(count);
}

/** Fails with the rule ids, impacts and targets of every serious or critical violation inside `scope`. */
async function expectNoSeriousViolations(page: Page, scope: string): Promise<void> {
  const results = await new AxeBuilder({ page }).include(scope).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(serious, 'serious or critical axe violations').toEqual([]);
}

/** @returns whether the element's box lies wholly inside the page's viewport. */
async function inViewport(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const viewport = page.viewportSize();
  if (box === null || viewport === null) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height;
}

for (const viewport of VIEWPORTS) {
  test(`"Your data" with 60 interactions at ${viewport.width}×${viewport.height}: no serious axe violation, and the erase confirmation comes into view with focus`, async ({
    storefront,
    page,
  }) => {
    test.setTimeout(240_000);
    await page.setViewportSize(viewport);
    await storefront.open('?backend=wasm');
    await interactQuickly(page, 30);
    await expectStoredActions(page, 60);

    await page.getByRole('button', { name: 'Your data' }).click();
    const panel = page.getByRole('dialog', { name: 'Your data' });
    // The latest events, a scroll region of their own (twelve rows in a box that shows fewer).
    const latest = panel.getByRole('region', { name: 'Latest events' });
    await expect(latest.getByRole('row')).toHaveCount(13);
    expect(await latest.evaluate((region) => region.scrollHeight > region.clientHeight)).toBe(true);
    await expectNoSeriousViolations(page, 'dialog[open]');
    // The keyboard reaches it (axe's scrollable-region-focusable asks for exactly that).
    await latest.focus();
    await expect(latest).toBeFocused();

    await panel.getByRole('button', { name: 'Erase everything' }).click();
    const confirm = panel.getByRole('button', { name: 'Yes, erase everything' });
    await expect(confirm).toBeFocused();
    // Scrolled by the panel itself (no test scrolling happened since the click).
    expect(await inViewport(page, confirm)).toBe(true);
    await expectNoSeriousViolations(page, 'dialog[open]');
  });
}

/** Opens a dialog with `open`, closes it with `close`, and expects focus back on `opener`. */
async function expectFocusReturns(page: Page, opener: Locator, dialog: Locator, close: 'Escape' | 'Close'): Promise<void> {
  await opener.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  // The dialog took focus (the page behind it is inert, so it is looked for from the page).
  expect(await page.evaluate(() => document.activeElement?.closest('dialog[open]') !== null)).toBe(true);
  if (close === 'Escape') await page.keyboard.press('Escape');
  else await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
}

/**
 * The title button (which opens its product dialog) of the first card in the grid now whose product
 * has no other variant: a view can make the grid show another variant of a product in its card's
 * place, and then the card that had focus is gone.
 */
async function firstCardOpener(storefront: Storefront): Promise<Locator> {
  const { items } = (await (await storefront.page.request.get('/models/demo/catalog.json')).json()) as { items: Array<{ id: string; group?: string }> };
  const groupSizes = new Map<string, number>();
  for (const item of items) groupSizes.set(item.group ?? item.id, (groupSizes.get(item.group ?? item.id) ?? 0) + 1);
  const single = new Set(items.filter((item) => groupSizes.get(item.group ?? item.id) === 1).map((item) => item.id));
  const id = (await storefront.topIds(200)).find((shown) => single.has(shown));
  return storefront.page.locator(`[data-item-id="${id}"] h3 button`);
}

test('closing the product dialog, the cart and "Your data" (Escape and the Close button) gives focus back to what opened it', async ({ storefront, page }) => {
  // A long grid, so the card a view re-ranks down is still on it to take focus back.
  await storefront.open('?backend=wasm&limit=200');
  const openers: Array<{ opener: () => Promise<Locator>; dialog: Locator }> = [
    { opener: () => firstCardOpener(storefront), dialog: page.getByRole('dialog') },
    { opener: async () => page.getByRole('button', { name: /^Cart \(\d+\)$/ }), dialog: page.getByRole('dialog', { name: 'Cart' }) },
    { opener: async () => page.getByRole('button', { name: 'Your data' }), dialog: page.getByRole('dialog', { name: 'Your data' }) },
  ];
  for (const { opener, dialog } of openers) {
    for (const close of ['Escape', 'Close'] as const) {
      // A view and its dwell re-rank the grid: let that settle before picking the next opener.
      await expect(storefront.grid).toHaveAttribute('aria-busy', 'false');
      await expectFocusReturns(page, await opener(), dialog, close);
    }
  }
});
