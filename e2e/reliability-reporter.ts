/**
 * A Playwright reporter that writes docs/reliability.md: each reliability fault the e2e suite tried
 * and what was observed in the latest run, with the date and the browser's version.
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
 * Runs of part of the suite (one spec file, a grep) do not lose the rest: rows of spec files that
 * were not part of this run are kept from the previous file (each row names the run it comes
 * from); rows of spec files that were part of it are replaced; rows of deleted spec files go.
 * The rows are kept in a JSON block at the end of the Markdown, so the file is its own state.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';

/** Options given in playwright.config.ts. */
export interface ReliabilityReporterOptions {
  /** Where to write the report, relative to the config file (default docs/reliability.md). */
  readonly outputFile?: string;
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

const FAULT_TAG = '@fault';
const STATE_START = '<!-- reliability-rows';
const STATE_END = '-->';

/** Writes docs/reliability.md from the `@fault` tests of the run; see the module header. */
export default class ReliabilityReporter implements Reporter {
  readonly #options: ReliabilityReporterOptions;
  #root = process.cwd();
  #runFiles = new Set<string>();
  readonly #rows: Row[] = [];
  readonly #started = new Date();

  /** @param options from the reporter's entry in playwright.config.ts. */
  constructor(options: ReliabilityReporterOptions = {}) {
    this.#options = options;
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.#root = config.configFile === undefined ? config.rootDir : dirname(config.configFile);
    this.#runFiles = new Set(suite.allTests().map((test) => this.#file(test)));
  }

  onTestEnd(test: TestCase, result: TestResult): void {
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
      file: this.#file(test),
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

  async onEnd(_result: FullResult): Promise<void> {
    const output = resolve(this.#root, this.#options.outputFile ?? 'docs/reliability.md');
    const previous = await readRows(output);
    // A retried test ends more than once: its last result stands.
    const latest = new Map(this.#rows.map((row) => [`${row.file}\u0000${row.title}`, row]));
    const kept = previous.filter((row) => !this.#runFiles.has(row.file) && existsSync(resolve(this.#root, row.file)));
    const rows = [...kept, ...latest.values()].sort((a, b) => a.file.localeCompare(b.file) || a.title.localeCompare(b.title));
    await mkdir(dirname(output), { recursive: true });
    await writeFile(output, render(rows, this.#started));
  }

  #file(test: TestCase): string {
    return relative(this.#root, test.location.file).split('\\').join('/');
  }
}

function render(rows: readonly Row[], started: Date): string {
  const passed = rows.filter((row) => row.status === 'passed').length;
  const browsers = [...new Set(rows.map((row) => row.browser))].join(', ') || 'none';
  const lines = [
    '# Reliability: faults tried and what happened',
    '',
    '<!-- Generated by e2e/reliability-reporter.ts from the e2e run; do not edit by hand. -->',
    '',
    `Latest run: ${started.toISOString()}. Browser: ${browsers}. ${passed} of ${rows.length} fault tests passed.`,
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
    STATE_START,
    JSON.stringify(rows, null, 1).split(STATE_END).join('--\\u003e'),
    STATE_END,
    '',
  ];
  return lines.join('\n');
}

/** The rows stored in a previous report, or none. */
async function readRows(file: string): Promise<Row[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const start = text.lastIndexOf(STATE_START);
  const end = text.lastIndexOf(STATE_END);
  if (start < 0 || end < start) return [];
  try {
    const parsed: unknown = JSON.parse(text.slice(start + STATE_START.length, end));
    return Array.isArray(parsed) ? parsed.filter(isRow) : [];
  } catch {
    // A hand-edited or truncated report: start afresh rather than fail the run.
    return [];
  }
}

function isRow(value: unknown): value is Row {
  if (typeof value !== 'object' || value === null) return false;
  const row = value as Record<string, unknown>;
  return (
    ['file', 'title', 'fault', 'status', 'browser', 'run'].every((key) => typeof row[key] === 'string') &&
    typeof row['durationMs'] === 'number' &&
    Array.isArray(row['observed'])
  );
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
