// A broken or missing model never gives a blank page. When a model file is
// missing, truncated, corrupted, of the wrong dimension or format version, the storefront names
// the file, what it expected and what it found, in a notice above a grid that still shows the
// catalogue in popularity order (no ranking: data-backend="none"). When nothing can be salvaged
// (the catalogue itself is broken, the folder does not exist, a bad URL parameter) it shows the
// error screen. Files are broken in flight with page.route (same origin, GET). Each test is tagged
// with fault() and records what the shopper saw, for docs/reliability.md (e2e/reliability-reporter.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { vectorFileBytes, type VectorDtype } from '../src/core/vectors.ts';
import { expect, fault, observe, test, type Storefront } from './fixtures.ts';
import { rewrite } from './rewrite-response.ts';

const MODEL_DIR = resolve(import.meta.dirname, '..', 'models', 'demo');

interface DemoModel {
  /** The vectors file's name (`vectors.<dtype>.bin`: the demo stores the type its build chose). */
  readonly vectorFile: string;
  readonly dtype: VectorDtype;
  readonly vectorBytes: number;
  readonly catalogBytes: number;
  /** Item ids in catalogue (row) order. */
  readonly byRow: readonly string[];
  /** Item ids, most popular first (ties in catalogue order), from popularity.f32 and catalog.json. */
  readonly byPopularity: readonly string[];
  readonly titles: ReadonlyMap<string, string>;
}

let demoModel: DemoModel | null = null;

/** The demo model as it is on disk, read once: the expectations are computed, not copied from the app. */
function demo(): DemoModel {
  if (demoModel !== null) return demoModel;
  const manifest = JSON.parse(readFileSync(resolve(MODEL_DIR, 'manifest.json'), 'utf8')) as {
    dtype: VectorDtype;
    files: Record<string, { path: string; bytes: number }>;
  };
  const { items } = JSON.parse(readFileSync(resolve(MODEL_DIR, 'catalog.json'), 'utf8')) as { items: Array<{ id: string; title: string }> };
  const raw = readFileSync(resolve(MODEL_DIR, 'popularity.f32'));
  const popularity = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const rows = items.map((_, row) => row).sort((a, b) => (popularity[b] ?? 0) - (popularity[a] ?? 0) || a - b);
  demoModel = {
    vectorFile: manifest.files['vectors']?.path ?? '',
    dtype: manifest.dtype,
    vectorBytes: manifest.files['vectors']?.bytes ?? 0,
    catalogBytes: manifest.files['catalog']?.bytes ?? 0,
    byRow: items.map((item) => item.id),
    byPopularity: rows.map((row) => items[row]?.id ?? ''),
    titles: new Map(items.map((item) => [item.id, item.title])),
  };
  return demoModel;
}

/** `text` as a regular expression that matches it literally. */
const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Rewrites the demo manifest's JSON. */
async function editManifest(page: Page, edit: (manifest: Record<string, unknown>) => void): Promise<void> {
  await rewrite(page, '**/models/demo/manifest.json', (body) => {
    const manifest = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    edit(manifest);
    return Buffer.from(JSON.stringify(manifest));
  });
}

/** Records the error screen's message and code as the observed outcome. */
async function observeErrorScreen(alert: Locator): Promise<void> {
  observe(`error screen ${await alert.getAttribute('data-error-code')}: ${(await alert.locator('.failure__message').textContent()) ?? ''}`);
}

/**
 * Checks the fallback: the precise error in a notice above the grid, and the grid showing the
 * catalogue's most popular products in order, as cards with ids, departments, titles, images and
 * prices, and product pages that open (read-only). Records what the shopper saw.
 * @param code the expected error code.
 * @param message the expected precise message (what follows "Personalised ranking is off: ").
 */
async function expectPopularityFallback(storefront: Storefront, code: string, message: RegExp): Promise<void> {
  const { page, grid, cards } = storefront;
  await storefront.waitReady();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error-code', code);
  await expect(alert.locator('.notice__message')).toHaveText(new RegExp(`^Personalised ranking is off: ${message.source}`));
  // A notice above the grid, not a page instead of it.
  const [alertBox, gridBox] = [await alert.boundingBox(), await grid.boundingBox()];
  expect(alertBox?.y ?? Infinity).toBeLessThan(gridBox?.y ?? 0);

  await expect(grid).toHaveAttribute('data-backend', 'none');
  await expect(grid).toHaveAttribute('data-personalised', 'false');
  await expect(cards).toHaveCount(24);
  const { byPopularity, titles } = demo();
  const ids = await storefront.topIds(24);
  expect(ids).toEqual(byPopularity.slice(0, 24));

  const first = cards.first();
  const firstId = ids[0] ?? '';
  await expect(first).toHaveAttribute('data-category', /\S/);
  await expect(first.getByRole('heading')).toHaveText(titles.get(firstId) ?? '(unknown)');
  await expect(first.locator('img')).toHaveAttribute('src', `/models/demo/images/${firstId}.png`);
  await expect(first.locator('.card__price')).toHaveText(/\d/);
  await expect(first.locator('.card__reason')).toHaveText('Popular right now');
  // No ranking, so no cart: nothing on the cards pretends to record anything.
  await expect(grid.getByRole('button', { name: 'Add to cart' })).toHaveCount(0);

  observe(`notice ${code}: ${(await alert.locator('.notice__message').textContent()) ?? ''}`);
  observe(`grid in popularity order, ${await cards.count()} cards (data-backend="none"), first ${firstId} “${titles.get(firstId) ?? ''}”`);
}

