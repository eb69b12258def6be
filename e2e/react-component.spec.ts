// The grid as a React component (README, "React"): a React app of the shop's own renders
// <VitrineGrid> from source with its own React (e2e/react-host/index.html, served by Vite's dev
// server, as such an app bundles the source: the e2e build holds no such page). The component
// shows `limit` cards, hands clicks and "Add to cart" to the callbacks with the card's item and
// position after recording them, and follows a changed prop.
import type { Locator, Page } from '@playwright/test';
import { expect, Storefront, test } from './fixtures.ts';
import { portBesideSuite, startServer, type SpawnedServer } from './spawned-server.ts';

const PORT = portBesideSuite(2);
const ORIGIN = `http://127.0.0.1:${PORT}`;

let server: SpawnedServer | null = null;

test.use({ baseURL: ORIGIN });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  server = await startServer(['vite', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], ORIGIN);
});

test.afterAll(async () => {
  await server?.stop();
});

type Call = { kind: 'product-click' | 'add-to-cart'; id: string; title: string; position: number };
/** What the host page keeps (e2e/react-host/index.html). */
type HostWindow = { reactHost: { calls: Call[]; setLimit: (limit: number) => void } };

function calls(page: Page): Promise<Call[]> {
  return page.evaluate(() => (window as unknown as HostWindow).reactHost.calls);
}

/** What a callback should receive for a card, read from the card as shown. */
async function shown(card: Locator): Promise<Omit<Call, 'kind'>> {
  return {
    id: (await card.getAttribute('data-item-id')) ?? '',
    title: (await card.getByRole('heading').innerText()).trim(),
    position: Number(await card.getAttribute('data-position')),
  };
}

test('<VitrineGrid> in a React app shows `limit` cards, hands clicks and "Add to cart" to its callbacks with the item, and re-ranks', async ({ page, csp }) => {
  void csp;
  // The first load may optimise dependencies and reload the page once: waitReady waits through it.
  await page.goto('/e2e/react-host/index.html');
  const grid = new Storefront(page, page.locator('#shop'));
  await grid.waitReady();
  await expect(grid.cards).toHaveCount(5);
  await expect(grid.grid).toHaveAttribute('data-backend', 'wasm');
  // Rendered into the page itself, no element or shadow root around it, styled by the stylesheet.
  await expect(page.locator('vitrine-grid')).toHaveCount(0);
  expect(await grid.cards.first().evaluate((card) => getComputedStyle(card).borderRadius)).toBe('14px');

  const card = grid.cards.nth(1);
  const clicked = await shown(card);
  await grid.afterRerank(() => card.getByRole('heading').click());
  expect(await calls(page)).toEqual([{ kind: 'product-click', ...clicked }]);
  // The host shows the product: the component opens no product page of its own.
  await expect(page.getByRole('dialog')).toHaveCount(0);

  const next = grid.cards.first();
  const added = await shown(next);
  await grid.afterRerank(() => next.getByRole('button', { name: 'Add to cart' }).click());
  // "Add to cart" is not also a click on the card.
  expect((await calls(page)).slice(1)).toEqual([{ kind: 'add-to-cart', ...added }]);

  await page.evaluate(() => (window as unknown as HostWindow).reactHost.setLimit(3));
  await expect(grid.cards).toHaveCount(3);
});
