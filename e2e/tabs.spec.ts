// Two reliability faults: two tabs writing at once, and a reload in the middle of writes.
// Driven through the UI: real clicks on the first card's "Add to cart" button, on the wasm backend
// (a thousand re-ranks on the software WebGPU adapter would take minutes and test nothing more).
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, fault, observe, Storefront, test } from './fixtures.ts';
import { accountedEvents, readStored, type StoredSummary } from './stored.ts';

const firstAddToCart = (page: Page) =>
  page.getByRole('region', { name: 'Recommended products' }).locator('[data-item-id]').first().getByRole('button', { name: 'Add to cart' });

test(
  'two tabs interleaving 500 interactions each store all 1,000 exactly once, and both rank with all of them',
  fault('Reloads and tabs', 'Two tabs of the shop interleave 500 interactions each, writing at the same time'),
  async ({ context }) => {
    test.setTimeout(600_000);
    const tabs = [new Storefront(await context.newPage()), new Storefront(await context.newPage())];
    for (const tab of tabs) await tab.open('?backend=wasm&limit=4');

    // Both tabs click at the same time, from inside each page, so their writes really interleave;
    // Playwright's per-click round trips would serialise them.
    await Promise.all(tabs.map((tab) => tab.clickAddToCartInPage(500, 0)));

    const [first, second] = tabs as [Storefront, Storefront];
    await expect.poll(async () => (await readStored(first.page)).byType['add_to_cart'], { timeout: 120_000 }).toBe(1000);
    const early = await readStored(first.page);
    // Impressions are folded without re-ranking, so a ranking counts at least every other stored
    // event (1,000 add-to-carts from both tabs) and never more than is stored.
    const reranking = early.events - (early.byType['impression'] ?? 0);
    for (const tab of [first, second]) {
      await expect.poll(() => tab.eventCount(), { timeout: 120_000 }).toBeGreaterThanOrEqual(reranking);
      expect(await tab.eventCount()).toBeLessThanOrEqual((await readStored(tab.page)).events);
    }
    // Once each tab has folded the other's events, the last state either wrote folded exactly the
    // stored events: an event write lost, or an event folded twice, leaves it off by that many.
    // The tabs may still be storing impressions of their last grids, each with a state that has not
    // yet folded the other's latest, so the checks below read the snapshot that added up.
    let stored = early;
    await expect
      .poll(
        async () => {
          stored = await readStored(first.page);
          return stateDrift(stored);
        },
        { timeout: 120_000 },
      )
      .toEqual([0]);
    // One add-to-cart stored per click: a lost write leaves fewer, a click recorded twice more.
    expect(stored.byType['add_to_cart']).toBe(1000);
    observe(
      `stored exactly ${stored.byType['add_to_cart']} add-to-carts for 1,000 clicks (${stored.events} events); the stored state folded ${stored.states[0]?.eventCount} events, all of them; rankings count ${await first.eventCount()} and ${await second.eventCount()} events`,
    );
  },
);

/** For each stored state: how far its event count is from the events the database holds (0: it folded exactly those). */
function stateDrift(stored: StoredSummary): number[] {
  return stored.states.map((state) => state.eventCount - accountedEvents(stored));
}

test(
  'a reload in the middle of writes leaves no partial or corrupt state',
  fault('Reloads and tabs', 'The page reloads while a burst of 30 interactions is being written'),
  async ({ storefront, page }) => {
    await storefront.open('?backend=wasm');
    // Fire a burst of interactions without waiting for them, then reload while they are being written.
    for (let i = 0; i < 30; i++) await firstAddToCart(page).click({ noWaitAfter: true });
    // The reloaded app must not start before the database is read: its start-up would rebuild a
    // state that does not add up and its first impressions would write the rebuilt one, hiding
    // what the reload left behind. Holding the manifest holds the start-up (the store needs the model's key).
    let releaseManifest = (): void => undefined;
    const manifestHeld = new Promise<void>((resolve) => (releaseManifest = resolve));
    await page.route('**/models/demo/manifest.json', async (route) => {
      await manifestHeld;
      await route.continue();
    });
    await page.reload({ waitUntil: 'domcontentloaded' });

    const stored = await readStored(page);
    expect(stored.byType['add_to_cart'] ?? 0).toBeGreaterThan(0);
    // Events and the state that folded them are written in one transaction, so whatever the reload
    // cut off, the stored state folded exactly the stored events and its vector is whole.
    const { dim } = JSON.parse(await readFile('models/demo/manifest.json', 'utf8')) as { dim: number };
    expect(stored.states).toEqual([expect.objectContaining({ eventCount: accountedEvents(stored), dim, finite: true, moved: true })]);

    releaseManifest();
    await storefront.waitReady();
    await expect(storefront.grid).toHaveAttribute('aria-busy', 'false');
    // The first ranking after the reload folded exactly what was stored (impressions of the new
    // grid, stored since, do not re-rank).
    const after = await readStored(page);
    const shown = await storefront.eventCount();
    expect(shown).toBe(accountedEvents(stored));
    observe(
      `after the reload: ${stored.byType['add_to_cart']} add-to-carts stored with a state that folded all ${stored.events} stored events (a ${dim}-dimensional, finite interest); the first ranking folded ${shown}, exactly those; ${after.events - stored.events} new impressions stored since`,
    );
  },
);
