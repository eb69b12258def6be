/**
 * The storefront's part of `npm run bench`'s report: what was measured in the real app (the demo,
 * the 100,000-item synthetic catalogue, the 1,000,000-item one when asked for, and a first visit
 * without calibration), its target figures and its docs/benchmarks.md section. Pure functions of
 * the run's JSON.
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
  /** ArrayBuffer backing stores after the interactions (CDP Runtime.getHeapUsage), or why not available; absent in older runs. */
  readonly arrayBufferBytes?: number | string;
  /** performance.measureUserAgentSpecificMemory(), or why not available. */
  readonly userAgentMemoryBytes: number | string;
  /** What the item space holds (the developer overlay's data-item-space-* attributes), or why not read; absent in older runs. */
  readonly itemSpace?: ItemSpaceBytes | string;
}

/** The item space's memory as the app counts it (core's ItemSpaceMemory). */
export interface ItemSpaceBytes {
  readonly matrixBytes: number;
  readonly tableBytes: number;
  readonly backendBytes: number;
}

/** What the storefront part of a run holds. */
export interface StorefrontRuns {
  readonly storefront: StorefrontResult | { readonly failed: string };
  /** The same on the 100,000-item synthetic catalogue (absent in older runs). */
  readonly storefrontLarge?: StorefrontResult | { readonly failed: string };
  /** The same on the 10,000-item synthetic catalogue (only with `npm run bench -- --catalog 1m`). */
  readonly storefrontTenThousand?: StorefrontResult | { readonly failed: string };
  /** The same on the 1,000,000-item synthetic catalogue (only with `npm run bench -- --catalog 1m`). */
  readonly storefrontMillion?: StorefrontResult | { readonly failed: string };
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
  readonly shown?: string;
}

