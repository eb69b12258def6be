/**
 * The bench's storefront case: the production storefront driven like a shopper, with Event Timing
 * and grid-appearance marks installed before the app's scripts.
 */
import type { Browser, Page } from '@playwright/test';
import type { StorefrontResult } from './bench-report.ts';

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};

/** Installed before the app's scripts: records Event Timing entries and when grids appear. */
function instrument(): void {
  const marks = { firstGrid: -1, firstPersonalisedGrid: -1, events: [] as { id: number; duration: number }[] };
  (window as unknown as { vitrineMarks: typeof marks }).vitrineMarks = marks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEventTiming & { interactionId?: number })[]) {
      if ((entry.interactionId ?? 0) > 0) marks.events.push({ id: entry.interactionId ?? 0, duration: entry.duration });
    }
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
  new MutationObserver(() => {
    const grid = document.querySelector('section[data-backend]');
    if (grid === null) return;
    if (marks.firstGrid < 0 && grid.querySelector('[data-item-id]') !== null) marks.firstGrid = performance.now();
    if (marks.firstPersonalisedGrid < 0 && grid.getAttribute('data-personalised') === 'true') marks.firstPersonalisedGrid = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** @param text the header's duration, ui/format.ts formatMs: "3.2 ms" or "1.24 s". */
function parseShownDuration(text: string): number {
  const match = /^([\d.]+) (ms|s)$/.exec(text.trim());
  if (match === null) throw new Error(`unexpected duration in the backend indicator: "${text}"`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

interface Marks {
  firstGrid: number;
  firstPersonalisedGrid: number;
  events: { id: number; duration: number }[];
}
const marksOf = (page: Page): Promise<Marks> => page.evaluate(() => (window as unknown as { vitrineMarks: Marks }).vitrineMarks);

/**
 * Measures the real storefront in a fresh context: click to re-ranked grid, Event Timing, load,
 * bytes and memory.
 * @param browser the launched Chromium.
 * @param base the preview server's origin.
 * @param clicks how many add-to-cart clicks are timed.
 */
export async function benchStorefront(browser: Browser, base: string, clicks: number): Promise<StorefrontResult> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    // tsx compiles this file with esbuild's keepNames, which wraps named inner functions of the
    // callbacks passed to page.evaluate in a `__name` helper that exists only in Node.
    await page.addInitScript('globalThis.__name = (fn) => fn');
    await page.addInitScript(instrument);
    await page.goto(`${base}/`);
    const grid = page.getByRole('region', { name: 'Recommended products' });
    await grid.locator('[data-item-id]').first().waitFor({ timeout: 120_000 });
    const firstVisit = await marksOf(page);
    const bytesFetched = await page.evaluate(() =>
      [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].reduce(
        (sum, entry) => sum + ((entry as PerformanceResourceTiming).transferSize || (entry as PerformanceResourceTiming).encodedBodySize || 0),
        0,
      ),
    );
    const backend = await grid.getAttribute('data-backend');
    const backendReason = await grid.getAttribute('data-backend-reason');

    const latencies: number[] = [];
    /** The recommender's own time per click (Ranking.tookMs: update, store, rank), as the header shows it. */
    const recommenderTimes: number[] = [];
    for (let click = 0; click < clicks; click++) {
      const before = Number(await grid.getAttribute('data-event-count'));
      // The click's own timestamp to the frame after the grid shows a ranking that includes it.
      const waited = page.evaluate(
        (count) =>
          new Promise<number>((done) => {
            let clickedAt = -1;
            addEventListener('click', (event) => (clickedAt = event.timeStamp), { capture: true, once: true });
            const section = document.querySelector('section[data-backend]');
            const check = () => {
              if (clickedAt >= 0 && Number(section?.getAttribute('data-event-count')) > count && section?.getAttribute('aria-busy') === 'false') {
                requestAnimationFrame(() => done(performance.now() - clickedAt));
                return;
              }
              requestAnimationFrame(check);
            };
            check();
          }),
        before,
      );
      // Settled below, after the click; a rejection before then must not go unhandled.
      waited.catch(() => undefined);
      const card = grid.locator('[data-item-id]').nth(click % 12);
      await card.getByRole('button', { name: /add to cart/i }).click();
      latencies.push(await waited);
      recommenderTimes.push(parseShownDuration((await page.getByTestId('backend-indicator').locator('.backend__time').textContent()) ?? ''));
    }
    const marks = await marksOf(page);
    const byInteraction = new Map<number, number>();
    for (const { id, duration } of marks.events) byInteraction.set(id, Math.max(duration, byInteraction.get(id) ?? 0));
    const memory = await page.evaluate(async () => {
      const heap = (performance as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
      const measure = (performance as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }).measureUserAgentSpecificMemory;
      return {
        heap: heap ?? 'performance.memory is not available',
        userAgent:
          !crossOriginIsolated || measure === undefined
            ? 'unavailable: needs a cross-origin isolated page (COOP + COEP), which the app is not served as'
            : (await measure.call(performance)).bytes,
      };
    });

    await page.reload();
    await grid.locator('[data-item-id]').first().waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => (window as unknown as { vitrineMarks: Marks }).vitrineMarks.firstPersonalisedGrid >= 0);
    const repeatVisit = await marksOf(page);
    return {
      backend,
      backendReason,
      interactions: latencies.length,
      clickToGridMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
      recommenderMs: { p50: quantile(recommenderTimes, 0.5), p95: quantile(recommenderTimes, 0.95) },
      inpMs: byInteraction.size === 0 ? null : Math.max(...byInteraction.values()),
      firstGridMs: firstVisit.firstGrid,
      firstPersonalisedGridMs: repeatVisit.firstPersonalisedGrid,
      bytesFetched,
      jsHeapBytes: memory.heap,
      userAgentMemoryBytes: memory.userAgent,
    };
  } finally {
    await context.close();
  }
}
