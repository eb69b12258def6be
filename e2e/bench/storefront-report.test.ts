import { describe, expect, it } from 'vitest';
import { renderReadmeTargets, type BenchRun } from './bench-report.ts';
import { renderStorefrontSection, storefrontTargets, type StorefrontResult, type StorefrontRuns } from './storefront-report.ts';

/** A storefront run with the figures the million-item targets read; the rest fixed. */
function run(figures: {
  bytes: number;
  repeatBytes: number;
  firstGridMs: number;
  clickP95: number;
  heap: number;
  arrayBuffers: number;
  itemSpace?: StorefrontResult['itemSpace'];
}): StorefrontResult {
  return {
    backend: 'wasm',
    backendReason: 'fastest here',
    interactions: 20,
    clickToGridMs: { p50: figures.clickP95 / 2, p95: figures.clickP95 },
    clickToSettledMs: { p50: 1, p95: 2 },
    recommenderMs: { p50: 1, p95: 2 },
    inpMs: 40,
    firstVisit: { firstGridMs: figures.firstGridMs, engineGridMs: figures.firstGridMs + 100, layoutShift: 0, backendReason: null },
    firstPersonalisedGridMs: 100,
    bytesFetched: figures.bytes,
    repeatBytesFetched: figures.repeatBytes,
    jsHeapBytes: figures.heap,
    arrayBufferBytes: figures.arrayBuffers,
    userAgentMemoryBytes: 'unavailable',
    ...(figures.itemSpace === undefined ? {} : { itemSpace: figures.itemSpace }),
  };
}

const demo = run({
  bytes: 2_910_000,
  repeatBytes: 45_300,
  firstGridMs: 324,
  clickP95: 98.6,
  heap: 31_000_000,
  arrayBuffers: 20_000_000,
  itemSpace: 'the developer overlay has no data-item-space-* attributes',
});
const large = run({
  bytes: 27_500_000,
  repeatBytes: 4_200,
  firstGridMs: 746,
  clickP95: 51.7,
  heap: 157_000_000,
  arrayBuffers: 60_000_000,
  itemSpace: { matrixBytes: 51_600_000, tableBytes: 1_200_000, backendBytes: 14_024_704 },
});
const tenThousand = run({ bytes: 3_100_000, repeatBytes: 4_000, firstGridMs: 300, clickP95: 44, heap: 40_000_000, arrayBuffers: 10_000_000 });
const million = run({
  bytes: 265_000_000,
  repeatBytes: 99_000,
  firstGridMs: 2_500,
  clickP95: 130,
  heap: 712_000_000,
  arrayBuffers: 600_000_000,
  itemSpace: { matrixBytes: 200_000_000, tableBytes: 10_000_000, backendBytes: 40_000_001 },
});

