/**
 * The storefront's part of `npm run bench`'s report: what was measured in the real app (the demo,
 * the 100,000-item synthetic catalogue, and a first visit without calibration), its target figures
 * and its docs/benchmarks.md section. Pure functions of the run's JSON.
 */

/** A first visit in a fresh context: navigation to the first grid with cards, and to the engine's grid. */
export interface FirstVisitResult {
  /** Navigation to the first grid with cards (the one painted while the engine starts). */
  readonly firstGridMs: number;
  /** Navigation to the engine's grid (data-backend no longer "starting"). */
  readonly engineGridMs: number;
  /** Cumulative layout shift until then (layout-shift entries without recent input). */
  readonly layoutShift: number;
  /** The grid's data-backend-reason (what the calibration measured, or "asked for …"). */
  readonly backendReason: string | null;
  /** When this is the median of several fresh visits: how many. */
  readonly of?: number;
}

/** One storefront measurement in the real app (click to re-rendered grid, and Event Timing). */
export interface StorefrontResult {
  /** The page's query string (absent in runs made before it was recorded: the demo). */
  readonly query?: string;
  readonly backend: string | null;
  readonly backendReason: string | null;
  readonly interactions: number;
  /** Click (event timestamp) to the grid showing the ranking that includes it, then painted (next frame). */
  readonly clickToGridMs: { readonly p50: number; readonly p95: number };
  /** The click to the end of aria-busy: the interaction also stored. */
  readonly clickToSettledMs: { readonly p50: number; readonly p95: number };
  /** Of that, the recommender's own work (Ranking.tookMs: interest update, IndexedDB write, scoring, arranging). */
  readonly recommenderMs: { readonly p50: number; readonly p95: number };
  /** Interaction to Next Paint: the longest Event Timing interaction (fewer than 50 interactions). */
  readonly inpMs: number | null;
  /** First visit (no stored events, calibration included): absent in runs made before the first grid stopped waiting for the engine. */
  readonly firstVisit?: FirstVisitResult;
  /** Older runs: navigation to the first grid, which then waited for the engine. */
  readonly firstGridMs?: number;
  /** Repeat visit with the events stored (absent in older runs). */
  readonly repeatVisit?: FirstVisitResult;
  /** Repeat visit with the events stored: navigation to the first personalised grid. */
  readonly firstPersonalisedGridMs: number;
  /** Bytes fetched by the first visit (transfer sizes of the document and every resource). */
  readonly bytesFetched: number;
  /** The same for the repeat visit, until its first personalised grid (absent in older runs). */
  readonly repeatBytesFetched?: number;
  /** performance.memory.usedJSHeapSize after the interactions, or why not available. */
  readonly jsHeapBytes: number | string;
  /** performance.measureUserAgentSpecificMemory(), or why not available. */
  readonly userAgentMemoryBytes: number | string;
}

/** What the storefront part of a run holds. */
export interface StorefrontRuns {
  readonly storefront: StorefrontResult | { readonly failed: string };
  /** The same on the 100,000-item synthetic catalogue (absent in older runs). */
  readonly storefrontLarge?: StorefrontResult | { readonly failed: string };
  /** The demo's first visit calibrating, median of a few fresh visits (absent in older runs). */
  readonly firstVisitCalibrated?: FirstVisitResult | { readonly failed: string };
  /** The demo's first visit with ?backend=wasm: no calibration; alternated with the calibrating ones (absent in older runs). */
  readonly firstVisitUncalibrated?: FirstVisitResult | { readonly failed: string };
}

/** A target figure (bench-report.ts TargetFigure). */
interface Figure {
  readonly name: string;
  readonly value: number | null;
  readonly target: string;
  readonly met: boolean | null;
  readonly detail: string;
}

