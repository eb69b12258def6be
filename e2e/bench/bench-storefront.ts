/**
 * The bench's storefront case: the production storefront driven like a shopper, with Event Timing,
 * layout shifts and grid-appearance marks installed before the app's scripts. The first grid is
 * whatever grid first has cards (the one painted while the engine starts, data-backend
 * "starting"); the engine's grid is the first with a real backend.
 */
import { extname } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { COMPRESSED_EXTENSIONS } from '../../serve-folders.ts';
import type { FirstVisitResult, ItemSpaceBytes, StorefrontResult, StorefrontRuns } from './storefront-report.ts';

/** First visits timed with and without calibration, alternately (the median of each is reported). */
const FIRST_VISITS = 3;

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};

/** Installed before the app's scripts: records Event Timing entries, layout shifts and when grids appear. */
function instrument(): void {
  const marks = { firstGrid: -1, engineGrid: -1, firstPersonalisedGrid: -1, layoutShift: 0, events: [] as { id: number; duration: number }[] };
  (window as unknown as { vitrineMarks: typeof marks }).vitrineMarks = marks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEventTiming & { interactionId?: number })[]) {
      if ((entry.interactionId ?? 0) > 0) marks.events.push({ id: entry.interactionId ?? 0, duration: entry.duration });
    }
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
      if (!entry.hadRecentInput) marks.layoutShift += entry.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
  new MutationObserver(() => {
    const grid = document.querySelector('section[data-backend]');
    if (grid === null || grid.querySelector('[data-item-id]') === null) return;
    if (marks.firstGrid < 0) marks.firstGrid = performance.now();
    if (marks.engineGrid < 0 && grid.getAttribute('data-backend') !== 'starting') marks.engineGrid = performance.now();
    if (marks.firstPersonalisedGrid < 0 && grid.getAttribute('data-personalised') === 'true') marks.firstPersonalisedGrid = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

interface Marks {
  firstGrid: number;
  engineGrid: number;
  firstPersonalisedGrid: number;
  layoutShift: number;
  events: { id: number; duration: number }[];
}
const marksOf = (page: Page): Promise<Marks> => page.evaluate(() => (window as unknown as { vitrineMarks: Marks }).vitrineMarks);

/** A fresh page with the marks installed. */
async function instrumentedPage(browser: Browser): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  // tsx compiles this file with esbuild's keepNames, which wraps named inner functions of the
  // callbacks passed to page.evaluate in a `__name` helper that exists only in Node.
  await page.addInitScript('globalThis.__name = (fn) => fn');
  await page.addInitScript(instrument);
  return { page, close: () => context.close() };
}

/** Navigates and waits for the engine's grid. @returns the first visit's marks. */
async function visit(page: Page, url: string): Promise<FirstVisitResult> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { vitrineMarks: Marks }).vitrineMarks.engineGrid >= 0, undefined, { timeout: 180_000 });
  const marks = await marksOf(page);
  const backendReason = await page.locator('section[data-backend]').getAttribute('data-backend-reason');
  return { firstGridMs: marks.firstGrid, engineGridMs: marks.engineGrid, layoutShift: marks.layoutShift, backendReason };
}

/**
 * The bytes this page's document and resources took over the network so far: transfer sizes (a
 * revalidated file: its headers only; a file read from the HTTP cache or Cache Storage: nothing).
 */
function bytesTransferred(page: Page): Promise<number> {
  return page.evaluate(() =>
    [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].reduce(
      (sum, entry) => sum + (entry as PerformanceResourceTiming).transferSize,
      0,
    ),
  );
}

/** The item space's memory as the app counts it, from the developer overlay's data attributes (ItemSpaceMemory). */
async function itemSpaceOf(page: Page): Promise<ItemSpaceBytes | string> {
  const indicator = page.getByTestId('backend-indicator');
  const read = async (name: string): Promise<number> => Number((await indicator.getAttribute(`data-item-space-${name}-bytes`)) ?? Number.NaN);
  const bytes = { matrixBytes: await read('matrix'), tableBytes: await read('table'), backendBytes: await read('backend') };
  return Object.values(bytes).every((value) => Number.isInteger(value)) ? bytes : 'the developer overlay has no data-item-space-* attributes';
}

/**
 * A first visit in a fresh context, timed only.
 * @param query the page's query string, e.g. "?backend=wasm" (no calibration).
 */
