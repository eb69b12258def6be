// A reliability fault: the GPU device is lost mid-session. The test build's hook
// (src/app/test-hooks.ts) calls GPUDevice.destroy() on TF.js's WebGPU device; the engine must
// rebuild itself, on WebGPU or the next backend, with the same interest, and the next interaction
// must re-rank as if nothing had happened.
import type { Page } from '@playwright/test';
import { expect, fault, observe, test, type Storefront } from './fixtures.ts';

/** The test build's hooks (src/app/test-hooks.ts), as the page sees them. */
interface HookWindow {
  __vitrineTestHooks?: { loseGpuDevice(): Promise<string | null> };
}

/** Calls the test hook once the (lazily loaded) hooks are installed. */
async function loseGpuDevice(page: Page): Promise<string | null> {
  await page.waitForFunction(() => (window as HookWindow).__vitrineTestHooks !== undefined);
  return page.evaluate(() => (window as HookWindow).__vitrineTestHooks?.loseGpuDevice() ?? null);
}

/** Item ids of the cards of `category` in the grid, in order. */
function idsOf(storefront: Storefront, category: string): Promise<string[]> {
  return storefront.grid.locator(`[data-category="${category}"]`).evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id') ?? ''));
}

/**
 * Builds an interest in one department on WebGPU, loses the device (after `beforeLoss`), takes
 * one product out of the cart, and checks the result.
 * @returns the backend the engine ended up on.
 */
async function loseDeviceMidSession(storefront: Storefront, page: Page, beforeLoss: () => Promise<void>): Promise<string> {
  // Asked for: by default the backend is calibrated, and on this machine a CPU backend wins.
  await storefront.open('?backend=webgpu');
  expect(await storefront.backend()).toBe('webgpu');

  const department = (await storefront.topCategories())[0] ?? '';
  const touched = new Set<string>();
  for (let step = 0; step < 3; step++) {
    const next = (await idsOf(storefront, department)).find((id) => !touched.has(id));
    if (next === undefined) throw new Error(`no untouched ${department} card left`);
    touched.add(next);
    await storefront.viewAndAddToCart(next);
  }
  const before = await storefront.topCategories();
  const keptBefore = before.filter((c) => c === department).length;
  // The demo shop's rules leave one department at most 10 of the first 12 (a pinned product, two
  // per department in the first row), and the session's exploration slots may take two (the shop's list rules).
  expect(keptBefore, `first 12 before the loss: ${before.join(', ')}`).toBeGreaterThanOrEqual(8);
  const rankedBefore = await storefront.topIds(24);
  const eventsBefore = await storefront.eventCount();

  await beforeLoss();
  const reason = await loseGpuDevice(page);
  expect(reason).toMatch(/^destroyed/);
  observe(`device lost: ${reason ?? ''}`);

  // The next interaction: one product taken out of the cart. Its weight is negative, so had the
  // interest been lost with the device (reset to zero), this alone would push the department to
  // the bottom; with the interest kept, the department stays on top.
  await page.getByRole('button', { name: /Cart \(3\)/ }).click();
  const cart = page.getByRole('dialog');
  await storefront.afterRerank(() =>
    cart
      .getByRole('button', { name: /^Remove / })
      .first()
      .click(),
  );
  await cart.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('button', { name: /Cart \(2\)/ })).toBeVisible();

  expect(await storefront.eventCount()).toBeGreaterThan(eventsBefore);
  expect(await storefront.topIds(24), 'the grid re-ranked after the loss').not.toEqual(rankedBefore);
  const after = await storefront.topCategories();
  const kept = after.filter((c) => c === department).length;
  expect(kept, `first 12 after the loss: ${after.join(', ')}`).toBeGreaterThanOrEqual(7);

  const backend = (await storefront.backend()) ?? '';
  // The header's indicator follows the engine too.
  await expect(page.getByTestId('backend-indicator')).toHaveAttribute('data-backend', backend);
  await expect(page.getByRole('status')).not.toContainText(/Could not|lost|error/i);
  observe(`re-ranked on ${backend} after the loss; ${kept} of the first 12 still from “${department}” (${keptBefore} before), no error shown`);
  return backend;
}

test(
  'after the GPU device is lost, the engine rebuilds with the same interest and the next interaction re-ranks',
  fault('GPU device', 'The GPU device is lost mid-session (GPUDevice.destroy() on the WebGPU device, from the test hook)'),
  async ({ storefront, page }) => {
    const backend = await loseDeviceMidSession(storefront, page, async () => undefined);
    // WebGPU is still there, so the rebuild gets a new WebGPU device (it tries the lost backend first).
    expect(backend).toBe('webgpu');
  },
);

test(
  'when WebGPU cannot come back after the loss, the engine moves to the next backend with the same interest',
  fault('GPU device', 'The GPU device is lost mid-session and WebGPU is gone for good (navigator.gpu removed before the loss)'),
  async ({ storefront, page }) => {
    const backend = await loseDeviceMidSession(storefront, page, async () => {
      // As if the browser had turned WebGPU off: the rebuild cannot get a new adapter.
      await page.evaluate(() => {
        delete (Navigator.prototype as { gpu?: unknown }).gpu;
      });
    });
    // The next backend in the usual order (webgpu, webgl, wasm, cpu); Chromium here has WebGL.
    expect(backend).toBe('webgl');
  },
);
