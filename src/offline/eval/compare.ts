/**
 * Several evaluation runs on one split, side by side: a method found in k runs (one model folder
 * per training seed, say) is summarised as the mean ± sample standard deviation of its HR@10 and
 * NDCG@10 over those k runs, and the best method by mean NDCG@10 is tested against the runner-up
 * user by user. Each method's per-user value is first averaged over its runs, so the test asks
 * whether the methods differ on these users, not whether one seed beat another. Pure of files:
 * compare-cli.ts reads the runs and prints or writes what this renders.
 */
import { RecError } from '../../core/errors.ts';
import { PUBLISHED_POPULARITY } from './evaluate.ts';
import { bootstrapMeanCi, mean, pairedTTest, sampleStd, type TTest } from './paired-stats.ts';
import type { CaseScores, PerCaseRun } from './per-case.ts';

/** One run as the command line named it. */
export interface NamedRun {
  readonly label: string;
  readonly run: PerCaseRun;
}

export interface Spread {
  readonly mean: number;
  /** Over the runs; null with a single run. */
  readonly std: number | null;
}

export interface MethodSummary {
  readonly method: string;
  /** The runs it was evaluated in (its seeds). */
  readonly runs: number;
  readonly hr10: Spread;
  readonly ndcg10: Spread;
}

export interface PairedResult extends TTest {
  readonly metric: 'NDCG@10' | 'HR@10';
  readonly ci: readonly [number, number];
}

export interface Comparison {
  readonly protocol: string;
  readonly target: string;
  readonly cases: number;
  readonly fingerprint: string;
  readonly runs: readonly NamedRun[];
  /** Best mean NDCG@10 first (then HR@10). */
  readonly methods: readonly MethodSummary[];
  readonly test: { readonly best: string; readonly runnerUp: string; readonly results: readonly PairedResult[] } | { readonly none: string };
}

/** The bootstrap's settings. */
export interface BootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
}

/** The interval's coverage. */
export const CI_LEVEL = 0.95;

/**
 * @param runs at least one, all on the same split.
 * @param bootstrap resamples and seed of the interval.
 * @returns the summary per method and the paired test of the best against the runner-up.
 * @throws RecError CONFIG_INVALID when the runs' splits differ, or a model's method appears in two runs.
 */
export function compareRuns(runs: readonly NamedRun[], bootstrap: BootstrapOptions): Comparison {
  const first = runs[0];
  if (first === undefined) throw new RecError('INTERNAL', 'nothing to compare');
  checkSameSplit(runs);
  const byMethod = new Map<string, { scores: CaseScores[]; seenIn: Map<string, string> }>();
  for (const { label, run } of runs) {
    for (const { method, scores } of run.methods) {
      const entry = byMethod.get(method) ?? { scores: [], seenIn: new Map<string, string>() };
      const earlier = entry.seenIn.get(run.manifestSha256);
      if (earlier !== undefined)
        throw new RecError(
          'CONFIG_INVALID',
          `${earlier} and ${label} both evaluated "${method}" on the same model (${run.model}, manifest sha256 ${run.manifestSha256.slice(0, 12)}): one model evaluated twice is not two seeds`,
        );
      entry.seenIn.set(run.manifestSha256, label);
      entry.scores.push(scores);
      byMethod.set(method, entry);
    }
  }
  const spread = (values: number[]): Spread => ({ mean: mean(values), std: sampleStd(values) });
  const methods = [...byMethod].map(([method, { scores }]) => ({
    method,
    runs: scores.length,
    hr10: spread(scores.map((s) => mean(s.hr10))),
    ndcg10: spread(scores.map((s) => mean(s.ndcg10))),
  }));
  methods.sort((a, b) => b.ndcg10.mean - a.ndcg10.mean || b.hr10.mean - a.hr10.mean);
  const [best, runnerUp] = methods.filter((m) => m.method !== PUBLISHED_POPULARITY);
  const { cases } = first.run;
  const base = { protocol: first.run.protocol, target: first.run.target, cases, fingerprint: first.run.fingerprint, runs, methods };
  if (best === undefined || runnerUp === undefined)
    return { ...base, test: { none: 'fewer than two methods (besides popularity-published), so no paired test' } };
  if (cases < 2) return { ...base, test: { none: `${cases} case(s): a paired test needs at least two users` } };
  const perUser = (method: string, pick: (s: CaseScores) => ArrayLike<number>): Float64Array =>
    averageOverRuns((byMethod.get(method)?.scores ?? []).map(pick), cases);
  const results = (['NDCG@10', 'HR@10'] as const).map((metric): PairedResult => {
    const pick = (s: CaseScores): ArrayLike<number> => (metric === 'NDCG@10' ? s.ndcg10 : s.hr10);
    const a = perUser(best.method, pick);
    const b = perUser(runnerUp.method, pick);
    const differences = a.map((value, i) => value - (b[i] ?? 0));
    return { metric, ...pairedTTest(differences), ci: bootstrapMeanCi(differences, { ...bootstrap, level: CI_LEVEL }) };
  });
  return { ...base, test: { best: best.method, runnerUp: runnerUp.method, results } };
}

