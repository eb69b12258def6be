// Vitrine as a shop installs it from npm (README, "Install from npm"): the repository packed by
// `npm pack`, installed from the tarball into a fresh Vite + React app in a temporary folder
// (package-consumer-app.ts), which renders the README's example (For you and Trending now through
// `vitrine/react`) and starts the recommender through `vitrine`; the app is type-checked against the
// package's declarations, built by its own Vite and previewed. Also the package's builder command.
// Packing, installing and building run once, before the tests; nothing is written in the repository
// but its git-ignored dist/package/.
import { lstat, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { APP_MODEL, createApp, packRepository, run } from './package-consumer-app.ts';
import { portBesideSuite, runNpx, startServer, type SpawnedServer } from './spawned-server.ts';

const PORT = portBesideSuite(3);
const ORIGIN = `http://127.0.0.1:${PORT}`;
/** A name only React's own modules carry (its internals' export), as the app's bundle does. */
const REACT_INTERNALS = '_DO_NOT_USE_OR_WARN_USERS_THEY_CANNOT_UPGRADE';

let work = '';
let app = '';
let tarball = '';
let server: SpawnedServer | null = null;

test.use({ baseURL: ORIGIN });
// One pack, install and build for the file: a failure skips the rest rather than repeating them.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  work = await mkdtemp(join(tmpdir(), 'vitrine-consumer-'));
  app = join(work, 'shop');
  tarball = await packRepository(join(work, 'pack'));
  await createApp(app, tarball);
  await run(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: app });
  await runNpx(['vite', 'build', '--logLevel', 'warn'], app);
  server = await startServer(['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], ORIGIN, 120_000, app);
});

