/**
 * A Playwright reporter for the reliability faults: each fault the e2e suite tried and what was
 * observed, with the browser's version and how many tests ran. docs/reliability.md joins these rows
 * with the unit suite's (e2e/reliability-doc.ts renders both).
 *
 * The convention (helpers in e2e/fixtures.ts):
 *  - A fault test is tagged `@fault` and carries `fault-class` and `fault` annotations:
 *      test('title', fault('Model files', 'The vectors file has one flipped byte'), async ({ page }) => { ... });
 *  - While it runs, the test records what the app did with `observe('...')` (an `observed`
 *    annotation), e.g. the exact error text on screen; several observations are kept in order.
 *  - Every test also gets a `browser` annotation (an automatic fixture) with the browser's version.
 * Each `@fault` test is one case: handled if it passed, lost if it failed or timed out.
 *
 * A report is an output of the run, never a change to the tree: every run that ran tests writes
 * `outputFile` (under test-results/, ignored by git) from its own tests. The tracked `docFile`
 * (docs/reliability.md) is written only when VITRINE_RELIABILITY_DOC=1 (`npm run test:reliability`,
 * which runs the unit suite first) and only from whole runs: every test that `playwright test
 * --list` finds with no filter must have ended in this run, and the unit run's report
 * (reports/reliability-unit.json) must say it ran every unit test file. Otherwise (a --grep, some
 * spec files, an interrupted run, no unit report) the doc is left alone, stderr says why, and the
 * run fails, so the doc never reports a subset.
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { errorLine, readUnitReport, renderReliability, UNIT_REPORT_FILE, type FaultRow, type RunReport } from './reliability-doc.ts';

/** Options given in playwright.config.ts. */
export interface ReliabilityReporterOptions {
  /** Where every run writes its report, relative to the config file (default test-results/reliability.md). */
  readonly outputFile?: string;
  /** The tracked report, written only by a full run with VITRINE_RELIABILITY_DOC=1 (default docs/reliability.md). */
  readonly docFile?: string;
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
  readonly #rows: FaultRow[] = [];
  readonly #browsers = new Set<string>();
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
    const passed = result.status === 'passed';
    this.#browsers.add(of('browser')[0] ?? 'unknown browser');
    this.#rows.push({
      file: relative(this.#root, test.location.file).split('\\').join('/'),
      title: test.titlePath().slice(3).join(' › ') || test.title,
      faultClass: of('fault-class')[0] ?? '(none)',
      fault: [...new Set(of('fault'))].join('; ') || test.title,
      status: result.status,
      durationMs: result.duration,
      // An e2e fault test is one case; a skipped one tried nothing.
      tried: result.status === 'skipped' ? 0 : 1,
      handled: passed ? 1 : 0,
      lost: passed || result.status === 'skipped' ? 0 : 1,
      observed: of('observed'),
      error: error === null ? null : errorLine(error),
    });
  }

  async onEnd(result: FullResult): Promise<{ status: FullResult['status'] } | undefined> {
    const wantDoc = process.env[DOC_ENV] === '1';
    if (this.#ended.size === 0) {
      // Nothing ran (--list, or no test matched): there is nothing to report.
      return wantDoc ? refuse('no test ran (a --list, or a filter that matched nothing)') : undefined;
    }
    const docFile = this.#options.docFile ?? 'docs/reliability.md';
    const run = (whole: boolean, scope: string): RunReport => {
      // A retried test ends more than once: its last result stands.
      const latest = new Map(this.#rows.map((row) => [`${row.file}\u0000${row.title}`, row]));
      const skipped = [...this.#ended.values()].filter((status) => status === 'skipped').length;
      const environment = [...this.#browsers].join(', ') || 'no browser';
      return {
        suite: 'e2e (Playwright)',
        started: this.#started.toISOString(),
        environment,
        tests: this.#ended.size,
        skipped,
        whole,
        scope,
        rows: [...latest.values()],
      };
    };
    const note = `Written by every e2e run from its own tests; ${docFile} only by \`npm run test:reliability\`, from whole runs of both suites.`;
    await this.#write(this.#options.outputFile ?? 'test-results/reliability.md', renderReliability([run(false, 'This run.')], note));
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
    const unit = await readUnitReport(resolve(this.#root, UNIT_REPORT_FILE));
    if (typeof unit === 'string') return refuse(unit);
    const e2e = run(true, 'The whole suite ran.');
    await this.#write(docFile, renderReliability([unit, e2e], 'Both suites ran whole (`npm run test:reliability`).'));
    process.stderr.write(`reliability: wrote ${docFile} (${unit.tests} unit and ${e2e.tests} e2e tests; ${unit.rows.length + e2e.rows.length} fault tests)\n`);
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
