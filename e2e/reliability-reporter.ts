/**
 * A Playwright reporter for the reliability faults: each fault the e2e suite tried and what was
 * observed, with the date, the browser's version and how many tests ran.
 *
 * The convention (helpers in e2e/fixtures.ts):
 *  - A fault test is tagged `@fault` and carries a `fault` annotation describing the fault:
 *      test('title', fault('The vectors file has one flipped byte'), async ({ page }) => { ... });
 *    which is `{ tag: '@fault', annotation: { type: 'fault', description } }`.
 *  - While it runs, the test records what the app did with `observe('...')` (an `observed`
 *    annotation), e.g. the exact error text on screen; several observations are kept in order.
 *  - Every test also gets a `browser` annotation (an automatic fixture) with the browser's version.
 * The reporter lists every `@fault` test with its outcome (passed, failed, timed out, skipped),
 * duration, observations and, when it failed, the first line of the error.
 *
 * A report is an output of the run, never a change to the tree: every run that ran tests writes
 * `outputFile` (under test-results/, ignored by git). The tracked `docFile` (docs/reliability.md)
 * is written only when VITRINE_RELIABILITY_DOC=1 (`npm run test:reliability`) and only from a run
 * of the whole suite: every test that `playwright test --list` finds with no filter must have ended
 * in this run. A partial run (a --grep, some spec files, --list, an interrupted run) leaves the doc
 * alone, says why on stderr, and fails the run, so the doc never mixes runs or reports a subset.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** Options given in playwright.config.ts. */
export interface ReliabilityReporterOptions {
  /** Where every run writes its report, relative to the config file (default test-results/reliability.md). */
  readonly outputFile?: string;
  /** The tracked report, written only by a full run with VITRINE_RELIABILITY_DOC=1 (default docs/reliability.md). */
  readonly docFile?: string;
}

/** One fault test's outcome in one run. */
interface Row {
  /** The spec file, relative to the repository root. */
  readonly file: string;
  readonly title: string;
  readonly fault: string;
  readonly status: string;
  readonly durationMs: number;
  readonly observed: readonly string[];
  readonly error: string | null;
  readonly browser: string;
  /** ISO time of the run the row comes from. */
  readonly run: string;
}

/** What a run covered, for the report's header. */
interface Coverage {
  /** Tests that ended in this run (each once, however often it was retried). */
  readonly tests: number;
  /** Of those, the ones skipped (their last result). */
  readonly skipped: number;
  readonly faultTests: number;
  /** How the report came to be, one sentence. */
  readonly scope: string;
}

/** The part of `playwright test --list --reporter=json`'s output read here. */
interface ListedSuite {
  readonly specs?: ReadonlyArray<{ readonly id: string; readonly file: string; readonly title: string }>;
  readonly suites?: readonly ListedSuite[];
}

const FAULT_TAG = '@fault';
const DOC_ENV = 'VITRINE_RELIABILITY_DOC';

/** Writes the reliability report of the `@fault` tests of the run; see the module header. */
export default class ReliabilityReporter implements Reporter {
  readonly #options: ReliabilityReporterOptions;
  #root = process.cwd();
  #configFile: string | undefined;
  /** The last status of each test that ended in this run, by id. */
  readonly #ended = new Map<string, TestResult['status']>();
  readonly #rows: Row[] = [];
  readonly #started = new Date();

  /** @param options from the reporter's entry in playwright.config.ts. */
  constructor(options: ReliabilityReporterOptions = {}) {
    this.#options = options;
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig): void {
    this.#configFile = config.configFile;
    this.#root = config.configFile === undefined ? config.rootDir : dirname(config.configFile);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.#ended.set(test.id, result.status);
    if (!test.tags.includes(FAULT_TAG)) return;
    // Details annotations are on the test, those added while it ran on the result (and, in recent
    // Playwright versions, on the test as well): take both, once each.
    const seen = new Set<string>();
    const annotations = [...test.annotations, ...result.annotations].filter((a) => {
      const key = `${a.type}\u0000${a.description ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const of = (type: string): string[] => annotations.filter((a) => a.type === type && a.description !== undefined).map((a) => a.description ?? '');
    const error = result.error?.message ?? result.error?.value ?? null;
    this.#rows.push({
      file: relative(this.#root, test.location.file).split('\\').join('/'),
      title: test.titlePath().slice(3).join(' › ') || test.title,
      fault: [...new Set(of('fault'))].join('; ') || test.title,
      status: result.status,
      durationMs: result.duration,
      observed: of('observed'),
      error: error === null ? null : firstLine(stripAnsi(error)),
      browser: of('browser')[0] ?? 'unknown',
      run: this.#started.toISOString(),
    });
  }

  async onEnd(result: FullResult): Promise<{ status: FullResult['status'] } | undefined> {
    const wantDoc = process.env[DOC_ENV] === '1';
    if (this.#ended.size === 0) {
      // Nothing ran (--list, or no test matched): there is nothing to report.
      return wantDoc ? refuse('no test ran (a --list, or a filter that matched nothing)') : undefined;
    }
    // A retried test ends more than once: its last result stands.
    const latest = new Map(this.#rows.map((row) => [`${row.file}\u0000${row.title}`, row]));
    const rows = [...latest.values()].sort((a, b) => a.file.localeCompare(b.file) || a.title.localeCompare(b.title));
    const skipped = [...this.#ended.values()].filter((status) => status === 'skipped').length;
    const counts = { tests: this.#ended.size, skipped, faultTests: rows.length };
    const docFile = this.#options.docFile ?? 'docs/reliability.md';
    await this.#write(
      this.#options.outputFile ?? 'test-results/reliability.md',
      render(rows, this.#started, {
        ...counts,
        scope: `Written by every e2e run; ${docFile} only by \`npm run test:reliability\` from a run of the whole suite.`,
      }),
    );
    if (!wantDoc) return undefined;