test.afterAll(async () => {
  await server?.stop();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

/** Every file under a folder, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

const ids = (grid: Locator): Promise<string[]> => grid.locator('[data-item-id]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id') ?? ''));
const reasons = (grid: Locator): Promise<string[]> =>
  grid.locator('[data-item-id]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-reason') ?? ''));

interface DemoCatalog {
  readonly items: readonly { readonly id: string }[];
  readonly rules: { readonly pin: readonly { readonly item: string; readonly position: number }[] };
}

type ShopWindow = {
  shop: { trending(limit: number): Promise<string[]>; search(query: string): Promise<{ semantic: boolean | null; resultCount: number | null }> };
};

test('the tarball holds the ES modules, their declarations, the stylesheet, the assets, the builder and the changelog, and no tests or models', async () => {
  test.info().annotations.push({ type: 'tarball', description: `${(await stat(tarball)).size} bytes` });
  const listed = (await run('tar', ['-tzf', tarball], { cwd: work })).split('\n').filter((line) => line !== '');
  const files = listed.map((path) => path.replace(/^package\//, ''));
  for (const entry of ['index', 'elements', 'react']) {
    expect(files).toContain(`dist/package/${entry}.js`);
    expect(files).toContain(`dist/package/types/package/${entry}.d.ts`);
  }
  for (const file of ['dist/package/styles.css', 'dist/package/assets/tfjs-backend-wasm-simd.wasm', 'dist/package/assets/encoder/model.json'])
    expect(files).toContain(file);
  for (const file of ['src/package/node/vitrine-build.js', 'docs/CHANGELOG.md', 'README.md', 'package.json']) expect(files).toContain(file);
  expect(files.filter((file) => /\.test\.|test-support|\.map$|^(e2e|models|public|\.cache)\/|fixtures\//.test(file))).toEqual([]);
});

test('the app has the package as installed from the tarball, a real folder, with React a peer dependency it imports and does not carry', async () => {
  const installed = join(app, 'node_modules/vitrine');
  const entry = await lstat(installed);
  expect(entry.isSymbolicLink()).toBe(false);
  expect(entry.isDirectory()).toBe(true);
  const lock = JSON.parse(await readFile(join(app, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string; link?: boolean }> };
  expect(lock.packages['node_modules/vitrine']?.link).toBeUndefined();
  expect(lock.packages['node_modules/vitrine']?.resolved).toMatch(/^file:.*\.tgz$/);

  const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as Record<string, Record<string, string> | string>;
  expect(pkg['version']).toMatch(/^\d+\.\d+\.\d+$/);
  expect(Object.keys(pkg['peerDependencies'] ?? {}).sort()).toEqual(['react', 'react-dom']);
  expect(Object.keys(pkg['dependencies'] ?? {})).not.toContain('react');
  expect(pkg['bin']).toEqual({ 'vitrine-build': 'src/package/node/vitrine-build.js' });

  const scripts = (await filesUnder(join(installed, 'dist'))).filter((file) => file.endsWith('.js'));
  const texts = await Promise.all(scripts.map((file) => readFile(join(installed, 'dist', file), 'utf8')));
  expect(scripts.filter((_, i) => texts[i]?.includes(REACT_INTERNALS))).toEqual([]);
  expect(texts.some((text) => /from "react"/.test(text))).toBe(true);
  // The marker is there when React is: the app's own bundle carries it.
  const bundle = (await filesUnder(join(app, 'dist/assets'))).filter((file) => file.endsWith('.js'));
  const bundled = await Promise.all(bundle.map((file) => readFile(join(app, 'dist/assets', file), 'utf8')));
  expect(bundled.some((text) => text.includes(REACT_INTERNALS))).toBe(true);
});

test('the built app shows For you with the pinned product and Trending now from the demo catalogue on wasm; a click re-ranks For you only', async ({
  page,
  requests,
  csp,
}) => {
  void csp;
  const catalog = JSON.parse(await readFile(join(app, 'public', APP_MODEL, 'catalog.json'), 'utf8')) as DemoCatalog;
  const known = new Set(catalog.items.map((item) => item.id));
  const [pin] = catalog.rules.pin;
  if (pin === undefined) throw new Error('the demo catalogue pins no product');

  await page.goto('/');
  const forYou = page.locator('section[data-placement="for-you"]');
  const trending = page.locator('section[data-placement="trending"]');
  await expect(forYou.locator('[data-item-id]')).toHaveCount(8, { timeout: 90_000 });
  await expect(trending.locator('[data-item-id]')).toHaveCount(4, { timeout: 90_000 });
  for (const grid of [forYou, trending]) await expect(grid).toHaveAttribute('data-backend', 'wasm');
  await expect(forYou.getByRole('heading', { level: 2 })).toHaveText('Popular right now');
  await expect(trending).toHaveAttribute('data-shows', 'trending');
  await expect(trending.getByRole('heading', { level: 2 })).toHaveText('Trending now');

  const forYouIds = await ids(forYou);
  const trendingIds = await ids(trending);
  expect([...forYouIds, ...trendingIds].filter((id) => !known.has(id))).toEqual([]);
  // For you applies the shop's rules (the pinned product in its place); Trending is popularity alone.
  expect(forYouIds[pin.position]).toBe(pin.item);
  expect((await reasons(forYou))[pin.position]).toBe('pinned');
  expect(await reasons(trending)).toEqual(['popular', 'popular', 'popular', 'popular']);
  // The programmatic entry shares the grids' recommender: its trending list is the one shown.
  await page.waitForFunction(() => 'shop' in window);
  expect(await page.evaluate(() => (window as unknown as ShopWindow).shop.trending(4))).toEqual(trendingIds);
  const wasm = requests.filter((request) => /^\/vitrine\/tfjs-backend-wasm[\w-]*\.wasm$/.test(new URL(request.url()).pathname));
  expect(wasm.length).toBeGreaterThan(0);
  for (const request of wasm) expect((await request.response())?.status()).toBe(200);

  const eventsBefore = Number(await trending.getAttribute('data-event-count'));
  const clicked = forYouIds.find((id) => id !== pin.item) ?? '';
  await forYou.locator(`[data-item-id="${clicked}"]`).getByRole('heading').click();
  await expect(forYou).toHaveAttribute('data-personalised', 'true');
  await expect(forYou.getByRole('heading', { level: 2 })).toHaveText('Recommended for you');
  expect(await ids(forYou)).not.toEqual(forYouIds);
  // Trending was computed again for the click, and is still the shop's popularity.
  await expect.poll(async () => Number(await trending.getAttribute('data-event-count'))).toBeGreaterThan(eventsBefore);
  expect(await ids(trending)).toEqual(trendingIds);
});

test('a search in the built app is embedded on the device by the encoder the page serves from /vitrine/encoder/', async ({ page, requests, csp }) => {
  void csp;
  await page.goto('/');
  await page.waitForFunction(() => 'shop' in window, undefined, { timeout: 90_000 });
  const result = await page.evaluate(() => (window as unknown as ShopWindow).shop.search('waterproof rain jacket'));
  expect(result.semantic).toBe(true);
  expect(result.resultCount).toBeGreaterThan(0);
  await expect(page.locator('section[data-mode="search"]')).toHaveAttribute('data-query', 'waterproof rain jacket');
  const encoder = requests.filter((request) => new URL(request.url()).pathname === '/vitrine/encoder/model.json');
  expect(encoder.length).toBe(1);
  expect((await encoder[0]?.response())?.status()).toBe(200);
});

test('npx vitrine-build prints its usage and builds a model folder from a small catalogue', async () => {
  test.setTimeout(300_000);
  const usage = await run('npx', ['vitrine-build', '--help'], { cwd: app });
  expect(usage).toContain('npx vitrine-build --catalog <items.jsonl|items.csv>');
  expect(usage).not.toContain('npm run build:models');
  expect(usage).not.toContain('--demo');

  const items = ['green tea', 'black tea', 'rooibos', 'cast iron teapot', 'glass teapot', 'tea cups', 'espresso beans', 'filter coffee'].map((title, i) => ({
    id: `sku-${i + 1}`,
    title,
    category: title.includes('coffee') || title.includes('espresso') ? 'Coffee' : 'Tea',
    price: 5 + i,
  }));
  await writeFile(join(work, 'items.jsonl'), items.map((item) => JSON.stringify(item)).join('\n'));
  await run('npx', ['vitrine-build', '--catalog', join(work, 'items.jsonl'), '--out', join(work, 'built/tea'), '--dim', '4', '--quiet'], { cwd: app });
  const manifest = JSON.parse(await readFile(join(work, 'built/tea/manifest.json'), 'utf8')) as { itemCount: number; dim: number };
  expect([manifest.itemCount, manifest.dim]).toEqual([8, 4]);
  const built = JSON.parse(await readFile(join(work, 'built/tea/catalog.json'), 'utf8')) as { items: { id: string }[] };
  expect(built.items.map((item) => item.id)).toEqual(items.map((item) => item.id));
});
