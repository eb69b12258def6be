// A reliability fault: hostile or odd catalogue text renders as text, never as markup, and the
// layout holds. The model is generated before the tests (e2e/hostile-catalog.ts) with the
// repository's own builder. Every payload would set window.__vitrineXss if it ran; the fixtures
// also fail the test on any CSP violation (an injected script or image would cause one) and on any
// request leaving the origin (e.g. the catalogue's tracker image).
import type { Page } from '@playwright/test';
import { expect, fault, observe, test, type Storefront } from './fixtures.ts';
import { displayTitle } from '../src/ui/format.ts';
import { buildHostileModel, HOSTILE_ITEMS, HOSTILE_MODEL, LONG_TITLE, XSS_FLAG } from './hostile-catalog.ts';

test.beforeAll(async () => {
  await buildHostileModel();
});

/** Elements a payload would create if it were parsed as markup (the app itself renders none). */
const PAYLOAD_SELECTOR = 'script:not([src]), iframe, svg, object, embed, style, b, i, [onerror], [onload], img[src="x"]';

interface Probe {
  readonly flag: unknown;
  readonly payloadElements: string[];
  readonly foreignImages: string[];
}

/** Whether any payload ran or became markup, and whether any image points elsewhere. */
function probe(page: Page): Promise<Probe> {
  return page.evaluate(
    ({ flag, selector }) => ({
      flag: (window as unknown as Record<string, unknown>)[flag],
      payloadElements: [...document.querySelectorAll(selector)].map((e) => e.outerHTML.slice(0, 120)),
      foreignImages: [...document.images].map((img) => img.src).filter((src) => new URL(src).origin !== location.origin),
    }),
    { flag: XSS_FLAG, selector: PAYLOAD_SELECTOR },
  );
}

async function expectNothingRan(page: Page): Promise<Probe> {
  // An image asks for its picture after the next paint: every one is read once it has.
  await expect.poll(() => page.evaluate(() => [...document.images].every((img) => img.hasAttribute('src')))).toBe(true);
  const found = await probe(page);
  expect(found.flag, 'a payload ran').toBeUndefined();
  expect(found.payloadElements, 'elements created from catalogue text').toEqual([]);
  expect(found.foreignImages, 'images from another origin').toEqual([]);
  return found;
}

interface Layout {
  readonly viewport: number;
  readonly pageOverflow: number;
  readonly tracks: number[];
  readonly problems: string[];
  readonly cardHeights: { min: number; max: number };
}

/**
 * Measures the grid: the page must not scroll sideways, each card must fill exactly one column
 * track inside the grid, no two cards may overlap, nothing inside a card may stick out of it or
 * overflow it, and no card may be much taller than the others (long text is clamped, not stretched).
 */
function measure(storefront: Storefront): Promise<Layout> {
  return storefront.grid.evaluate((section) => {
    const problems: string[] = [];
    const cards = [...section.querySelectorAll<HTMLElement>('[data-item-id]')];
    const grid = cards[0]?.parentElement;
    if (grid === null || grid === undefined)
      return { viewport: innerWidth, pageOverflow: 0, tracks: [], problems: ['no cards'], cardHeights: { min: 0, max: 0 } };
    const box = grid.getBoundingClientRect();
    const tracks = getComputedStyle(grid).gridTemplateColumns.split(' ').map(Number.parseFloat);
    const rects = cards.map((card) => card.getBoundingClientRect());
    const name = (i: number): string => cards[i]?.dataset['itemId']?.slice(0, 30) ?? String(i);
    rects.forEach((r, i) => {
      if (!tracks.some((t) => Math.abs(t - r.width) < 1)) problems.push(`${name(i)}: width ${r.width} is no column track (${tracks.join(', ')})`);
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5)
        problems.push(`${name(i)}: sticks out of the grid (${r.left}-${r.right} vs ${box.left}-${box.right})`);
      // Content wider or taller than the card would be cut off by its overflow: hidden (text that
      // its own element clamps or ellipsises does not count: that element clips it itself).
      const card = cards[i];
      if (card !== undefined && (card.scrollWidth > card.clientWidth + 1 || card.scrollHeight > card.clientHeight + 1)) {
        problems.push(`${name(i)}: content overflows the card (${card.scrollWidth}x${card.scrollHeight} in ${card.clientWidth}x${card.clientHeight})`);
      }
      for (const inner of cards[i]?.querySelectorAll<HTMLElement>('*') ?? []) {
        const b = inner.getBoundingClientRect();
        if (b.width === 0 && b.height === 0) continue;
        if (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1) {
          problems.push(`${name(i)}: <${inner.tagName.toLowerCase()} class="${inner.className}"> sticks out of its card`);
        }
      }
      for (let j = i + 1; j < rects.length; j++) {
        const o = rects[j];
        if (o === undefined) continue;
        const overlap = Math.max(0, Math.min(r.right, o.right) - Math.max(r.left, o.left)) * Math.max(0, Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top));
        if (overlap > 1) problems.push(`${name(i)} overlaps ${name(j)}`);
      }
    });
    const heights = rects.map((r) => r.height);
    return {
      viewport: innerWidth,
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      tracks,
      problems,
      cardHeights: { min: Math.min(...heights), max: Math.max(...heights) },
    };
  });
}

