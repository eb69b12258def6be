/**
 * `npm run bench`: builds the app with the bench page (VITRINE_BENCH=1, vite.config.ts), serves it
 * with `vite preview`, and drives Debian's headless Chromium (the e2e suite's launch options) to
 *  1. run the scoring cases on src/bench/bench.html: every method on the same vectors in one page;
 *  2. measure the real storefront on the demo and on a 100,000-item synthetic catalogue
 *     (synthetic-catalogue.ts, written into models/ before the build): click to re-ranked grid,
 *     Event Timing (INP), first and repeat visit, load and memory; and the demo's first visit
 *     without calibration (?backend=wasm), for the calibration's cost on the first grid.
 * Writes .cache/bench/bench-<time>.json, .cache/bench/latest.json, .cache/bench/chart.html, and
 * docs/benchmarks.md and the README's `bench:targets` section (both generated from that JSON).
 *
 * Flags: --full runs the whole grid (N 10k/100k/1M x D 64/128/256/512 x float32/float16/int8,
 * skipping matrices over MAX_MATRIX_BYTES); the default grid fits in about ten minutes here.
 * --storefront measures the storefront only and prints its figures, writing nothing (for work on
 * the app's speed). --catalog 1m adds the storefront on 10,000- and 1,000,000-item synthetic catalogues.
 * --from <run.json> re-renders the reports (chart, docs/benchmarks.md, the README's summary) from a
 * saved run without measuring.
 * Env: VITRINE_BENCH_PORT (default 4180; not 4190, which fetch and Chromium refuse as a "bad port"), VITRINE_CHROMIUM (as the e2e suite).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import playwrightConfig from '../../playwright.config.ts';
import type {
  BenchCaseResult,
  BenchCaseSpec,
  BenchEnvironment,
  BenchMethod,
  BenchPageApi,
  LexicalBenchResult,
  SequenceBenchSpec,
} from '../../src/bench/bench-types.ts';
import { KEYSTROKE_CASE } from '../../src/offline/eval/search/keystroke-case.ts';
import { replaceMarkedSection } from '../../src/offline/lib/marked-section.ts';
import { measureEncoderBytes } from './bench-encoder.ts';
import { renderChart, renderMarkdown, renderReadmeTargets, targetFigures, type BenchRun, type TargetFigure } from './bench-report.ts';
import { benchStorefronts, type SyntheticModels } from './bench-storefront.ts';
import { storefrontTargets } from './storefront-report.ts';
import { ensureSyntheticCatalogue } from './synthetic-catalogue.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT_DIR = join(ROOT, '.cache/bench');
const DIST_DIR = '.cache/bench-dist';
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');
const PORT = Number(process.env['VITRINE_BENCH_PORT'] ?? 4180);
const BASE = `http://127.0.0.1:${PORT}`;
const FULL = process.argv.includes('--full');
const STOREFRONT_ONLY = process.argv.includes('--storefront');
/** `--catalog 1m`: also measure the storefront on the 10,000- and 1,000,000-item synthetic catalogues (written to models/bench-10k and models/bench-1m first; the million takes about 35 s and 265 MB). */
const CATALOG = process.argv.includes('--catalog') ? (process.argv[process.argv.indexOf('--catalog') + 1] ?? null) : null;
/** `--from <run.json>`: only re-render the reports from a saved run. */
const FROM = process.argv.includes('--from') ? (process.argv[process.argv.indexOf('--from') + 1] ?? null) : null;
/** The README's generated benchmark summary sits between these markers. */
const README_SECTION = 'bench:targets';
/** Matrices above this (as float32) are skipped: the page holds several copies (JS + each backend). */
const MAX_MATRIX_BYTES = 512 * 1024 * 1024;
/** Peers index number[] objects (10x the float32 bytes or more): only up to this many rows. */
const MAX_PEER_ROWS = 100_000;
const K = 50;
/** The shape of models/demo (npm run models:demo), whose real embeddings one case uses. */
const DEMO_MODEL = { count: 2400, dim: 512 };
/** Add-to-cart clicks timed in the storefront. */
const STOREFRONT_CLICKS = 20;