export async function benchFirstVisit(browser: Browser, base: string, query: string): Promise<FirstVisitResult> {
  const { page, close } = await instrumentedPage(browser);
  try {
    return await visit(page, `${base}/${query}`);
  } finally {
    await close();
  }
}

/**
 * Asks the server once for the model's files it sends gzipped, before a shopper's first visit is timed:
 * the local server compresses each on its first request and keeps the copy, as a static host or CDN
 * holds its compressed copy before any shopper comes (a million items' catalog.json took 0.6 s to
 * compress, which no shopper of a deployed shop waits for).
 * @param query the page's query string: `?models=<folder>`, or none for the demo.
 */
async function warmCompressedCopies(base: string, query: string): Promise<void> {
  const folder = `${base}/models/${new URLSearchParams(query).get('models') ?? 'demo'}`;
  const manifest = (await (await fetch(`${folder}/manifest.json`)).json()) as { files: Record<string, { path: string }> };
  for (const { path } of Object.values(manifest.files))
    if (COMPRESSED_EXTENSIONS.has(extname(path))) await (await fetch(`${folder}/${path}`, { headers: { 'accept-encoding': 'gzip' } })).arrayBuffer();
}

/**
 * Measures the real storefront in a fresh context: click to re-ranked grid, Event Timing, load,
 * bytes and memory.
 * @param browser the launched Chromium.
 * @param base the preview server's origin.
 * @param clicks how many add-to-cart clicks are timed.
 * @param query the page's query string, e.g. "?models=bench-100k".
 */
