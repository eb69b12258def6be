// The page's layout shifts as Cumulative Layout Shift counts them, for the tests that must show none.
import type { Page } from '@playwright/test';

/**
 * Sums the page's layout shifts not caused by input, from the first byte (an init script); call
 * before the page is opened.
 * @returns a function that reads the sum so far.
 */
export async function watchLayoutShifts(page: Page): Promise<() => Promise<number>> {
  await page.addInitScript(() => {
    const shifts = { total: 0 };
    (window as unknown as { layoutShifts: typeof shifts }).layoutShifts = shifts;
    new PerformanceObserver((list) => {
      // LayoutShift is not in TypeScript's DOM library.
      for (const entry of list.getEntries() as unknown as Array<{ value: number; hadRecentInput: boolean }>) {
        if (!entry.hadRecentInput) shifts.total += entry.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return () => page.evaluate(() => (window as unknown as { layoutShifts: { total: number } }).layoutShifts.total);
}
