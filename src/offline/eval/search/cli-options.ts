/**
 * `npm run eval:search`'s command line: the model folders, the sets, the sizes and seeds of the
 * generated sets, the encoders and where to write the report.
 */
import { integerOption, parseOptions, UsageError } from '../../lib/cli-args.ts';

/** The query sets, in report order. */
export const SET_NAMES = ['category', 'known-item', 'demo', 'random'] as const;
export type SetName = (typeof SET_NAMES)[number];

/** The query encoders: the builder's float32 one and the quantised copy the browser downloads. */
export const ENCODER_NAMES = ['float32', 'uint8'] as const;
export type EncoderName = (typeof ENCODER_NAMES)[number];

export const DEFAULT_KNOWN_ITEMS = 300;
export const DEFAULT_RANDOM_QUERIES = 60;
/** Seed of the known-item draw; the random queries use SEED + 1 (the builder's floor calibration uses its own). */
export const DEFAULT_SEED = 20_251_202;

export interface SearchEvalOptions {
  readonly models: readonly string[];
  readonly sets: readonly SetName[];
  readonly encoders: readonly EncoderName[];
  readonly knownItems: number;
  readonly randomQueries: number;
  readonly seed: number;
  /** Also run semantic and hybrid search with the semantic floor off (a diagnostic of the floor). */
  readonly floorOff: boolean;
  /** Also run semantic and hybrid search on each folder as a paged model holds it (its codes, no vector page). */
  readonly paged: boolean;
  /** A Markdown file whose search section to replace, or null. */
  readonly write: string | null;
  /** The fusion's semantic weight when the words cover the query, to try instead of core's (tuning on validation queries), or null. */
  readonly minSemanticWeight: number | null;
}

export const USAGE = `Usage:
  npm run eval:search -- --models <dir> [--models <dir> ...] [options]

Runs the storefront's search (lexical, semantic, hybrid) on each model folder over generated and
hand-written query sets, and prints nDCG@10, HR@10, MRR@10 and the zero-result rate of each.

  --models <dir[,dir]>   model folders (npm run build:models or npm run models:demo); repeatable
  --sets <list>          of ${SET_NAMES.join(',')} (default all; each runs where it applies)
  --encoders <list>      of ${ENCODER_NAMES.join(',')} (default both)
  --known-items <n>      known-item queries per folder (default ${DEFAULT_KNOWN_ITEMS})
  --random <n>           random-character queries per folder (default ${DEFAULT_RANDOM_QUERIES})
  --seed <n>             seed of the generated sets (default ${DEFAULT_SEED})
  --floor-off            also run semantic and hybrid with the semantic floor off (a diagnostic)
  --paged                also run semantic and hybrid as a paged model searches: cosines from
                         product-quantisation codes trained as the builder trains a paged model's,
                         and the semantic floor taken over them
  --min-semantic-weight <x>  the fusion's semantic weight when the words cover the query, instead of
                         core's MIN_SEMANTIC_WEIGHT (tune with another --seed than the reported
                         one: validation queries, never the test)
  --write <file>         replace the file's search section (e.g. docs/results.md) with the report
  -h, --help             show this help`;

const list = <T extends string>(name: string, text: string | undefined, choices: readonly T[]): readonly T[] => {
  if (text === undefined) return choices;
  const values = text.split(',').map((value) => value.trim());
  for (const value of values) {
    if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${name} takes ${choices.join(', ')}, found "${value}"`);
  }
  return choices.filter((choice) => values.includes(choice));
};

/**
 * @param argv the arguments after the script name.
 * @returns the options, or 'help'.
 * @throws UsageError for a bad or missing option.
 */
export function parseSearchEvalArgs(argv: readonly string[]): SearchEvalOptions | 'help' {
  const values = parseOptions(argv, {
    models: { type: 'string', multiple: true },
    sets: { type: 'string' },
    encoders: { type: 'string' },
    'known-items': { type: 'string' },
    random: { type: 'string' },
    seed: { type: 'string' },
    'floor-off': { type: 'boolean' },
    paged: { type: 'boolean' },
    write: { type: 'string' },
    'min-semantic-weight': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const);
  if (values.help === true) return 'help';
  const models = (values.models ?? []).flatMap((value) => value.split(',')).filter((value) => value.trim() !== '');
  if (models.length === 0) throw new UsageError('--models is required');
  return {
    models,
    sets: list('--sets', values.sets, SET_NAMES),
    encoders: list('--encoders', values.encoders, ENCODER_NAMES),
    knownItems: integerOption('--known-items', values['known-items'], DEFAULT_KNOWN_ITEMS, 1, 100_000),
    randomQueries: integerOption('--random', values.random, DEFAULT_RANDOM_QUERIES, 1, 100_000),
    seed: integerOption('--seed', values.seed, DEFAULT_SEED, 0, 2 ** 32 - 1),
    floorOff: values['floor-off'] === true,
    paged: values.paged === true,
    write: values.write ?? null,
    minSemanticWeight: weightOption(values['min-semantic-weight']),
  };
}

function weightOption(text: string | undefined): number | null {
  if (text === undefined) return null;
  const weight = Number(text);
  if (text.trim() === '' || !Number.isFinite(weight) || weight < 0) throw new UsageError(`--min-semantic-weight takes a number >= 0, found "${text}"`);
  return weight;
}
