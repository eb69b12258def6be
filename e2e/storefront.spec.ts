// A shopper's flows through the demo storefront (the USE-embedded default catalogue).
import { expect, test } from './fixtures.ts';

test.describe('storefront', () => {
  test('ranks on the backend measured fastest here, says why, and pulls one department to the top after viewing and carting its products', async ({
    storefront,
  }) => {
    await storefront.open();
    // No ?backend=: a short calibration picks the fastest backend that ranks correctly (on this
    // machine's software WebGPU adapter, a CPU backend, with the GPU backends not measured, and the
    // others only while its time budget lasts), and the grid and header name the winner.
    const backend = await storefront.backend();
    expect(await storefront.grid.getAttribute('data-backend-reason')).toMatch(
      new RegExp(`^fastest here: ${backend} [\\d.]+ ms(, (webgpu|webgl|wasm|cpu) [\\d.]+ ms( \\(warm-up only\\))?)* per interaction(; not measured: .+)?$`),
    );
    await expect(storefront.page.getByTestId('backend-indicator')).toHaveAttribute('title', /chosen because fastest here/);
    await expect(storefront.cards).toHaveCount(24);

    const first = await storefront.topCategories();
    const department = first[0] ?? '';
    const before = await storefront.countInTop(department);
    expect(before, `first 12 before: ${first.join(', ')}`).toBeLessThanOrEqual(4);

    await storefront.viewAndCartIn(department, 4);
    const after = await storefront.topCategories();
    // At most 10 of the first 12 can be one department under the demo shop's rules (a pinned
    // product, two per department in the first row), and a young session's exploration slots may
    // take two more: 8 is all the department can be sure to hold.
    expect(after.filter((c) => c === department).length, `first 12 after: ${after.join(', ')}`).toBeGreaterThanOrEqual(8);
    await expect(storefront.page.getByRole('button', { name: /Cart \(4\)/ })).toBeVisible();
  });

  test('keeps events, cart and ranking across a reload', async ({ storefront, page }) => {
    await storefront.open();
    const department = (await storefront.topCategories())[1] ?? '';
    const ids = await storefront.grid.locator(`[data-category="${department}"]`).evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id') ?? ''));
    await storefront.viewAndAddToCart(ids[0] ?? '');
    // Exploration slots are drawn per session, and a reload starts a new one (with the share of a
    // fresh session): every other card is the ranking restored from the stored state, in order.
    const ranked = async (): Promise<string[]> =>
      storefront.cards.evaluateAll((cards) =>
        cards.filter((c) => c.getAttribute('data-reason') !== 'explore').map((c) => c.getAttribute('data-item-id') ?? ''),
      );
    const before = await ranked();
    const events = await storefront.eventCount();

    const backend = await storefront.backend();
    await page.reload();
    await storefront.waitReady();
    // The calibration's verdict is remembered for this device and model: no second measurement.
    expect(await storefront.backend()).toBe(backend);
    expect(await storefront.grid.getAttribute('data-backend-reason')).toMatch(/\(measured on an earlier visit\)$/);
    const after = await ranked();
    const kept = Math.min(before.length, after.length);
    expect(kept).toBeGreaterThanOrEqual(20);
    expect(after.slice(0, kept)).toEqual(before.slice(0, kept));
    expect(await storefront.eventCount()).toBeGreaterThanOrEqual(events);
    await expect(page.getByRole('button', { name: /Cart \(1\)/ })).toBeVisible();
  });

  test('falls back to another backend without WebGPU and still re-ranks', async ({ storefront, page }) => {
    await page.addInitScript(() => {
      // As on a browser without WebGPU: the `gpu` getter lives on Navigator.prototype.
      delete (Navigator.prototype as { gpu?: unknown }).gpu;
    });
    await storefront.open();
    const backend = await storefront.backend();
    expect(['webgl', 'wasm', 'cpu']).toContain(backend);
    const before = await storefront.topIds();
    const department = (await storefront.topCategories())[2] ?? '';
    const id = await storefront.grid.locator(`[data-category="${department}"]`).first().getAttribute('data-item-id');
    await storefront.viewAndAddToCart(id ?? '');
    expect(await storefront.topIds()).not.toEqual(before);
    expect(await storefront.countInTop(department)).toBeGreaterThanOrEqual(4);
  });
});
