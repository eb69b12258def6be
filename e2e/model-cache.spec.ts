// The model's files kept on the device (Cache Storage, by content): a repeat visit downloads the
// manifest and no model file, an update downloads only what changed, and a copy damaged on the
// device is refused and replaced. Sizes come from the request log, not from timing.
import { createHash } from 'node:crypto';
import type { Page, Request } from '@playwright/test';
import { expect, test } from './fixtures.ts';

const MODEL = '/models/demo';

interface ManifestFiles {
  files: Record<string, { path: string; bytes: number; sha256: string }>;
}

/** The model's data files, as its manifest lists them. */
async function manifestOf(page: Page): Promise<ManifestFiles> {
  return (await (await page.request.get(`${MODEL}/manifest.json`)).json()) as ManifestFiles;
}

/** Waits until the device holds a copy of each listed file (stored after the load, off its path). @returns the entries' URLs. */
async function waitForCopies(page: Page, count: number): Promise<string[]> {
  await expect.poll(() => page.evaluate(async () => (await (await caches.open('vitrine-model-files-v1')).keys()).length), { timeout: 30_000 }).toBe(count);
  return page.evaluate(async () => (await (await caches.open('vitrine-model-files-v1')).keys()).map((request) => new URL(request.url).pathname));
}

/** The model folder's files requested since `from`, by name. */
const modelRequests = (requests: Request[], from: number): string[] =>
  requests
    .slice(from)
    .map((request) => new URL(request.url()).pathname)
    .filter((path) => path.startsWith(`${MODEL}/`) && !path.startsWith(`${MODEL}/images/`))
    .map((path) => path.slice(MODEL.length + 1));

/** The body bytes received for each URL answered among `requests` (a revalidated file: none); a request the reload cut off is left out. */
async function bodyBytes(requests: Request[]): Promise<Map<string, number>> {
  const sizes = await Promise.all(
    requests.map(
      async (request) =>
        [
          request.url(),
          await request.sizes().then(
            (size) => size.responseBodySize,
            () => null,
          ),
        ] as const,
    ),
  );
  const byUrl = new Map<string, number>();
  for (const [url, bytes] of sizes) if (bytes !== null) byUrl.set(url, (byUrl.get(url) ?? 0) + bytes);
  return byUrl;
}

test('a repeat visit downloads the model’s manifest and none of its files, and ranks as before', async ({ storefront, page, requests }) => {
  await storefront.open('?backend=wasm');
  const { files } = await manifestOf(page);
  const paths = Object.values(files).map((file) => file.path);
  expect((await waitForCopies(page, paths.length)).sort()).toEqual(paths.map((path) => `${MODEL}/${path}`).sort());
  const before = await storefront.cards.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-item-id')));

  const from = requests.length;
  await page.reload();
  await storefront.waitReady();
  // The manifest (revalidated) and the availability file, read on each visit; no data file.
  expect(modelRequests(requests, from).sort()).toEqual(['availability.json', 'manifest.json']);
  // Nothing the first visit downloaded travels again: the app's files, the manifest and the card
  // images are revalidated (304, no body). New cards' images, and the search encoder when the first
  // visit ended before fetching it, are first downloads and not counted.
  const first = await bodyBytes(requests.slice(0, from));
  const again = [...(await bodyBytes(requests.slice(from)))].filter(([url]) => first.has(url));
  expect(again.length).toBeGreaterThan(10);
  expect(again.filter(([, bytes]) => bytes > 0)).toEqual([]);
  const after = await storefront.cards.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-item-id')));
  // A new visit draws new exploration slots; the ranked cards are the same model's.
  expect(after.filter((id) => before.includes(id)).length).toBeGreaterThanOrEqual(20);
});

test('after a model update the next visit downloads only the file whose checksum changed', async ({ storefront, page, requests }) => {
  await storefront.open('?backend=wasm');
  const manifest = await manifestOf(page);
  await waitForCopies(page, Object.keys(manifest.files).length);

  // The next deploy: the same catalogue with one more byte (valid JSON, another checksum).
  const catalogEntry = manifest.files['catalog'];
  if (catalogEntry === undefined) throw new Error('the demo model has no catalogue entry');
  const catalog = Buffer.concat([await (await page.request.get(`${MODEL}/${catalogEntry.path}`)).body(), Buffer.from('\n')]);
  const updated = {
    ...manifest,
    files: { ...manifest.files, catalog: { ...catalogEntry, bytes: catalog.byteLength, sha256: createHash('sha256').update(catalog).digest('hex') } },
  };
  await page.route(`**${MODEL}/manifest.json`, (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(updated) }));
  await page.route(`**${MODEL}/${catalogEntry.path}`, (route) => route.fulfill({ contentType: 'application/json', body: catalog }));

  const from = requests.length;
  await page.reload();
  await storefront.waitReady();
  expect(modelRequests(requests, from).sort()).toEqual(['availability.json', catalogEntry.path, 'manifest.json'].sort());
  // The new catalogue replaced the old one: one copy per file.
  const copies = await waitForCopies(page, Object.keys(manifest.files).length);
  expect(copies).toContain(`${MODEL}/${catalogEntry.path}`);
  const catalogCopies = await page.evaluate(async (path) => {
    const keys = await (await caches.open('vitrine-model-files-v1')).keys();
    return keys
      .map((request) => new URL(request.url))
      .filter((url) => url.pathname.endsWith(path))
      .map((url) => url.searchParams.get('sha256'));
  }, catalogEntry.path);
  expect(catalogCopies).toEqual([updated.files.catalog.sha256]);
});

test('a copy damaged on the device is refused, downloaded again and replaced, and the shopper sees the grid', async ({ storefront, page, requests }) => {
  await storefront.open('?backend=wasm');
  const { files } = await manifestOf(page);
  const vectors = files['vectors'];
  if (vectors === undefined) throw new Error('the demo model has no vectors entry');
  await waitForCopies(page, Object.keys(files).length);
  // Same size, one bit flipped: only the checksum can tell.
  await page.evaluate(async (path) => {
    const cache = await caches.open('vitrine-model-files-v1');
    const [key] = (await cache.keys()).filter((request) => new URL(request.url).pathname.endsWith(`/${path}`));
    if (key === undefined) throw new Error(`no copy of ${path}`);
    const bytes = new Uint8Array(await ((await cache.match(key)) as Response).arrayBuffer());
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    await cache.put(key, new Response(bytes));
  }, vectors.path);

  const from = requests.length;
  await page.reload();
  await storefront.waitReady();
  await expect(page.getByRole('alert')).toHaveCount(0);
  // The first read refused the copy; the retry read the manifest and every file from the server.
  expect(modelRequests(requests, from).filter((path) => path === vectors.path)).toEqual([vectors.path]);
  await expect
    .poll(() =>
      page.evaluate(async (path) => {
        const cache = await caches.open('vitrine-model-files-v1');
        const [key] = (await cache.keys()).filter((request) => new URL(request.url).pathname.endsWith(`/${path}`));
        const bytes = key === undefined ? null : await ((await cache.match(key)) as Response).arrayBuffer();
        if (bytes === null) return null;
        return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
      }, vectors.path),
    )
    .toBe(vectors.sha256);
});
