/**
 * `npm run eval`'s command line: the options, their defaults and validation (naming the bad value),
 * and the help text. cli.ts runs the evaluation they describe.
 */
import { DEFAULT_HALF_LIFE_MS, DEFAULT_PRIOR_WEIGHT } from '../../core/constants.ts';
import type { BackendName } from '../../core/ports.ts';
import { integerOption, numberOption, oneOfOption, parseOptions, UsageError } from '../lib/cli-args.ts';
import { PUBLISHED_POPULARITY } from './evaluate.ts';
import { REPLAY_PATHS, type ReplayPath } from './replay.ts';

/** Every method the harness can compare, in report order. */
export const METHODS = [
  'popularity',
  PUBLISHED_POPULARITY,
  'item-knn',
  'text-last-item',
  'text-decay',
  'vitrine-decay',
  'vitrine',
  'sequence',
  'sequence-neighbours',
  'complements',
] as const;
export type MethodName = (typeof METHODS)[number];
const BACKENDS = ['wasm', 'cpu'] as const satisfies readonly BackendName[];

/** Spacing of Beauty's order-only events: chosen on the validation split (see docs/results.md). */
const DEFAULT_SPACING_MINUTES = 60;

/** The help text. */
export const USAGE = `Usage: npm run eval -- --models <dir> [options]

Evaluates the model in <dir> (written by npm run build:models, which records its options)
on the data it was built from. Leave-one-out when it was built with --holdout-last 2, a temporal
next-basket split when built with --train-before <date>; a model built from every event is refused.

  --models <dir>            the model folder (required)
  --split test|validation   the target: test (default), or validation (leave-one-out only; for tuning)
  --methods <list>          comma-separated, default all: ${METHODS.join(', ')}
  --backend wasm|cpu        TF.js backend of the engines (default wasm)
  --replay engine|recommender
                            engine (default): record()'s interest update per event on the engine;
                            recommender: createRecommender.record() per event (the full storefront path, slow)
  --spacing-minutes <m>     time between a user's events when the log has none (default ${DEFAULT_SPACING_MINUTES})
  --half-life-minutes <m>   interest half-life (default the browser's, ${DEFAULT_HALF_LIFE_MS / 60000})
  --prior-weight <w>        popularity prior weight in the engine's score (default the browser's, ${DEFAULT_PRIOR_WEIGHT})
  --allow-missing-items     accept a model that lacks catalogue items (e.g. Online Retail's 120 stock codes
                            with no description, never sold); they are left out of the ranking and counted
  --lambdas <list>          also rank with the storefront's list arrangement (MMR + variant collapsing) at
                            these diversity trade-offs, e.g. 1,0.8,0.5; writes list-quality.md and .svg
  --compressed <m>:<r>      rank the vitrine methods from product-quantiser codes (<m> subspaces, <m> bytes
                            an item), re-scoring the codes' best <r> exactly (docs/decisions/compressed-item-space.md)
  --baselines <file>        the data set's published rows (default: baselines.json beside the events file
                            the model was built from; none there: no published rows, no sanity check)
  --limit <n>               only the first n cases (quick runs; no published rows, no docs)
  --out <dir>               where the reports go (default .cache/eval/<model>[-validation])
  --docs                    also write the model's section of docs/results.md (a full run on the test split)
  -h, --help                this text

Published rows and the sanity check (popularity-published must reproduce the published PopRec row)
need a full leave-one-out run on the test split.

Exit codes: 0 done (sanity check passed or not applicable), 1 failed or the sanity check failed, 2 bad usage.`;

/** The evaluation's options, validated. */
export interface EvalOptions {
  readonly models: string;
  readonly split: 'test' | 'validation';
  readonly methods: readonly MethodName[];
  readonly backend: (typeof BACKENDS)[number];
  readonly replay: ReplayPath;
  readonly spacingMinutes: number;
  readonly halfLifeMinutes: number;
  readonly priorWeight: number;
  readonly limit: number | null;
  readonly out: string | null;
  /** The published rows' file (--baselines), or null for baselines.json beside the events. */
  readonly baselines: string | null;
  readonly docs: boolean;
  /** Diversity trade-offs to run the storefront's list arrangement at (list-quality.ts). */
  readonly lambdas: readonly number[];
  readonly allowMissingItems: boolean;
  /** Rank the vitrine methods from product-quantiser codes with an exact re-rank (--compressed), or null. */
  readonly compressed: { readonly subspaces: number; readonly rerank: number } | null;
}

/** The command line's options (values typed through `as const`). */
const OPTIONS = {
  models: { type: 'string' },
  split: { type: 'string' },
  methods: { type: 'string' },
  backend: { type: 'string' },
  replay: { type: 'string' },
  'spacing-minutes': { type: 'string' },
  'half-life-minutes': { type: 'string' },
  'prior-weight': { type: 'string' },
  limit: { type: 'string' },
  out: { type: 'string' },
  baselines: { type: 'string' },
  docs: { type: 'boolean' },
  lambdas: { type: 'string' },
  'allow-missing-items': { type: 'boolean' },
  compressed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * @param argv the arguments after the script name.
 * @returns the validated options, or 'help'.
 * @throws UsageError naming the bad option and value.
 */
export function parseCommandLine(argv: readonly string[]): EvalOptions | 'help' {
  const values = parseOptions(argv, OPTIONS);
  if (values.help === true) return 'help';
  if (values.models === undefined) throw new UsageError('--models <dir> is required');
  const methods = (values.methods ?? METHODS.join(',')).split(',').map((name) => oneOfOption('--methods', name.trim(), METHODS));
  return {
    models: values.models,
    split: oneOfOption('--split', values.split ?? 'test', ['test', 'validation'] as const),
    methods,
    backend: oneOfOption('--backend', values.backend ?? 'wasm', BACKENDS),
    replay: oneOfOption('--replay', values.replay ?? 'engine', REPLAY_PATHS),
    spacingMinutes: numberOption('--spacing-minutes', values['spacing-minutes'], DEFAULT_SPACING_MINUTES, 0, Number.POSITIVE_INFINITY),
    halfLifeMinutes: numberOption('--half-life-minutes', values['half-life-minutes'], DEFAULT_HALF_LIFE_MS / 60_000, 1e-9, Number.POSITIVE_INFINITY),
    priorWeight: numberOption('--prior-weight', values['prior-weight'], DEFAULT_PRIOR_WEIGHT, 0, Number.POSITIVE_INFINITY),
    limit: integerOption('--limit', values.limit, null, 1, Number.POSITIVE_INFINITY),
    out: values.out ?? null,
    baselines: values.baselines ?? null,
    docs: values.docs === true,
    lambdas: values.lambdas === undefined ? [] : values.lambdas.split(',').map((text) => numberOption('--lambdas', text, 0, 0, 1)),
    allowMissingItems: values['allow-missing-items'] === true,
    compressed: values.compressed === undefined ? null : compressedOption(values.compressed),
  };
}

/** `<subspaces>:<rerank>`, e.g. 16:500. @throws UsageError naming the option and value. */
function compressedOption(text: string): { subspaces: number; rerank: number } {
  const [subspaces, rerank, extra] = text.split(':');
  if (subspaces === undefined || rerank === undefined || extra !== undefined)
    throw new UsageError(`--compressed must be <subspaces>:<rerank>, e.g. 16:500, found "${text}"`);
  return {
    subspaces: integerOption('--compressed (subspaces)', subspaces, 0, 1, 4096),
    rerank: integerOption('--compressed (re-rank)', rerank, 0, 0, 1_000_000),
  };
}