    if (result.status === 'interrupted') return refuse('the run was interrupted');
    const suite = await this.#listSuite();
    const missing = suite.filter((test) => !this.#ended.has(test.id));
    if (missing.length > 0) {
      const examples = missing.slice(0, 3).map((test) => `${test.file}: ${test.title}`);
      return refuse(
        `a partial run: ${suite.length - missing.length} of the whole suite's ${suite.length} tests ran (not run: ${examples.join('; ')}${missing.length > 3 ? '; …' : ''})`,
      );
    }
    await this.#write(docFile, render(rows, this.#started, { ...counts, scope: 'The whole e2e suite ran (`npm run test:reliability`).' }));
    process.stderr.write(`reliability: wrote ${docFile} (${counts.tests} tests, ${counts.faultTests} fault tests)\n`);
    return undefined;
  }

  async #write(file: string, text: string): Promise<void> {
    const path = resolve(this.#root, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }

  /** Every test of the unfiltered suite, as `playwright test --list` finds them. */
  async #listSuite(): Promise<Array<{ id: string; file: string; title: string }>> {
    const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== DOC_ENV && key !== 'PLAYWRIGHT_JSON_OUTPUT_NAME'));
    const config = this.#configFile === undefined ? [] : ['--config', this.#configFile];
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'test', '--list', '--reporter=json', ...config], {
      cwd: this.#root,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    const listed: Array<{ id: string; file: string; title: string }> = [];
    const walk = (suite: ListedSuite): void => {
      for (const { id, file, title } of suite.specs ?? []) listed.push({ id, file, title });
      for (const child of suite.suites ?? []) walk(child);
    };
    // The JSON reporter's own output format; only the fields declared in ListedSuite are read.
    walk(JSON.parse(stdout) as ListedSuite);
    return listed;
  }
}

/** Says on stderr why docs/reliability.md was not written, and fails the run that asked for it. */
function refuse(why: string): { status: FullResult['status'] } {
  process.stderr.write(`reliability: ${DOC_ENV}=1 but the doc was not written: ${why}. Run \`npm run test:reliability\` with no filter.\n`);
  return { status: 'failed' };
}

function render(rows: readonly Row[], started: Date, coverage: Coverage): string {
  const passed = rows.filter((row) => row.status === 'passed').length;
  const browsers = [...new Set(rows.map((row) => row.browser))].join(', ') || 'none';
  const lines = [
    '# Reliability: faults tried and what happened',
    '',
    '<!-- Generated by e2e/reliability-reporter.ts from the e2e run; do not edit by hand. -->',
    '',
    `Latest run: ${started.toISOString()}. Browser: ${browsers}. ${coverage.tests} tests ran (${coverage.skipped} skipped), ${coverage.faultTests} of them fault tests; ${passed} of ${rows.length} fault tests passed.`,
    coverage.scope,
    '',
    'Each row is one fault the end-to-end suite injects; "observed" is what the app did, as',
    'the test saw it. Tag a test with `fault()` and record outcomes with `observe()` (e2e/fixtures.ts).',
    '',
    '| Fault | Outcome | Observed | Test | Run |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => {
      const outcome = `${row.status === 'passed' ? 'survived (passed)' : row.status} in ${(row.durationMs / 1000).toFixed(1)} s`;
      const notes = [...row.observed.map((o) => `“${cell(o)}”`), ...(row.error === null ? [] : [`error: ${cell(row.error)}`])];
      return `| ${cell(row.fault)} | ${cell(outcome)} | ${notes.join('<br>') || '—'} | ${cell(`${row.file}: ${row.title}`)} | ${cell(`${row.run.slice(0, 16).replace('T', ' ')} UTC, ${row.browser}`)} |`;
    }),
    '',
  ];
  return lines.join('\n');
}

/** Text for a Markdown table cell: one line, pipes escaped, markup shown as text. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|');
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 300);
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
