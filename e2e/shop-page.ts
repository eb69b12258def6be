// The example shop page (public/shop/index.html, served at /shop/) as a page object, shared by
// widget.spec.ts and the scripted demo (e2e/demo/shopper.ts): its own product list, product page,
// cart and log, and the <vitrine-grid> elements it embeds (each a Storefront scoped to its element).
import type { Locator, Page } from '@playwright/test';
import { Storefront } from './fixtures.ts';

const SHOP = '/shop/';

/** The shop page: its own product list, product page, cart and log, and the grid(s) it embeds. */
export class ShopPage {
  readonly page: Page;

  constructor(page: Page) {
    this.page = page;
  }

  /**
   * @param backend added to each of the page's <vitrine-grid> and <vitrine-list> elements as it is served, or the page as it is.
   * @param models the model folder's URL the elements load instead of the demo's, e.g. /models/e2e-paged.
   */
  async open(backend?: string, models?: string): Promise<Storefront> {
    if (backend !== undefined || models !== undefined) {
      await this.page.route(`**${SHOP}`, async (route) => {
        const response = await route.fetch();
        let html = await response.text();
        if (backend !== undefined)
          html = html
            .replaceAll('<vitrine-grid id=', `<vitrine-grid backend="${backend}" id=`)
            .replace('<vitrine-list ', `<vitrine-list backend="${backend}" `);
        if (models !== undefined) html = html.replaceAll('models="/models/demo"', `models="${models}"`);
        await route.fulfill({ response, body: html });
      });
    }
    await this.page.goto(SHOP);
    const grid = this.grid('recommendations');
    await grid.waitReady();
    return grid;
  }

  /** @param id the element's id. */
  grid(id: string): Storefront {
    return new Storefront(this.page, this.page.locator(`vitrine-grid#${id}`));
  }

  /** The shop's own list entry for an item. */
  product(itemId: string): Locator {
    return this.page.locator(`#products [data-host-item-id="${itemId}"]`);
  }

  /** Item ids of the shop's own list in one department. */
  async productsIn(category: string): Promise<string[]> {
    return this.page
      .locator(`#products [data-category="${category}"]`)
      .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset['hostItemId'] ?? ''));
  }

  /** A department of the shop's list with the fewest cards among the grid's first `n` (so adding interest in it must show). */
  async leastShownDepartment(grid: Storefront, n: number): Promise<string> {
    const listed = await this.page
      .locator('#products [data-category]')
      .evaluateAll((rows) => [...new Set(rows.map((row) => (row as HTMLElement).dataset['category'] ?? ''))]);
    const shown = await grid.topCategories(n);
    const counts = listed.map((category) => [category, shown.filter((c) => c === category).length] as const);
    counts.sort((a, b) => a[1] - b[1]);
    return (counts[0] as readonly [string, number])[0];
  }

  get log(): Locator {
    return this.page.locator('#widget-log');
  }
}