/** The text of each card's heading, by item id (ids are compared as data, not put in selectors). */
function cardTexts(
  storefront: Storefront,
): Promise<Record<string, { title: string; category: string; dataCategory: string; price: string; direction: string }>> {
  return storefront.cards.evaluateAll((cards) =>
    Object.fromEntries(
      cards.map((card) => {
        const heading = card.querySelector('h3');
        const button = heading?.querySelector('button');
        return [
          card.getAttribute('data-item-id') ?? '',
          {
            title: heading?.textContent ?? '',
            category: card.querySelector('.card__category')?.textContent ?? '',
            dataCategory: card.getAttribute('data-category') ?? '',
            price: card.querySelector('.card__price')?.textContent ?? '',
            direction: button === null || button === undefined ? '' : getComputedStyle(button).direction,
          },
        ];
      }),
    ),
  );
}

/** Opens the product page of the card with this id, by clicking its heading. */
async function openProduct(storefront: Storefront, id: string): Promise<void> {
  const index = (await storefront.cards.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id')))).indexOf(id);
  expect(index, `card ${id} in the grid`).toBeGreaterThanOrEqual(0);
  await storefront.afterRerank(() => storefront.cards.nth(index).getByRole('heading').click());
}

for (const width of [375, 1280]) {
  test(
    `hostile and odd catalogue text renders as text and the grid holds at ${width}px`,
    fault(
      'Catalogue text and records',
      `Hostile or odd catalogue text (HTML/script payloads, RTL, emoji, a 10,000-character title, missing fields), at ${width}px`,
    ),
    async ({ storefront, page }) => {
      await page.setViewportSize({ width, height: 900 });
      await storefront.open(`?models=${HOSTILE_MODEL}`);
      await expect(storefront.cards).toHaveCount(HOSTILE_ITEMS.length);
      await expectNothingRan(page);

      const texts = await cardTexts(storefront);
      for (const item of HOSTILE_ITEMS) {
        const card = texts[item.id];
        expect(card, `card ${item.id}`).toBeDefined();
        // Shown verbatim, up to the storefront's display cap (a long unbroken title once froze the tab).
        expect(card?.title, `title of ${item.id}`).toBe(displayTitle(item.title));
        expect(card?.dataCategory, `data-category of ${item.id}`).toBe(item.category ?? '');
        expect(card?.category, `category of ${item.id}`).toBe(item.category ?? '');
        if (item.price === undefined || item.price === null) expect(card?.price).toBe('Price on request');
      }
      expect(texts['rtl']?.direction, 'an Arabic title reads right to left').toBe('rtl');
      expect(texts['plain-1']?.direction).toBe('ltr');

      // Give lazy images time to fail over to their placeholders before measuring.
      await page.waitForLoadState('networkidle');
      const layout = await measure(storefront);
      expect(layout.pageOverflow, 'horizontal scroll of the page').toBeLessThanOrEqual(0);
      expect(layout.problems).toEqual([]);
      expect(layout.cardHeights.max, 'tallest card vs shortest (long text is clamped)').toBeLessThanOrEqual(layout.cardHeights.min * 1.25);
      observe(
        `${width}px: ${HOSTILE_ITEMS.length} cards in ${layout.tracks.length} column(s) of ${Math.round(layout.tracks[0] ?? 0)}px, no horizontal scroll, card heights ${Math.round(layout.cardHeights.min)}–${Math.round(layout.cardHeights.max)}px; no payload ran or became an element`,
      );
    },
  );
}

test(
  'hostile text stays text on the product page, in the cart, in the reasons and in "Your data"',
  fault(
    'Catalogue text and records',
    'Hostile catalogue text shown after interacting: product page, cart, "because you viewed" reasons, privacy panel (375px)',
  ),
  async ({ storefront, page }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    await storefront.open(`?models=${HOSTILE_MODEL}`);
    const [longTitle, xssImage, markupId] = [HOSTILE_ITEMS[0], HOSTILE_ITEMS[1], HOSTILE_ITEMS[4]];
    if (longTitle === undefined || xssImage === undefined || markupId === undefined) throw new Error('fixture changed');

    // The 10,000-character title: the product page fits the screen's width.
    await openProduct(storefront, longTitle.id);
    let dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(displayTitle(LONG_TITLE));
    const fit = await dialog.evaluate((d) => ({
      right: d.getBoundingClientRect().right,
      overflow: d.scrollWidth - d.clientWidth,
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    expect(fit.right).toBeLessThanOrEqual(375);
    expect(fit.overflow).toBeLessThanOrEqual(0);
    expect(fit.page).toBeLessThanOrEqual(0);
    // Open long enough to count as time on the page (MIN_DWELL_MS), so closing records a dwell.
    await page.waitForTimeout(600);
    await storefront.afterRerank(() => dialog.getByRole('button', { name: 'Close' }).click());

    // A payload title and description: shown verbatim, added to the cart.
    await openProduct(storefront, xssImage.id);
    dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(displayTitle(xssImage.title));
    await expect(dialog.locator('.product__description')).toHaveText(xssImage.description ?? '');
    await storefront.afterRerank(() => dialog.getByRole('button', { name: 'Add to cart' }).click());
    await page.waitForTimeout(600);
    await storefront.afterRerank(() => dialog.getByRole('button', { name: 'Close' }).click());

    // An item whose id is markup goes through the grid, IndexedDB and the panel like any other.
    await openProduct(storefront, markupId.id);
    await page.waitForTimeout(600);
    await storefront.afterRerank(() => page.getByRole('dialog').getByRole('button', { name: 'Close' }).click());

    await page.getByRole('button', { name: /Cart \(1\)/ }).click();
    const cart = page.getByRole('dialog');
    await expect(cart.locator('.cart__title')).toHaveText([displayTitle(xssImage.title)]);
    await cart.getByRole('button', { name: 'Close' }).click();

    // Reasons quote titles ("Because you viewed …") as text.
    const reasons = await storefront.grid.locator('.card__reason--similar').allTextContents();
    expect(reasons.length, 'cards explained by a viewed product').toBeGreaterThan(0);
    for (const reason of reasons) expect(HOSTILE_ITEMS.some((item) => reason.endsWith(displayTitle(item.title)))).toBe(true);

    await page.getByRole('button', { name: 'Your data' }).click();
    const panel = page.getByRole('dialog', { name: 'Your data' });
    // The panel reads the store after any write under way ("Reading what is stored…" until then).
    const details = () => panel.locator('tbody tr td:last-child').allTextContents();
    await expect.poll(async () => (await details()).some((d) => d.startsWith(xssImage.title))).toBe(true);
    await expect.poll(async () => (await details()).some((d) => d.startsWith(markupId.title))).toBe(true);

    const found = await expectNothingRan(page);
    observe(
      `product page, cart, ${reasons.length} reasons and the privacy panel show the payloads verbatim; window.${XSS_FLAG} ${String(found.flag)}; 0 elements from payloads`,
    );
  },
);
