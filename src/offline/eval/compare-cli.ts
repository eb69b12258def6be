/**
 * `npm run eval:compare -- <run> <run> ... [options]`: reads the per-case results that npm run eval
 * wrote beside each report, groups the runs' methods by name (a method in k runs = k seeds) and
 * prints a Markdown table of HR@10 / NDCG@10 as mean ± std over the runs, then the paired test of
 * the best method against the runner-up (compare.ts). Runs on different splits are refused.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RecError } from '../../core/errors.ts';
import { integerOption, readCommandLine, runWhenScript, UsageError } from '../lib/cli-args.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { compareRuns, renderComparison, type BootstrapOptions, type NamedRun } from './compare.ts';
import { PER_CASE_FILE, readPerCase } from './per-case.ts';
import { updateResultsDocument } from './report.ts';

/** The help text. */
export const USAGE = `Usage: npm run eval:compare -- <run> <run> ... [options]

Compares evaluation runs on the same split, e.g. one npm run eval per sequence model trained with
its own --seed. A <run> is an npm run eval output folder (its --out), its report.json, or its
${PER_CASE_FILE}. A method found in k runs is summarised as mean ± sample std of HR@10 and NDCG@10
over them; the best method by mean NDCG@10 is then tested against the runner-up, user by user
(each method's per-user value averaged over its runs): a two-sided paired Student's t-test and a
percentile bootstrap 95% interval of the mean difference. Runs whose cases differ are refused.

  --resamples <n>        bootstrap resamples of the users (default 10000)
  --seed <n>             the bootstrap's seed (default 1)
  --docs <name>          also write the table as the section compare:<name> of docs/results.md
                         (full runs on the test split only)
  -h, --help             this text

Exit codes: 0 done, 1 failed (unreadable runs, different splits), 2 bad usage.`;

/** The comparison's options, validated. */
export interface CompareOptions {
  readonly runs: readonly string[];
  readonly bootstrap: BootstrapOptions;
  readonly docs: string | null;
}

/**
 * @param argv the arguments after the script name.
 * @returns the validated options, or 'help'.
 * @throws UsageError naming the bad option and value.
 */
export function parseCompareCommandLine(argv: readonly string[]): CompareOptions | 'help' {
  const options = { resamples: { type: 'string' }, seed: { type: 'string' }, docs: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (positionals.length === 0) throw new UsageError('name at least one run (an npm run eval output folder)');
  const twice = positionals.find((run, i) => positionals.findIndex((other) => resolve(other) === resolve(run)) !== i);
  if (twice !== undefined) throw new UsageError(`${twice} is named twice`);
  const docs = values.docs ?? null;
  if (docs !== null && !/^[a-z0-9][a-z0-9._-]*$/i.test(docs))
    throw new UsageError(`--docs must be a section name of letters, digits, ".", "_" and "-", found "${docs}"`);
  return {
    runs: positionals,
    bootstrap: {
      resamples: integerOption('--resamples', values.resamples, 10_000, 1, Number.POSITIVE_INFINITY),
      seed: integerOption('--seed', values.seed, 1, 0, 2 ** 32 - 1),
    },
    docs,
  };
}

/** What main() can be given instead of the repository's docs/results.md (tests). */
export interface CompareDeps {
  readonly docsFile?: string;
}

/**
 * @param argv the arguments after the script name.
 * @param deps another results document (tests).
 * @returns the process exit code.
 */
export async function main(argv: readonly string[], deps: CompareDeps = {}): Promise<number> {
  const commandLine = readCommandLine('eval:compare', USAGE, () => parseCompareCommandLine(argv));
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const options = commandLine.request;
  const runs: NamedRun[] = [];
  for (const label of options.runs) runs.push({ label, run: await readPerCase(await perCaseFileOf(label)) });
  if (options.docs !== null) {
    const partial = runs.filter(({ run }) => !run.full || run.target !== 'test');
    if (partial.length > 0)
      throw new RecError(
        'CONFIG_INVALID',
        `--docs writes only comparisons of full runs on the test split; not one: ${partial.map(({ label, run }) => `${label} (${run.target}${run.full ? '' : ', --limit'})`).join(', ')}`,
      );
  }
  const comparison = compareRuns(runs, options.bootstrap);
  const markdown = renderComparison(comparison, ['npm run eval:compare --', ...argv].join(' '), options.bootstrap);
  console.log(markdown);
  if (options.docs !== null) {
    const docsFile = deps.docsFile ?? join(REPO_ROOT, 'docs/results.md');
    const current = await readFile(docsFile, 'utf8').catch(() => '');
    await writeFile(docsFile, updateResultsDocument(current, `compare:${options.docs}`, markdown));
    console.error(`eval:compare: updated ${docsFile} (section compare:${options.docs})`);
  }
  return 0;
}

/** A run as named on the command line: an output folder, its report.json, or the per-case file itself. */
async function perCaseFileOf(run: string): Promise<string> {
  const isFolder = await stat(run).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (isFolder) return join(run, PER_CASE_FILE);
  return basename(run) === 'report.json' ? join(dirname(run), PER_CASE_FILE) : run;
}

runWhenScript(import.meta.url, 'eval:compare', main);
