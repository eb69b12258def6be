// Two reliability faults: two tabs writing at once, and a reload in the middle of writes.
// Driven through the UI: real clicks on the first card's "Add to cart" button, on the wasm backend
// (a thousand re-ranks on the software WebGPU adapter would take minutes and test nothing more).
import type { Page } from '@playwright/test';
import { expect, fault, observe, Storefront, test } from './fixtures.ts';
import { readStored } from './stored.ts';

/** Runs in the page: clicks the first card's "Add to cart" `times` times, yielding between clicks. */
async function clickAddToCart(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const button = [...document.querySelectorAll('[aria-label="Recommended products"] [data-item-id] button')].find(
      (b) => b.textContent?.trim() === 'Add to cart',
    );
    if (!(button instanceof HTMLButtonElement)) throw new Error('no "Add to cart" button on the first cards');
    button.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

const firstAddToCart = (page: Page) =>
  page.getByRole('region', { name: 'Recommended products' }).locator('[data-item-id]').first().getByRole('button', { name: 'Add to cart' });

test(
  'two tabs interleaving 500 interactions each store all 1,000 exactly once, and both rank with all of them',
  fault('Two tabs of the shop interleave 500 interactions each, writing at the same time'),
  async ({ context }) => {
    test.setTimeout(600_000);
    const tabs = [new Storefront(await context.newPage()), new Storefront(await context.newPage())];
    for (const tab of tabs) await tab.open('?backend=wasm&limit=4');

    // Both tabs click at the same time, from inside each page (DOM clicks through React's handlers),
    // so their writes really interleave; Playwright's per-click round trips would serialise them.
    await Promise.all(tabs.map((tab) => tab.page.evaluate(clickAddToCart, 500)));

    const [first, second] = tabs as [Storefront, Storefront];
    await expect.poll(async () => (await readStored(first.page)).byType['add_to_cart'], { timeout: 120_000 }).toBe(1000);
    const stored = await readStored(first.page);
    expect(stored.distinctIds).toBe(stored.events);
    // Impressions are folded without re-ranking, so a ranking counts at least every other stored
    // event (1,000 add-to-carts from both tabs) and never more than is stored.
    const reranking = stored.events - (stored.byType['impression'] ?? 0);
    for (const tab of [first, second]) {
      await expect.poll(() => tab.eventCount(), { timeout: 120_000 }).toBeGreaterThanOrEqual(reranking);
      expect(await tab.eventCount()).toBeLessThanOrEqual((await readStored(tab.page)).events);
    }
    observe(
      `stored ${stored.byType['add_to_cart']} add-to-carts under ${stored.distinctIds} distinct ids (${stored.events} events); rankings count ${await first.eventCount()} and ${await second.eventCount()} events`,
    );
  },
);

test(
  'a reload in the middle of writes leaves no partial or corrupt state',
  fault('The page reloads while a burst of 30 interactions is being written'),
  async ({ storefront, page }) => {
    await storefront.open('?backend=wasm');
    // Fire a burst of interactions without waiting for them, then reload while they are being written.
    for (let i = 0; i < 30; i++) await firstAddToCart(page).click({ noWaitAfter: true });
    await page.reload();
    await storefront.waitReady();
    await expect(storefront.grid).toHaveAttribute('aria-busy', 'false');

    const stored = await readStored(page);
    expect(stored.distinctIds).toBe(stored.events);
    expect(stored.byType['add_to_cart'] ?? 0).toBeGreaterThan(0);
    // The first ranking after the reload folded exactly what was stored (a state that missed some
    // events is rebuilt from them); only impressions of the new grid may have been stored since.
    const shown = await storefront.eventCount();
    expect(shown).toBeLessThanOrEqual(stored.events);
    expect(shown).toBeGreaterThanOrEqual(stored.events - (stored.byType['impression'] ?? 0));
    observe(
      `after the reload: ${stored.byType['add_to_cart']} add-to-carts stored, every id once; the first ranking folded ${shown} of ${stored.events} stored events (the rest: new impressions)`,
    );
  },
);