const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** The sequence model's shape as trained on Amazon Beauty (npm run train:sequence defaults), over a full 50-item history. */
const SEQUENCE_CASE = { itemCount: 12_101, dim: 128, blocks: 2, heads: 2, maxLength: 50, length: 50, k: 24 };
const TIMING = { minRuns: 5, maxRuns: 30, budgetMs: 2_000 };
/** Search as you type: the catalogue sizes of the index built in the page (KEYSTROKE_CASE: the keystrokes). */
const LEXICAL_COUNTS = [10_000, 100_000];

function scoreSpec(count: number, dim: number, dtype: BenchCaseSpec['dtype'], methods: readonly BenchMethod[]): BenchCaseSpec {
  return { mode: 'score', source: 'synthetic', count, dim, dtype, k: K, methods, seed: count + dim, ...TIMING };
}

/** Every method that applies to a matrix of this size and dtype. */
function methodsFor(count: number, dtype: BenchCaseSpec['dtype']): BenchMethod[] {
  const methods: BenchMethod[] = ['plain-js', ...ALL_BACKENDS.map((b) => `engine:${b}` as const), ...ALL_BACKENDS.map((b) => `stock:${b}` as const)];
  // The peers take float32 only, and build heavy per-row JS objects.
  if (dtype === 'float32' && count <= MAX_PEER_ROWS) methods.push('peer:client-vector-search', 'peer:voy-search');
  return methods;
}

function grid(): BenchCaseSpec[] {
  const cases: BenchCaseSpec[] = [];
  if (FULL) {
    for (const count of [10_000, 100_000, 1_000_000]) {
      for (const dim of [64, 128, 256, 512]) {
        if (count * dim * 4 > MAX_MATRIX_BYTES) continue;
        for (const dtype of ['float32', 'float16', 'int8'] as const) cases.push(scoreSpec(count, dim, dtype, methodsFor(count, dtype)));
      }
    }
  } else {
    for (const count of [10_000, 100_000]) for (const dim of [64, 128]) cases.push(scoreSpec(count, dim, 'float32', methodsFor(count, 'float32')));
    for (const dtype of ['float16', 'int8'] as const) cases.push(scoreSpec(100_000, 128, dtype, ['plain-js', 'engine:webgpu', 'stock:webgpu', 'engine:wasm']));
    // 1M rows: the fast methods only (the cpu and webgl stock paths take seconds per call here).
    cases.push(scoreSpec(1_000_000, 128, 'int8', ['plain-js', 'engine:webgpu', 'engine:wasm']));
  }
  // Quantisation recall on real embeddings: the demo model's 2,400 x 512 USE vectors.
  for (const dtype of ['float16', 'int8'] as const)
    cases.push({ ...scoreSpec(DEMO_MODEL.count, DEMO_MODEL.dim, dtype, ['plain-js', 'engine:webgpu', 'engine:wasm']), source: 'demo-model' });
  // The engine's whole work per interaction (update + score + top-k), for the 16 ms target.
  cases.push({
    mode: 'interaction',
    source: 'synthetic',
    count: 100_000,
    dim: 128,
    dtype: 'float32',
    k: 24,
    methods: ['plain-js', ...ALL_BACKENDS.map((b) => `engine:${b}` as const)],
    seed: 7,
    ...TIMING,
  });
  return cases;
}

