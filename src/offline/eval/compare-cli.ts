/**
 * `npm run eval:compare -- <run> <run> ... [options]`: reads the per-case results that npm run eval
 * wrote beside each report, groups the runs' methods by name (a method in k runs = k seeds) and
 * prints a Markdown table of HR@10 / NDCG@10 as mean ± std over the runs, then the paired test of
 * the best method against the runner-up (compare.ts). Runs on different splits are refused. A run
 * named `<recipe>=<run>` has its methods renamed `<method> (<recipe>)`, so two training recipes'
 * seeds are summarised and tested against each other.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RecError } from '../../core/errors.ts';
import { integerOption, readCommandLine, runWhenScript, UsageError } from '../lib/cli-args.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { compareRuns, renderComparison, type BootstrapOptions, type NamedRun } from './compare.ts';
import { PER_CASE_FILE, readPerCase, type PerCaseRun } from './per-case.ts';
import { updateResultsDocument } from './report.ts';

/** The help text. */
export const USAGE = `Usage: npm run eval:compare -- <run> <run> ... [options]

Compares evaluation runs on the same split, e.g. one npm run eval per sequence model trained with
its own --seed. A <run> is an npm run eval output folder (its --out), its report.json, or its
${PER_CASE_FILE}. A method found in k runs is summarised as mean ± sample std of HR@10 and NDCG@10
over them; the best method by mean NDCG@10 is then tested against the runner-up, user by user
(each method's per-user value averaged over its runs): a two-sided paired Student's t-test and a
percentile bootstrap 95% interval of the mean difference. Runs whose cases differ are refused.
A run written <recipe>=<run> (letters, digits, ".", "_", "-" before the "=") has its methods named
"<method> (<recipe>)": the seeds of two training recipes, compared as two methods.

  --methods <list>       only these methods (comma-separated, as npm run eval names them)
  --resamples <n>        bootstrap resamples of the users (default 10000)
  --seed <n>             the bootstrap's seed (default 1)
  --docs <name>          also write the table as the section compare:<name> of docs/results.md
                         (full runs on the test split only)
  -h, --help             this text

Exit codes: 0 done, 1 failed (unreadable runs, different splits), 2 bad usage.`;

/** A run as the command line gives it: where it is, and the recipe its methods are named after, if any. */
export interface RunArgument {
  readonly path: string;
  readonly recipe: string | null;
}

/** The comparison's options, validated. */
export interface CompareOptions {
  readonly runs: readonly RunArgument[];
  /** Only these methods; null: every one. */
  readonly methods: readonly string[] | null;
  readonly bootstrap: BootstrapOptions;
  readonly docs: string | null;
}

/** A section or recipe name: it lands in a Markdown marker or a method's name. */
const NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** `<recipe>=<run>` or a plain run. */
function runArgument(text: string): RunArgument {
  const at = text.indexOf('=');
  const recipe = at < 0 ? '' : text.slice(0, at);
  return NAME.test(recipe) ? { path: text.slice(at + 1), recipe } : { path: text, recipe: null };
}

/**
 * @param argv the arguments after the script name.
 * @returns the validated options, or 'help'.
 * @throws UsageError naming the bad option and value.
 */
export function parseCompareCommandLine(argv: readonly string[]): CompareOptions | 'help' {
  const options = {
    methods: { type: 'string' },
    resamples: { type: 'string' },
    seed: { type: 'string' },
    docs: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (positionals.length === 0) throw new UsageError('name at least one run (an npm run eval output folder)');
  const runs = positionals.map(runArgument);
  const twice = runs.find((run, i) => runs.findIndex((other) => resolve(other.path) === resolve(run.path)) !== i);
  if (twice !== undefined) throw new UsageError(`${twice.path} is named twice`);
  const docs = values.docs ?? null;
  if (docs !== null && !NAME.test(docs)) throw new UsageError(`--docs must be a section name of letters, digits, ".", "_" and "-", found "${docs}"`);
  const methods = values.methods?.split(',').map((method) => method.trim()) ?? null;
  if (methods !== null && methods.some((method) => method === '')) throw new UsageError(`--methods lists an empty name: "${values.methods}"`);
  return {
    runs,
    methods,
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
  const evaluated = new Set<string>();
  for (const { path, recipe } of options.runs) {
    const run = await readPerCase(await perCaseFileOf(path));
    for (const { method } of run.methods) evaluated.add(method);
    runs.push({ label: path, run: asRecipe(onlyMethods(run, options.methods), recipe) });
  }
  const missing = options.methods?.filter((method) => !evaluated.has(method)) ?? [];
  if (missing.length > 0)
    throw new RecError(
      'CONFIG_INVALID',
      `--methods names ${missing.map((m) => `"${m}"`).join(', ')}, which no run evaluated (they have ${[...evaluated].join(', ')})`,
    );
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

/** @returns the run with only the methods asked for (null: all). */
function onlyMethods(run: PerCaseRun, methods: readonly string[] | null): PerCaseRun {
  return methods === null ? run : { ...run, methods: run.methods.filter(({ method }) => methods.includes(method)) };
}

/** @returns the run with its methods named after the recipe, if any. */
function asRecipe(run: PerCaseRun, recipe: string | null): PerCaseRun {
  return recipe === null ? run : { ...run, methods: run.methods.map((scores) => ({ ...scores, method: `${scores.method} (${recipe})` })) };
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
