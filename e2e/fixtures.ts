// Shared e2e fixtures: a `storefront` page object over the app's stable DOM contract, and a
// request log that every test checks on teardown: no request leaves the page's origin, and none
// carries data (only GETs without a body or query string, apart from the pages we navigate to).
import { test as base, expect, type Locator, type Page, type Request } from '@playwright/test';

export class Storefront {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  /** @param query URL parameters, e.g. '?backend=wasm'. */
  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await expect(this.grid).toBeVisible({ timeout: 90_000 });
    await expect(this.cards.first()).toBeVisible();
  }

  get grid(): Locator {
    return this.page.getByRole('region', { name: 'Recommended products' });
  }

  get cards(): Locator {
    return this.grid.locator('[data-item-id]');
  }

  async backend(): Promise<string | null> {
    return this.grid.getAttribute('data-backend');
  }

  async eventCount(): Promise<number> {
    return Number(await this.grid.getAttribute('data-event-count'));
  }

  /** Item ids of the first `n` cards, in order. */
  async topIds(n = 12): Promise<string[]> {
    return (await this.cards.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id') ?? ''))).slice(0, n);
  }

  /** Departments of the first `n` cards, in order. */
  async topCategories(n = 12): Promise<string[]> {
    return (await this.cards.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-category') ?? ''))).slice(0, n);
  }

  async countInTop(category: string, n = 12): Promise<number> {
    return (await this.topCategories(n)).filter((c) => c === category).length;
  }

  /** Runs an interaction and waits until the grid shows a ranking that includes it. */
  async afterRerank(action: () => Promise<void>): Promise<void> {
    const before = await this.eventCount();
    await action();
    await expect.poll(() => this.eventCount(), { timeout: 60_000 }).toBeGreaterThan(before);
    await expect(this.grid).toHaveAttribute('aria-busy', 'false');
  }

  /** Opens a product page from the grid, adds it to the cart there, and closes it. */
  async viewAndAddToCart(itemId: string): Promise<void> {
    const card = this.grid.locator(`[data-item-id="${itemId}"]`);
    await this.afterRerank(() => card.getByRole('heading').first().click());
    const dialog = this.page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await this.afterRerank(() => dialog.getByRole('button', { name: 'Add to cart' }).click());
    // Stay past the 500 ms dwell threshold so closing always records exactly one dwell event,
    // which we then wait for (otherwise it could land during the next step's wait).
    await this.page.waitForTimeout(600);
    await this.afterRerank(() => dialog.getByRole('button', { name: 'Close' }).click());
    await expect(dialog).toBeHidden();
  }

  async search(query: string): Promise<void> {
    await this.afterRerank(async () => {
      await this.page.getByRole('searchbox', { name: 'Search products' }).fill(query);
      await this.page.getByRole('searchbox', { name: 'Search products' }).press('Enter');
    });
  }
}

interface Fixtures {
  storefront: Storefront;
  requests: Request[];
}

export const test = base.extend<Fixtures>({
  requests: async ({ page, baseURL }, use) => {
    const requests: Request[] = [];
    page.on('request', (request) => requests.push(request));
    await use(requests);
    const origin = new URL(baseURL ?? '').origin;
    const offending = requests.filter((request) => {
      const url = new URL(request.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
      const isPage = request.isNavigationRequest();
      return url.origin !== origin || request.method() !== 'GET' || request.postData() !== null || (!isPage && url.search !== '');
    });
    expect(offending.map((r) => `${r.method()} ${r.url()}`), 'requests that leave the origin or carry data').toEqual([]);
  },
  storefront: async ({ page, requests }, use) => {
    void requests; // depend on the request log so every storefront test is checked
    await use(new Storefront(page));
  },
});

export { expect };