/** Runs a command in the repo, resolving when it exits 0. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

async function startPreview(): Promise<ChildProcess> {
  // Vite's own script, not `npx vite`: killing npx would leave the server it started running.
  const server = spawn(process.execPath, [VITE, 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort', '--outDir', DIST_DIR], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  for (let attempt = 0; attempt < 120; attempt++) {
    if (
      await fetch(`${BASE}/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return server;
    await new Promise((wait) => setTimeout(wait, 500));
  }
  server.kill();
  throw new Error(`vite preview did not answer on ${BASE}`);
}

async function launch(): Promise<Browser> {
  const launchOptions = playwrightConfig.use?.launchOptions ?? {};
  return chromium.launch(launchOptions);
}

async function benchCases(browser: Browser): Promise<{ environment: BenchEnvironment; cases: BenchCaseResult[] }> {
  const cases: BenchCaseResult[] = [];
  let environment: BenchEnvironment | null = null;
  for (const spec of grid()) {
    // A fresh page per case: one case's GPU buffers and heap never weigh on the next.
    const page = await browser.newPage();
    try {
      await page.addInitScript('globalThis.__name = (fn) => fn');
      await page.goto(`${BASE}/src/bench/bench.html`);
      await page.waitForFunction(() => 'vitrineBench' in window);
      environment ??= await page.evaluate(() => (window as unknown as { vitrineBench: BenchPageApi }).vitrineBench.environment());
      const label = `${spec.mode} ${spec.count} x ${spec.dim} ${spec.dtype}`;
      console.log(`bench: ${label} ...`);
      const result = await page.evaluate((s) => (window as unknown as { vitrineBench: BenchPageApi }).vitrineBench.runCase(s), spec);
      for (const r of result.results)
        console.log(
          `  ${r.method.padEnd(28)} ${r.status === 'ok' ? `median ${r.medianMs?.toFixed(2)} ms, p95 ${r.p95Ms?.toFixed(2)} ms, recall ${r.recall?.toFixed(3) ?? '-'}` : `${r.status}: ${r.reason ?? ''}`}`,
        );
      cases.push(result);
    } catch (error) {
      console.log(`  failed: ${error instanceof Error ? error.message : String(error)}`);
      cases.push({
        spec,
        results: spec.methods.map((method) => ({
          method,
          status: 'failed' as const,
          reason: `the page failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        })),
      });
    } finally {
      await page.close();
    }
  }
  if (environment === null) throw new Error('the bench page never answered');
  return { environment, cases };
}

/** The sequence model's per-interaction work on every backend, in a fresh page. */
async function benchSequence(browser: Browser): Promise<NonNullable<BenchRun['sequence']>> {
  const spec: SequenceBenchSpec = { ...SEQUENCE_CASE, backends: ALL_BACKENDS, seed: 11, ...TIMING };
  const page = await browser.newPage();
  try {
    await page.addInitScript('globalThis.__name = (fn) => fn');
    await page.goto(`${BASE}/src/bench/bench.html`);
    await page.waitForFunction(() => 'vitrineBench' in window);
    const results = await page.evaluate((s) => (window as unknown as { vitrineBench: BenchPageApi }).vitrineBench.runSequenceCase(s), spec);
    for (const r of results)
      console.log(
        `  ${r.backend.padEnd(8)} ${r.status === 'ok' ? `encode median ${r.encodeMedianMs?.toFixed(2)} ms, with top-k ${r.interactionMedianMs?.toFixed(2)} ms (p95 ${r.interactionP95Ms?.toFixed(2)})` : `${r.status}: ${r.reason ?? ''}`}`,
      );
    return { spec, results };
  } finally {
    await page.close();
  }
}

/** The lexical index at each size, each in a fresh page: build, then suggest + search per keystroke. */
async function benchLexical(browser: Browser): Promise<LexicalBenchResult[]> {
  const results: LexicalBenchResult[] = [];
  for (const count of LEXICAL_COUNTS) {
    const page = await browser.newPage();
    try {
      await page.addInitScript('globalThis.__name = (fn) => fn');
      await page.goto(`${BASE}/src/bench/bench.html`);
      await page.waitForFunction(() => 'vitrineBench' in window);
      const spec = { ...KEYSTROKE_CASE, count, seed: count };
      const r = await page.evaluate((s) => (window as unknown as { vitrineBench: BenchPageApi }).vitrineBench.runLexicalCase(s), spec);
      console.log(
        `  ${String(count).padEnd(8)} ${r.status === 'ok' ? `build ${r.buildMs?.toFixed(0)} ms, keystroke median ${r.keystrokeMedianMs?.toFixed(2)} ms, p95 ${r.keystrokeP95Ms?.toFixed(2)} ms` : `failed: ${r.reason ?? ''}`}`,
      );
      results.push(r);
    } finally {
      await page.close();
    }
  }
  return results;
}