const visitsOf = (visit: FirstVisitResult): string => (visit.of === undefined ? 'one fresh visit' : `median of ${visit.of} fresh visits`);
const fmt = (ms: number | undefined): string => (ms === undefined ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const measured = <T extends object>(result: T | { readonly failed: string } | undefined): T | null =>
  result === undefined || 'failed' in result ? null : (result as T);

/** The storefront's targets: click to painted p95 and INP on both catalogues, first and repeat visit, calibration's cost. */
export function storefrontTargets(runs: StorefrontRuns): Figure[] {
  const figures: Figure[] = [];
  for (const [label, result] of [
    ['demo', measured(runs.storefront)],
    ['100,000 items', measured(runs.storefrontLarge)],
  ] as const) {
    if (result === null) continue;
    figures.push({
      name: `storefront (${label}): click to re-ranked grid painted, p95`,
      value: result.clickToGridMs.p95,
      target: '<= 60 ms',
      met: result.clickToGridMs.p95 <= 60,
      detail: `p50 ${fmt(result.clickToGridMs.p50)} ms over ${result.interactions} add-to-cart clicks on ${result.backend ?? '?'}`,
    });
    if (result.inpMs !== null)
      figures.push({
        name: `storefront (${label}): Interaction to Next Paint`,
        value: result.inpMs,
        target: '<= 100 ms',
        met: result.inpMs <= 100,
        detail: 'Event Timing, longest interaction',
      });
  }
  const demo = measured(runs.storefront);
  const first = measured(runs.firstVisitCalibrated) ?? demo?.firstVisit ?? null;
  if (first !== null) {
    figures.push({
      name: 'storefront (demo): first visit to first grid',
      value: first.firstGridMs,
      target: '<= 1000 ms',
      met: first.firstGridMs <= 1000,
      detail: `${visitsOf(first)}; the engine's grid at ${fmt(first.engineGridMs)} ms`,
    });
    const uncalibrated = measured(runs.firstVisitUncalibrated);
    if (uncalibrated !== null) {
      const ratio = first.firstGridMs / uncalibrated.firstGridMs;
      figures.push({
        name: 'storefront (demo): first visit to first grid, with vs without calibration',
        value: ratio,
        target: '~1x (<= 1.2x)',
        met: ratio <= 1.2,
        detail: `${fmt(first.firstGridMs)} ms calibrating vs ${fmt(uncalibrated.firstGridMs)} ms with ?backend=wasm (${visitsOf(uncalibrated)}); the engine's grid at ${fmt(first.engineGridMs)} vs ${fmt(uncalibrated.engineGridMs)} ms`,
      });
    }
  }
  if (demo?.repeatVisit !== undefined) {
    const repeat = demo.repeatVisit;
    figures.push({
      name: 'storefront (demo): repeat visit to first grid',
      value: repeat.firstGridMs,
      target: '<= 500 ms',
      met: repeat.firstGridMs <= 500,
      detail: `the shopper's last grid; engine's grid at ${fmt(repeat.engineGridMs)} ms`,
    });
  }
  return figures;
}

/** docs/benchmarks.md's storefront section. */
export function renderStorefrontSection(runs: StorefrontRuns): string[] {
  const lines: string[] = [];
  for (const [title, result] of [
    ['The storefront (demo model, real app)', runs.storefront],
    ['The storefront (100,000-item synthetic catalogue, int8 128-d, real app)', runs.storefrontLarge],
  ] as const) {
    if (result === undefined) continue;
    lines.push(`## ${title}`, '');
    if ('failed' in result) {
      lines.push(`Not measured: ${result.failed}`, '');
      continue;
    }
    lines.push('| figure | value |', '| --- | --- |', ...storefrontRows(result), '');
  }
  for (const [title, visit] of [
    ['calibrating', runs.firstVisitCalibrated],
    ['without calibration (?backend=wasm)', runs.firstVisitUncalibrated],
  ] as const) {
    if (visit === undefined) continue;
    lines.push(`### Demo, first visit ${title}`, '');
    lines.push(
      'failed' in visit
        ? `Not measured: ${visit.failed}`
        : `First grid ${fmt(visit.firstGridMs)} ms, engine's grid ${fmt(visit.engineGridMs)} ms, layout shift ${visit.layoutShift.toFixed(3)} (${visitsOf(visit)}; backend: ${visit.backendReason ?? '?'}).`,
      '',
    );
  }
  return lines;
}

function storefrontRows(s: StorefrontResult): string[] {
  const rows = [
    `| backend | ${s.backend ?? '?'}: ${s.backendReason ?? ''} |`,
    `| click to re-ranked grid painted, p50 / p95 (${s.interactions} add-to-cart clicks) | ${fmt(s.clickToGridMs.p50)} / ${fmt(s.clickToGridMs.p95)} ms |`,
    `| click to interaction stored (aria-busy ends), p50 / p95 | ${fmt(s.clickToSettledMs.p50)} / ${fmt(s.clickToSettledMs.p95)} ms |`,
    `| of which the recommender (update + store + rank, Ranking.tookMs), p50 / p95 | ${fmt(s.recommenderMs.p50)} / ${fmt(s.recommenderMs.p95)} ms |`,
    `| Interaction to Next Paint (Event Timing, longest interaction) | ${s.inpMs === null ? 'n/a' : `${s.inpMs} ms`} |`,
  ];
  if (s.firstVisit !== undefined) {
    const f = s.firstVisit;
    rows.push(`| first visit: navigation to first grid (painted before the engine starts) | ${fmt(f.firstGridMs)} ms |`);
    rows.push(`| first visit: navigation to the engine's grid (calibration included) | ${fmt(f.engineGridMs)} ms |`);
    rows.push(`| first visit: layout shift until the engine's grid | ${f.layoutShift.toFixed(3)} |`);
  } else if (s.firstGridMs !== undefined) {
    rows.push(`| first visit: navigation to first grid (includes calibration) | ${fmt(s.firstGridMs)} ms |`);
  }
  if (s.repeatVisit !== undefined) {
    rows.push(`| repeat visit: navigation to first grid (the shopper's last one) | ${fmt(s.repeatVisit.firstGridMs)} ms |`);
    rows.push(`| repeat visit: navigation to the engine's grid | ${fmt(s.repeatVisit.engineGridMs)} ms |`);
  }
  rows.push(`| repeat visit: navigation to first personalised grid | ${fmt(s.firstPersonalisedGridMs)} ms |`);
  rows.push(`| bytes fetched by the first visit | ${(s.bytesFetched / 1024 / 1024).toFixed(2)} MiB |`);
  if (s.repeatBytesFetched !== undefined) rows.push(`| bytes fetched by the repeat visit | ${(s.repeatBytesFetched / 1024).toFixed(1)} kB |`);
  rows.push(
    `| JS heap after the interactions (performance.memory) | ${typeof s.jsHeapBytes === 'number' ? `${(s.jsHeapBytes / 1024 / 1024).toFixed(1)} MiB` : s.jsHeapBytes} |`,
  );
  rows.push(
    `| measureUserAgentSpecificMemory | ${typeof s.userAgentMemoryBytes === 'number' ? `${(s.userAgentMemoryBytes / 1024 / 1024).toFixed(1)} MiB` : s.userAgentMemoryBytes} |`,
  );
  return rows;
}