const visitsOf = (visit: FirstVisitResult): string => (visit.of === undefined ? 'one fresh visit' : `median of ${visit.of} fresh visits`);
const fmt = (ms: number | undefined): string => (ms === undefined ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const measured = <T extends object>(result: T | { readonly failed: string } | undefined): T | null =>
  result === undefined || 'failed' in result ? null : (result as T);

// Downloads and the item space in decimal units, as the targets state them; the page's memory in binary ones, as browsers report it.
const MB = 1_000_000;
const megabytes = (bytes: number): string => `${(bytes / MB).toFixed(2)} MB`;
const kilobytes = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
const mebibytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
/** A memory figure, or why it was not measured. */
const memoryCell = (bytes: number | string): string => (typeof bytes === 'number' ? mebibytes(bytes) : bytes);

/** The item space's bytes in all (JS heap and backend), or undefined when the run did not read them. */
const itemSpaceTotal = (result: StorefrontResult): number | undefined =>
  result.itemSpace === undefined || typeof result.itemSpace === 'string'
    ? undefined
    : result.itemSpace.matrixBytes + result.itemSpace.tableBytes + result.itemSpace.backendBytes;

/**
 * The figures a million-item catalogue is held to, read from one storefront run: the download of a
 * first and a repeat visit, the first grid, the click and the item space's memory. The whole page's
 * memory is shown beside them with no verdict: its heap and ArrayBuffers hold more than the item
 * space (the catalogue), and WebAssembly memory is in neither.
 */
const SCALE_FIGURES: readonly {
  /** Whether the per-catalogue targets already report it (the click). */
  readonly perCatalogue: boolean;
  readonly name: string;
  readonly target: string;
  readonly limit: number;
  readonly of: (result: StorefrontResult) => number | undefined;
  readonly show: (value: number) => string;
}[] = [
  {
    perCatalogue: false,
    name: 'bytes transferred, first visit (model + app, before any search)',
    target: '<= 25 MB',
    limit: 25 * MB,
    of: (r) => r.bytesFetched,
    show: megabytes,
  },
  { perCatalogue: false, name: 'bytes transferred, repeat visit', target: '<= 100 kB', limit: 100_000, of: (r) => r.repeatBytesFetched, show: kilobytes },
  {
    perCatalogue: false,
    name: 'first visit to first grid',
    target: '<= 2000 ms',
    limit: 2000,
    of: (r) => r.firstVisit?.firstGridMs,
    show: (ms) => `${fmt(ms)} ms`,
  },
  {
    perCatalogue: false,
    name: 'item space memory (its arrays in the JS heap, plus its WebAssembly memory or TF.js tensors)',
    target: '<= 250 MB',
    limit: 250 * MB,
    of: itemSpaceTotal,
    show: megabytes,
  },
  {
    perCatalogue: true,
    name: 'click to re-ranked grid painted, p95',
    target: '<= 60 ms',
    limit: 60,
    of: (r) => r.clickToGridMs.p95,
    show: (ms) => `${fmt(ms)} ms`,
  },
];

/** The catalogues a run measured, by the label the report gives them. */
const catalogues = (runs: StorefrontRuns): readonly (readonly [string, StorefrontResult | null])[] => [
  ['demo', measured(runs.storefront)],
  ['10,000 items', measured(runs.storefrontTenThousand)],
  ['100,000 items', measured(runs.storefrontLarge)],
  ['1,000,000 items', measured(runs.storefrontMillion)],
];

/** The page's memory after the clicks: JS heap plus ArrayBuffers, where both were measured. */
function pageMemory(result: StorefrontResult): number | null {
  return typeof result.jsHeapBytes === 'number' && typeof result.arrayBufferBytes === 'number' ? result.jsHeapBytes + result.arrayBufferBytes : null;
}

/** The storefront's targets: click to painted p95 and INP on each catalogue, first and repeat visit, calibration's cost, and the million-item catalogue's download and first grid. */
export function storefrontTargets(runs: StorefrontRuns): Figure[] {
  const figures: Figure[] = [];
  for (const [label, result] of catalogues(runs)) {
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
  const million = measured(runs.storefrontMillion);
  if (million !== null) {
    for (const figure of SCALE_FIGURES.filter(({ perCatalogue }) => !perCatalogue)) {
      const value = figure.of(million);
      if (value === undefined) continue;
      figures.push({
        name: `storefront (1,000,000 items): ${figure.name}`,
        value,
        target: figure.target,
        met: value <= figure.limit,
        detail: '',
        shown: figure.show(value),
      });
    }
  }
  return figures;
}

/** The million-item figures for every catalogue measured, side by side (absent unless the 1M one ran). */
function scaleTable(runs: StorefrontRuns): string[] {
  if (runs.storefrontMillion === undefined) return [];
  const measuredOnes = catalogues(runs).filter((entry): entry is readonly [string, StorefrontResult] => entry[1] !== null);
  const cell = (value: number | undefined, show: (value: number) => string): string => (value === undefined ? 'n/a' : show(value));
  const memory = (result: StorefrontResult): string => {
    const bytes = pageMemory(result);
    return bytes === null ? 'n/a' : mebibytes(bytes);
  };
  return [
    '## The million-item targets, on each catalogue',
    '',
    `| figure | ${measuredOnes.map(([label]) => label).join(' | ')} | target at 1,000,000 |`,
    `| --- | ${measuredOnes.map(() => '---').join(' | ')} | --- |`,
    ...SCALE_FIGURES.map(({ name, target, of, show }) => `| ${name} | ${measuredOnes.map(([, result]) => cell(of(result), show)).join(' | ')} | ${target} |`),
    `| JS heap + ArrayBuffers after the clicks and a forced garbage collection (the whole page: the catalogue, and the item vectors where they are float32; WebAssembly memory not counted) | ${measuredOnes.map(([, result]) => memory(result)).join(' | ')} | - |`,
    '',
    ...(runs.storefrontMillion !== undefined && 'failed' in runs.storefrontMillion
      ? [`1,000,000 items: not measured: ${runs.storefrontMillion.failed}`, '']
      : []),
  ];
}

/** docs/benchmarks.md's storefront section. */
export function renderStorefrontSection(runs: StorefrontRuns): string[] {
  const lines: string[] = [...scaleTable(runs)];
  for (const [title, result] of [
    ['The storefront (demo model, real app)', runs.storefront],
    ['The storefront (10,000-item synthetic catalogue, int8 128-d, real app)', runs.storefrontTenThousand],
    ['The storefront (100,000-item synthetic catalogue, int8 128-d, real app)', runs.storefrontLarge],
    ['The storefront (1,000,000-item synthetic catalogue, int8 128-d, real app)', runs.storefrontMillion],
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
  rows.push(`| bytes fetched by the first visit | ${megabytes(s.bytesFetched)} |`);
  if (s.repeatBytesFetched !== undefined) rows.push(`| bytes fetched by the repeat visit | ${kilobytes(s.repeatBytesFetched)} |`);
  rows.push(`| JS heap after the interactions and a forced garbage collection (performance.memory) | ${memoryCell(s.jsHeapBytes)} |`);
  if (s.arrayBufferBytes !== undefined)
    rows.push(
      `| ArrayBuffers after the interactions and a forced garbage collection (CDP Runtime.getHeapUsage; WebAssembly memory not counted) | ${memoryCell(s.arrayBufferBytes)} |`,
    );
  rows.push(`| measureUserAgentSpecificMemory | ${memoryCell(s.userAgentMemoryBytes)} |`);
  if (s.itemSpace !== undefined)
    rows.push(
      `| item space: the matrix it reads and the popularity / its own tables (JS heap) / WebAssembly memory or TF.js tensors | ${
        typeof s.itemSpace === 'string'
          ? s.itemSpace
          : `${megabytes(s.itemSpace.matrixBytes)} / ${megabytes(s.itemSpace.tableBytes)} / ${megabytes(s.itemSpace.backendBytes)}`
      } |`,
    );
  return rows;
}
