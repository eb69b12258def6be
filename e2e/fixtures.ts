// Shared e2e fixtures: a `storefront` page object over the app's (and the widget's) stable DOM contract, and two
// checks that every storefront test runs on teardown: the request log (no request leaves the
// page's origin, and none carries data: only GETs without a body or query string, apart from the
// pages we navigate to) and the Content-Security-Policy monitor (no violation was reported).
// Also the reliability-fault convention of docs/reliability.md: `fault()` and `observe()`.
import type { FAULT_CLASSES } from './reliability-doc.ts';
import { test as base, expect, type Locator, type Page, type Request, type TestDetails } from '@playwright/test';

export class Storefront {
  readonly page: Page;
  /** Where the grid is: the page, or one `<vitrine-grid>` element on a page embedding the widget. */
  readonly scope: Page | Locator;

  /** @param page the tab; @param scope the grid's container when there may be more than one grid. */
  constructor(page: Page, scope: Page | Locator = page) {
    this.page = page;
    this.scope = scope;
  }

  /** @param query URL parameters, e.g. '?backend=wasm'. */
  async open(query = ''): Promise<void> {
    await this.page.goto(`/${query}`);
    await this.waitReady();
  }

  /** Waits for the engine's grid: the first grid painted while the engine starts (data-backend "starting") is read-only. */
  async waitReady(): Promise<void> {
    await expect(this.grid).toBeVisible({ timeout: 90_000 });
    await expect(this.grid).not.toHaveAttribute('data-backend', 'starting', { timeout: 90_000 });
    await expect(this.cards.first()).toBeVisible();
  }

  /** The grid: "Recommended products", or "Search results" while a search is shown. */
  get grid(): Locator {
    return this.scope.getByRole('region', { name: /^(Recommended products|Search results)$/ });
  }

  /** 'for-you' or 'search' (the grid's data-mode). */
  async mode(): Promise<string | null> {
    return this.grid.getAttribute('data-mode');
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
  /** Adds a card's item to the cart from the grid's own button, and waits for the re-ranked grid. */
  async addToCart(itemId: string): Promise<void> {
    await this.afterRerank(() => this.grid.locator(`[data-item-id="${itemId}"]`).getByRole('button', { name: 'Add to cart' }).click());
  }

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

  /**
   * Views and carts `count` products of one department, each the first untouched card of it on the
   * grid at the time.
   * @returns the products, in order.
   */
  async viewAndCartIn(department: string, count: number): Promise<string[]> {
    const touched: string[] = [];
    for (let step = 0; step < count; step++) {
      const candidates = await this.grid
        .locator(`[data-category="${department}"]`)
        .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id') ?? ''));
      const next = candidates.find((id) => !touched.includes(id));
      if (next === undefined) throw new Error(`no untouched ${department} card left`);
      touched.push(next);
      await this.viewAndAddToCart(next);
    }
    return touched;
  }

  /** The search box: a combobox, as its completions (a datalist) make it. */
  get searchBox(): Locator {
    return this.page.getByRole('combobox', { name: 'Search products' });
  }

  /** Searches a query that has matches (so it is recorded) and waits for its results. */
  async search(query: string): Promise<void> {
    await this.afterRerank(async () => {
      await this.searchBox.fill(query);
      await this.searchBox.press('Enter');
    });
    await expect(this.grid).toHaveAttribute('data-mode', 'search');
    await expect(this.grid).toHaveAttribute('data-query', query.trim());
  }

  /** Searches a query that matches nothing (not recorded) and waits for the no-results state. */
  async searchNothing(query: string): Promise<void> {
    await this.searchBox.fill(query);
    await this.searchBox.press('Enter');
    await expect(this.grid).toHaveAttribute('data-result-count', '0', { timeout: 60_000 });
    await expect(this.grid).toHaveAttribute('aria-busy', 'false');
  }

  /** "Back to For you": the shopper's grid again. */
  async leaveSearch(): Promise<void> {
    await this.grid.getByRole('button', { name: 'Back to For you' }).click();
    await expect(this.grid).toHaveAttribute('data-mode', 'for-you');
    await expect(this.grid).toHaveAttribute('aria-busy', 'false');
  }

  /**
   * Clicks the first card's "Add to cart" `times` times from inside the page, `gapMs` apart: a
   * pointerdown, then the DOM click through React's handlers, as a shopper's click. No Playwright
   * round trip comes between clicks, so two tabs' clicks really interleave and no gap grows longer
   * than asked.
   */
  clickAddToCartInPage(times: number, gapMs: number): Promise<void> {
    return this.page.evaluate(
      async ({ times, gapMs }) => {
        for (let i = 0; i < times; i++) {
          const button = [...document.querySelectorAll('[aria-label="Recommended products"] [data-item-id] button')].find(
            (b) => b.textContent?.trim() === 'Add to cart',
          );
          if (!(button instanceof HTMLButtonElement)) throw new Error('no "Add to cart" button on the cards');
          button.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
          button.click();
          await new Promise((resolve) => setTimeout(resolve, gapMs));
        }
      },
      { times, gapMs },
    );
  }
}

/** A Content-Security-Policy violation, as the page's `securitypolicyviolation` event reported it. */
export interface CspViolation {
  /** The directive that was violated, e.g. "script-src-elem" or "connect-src". */
  readonly directive: string;
  /** What was blocked: a URL, or "inline", "eval", "wasm-eval", "trusted-types-sink". */
  readonly blocked: string;
  /** The first characters of the offending inline code or sink value, if any. */
  readonly sample: string;
  /** "enforce" (blocked) or "report" (report-only policy). */
  readonly disposition: string;
  readonly page: string;
}

/**
 * Collects the page's CSP violations. They are listened for in the page itself (an init script,
 * so from the first byte of every document) and handed out through an exposed function, so they
 * survive reloads and need no report-uri/report-to endpoint.
 */
export class CspMonitor {
  readonly violations: CspViolation[] = [];
  #provoked = false;