test.describe('the model cannot be loaded but its catalogue can: popularity fallback', () => {
  test(
    'a missing vectors file (HTTP 404) is named, and the grid shows the most popular products',
    fault('Model files', 'Model file missing: the vectors file answers HTTP 404'),
    async ({ storefront, page }) => {
      await page.route('**/models/demo/vectors.*', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not Found' }));
      await page.goto('/');
      await expectPopularityFallback(
        storefront,
        'MODEL_FETCH_FAILED',
        new RegExp(`/models/demo/${escaped(demo().vectorFile)}: expected HTTP 200, found HTTP 404`),
      );
    },
  );

  test(
    'a truncated vectors file is reported with expected and found sizes, over the popularity grid',
    fault('Model files', 'Model file truncated: the vectors file cut to 1,000 bytes'),
    async ({ storefront, page }) => {
      await rewrite(page, '**/models/demo/vectors.*', (body) => body.subarray(0, 1000));
      await page.goto('/');
      await expectPopularityFallback(
        storefront,
        'MODEL_FILE_SIZE_MISMATCH',
        new RegExp(`/models/demo/${escaped(demo().vectorFile)}: expected ${demo().vectorBytes} bytes \\(manifest\\), found 1000 \\(truncated\\?\\)`),
      );
    },
  );

  test(
    'one flipped byte in the vectors file is a checksum mismatch; products still show and open',
    fault('Model files', 'Model file corrupted: one flipped byte in the vectors file'),
    async ({ storefront, page }) => {
      await rewrite(page, '**/models/demo/vectors.*', (body) => {
        const flipped = Buffer.from(body);
        flipped[1000] = (flipped[1000] ?? 0) ^ 0x01;
        return flipped;
      });
      await page.goto('/');
      await expectPopularityFallback(
        storefront,
        'MODEL_CHECKSUM_MISMATCH',
        new RegExp(
          `/models/demo/${escaped(demo().vectorFile)}: expected sha256 [0-9a-f]{64} \\(manifest\\), found [0-9a-f]{64}: the file is corrupted or from another build`,
        ),
      );
      // The catalogue was verified against the manifest, so the notice does not say otherwise.
      await expect(page.getByRole('alert')).not.toContainText('could not be checked');

      // Product pages still open, read-only.
      const second = storefront.cards.nth(1);
      const title = (await second.getByRole('heading').textContent()) ?? '';
      await second.getByRole('heading').click();
      const dialog = page.getByRole('dialog', { name: title });
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText('The cart is unavailable while personalised ranking is off.');
      await expect(dialog.getByRole('button', { name: 'Add to cart' })).toHaveCount(0);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect(dialog).toBeHidden();
      observe(`product page “${title}” opens read-only (no cart)`);
    },
  );

  test(
    'a manifest of the wrong dimension is named; the grid still shows the popularity order',
    fault('Model files', 'Model of the wrong dimension: the manifest says dim 256 for 512-dimensional vectors'),
    async ({ storefront, page }) => {
      await editManifest(page, (manifest) => (manifest['dim'] = 256));
      await page.goto('/');
      await expectPopularityFallback(
        storefront,
        'MODEL_DIMENSION_MISMATCH',
        new RegExp(
          `/models/demo/manifest\\.json: files\\.vectors\\.bytes: expected ${vectorFileBytes(2400, 256, demo().dtype)} \\(2400 x 256 ${demo().dtype}\\), found number ${demo().vectorBytes}`,
        ),
      );
      // The manifest cannot vouch for the catalogue any more, and the notice says so.
      await expect(page.getByRole('alert')).toContainText('The catalogue could not be checked against the model manifest');
    },
  );

  test(
    'a newer format version is named; the grid still shows the popularity order',
    fault('Model files', 'Model of another format version: formatVersion 2 in the manifest'),
    async ({ storefront, page }) => {
      await editManifest(page, (manifest) => (manifest['formatVersion'] = 2));
      await page.goto('/');
      await expectPopularityFallback(
        storefront,
        'MANIFEST_INVALID',
        /\/models\/demo\/manifest\.json: formatVersion: expected 1 \(this app reads format version 1\), found number 2/,
      );
      await expect(page.getByRole('alert')).toContainText('The catalogue could not be checked against the model manifest');
    },
  );
});

test.describe('no manifest: the catalogue as served', () => {
  test(
    'a missing manifest (HTTP 404) is named; the catalogue is shown unverified, in its own order',
    fault('Model files', 'Model file missing: the manifest answers HTTP 404, the other files are there'),
    async ({ storefront, page }) => {
      await page.route('**/models/demo/manifest.json', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'Not Found' }));
      await page.goto('/');
      await storefront.waitReady();
      const alert = page.getByRole('alert');
      await expect(alert).toHaveAttribute('data-error-code', 'MODEL_FETCH_FAILED');
      await expect(alert.locator('.notice__message')).toHaveText(
        /^Personalised ranking is off: \/models\/demo\/manifest\.json: expected HTTP 200, found HTTP 404/,
      );
      await expect(alert).toContainText('Showing the catalogue in its own order instead. The catalogue could not be checked against the model manifest');
      await expect(storefront.grid).toHaveAttribute('data-backend', 'none');
      await expect(storefront.cards).toHaveCount(24);
      // Without a manifest nothing vouches for popularity.f32, so the order is the catalogue's and no card claims popularity.
      expect(await storefront.topIds(24)).toEqual(demo().byRow.slice(0, 24));
      await expect(storefront.grid.locator('.card__reason')).toHaveCount(0);
      observe(`notice MODEL_FETCH_FAILED: ${(await alert.locator('.notice__message').textContent()) ?? ''}`);
      observe(`grid in catalogue order (unverified catalogue, popularity not used), ${await storefront.cards.count()} cards (data-backend="none")`);
    },
  );
});