describe('the million-item figures of the storefront report', () => {
  it('holds the 1M catalogue to the download, repeat-visit, first-grid and click targets, each once', () => {
    const figures = storefrontTargets({ storefront: demo, storefrontLarge: large, storefrontMillion: million });
    const ofMillion = figures.filter(({ name }) => name.startsWith('storefront (1,000,000 items)'));
    expect(ofMillion.map(({ name, value, met }) => [name, value, met])).toEqual([
      ['storefront (1,000,000 items): click to re-ranked grid painted, p95', 130, false],
      ['storefront (1,000,000 items): Interaction to Next Paint', 40, true],
      ['storefront (1,000,000 items): bytes transferred, first visit (model + app, before any search)', 265_000_000, false],
      ['storefront (1,000,000 items): bytes transferred, repeat visit', 99_000, true],
      ['storefront (1,000,000 items): first visit to first grid', 2_500, false],
      // One byte over 250 MB in all.
      ['storefront (1,000,000 items): item space memory (its arrays in the JS heap, plus its WebAssembly memory or TF.js tensors)', 250_000_001, false],
    ]);
    expect(ofMillion.find(({ name }) => name.includes('first visit ('))?.shown).toBe('265.00 MB');
    expect(ofMillion.find(({ name }) => name.includes('repeat visit'))?.shown).toBe('99.0 kB');
  });

  it('adds no 1M figure and no side-by-side table to a run without the 1M catalogue', () => {
    const runs: StorefrontRuns = { storefront: demo, storefrontLarge: large };
    expect(storefrontTargets(runs).some(({ name }) => name.includes('1,000,000'))).toBe(false);
    expect(renderStorefrontSection(runs).join('\n')).not.toContain('million-item targets');
  });

  it('sets 10k, 100k and 1M beside the demo, in order, each with its own storefront section', () => {
    const lines = renderStorefrontSection({ storefront: demo, storefrontTenThousand: tenThousand, storefrontLarge: large, storefrontMillion: million });
    expect(lines).toContain('| figure | demo | 10,000 items | 100,000 items | 1,000,000 items | target at 1,000,000 |');
    expect(lines).toContain('| bytes transferred, first visit (model + app, before any search) | 2.91 MB | 3.10 MB | 27.50 MB | 265.00 MB | <= 25 MB |');
    expect(lines).toContain('## The storefront (10,000-item synthetic catalogue, int8 128-d, real app)');
    const targets = storefrontTargets({ storefront: demo, storefrontTenThousand: tenThousand, storefrontLarge: large, storefrontMillion: million });
    expect(targets.find(({ name }) => name === 'storefront (10,000 items): click to re-ranked grid painted, p95')?.value).toBe(44);
  });

  it('shows the figures of every catalogue side by side, downloads in MB and kB, the page memory (heap plus ArrayBuffers) in MiB', () => {
    const lines = renderStorefrontSection({ storefront: demo, storefrontLarge: large, storefrontMillion: million });
    const table = lines.slice(lines.indexOf('## The million-item targets, on each catalogue'));
    expect(table[2]).toBe('| figure | demo | 100,000 items | 1,000,000 items | target at 1,000,000 |');
    expect(table).toContain('| bytes transferred, first visit (model + app, before any search) | 2.91 MB | 27.50 MB | 265.00 MB | <= 25 MB |');
    expect(table).toContain('| bytes transferred, repeat visit | 45.3 kB | 4.2 kB | 99.0 kB | <= 100 kB |');
    expect(table.find((line) => line.startsWith('| JS heap + ArrayBuffers'))).toMatch(/\| 48\.6 MiB \| 206\.9 MiB \| 1251\.2 MiB \|/);
    expect(lines).toContain('## The storefront (1,000,000-item synthetic catalogue, int8 128-d, real app)');
    expect(lines).toContain('| bytes fetched by the first visit | 265.00 MB |');
    expect(lines).toContain('| bytes fetched by the repeat visit | 99.0 kB |');
    expect(table).toContain(
      '| item space memory (its arrays in the JS heap, plus its WebAssembly memory or TF.js tensors) | n/a | 66.82 MB | 250.00 MB | <= 250 MB |',
    );
    expect(lines).toContain(
      '| item space: the matrix it reads and the popularity / its own tables (JS heap) / WebAssembly memory or TF.js tensors | 51.60 MB / 1.20 MB / 14.02 MB |',
    );
    expect(lines).toContain(
      '| item space: the matrix it reads and the popularity / its own tables (JS heap) / WebAssembly memory or TF.js tensors | the developer overlay has no data-item-space-* attributes |',
    );
  });

  it("says why when the 1M run failed, and leaves it out of the table's columns", () => {
    const lines = renderStorefrontSection({ storefront: demo, storefrontLarge: large, storefrontMillion: { failed: 'Timeout 180000ms exceeded' } });
    expect(lines).toContain('| figure | demo | 100,000 items | target at 1,000,000 |');
    expect(lines).toContain('1,000,000 items: not measured: Timeout 180000ms exceeded');
  });

  it('writes the 1M downloads in the targets table in MB and kB, and its first grid in ms once, not every figure in ms', () => {
    const benchRun: BenchRun = {
      startedAt: '2026-12-04T00:00:00.000Z',
      finishedAt: '2026-12-04T00:10:00.000Z',
      grid: 'default',
      browserVersion: 'Chromium 1',
      environment: { userAgent: 'test', adapter: { unavailable: 'none' }, hardwareConcurrency: 2, crossOriginIsolated: false },
      cases: [],
      storefront: demo,
      storefrontLarge: large,
      storefrontMillion: million,
    };
    const rows = renderReadmeTargets(benchRun, 'run.json').split('\n');
    expect(rows).toContain('| storefront (1,000,000 items): bytes transferred, first visit (model + app, before any search) | 265.00 MB | <= 25 MB | **no** |');
    expect(rows).toContain('| storefront (1,000,000 items): bytes transferred, repeat visit | 99.0 kB | <= 100 kB | yes |');
    expect(rows).toContain('| storefront (1,000,000 items): first visit to first grid | 2500.0 ms | <= 2000 ms | **no** |');
    expect(rows).toContain(
      '| storefront (demo): click to re-ranked grid painted, p95 | 98.6 ms (p50 49.3 ms over 20 add-to-cart clicks on wasm) | <= 60 ms | **no** |',
    );
  });
});