  /** Marks the test as provoking violations on purpose, so teardown does not fail on them. */
  provoke(): void {
    this.#provoked = true;
  }

  get provoked(): boolean {
    return this.#provoked;
  }
}

/** The name of the function the init script reports violations through (exposed by the fixture). */
const REPORT_VIOLATION = '__vitrineReportCspViolation';

/**
 * Marks a test as a reliability fault for docs/reliability.md (see e2e/reliability-reporter.ts).
 * Use as `test(title, fault('Model files', 'what goes wrong'), async (...) => { ...; observe('what the app did'); })`.
 * @param faultClass one of FAULT_CLASSES (e2e/reliability-doc.ts).
 * @param description the fault, as the shopper or operator would meet it.
 */
export function fault(faultClass: keyof typeof FAULT_CLASSES, description: string): TestDetails {
  return {
    tag: '@fault',
    annotation: [
      { type: 'fault-class', description: faultClass },
      { type: 'fault', description },
    ],
  };
}

/**
 * Records what the app did under the fault (e.g. the exact error text it showed), for the report.
 * @param outcome one line; call it more than once for several observations.
 */
/**
 * The texts of the page's console messages of one type, as they come (a live array).
 * @param page the page to listen to.
 * @param type e.g. 'warning' or 'error'.
 */
export function consoleMessages(page: Page, type: 'warning' | 'error'): string[] {
  const texts: string[] = [];
  page.on('console', (message) => {
    if (message.type() === type) texts.push(message.text());
  });
  return texts;
}

export function observe(outcome: string): void {
  base.info().annotations.push({ type: 'observed', description: outcome });
}

interface Fixtures {
  storefront: Storefront;
  requests: Request[];
  csp: CspMonitor;
  /** Not a value: an automatic fixture that annotates each test with the browser's version. */
  browserVersion: undefined;
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
    expect(
      offending.map((r) => `${r.method()} ${r.url()}`),
      'requests that leave the origin or carry data',
    ).toEqual([]);
  },
  csp: async ({ context, page }, use) => {
    const monitor = new CspMonitor();
    // On the context, so pages a test opens itself (a second tab) are watched too.
    await context.exposeFunction(REPORT_VIOLATION, (violation: CspViolation) => {
      monitor.violations.push(violation);
    });
    await context.addInitScript((report) => {
      // Capture phase on the document: the event is fired at the element or document concerned
      // and bubbles; an app listener could stop it only after us.
      document.addEventListener(
        'securitypolicyviolation',
        (event) => {
          const send = (window as unknown as Record<string, (violation: unknown) => Promise<void>>)[report];
          void send?.({
            directive: event.effectiveDirective,
            blocked: event.blockedURI,
            sample: event.sample,
            disposition: event.disposition,
            page: event.documentURI,
          });
        },
        true,
      );
    }, REPORT_VIOLATION);
    await use(monitor);
    if (!monitor.provoked) {
      // Violation events are queued as tasks: let any still in flight arrive before checking.
      if (!page.isClosed()) await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50))).catch(() => undefined);
      expect(monitor.violations, 'Content-Security-Policy violations during the test').toEqual([]);
    }
  },
  storefront: async ({ page, requests, csp }, use) => {
    void requests; // depend on the request log and the CSP monitor so every storefront test is checked
    void csp;
    await use(new Storefront(page));
  },
  // Every test records the browser it ran in, for docs/reliability.md.
  browserVersion: [
    async ({ browser, browserName }, use, testInfo) => {
      testInfo.annotations.push({ type: 'browser', description: `${browserName} ${browser.version()}` });
      await use(undefined);
    },
    { auto: true },
  ],
});

export { expect };