function checkSameSplit(runs: readonly NamedRun[]): void {
  const groups = new Map<string, { run: PerCaseRun; labels: string[] }>();
  for (const { label, run } of runs) {
    const group = groups.get(run.fingerprint) ?? { run, labels: [] };
    group.labels.push(label);
    groups.set(run.fingerprint, group);
  }
  if (groups.size === 1) return;
  const described = [...groups.values()].map(
    ({ run, labels }) =>
      `${labels.join(', ')}: ${run.protocol} (${run.target}), ${run.cases} cases${run.full ? '' : ', --limit'}, fingerprint ${run.fingerprint.slice(0, 12)}`,
  );
  throw new RecError('CONFIG_INVALID', `the runs were evaluated on different splits, so their users cannot be paired: ${described.join('; ')}`);
}

/** @returns per case, the mean over the runs' values. */
function averageOverRuns(values: readonly ArrayLike<number>[], cases: number): Float64Array {
  const sum = new Float64Array(cases);
  for (const run of values) for (let i = 0; i < cases; i++) sum[i] = (sum[i] ?? 0) + (run[i] ?? 0);
  return sum.map((total) => total / values.length);
}

const f4 = (value: number): string => value.toFixed(4);
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${f4(value)}`;
const spreadText = ({ mean: m, std }: Spread): string => (std === null ? f4(m) : `${f4(m)} ± ${f4(std)}`);
const pText = (p: number): string => (p === 0 ? '< 1e-300' : p < 1e-4 ? p.toExponential(1) : f4(p));

/**
 * @param comparison from compareRuns.
 * @param command the command line, quoted in the section.
 * @param bootstrap the interval's settings, stated in the section.
 * @returns a Markdown section (level-2 heading).
 */
export function renderComparison(comparison: Comparison, command: string, bootstrap: BootstrapOptions): string {
  const { test } = comparison;
  const best = 'none' in test ? null : test.best;
  const lines = [
    `## Seeds compared: ${comparison.protocol} (${comparison.target}), ${comparison.cases} cases`,
    '',
    `- command: \`${command}\``,
    `- runs: ${comparison.runs.map(({ label, run }) => `\`${label}\` (model \`${run.model}\`)`).join(', ')}`,
    `- split fingerprint (sha256 of the ordered users and target items, the same for every run): \`${comparison.fingerprint}\``,
    '',
    '| method | runs | HR@10 | NDCG@10 |',
    '| --- | --- | --- | --- |',
    ...comparison.methods.map((m) => `| ${m.method === best ? `**${m.method}**` : m.method} | ${m.runs} | ${spreadText(m.hr10)} | ${spreadText(m.ndcg10)} |`),
    '',
    'Mean ± sample standard deviation (n − 1) over the runs that evaluated the method (one run per seed); a single run shows its value alone.',
    '',
  ];
  if ('none' in test) return [...lines, `No paired test: ${test.none}.`, ''].join('\n');
  const users = test.results[0]?.n ?? 0;
  lines.push(
    `Paired test of **${test.best}** against the runner-up **${test.runnerUp}** (by mean NDCG@10) over ${users} users, each method's per-user value averaged over its runs: two-sided Student's t-test on the per-user differences (${users - 1} degrees of freedom) and a percentile bootstrap ${CI_LEVEL * 100}% interval of the mean difference (${bootstrap.resamples} resamples of the users, seed ${bootstrap.seed}).`,
    '',
    `| metric | mean difference (${test.best} − ${test.runnerUp}) | ${CI_LEVEL * 100}% CI | t | p | users |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...test.results.map(
      (r) =>
        `| ${r.metric} | ${signed(r.meanDifference)} | [${signed(r.ci[0])}, ${signed(r.ci[1])}] | ${Number.isNaN(r.t) ? '-' : r.t.toFixed(2)} | ${pText(r.p)} | ${r.n} |`,
    ),
    '',
  );
  return lines.join('\n');
}
