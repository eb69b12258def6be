// Many interactions through the storefront's grid quickly, from inside the page (one evaluate, no
// waiting for each re-rank), as a shopper clicking fast would: for the tests that need a long history.
import type { Page } from '@playwright/test';

/**
 * Each round opens a product (a view), closes it at once (no dwell: under 500 ms) and adds a card to
 * the cart from the grid: two or three stored interactions per round, plus the skips they imply.
 * @param page the storefront.
 * @param rounds how many rounds.
 */
export async function interactQuickly(page: Page, rounds: number): Promise<void> {
  await page.evaluate(async (count) => {
    const grid = () => document.querySelector('[aria-label="Recommended products"]');
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let i = 0; i < count; i++) {
      const cards = [...(grid()?.querySelectorAll<HTMLElement>('[data-item-id]') ?? [])];
      cards[i % cards.length]?.querySelector<HTMLButtonElement>('h3 button')?.click();
      await pause(0);
      [...document.querySelectorAll<HTMLButtonElement>('dialog[open] button')].find((b) => b.textContent?.trim() === 'Close')?.click();
      await pause(0);
      [...(grid()?.querySelectorAll<HTMLButtonElement>('[data-item-id] button') ?? [])].find((b) => b.textContent?.trim() === 'Add to cart')?.click();
      await pause(0);
    }
  }, rounds);
}