test.describe('nothing to salvage: the error screen', () => {
  test(
    'a truncated catalogue leaves nothing to show: the error screen gives expected and found sizes',
    fault('Model files', 'Model file truncated: the catalogue cut to 1,000 bytes'),
    async ({ page }) => {
      await rewrite(page, '**/models/demo/catalog.json', (body) => body.subarray(0, 1000));
      await page.goto('/');
      const alert = page.getByRole('alert');
      await expect(alert).toHaveAttribute('data-error-code', 'MODEL_FILE_SIZE_MISMATCH');
      await expect(alert).toContainText(new RegExp(`catalog\\.json: expected ${demo().catalogBytes} bytes \\(manifest\\), found 1000 \\(truncated\\?\\)`));
      await expect(alert).toContainText('The storefront could not start');
      await expect(page.getByRole('region', { name: 'Recommended products' })).toHaveCount(0);
      await observeErrorScreen(alert);
    },
  );

  test(
    'a missing model folder names the manifest URL and the HTTP status',
    fault('Model files', 'Model files missing (HTTP 404 for the manifest)'),
    async ({ page }) => {
      await page.goto('/?models=no-such-model');
      const alert = page.getByRole('alert');
      await expect(alert).toHaveAttribute('data-error-code', 'MODEL_FETCH_FAILED');
      await expect(alert).toContainText('/models/no-such-model/manifest.json');
      await expect(alert).toContainText('404');
      await expect(page.getByRole('region', { name: 'Recommended products' })).toHaveCount(0);
      await observeErrorScreen(alert);
    },
  );

  test('a bad URL parameter names the parameter and the value', fault('Settings', 'A bad storefront setting: ?backend=quantum'), async ({ page }) => {
    await page.goto('/?backend=quantum');
    const alert = page.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error-code', 'CONFIG_INVALID');
    await expect(alert).toContainText('"backend" must be one of webgpu, webgl, wasm, cpu, found "quantum"');
    await observeErrorScreen(alert);
  });
});

test.describe('a redeploy during the load: read once more, past the cache', () => {
  test(
    'a vectors file from the next deploy (another size) on the first read is read again, and the ranked grid shows',
    fault('Model files', 'Model replaced while the page loads it: the first vectors file read is from another build (half the size)'),
    async ({ storefront, page, requests }) => {
      await rewrite(page, '**/models/demo/vectors.*', (body) => body.subarray(0, demo().vectorBytes / 2));
      // Routes registered later are asked first: the first read falls back to the rewrite, later ones go to the server.
      let vectorReads = 0;
      await page.route('**/models/demo/vectors.*', (route) => ((vectorReads += 1) === 1 ? route.fallback() : route.continue()));
      await page.goto('/');
      await storefront.waitReady();
      await expect(storefront.grid).not.toHaveAttribute('data-backend', 'none');
      await expect(page.locator('[data-error-code]')).toHaveCount(0);
      await expect(storefront.cards).toHaveCount(24);
      // The whole model was read again from its manifest, not only the file that did not match.
      const manifestReads = requests.filter((request) => request.url().endsWith('/models/demo/manifest.json')).length;
      expect({ vectorReads, manifestReads }).toEqual({ vectorReads: 2, manifestReads: 2 });
      observe(`no notice; grid ranked on ${(await storefront.backend()) ?? '?'}, ${await storefront.cards.count()} cards`);
      observe(`the manifest and the vectors file each read twice`);
    },
  );
});
