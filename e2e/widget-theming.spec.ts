// Theming the embedded grid (README, "Theming"): the design tokens a host page sets on
// <vitrine-grid> reach the cards and buttons inside its shadow root, and the page's own rules, even
// !important ones on the very tags and class names the grid uses, do not.
import type { Locator, Page } from '@playwright/test';
import { expect, Storefront, test } from './fixtures.ts';

/** The theme, as README writes it, in the form getComputedStyle reports each value. */
const THEME = { accent: 'rgb(61, 90, 64)', surface: 'rgb(250, 245, 230)', radius: '13px', radiusSm: '3px' };
/** The storefront's own tokens (src/ui/styles/base.css), which an unthemed grid keeps. */
const DEFAULTS = { accent: 'rgb(31, 78, 140)', radius: '14px' };
const HOSTILE = 'rgb(255, 0, 0)';

/**
 * A shop's page (its own <style>, so served here rather than from public/, under no policy): one
 * themed grid, one not, and rules of its own for `button`, `article`, `.card` and `.button`, names
 * the grid's markup uses too.
 */
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Themed shop</title>
    <style>
      vitrine-grid#themed {
        --accent: ${THEME.accent};
        --surface: ${THEME.surface};
        --radius: ${THEME.radius};
        --radius-sm: ${THEME.radiusSm};
        font-family: Georgia, serif;
      }
      button, .button { background: ${HOSTILE} !important; border-radius: 0 !important; font-family: monospace !important; }
      article, .card { border-radius: 0 !important; background: ${HOSTILE} !important; display: inline !important; }
    </style>
    <script type="module" src="/widget/vitrine.js"></script>
  </head>
  <body>
    <button type="button" id="own-button" class="button">The shop's button</button>
    <article id="own-article" class="card">The shop's article</article>
    <vitrine-grid id="themed" models="/models/demo" limit="4" backend="wasm"></vitrine-grid>
    <vitrine-grid id="plain" models="/models/demo" limit="4" backend="wasm"></vitrine-grid>
  </body>
</html>`;

type Styles = { background: string; borderRadius: string; fontFamily: string; display: string };

/** The computed styles a theme or a stray rule would change. */
function stylesOf(locator: Locator): Promise<Styles> {
  return locator.evaluate((element) => {
    const style = getComputedStyle(element);
    return { background: style.backgroundColor, borderRadius: style.borderRadius, fontFamily: style.fontFamily, display: style.display };
  });
}

/** Opens the page and waits for both grids. */
async function openThemedShop(page: Page): Promise<{ themed: Storefront; plain: Storefront }> {
  await page.route('**/themed-shop.html', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: PAGE }));
  await page.goto('/themed-shop.html');
  const themed = new Storefront(page, page.locator('vitrine-grid#themed'));
  const plain = new Storefront(page, page.locator('vitrine-grid#plain'));
  await themed.waitReady();
  await plain.waitReady();
  return { themed, plain };
}

test('the tokens set on the element theme the cards and buttons in its shadow root; the page’s own rules stay out', async ({ page, requests, csp }) => {
  void requests;
  void csp;
  const { themed, plain } = await openThemedShop(page);

  // The page's rules are live: they restyle the page's own button and article.
  expect(await stylesOf(page.locator('#own-button'))).toMatchObject({ background: HOSTILE, borderRadius: '0px' });
  expect(await stylesOf(page.locator('#own-article'))).toMatchObject({ background: HOSTILE, display: 'inline' });

  const card = themed.cards.first();
  const addToCart = card.getByRole('button', { name: 'Add to cart' });
  const title = card.getByRole('heading').getByRole('button');
  expect(await stylesOf(card)).toMatchObject({ background: THEME.surface, borderRadius: THEME.radius, display: 'flex' });
  expect(await stylesOf(addToCart)).toMatchObject({ background: THEME.accent, borderRadius: THEME.radiusSm });
  // Fonts are inherited across the shadow boundary, down to the buttons (font: inherit).
  expect((await stylesOf(title)).fontFamily).toBe('Georgia, serif');
  expect((await stylesOf(addToCart)).fontFamily).toBe('Georgia, serif');

  // The theme is the element's alone: the grid beside it keeps the storefront's tokens.
  const plainCard = plain.cards.first();
  expect(await stylesOf(plainCard)).toMatchObject({ borderRadius: DEFAULTS.radius, display: 'flex' });
  expect(await stylesOf(plainCard.getByRole('button', { name: 'Add to cart' }))).toMatchObject({ background: DEFAULTS.accent });
  expect((await stylesOf(plainCard)).fontFamily).not.toMatch(/Georgia|monospace/);
});