/** Writes the chart, docs/benchmarks.md and the README's summary from one run, saved as `file`. */
async function writeReports(result: BenchRun, file: string): Promise<void> {
  const source = relative(ROOT, file);
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(join(OUT_DIR, 'chart.html'), renderChart(result));
  await writeFile(join(ROOT, 'docs/benchmarks.md'), renderMarkdown(result, source));
  const readmeFile = join(ROOT, 'README.md');
  const readme = replaceMarkedSection(await readFile(readmeFile, 'utf8'), README_SECTION, renderReadmeTargets(result, source));
  if (readme === null) throw new Error(`README.md has no <!-- ${README_SECTION} --> section for the benchmark summary`);
  await writeFile(readmeFile, readme);
  for (const figure of targetFigures(result)) console.log(targetLine(figure));
  if (result.encoder !== undefined)
    console.log(`query encoder download: float32 ${result.encoder.float32Bytes} bytes, quantised ${result.encoder.quantisedBytes} bytes`);
  console.log(`bench: from ${source}, wrote .cache/bench/chart.html, docs/benchmarks.md and README.md's benchmark summary`);
}

/** One target figure as the console shows it: value (with its unit when it has one), target, whether it was missed, and how it was measured. */
function targetLine(figure: TargetFigure): string {
  const value = figure.shown ?? figure.value?.toFixed(3) ?? 'n/a';
  return `target: ${figure.name}: ${value} (${figure.target})${figure.met === false ? ' MISSED' : ''}${figure.detail === '' ? '' : ` - ${figure.detail}`}`;
}

async function main(): Promise<void> {
  if (FROM !== null) {
    // Re-renders the reports from a saved run without measuring again.
    await writeReports(JSON.parse(await readFile(FROM, 'utf8')) as BenchRun, resolve(FROM));
    return;
  }
  const startedAt = new Date().toISOString();
  if (CATALOG !== null && CATALOG !== '1m') throw new Error(`--catalog takes 1m (the 1,000,000-item synthetic catalogue), found ${CATALOG}`);
  const models: SyntheticModels = {
    large: await ensureSyntheticCatalogue(ROOT, '100k'),
    // With the million, the report sets 10k, 100k and 1M side by side.
    tenThousand: CATALOG === '1m' ? await ensureSyntheticCatalogue(ROOT, '10k') : null,
    million: CATALOG === '1m' ? await ensureSyntheticCatalogue(ROOT, '1m') : null,
  };
  await run(process.execPath, [VITE, 'build', '--logLevel', 'warn', '--outDir', DIST_DIR], { VITRINE_BENCH: '1' });
  const server = await startPreview();
  let browser: Browser | null = null;
  try {
    browser = await launch();
    if (STOREFRONT_ONLY) {
      const runs = await benchStorefronts(browser, BASE, STOREFRONT_CLICKS, models);
      for (const figure of storefrontTargets(runs)) console.log(targetLine(figure));
      return;
    }
    const { environment, cases } = await benchCases(browser);
    console.log('bench: sequence model ...');
    const sequence = await benchSequence(browser).catch((error: unknown) => ({
      failed: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
    }));
    console.log('bench: search as you type ...');
    const lexical = await benchLexical(browser).catch((error: unknown) => ({
      failed: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error),
    }));
    const storefronts = await benchStorefronts(browser, BASE, STOREFRONT_CLICKS, models);
    const result: BenchRun = {
      startedAt,
      finishedAt: new Date().toISOString(),
      grid: FULL ? 'full' : 'default',
      browserVersion: `Chromium ${browser.version()}`,
      environment,
      cases,
      ...storefronts,
      sequence,
      lexical,
      encoder: await measureEncoderBytes(),
    };
    await mkdir(OUT_DIR, { recursive: true });
    const file = join(OUT_DIR, `bench-${result.finishedAt.replaceAll(':', '-')}.json`);
    const json = `${JSON.stringify(result, null, 2)}\n`;
    await writeFile(file, json);
    await writeFile(join(OUT_DIR, 'latest.json'), json);
    await writeReports(result, file);
  } finally {
    await browser?.close();
    server.kill();
  }
}

await main();