export async function benchStorefront(browser: Browser, base: string, clicks: number, query = ''): Promise<StorefrontResult> {
  await warmCompressedCopies(base, query);
  const { page, close } = await instrumentedPage(browser);
  try {
    const firstVisit = await visit(page, `${base}/${query}`);
    const grid = page.getByRole('region', { name: 'Recommended products' });
    const bytesFetched = await bytesTransferred(page);
    const backend = await grid.getAttribute('data-backend');
    const backendReason = await grid.getAttribute('data-backend-reason');

    const latencies: number[] = [];
    /** The click to the end of the grid's aria-busy: the interaction stored as well (after the paint since the grid stopped waiting for the write). */
    const settled: number[] = [];
    /** The recommender's own time per click (Ranking.tookMs: update, store, rank), from the indicator. */
    const recommenderTimes: number[] = [];
    for (let click = 0; click < clicks; click++) {
      const before = Number(await grid.getAttribute('data-event-count'));
      // The click's own timestamp to just after the paint of the frame whose animation-frame
      // callbacks first see the grid showing a ranking that includes it (a task queued there runs
      // after that frame's paint, as the app's afterNextPaint); then on to the frame that first sees
      // the grid no longer busy.
      const waited = page.evaluate(
        (count) =>
          new Promise<{ shown: number; settled: number }>((done) => {
            let clickedAt = -1;
            let seen = false;
            let shown = -1;
            addEventListener('click', (event) => (clickedAt = event.timeStamp), { capture: true, once: true });
            const section = document.querySelector('section[data-backend]');
            const check = () => {
              if (clickedAt >= 0 && !seen && Number(section?.getAttribute('data-event-count')) > count) {
                seen = true;
                setTimeout(() => (shown = performance.now() - clickedAt), 0);
              }
              if (seen && shown >= 0 && section?.getAttribute('aria-busy') === 'false') {
                setTimeout(() => done({ shown, settled: performance.now() - clickedAt }), 0);
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
      const times = await waited;
      latencies.push(times.shown);
      settled.push(times.settled);
      recommenderTimes.push(Number(await page.getByTestId('backend-indicator').getAttribute('data-took-ms')));
    }
    const itemSpace = await itemSpaceOf(page);
    const marks = await marksOf(page);
    const byInteraction = new Map<number, number>();
    for (const { id, duration } of marks.events) byInteraction.set(id, Math.max(duration, byInteraction.get(id) ?? 0));
    // ArrayBuffer backing stores are outside performance.memory's heap: the decoded item vectors
    // live there (WebAssembly memories are counted in neither). Garbage is collected first: what is
    // measured is what the page keeps, not when V8 last collected (the model files' bytes, dead once
    // read, stayed uncollected for seconds in some runs and not in others: 20 or 292 MB at 1M).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const arrayBufferBytes = (await cdp.send('Runtime.getHeapUsage')).backingStorageSize;
    await cdp.detach();
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

    const repeat = await visit(page, page.url());
    await page.waitForFunction(() => (window as unknown as { vitrineMarks: Marks }).vitrineMarks.firstPersonalisedGrid >= 0);
    const repeatVisit = await marksOf(page);
    const repeatBytesFetched = await bytesTransferred(page);
    return {
      query,
      backend,
      backendReason,
      interactions: latencies.length,
      clickToGridMs: { p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95) },
      clickToSettledMs: { p50: quantile(settled, 0.5), p95: quantile(settled, 0.95) },
      recommenderMs: { p50: quantile(recommenderTimes, 0.5), p95: quantile(recommenderTimes, 0.95) },
      inpMs: byInteraction.size === 0 ? null : Math.max(...byInteraction.values()),
      firstVisit,
      repeatVisit: repeat,
      firstPersonalisedGridMs: repeatVisit.firstPersonalisedGrid,
      bytesFetched,
      repeatBytesFetched,
      jsHeapBytes: memory.heap,
      arrayBufferBytes: arrayBufferBytes ?? 'Runtime.getHeapUsage gave no backingStorageSize',
      userAgentMemoryBytes: memory.userAgent,
      itemSpace,
    };
  } finally {
    await close();
  }
}

/** The synthetic catalogues' folder names under models/: 100k always, 10k and 1M when asked for (null otherwise). */
export interface SyntheticModels {
  readonly large: string;
  readonly tenThousand: string | null;
  readonly million: string | null;
}

/**
 * The storefront on the demo (calibrating) and on the synthetic catalogues, and the demo's first
 * visit with and without calibration, alternated (the median of FIRST_VISITS each).
 * @param models the synthetic catalogues' folders.
 */
export async function benchStorefronts(browser: Browser, base: string, clicks: number, models: SyntheticModels): Promise<StorefrontRuns> {
  const { large: largeModel, tenThousand: tenThousandModel, million: millionModel } = models;
  const failed = (error: unknown) => ({ failed: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) });
  console.log('bench: storefront ...');
  const storefront = await benchStorefront(browser, base, clicks).catch(failed);
  console.log('bench: storefront, first visits with and without calibration ...');
  const visits = await firstVisits(browser, base).catch(failed);
  if (tenThousandModel !== null) console.log(`bench: storefront on models/${tenThousandModel} ...`);
  const storefrontTenThousand =
    tenThousandModel === null ? undefined : await benchStorefront(browser, base, clicks, `?models=${tenThousandModel}`).catch(failed);
  console.log(`bench: storefront on models/${largeModel} ...`);
  const storefrontLarge = await benchStorefront(browser, base, clicks, `?models=${largeModel}`).catch(failed);
  if (millionModel !== null) console.log(`bench: storefront on models/${millionModel} ...`);
  const storefrontMillion = millionModel === null ? undefined : await benchStorefront(browser, base, clicks, `?models=${millionModel}`).catch(failed);
  const [firstVisitCalibrated, firstVisitUncalibrated] = 'failed' in visits ? [visits, visits] : visits;
  const runs = {
    storefront,
    storefrontLarge,
    firstVisitCalibrated,
    firstVisitUncalibrated,
    ...(storefrontTenThousand === undefined ? {} : { storefrontTenThousand }),
    ...(storefrontMillion === undefined ? {} : { storefrontMillion }),
  };
  for (const [name, result] of Object.entries(runs)) console.log(`  ${name}: ${JSON.stringify(result)}`);
  return runs;
}

/** @returns the median first visit (by first grid) calibrating, and with ?backend=wasm. */
async function firstVisits(browser: Browser, base: string): Promise<[FirstVisitResult, FirstVisitResult]> {
  const calibrating: FirstVisitResult[] = [];
  const asked: FirstVisitResult[] = [];
  for (let visit = 0; visit < FIRST_VISITS; visit++) {
    calibrating.push(await benchFirstVisit(browser, base, ''));
    asked.push(await benchFirstVisit(browser, base, '?backend=wasm'));
  }
  const median = (visits: FirstVisitResult[]): FirstVisitResult => {
    const sorted = [...visits].sort((a, b) => a.firstGridMs - b.firstGridMs);
    return { ...(sorted[Math.floor(sorted.length / 2)] as FirstVisitResult), of: visits.length };
  };
  return [median(calibrating), median(asked)];
}
