/**
 * `npm run build:models -- --catalog <items.jsonl|.csv> [--events <events.csv>] --out models/<name>`:
 * the command a shop runs on its own files. It owns the command line only: parsing and validating
 * options (naming the bad value), presets (shorthand for field mappings of known data sets), the
 * help text and exit codes; the pipeline is build-model.ts. `--demo` is an alias of
 * `npm run models:demo`.
 *
 * Exit codes: 0 built; 1 the build failed (an encoder or file error); 2 bad usage or bad input
 * (more skipped lines than --max-invalid, --strict at the first bad line, a --dim that does not
 * fit); 3 int8 was asked for and its measured recall is below --min-recall.
 */
import { integerOption, numberOption, oneOfOption, parseOptions, UsageError } from '../lib/cli-args.ts';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isRecError, toRecError } from '../../core/errors.ts';
import { VECTOR_DTYPES } from '../../core/vectors.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { buildDemo } from './build-demo.ts';
import { buildModel, TEXT_DIM, type BuildDeps, type BuildOptions } from './build-model.ts';
import type { BuildOptionsRecord, DtypeChoice } from '../lib/build-options.ts';
import { DEFAULT_BATCH_SIZE } from '../lib/embed.ts';
import { DEFAULT_CATALOG_FIELDS, type CatalogFields } from '../lib/ingest/catalog-input.ts';
import { DEFAULT_EVENT_COLUMNS, DEFAULT_EVENT_WEIGHTS, parseTimestamp, type ColumnSpec, type EventColumns } from '../lib/ingest/events-input.ts';
import { parseFraction } from '../lib/ingest/problems.ts';
import { parseTextTemplate, TEXT_CASES, type TextCase } from '../lib/ingest/text-template.ts';
import { SEQUENCE_GROUPINGS, type SequenceGrouping } from '../lib/sequences.ts';

/** The default text template: every role, empty ones drop out. */
export const DEFAULT_TEXT_TEMPLATE = '{title}. {category}. {brand}. {description}';

/**
 * Presets: shorthand for the options that map a known data set's files, inserted before the
 * user's own options (which therefore win).
 */
export const PRESETS: Readonly<Record<string, readonly string[]>> = {
  'online-retail': ['--event-weights', 'purchase=1,return=-1,adjustment=0', '--sequence', 'session'],
  'amazon-beauty': [
    // Item 10205 has no title and an empty title_hint: its brand names it, so every item is embedded.
    '--title-field', 'title|title_hint|brand',
    '--category-field', 'categories',
    '--brand-field', 'brand',
    '--event-time', 'none',
    '--event-order', 'position',
    '--event-weights', 'review=1',
    '--sequence', 'user',
  ],
};

const DTYPE_CHOICES = ['auto', ...VECTOR_DTYPES] as const;

const USAGE = `Usage:
  npm run build:models -- --catalog <items.jsonl|items.csv> [--events <events.csv>] --out models/<name> [options]
  npm run build:models -- --demo [--force]

Builds a model folder for the storefront (manifest.json, vectors, catalog.json, popularity.f32,
projection.f32) plus build-report.json and build-report.md, from a catalogue (JSON Lines or CSV
with a header row) and, optionally, an interaction log (CSV with a header row).

Inputs
  --catalog <file>          the catalogue (required)
  --events <file>           the interaction log; without it the model is text-only
  --out <dir>               the model folder to write (required)
  --catalog-id <id>         recorded in the manifest (default: the --out folder's name)
  --preset <name>           shorthand for a known data set's mapping (your options still win):
${Object.entries(PRESETS).map(([name, args]) => `                              ${name}:\n${wrapArgs(args, '                                ')}`).join('\n')}

Catalogue fields (JSON keys or CSV columns; "none" for a field the catalogue lacks)
  --id-field <f>            default id
  --title-field <f|g>       default title; "a|b" takes the first non-empty of a, b
  --category-field <f>      default category
  --brand-field <f>         default brand
  --description-field <f>   default description
  --price-field <f>         default price
  --image-field <f>         default image
  --group-field <f>         default group: items sharing a value are variants (colours, sizes) of one product
  --text-template <t>       what is embedded (default "${DEFAULT_TEXT_TEMPLATE}");
                            {title} etc. name the fields above, any other {name} a raw field;
                            empty fields drop out with their separator; lists are joined with ", "
  --text-case <c>           ${TEXT_CASES.join('|')} (default auto: lower-case texts written in capitals only)

Event columns (default names are used when the file has them; "none" ignores a column)
  --event-item <c>          default item_id (required)
  --event-user <c>          default user_id
  --event-session <c>       default session_id
  --event-type <c>          default event_type
  --event-time <c>          default timestamp (ISO 8601, zone-less = UTC, or epoch s/ms)
  --event-order <c>         default none: order within a user or session when times tie or are missing
  --event-weights <list>    type=weight,... (default ${[...DEFAULT_EVENT_WEIGHTS].map(([k, v]) => `${k}=${v}`).join(',')});
                            other types are skipped and counted; weight <= 0 counts for popularity only
  --sequence <g>            ${SEQUENCE_GROUPINGS.join('|')}: what co-occurs (default session when the log has sessions)
  --window <n|all>          behaviour context half-width (default all for sessions, 5 for users)
  --holdout-last <n>        leave each user's last n usable events out of training and popularity (default 0;
                            2 for the leave-one-out protocol: last = test, second-to-last = validation)
  --train-before <date>     leave events at or after this ISO 8601 date(-time, UTC) out of training and
                            popularity (a temporal split: evaluate on what came after)

Model
  --dim <n>                 item vector size, even, 2..${TEXT_DIM} and at most the item count (default 128).
                            With events: half text (PCA), half behaviour; without: PCA of the text
                            (${TEXT_DIM}: raw encoder vectors). Unless raw, a query projection ${TEXT_DIM} x dim is written
  --behaviour-weight <w>    share of behaviour vs text in the fused vectors, 0..1 (default 0.5)
  --dtype <t>               ${DTYPE_CHOICES.join('|')} (default auto: int8 if its recall holds, else float16, else float32)
  --min-recall <r>          recall@50 of quantised vs float32 scoring that must hold (default 0.99)
  --recall-sample <n>       user histories sampled for that check (default 2000)
  --half-life-days <d>      popularity decay (default 30)
  --seed <n>                seed of every random choice (default 1)

Bad input
  --max-invalid <x>         fail when more than this share of a file's records is skipped (default 1%)
  --strict                  fail at the first bad record, with its file:line

Run
  --workers <n>             encoder worker threads (default ${defaultWorkers()}: the cores here)
  --batch-size <n>          texts per cache write (default ${DEFAULT_BATCH_SIZE}; ${DEFAULT_BATCH_SIZE} x 2 per worker with several workers)
  --no-cache                do not read or write the embedding cache (.cache/embeddings)
  --quiet                   no progress lines
  --demo                    build models/demo (same as npm run models:demo); --force rebuilds it
  -h, --help                show this help

Exit codes: 0 built, 1 failed, 2 bad usage or bad input, 3 int8 recall below --min-recall.`;

/** Thrown for bad command-line usage; printed with the usage hint. */

/** What main() can be given instead of the real encoder and streams (tests). */
export type CliDeps = Partial<BuildDeps>;

/**
 * Runs the command line.
 * @param argv the arguments after the script name.
 * @param deps replacements for the real encoder, cache and output (tests).
 * @returns the process exit code.
 */
export async function main(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  let options: BuildOptions | 'help' | 'demo' | 'demo-force';
  try {
    options = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError || (isRecError(error) && error.code === 'CONFIG_INVALID')) return usageFailure(error.message);
    throw error;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (options === 'demo' || options === 'demo-force') {
    await buildDemo({ force: options === 'demo-force' });
    return 0;
  }
  try {
    const result = await buildModel(options, await withRealEncoder(deps));
    return result.exitCode;
  } catch (error) {
    // Bad input found in --strict mode or a header that does not fit the mapping: exit 2 with file:line.
    if (isRecError(error) && error.kind === 'input') {
      console.error(`build:models: ${error.message}`);
      return 2;
    }
    if (isRecError(error) && error.code === 'CONFIG_INVALID') return usageFailure(error.message);
    throw error;
  }
}

/** Fills in the real encoder (imported only now: TF.js loads only when a build runs). */
async function withRealEncoder(deps: CliDeps): Promise<BuildDeps> {
  if (deps.encoder !== undefined && deps.loadEncoder !== undefined) return { ...deps, encoder: deps.encoder, loadEncoder: deps.loadEncoder };
  const real = await import('../lib/node-encoder.ts');
  const loadEncoder = (workers: number): Promise<SentenceEncoder> =>
    workers > 1 ? real.createNodeEncoderPool(workers) : real.loadNodeSentenceEncoder((line) => console.error(`build:models: ${line}`));
  return { ...deps, encoder: deps.encoder ?? real.ENCODER, loadEncoder: deps.loadEncoder ?? loadEncoder };
}

/**
 * Parses and validates the command line (presets expanded first).
 * @param argv the arguments after the script name.
 * @returns the build options, or what else to do.
 * @throws UsageError naming the bad option and value.
 */
export function parseCommandLine(argv: readonly string[]): BuildOptions | 'help' | 'demo' | 'demo-force' {
  const presetAt = argv.findIndex((arg) => arg === '--preset' || arg.startsWith('--preset='));
  let preset: string | null = null;
  if (presetAt !== -1) {
    const arg = argv[presetAt] ?? '';
    preset = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[presetAt + 1] ?? '');
    if (PRESETS[preset] === undefined) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}, found "${preset}"`);
  }
  const args = [...(preset === null ? [] : (PRESETS[preset] ?? [])), ...argv];
  const values = parseOptions(args, OPTIONS);
  if (values.help === true) return 'help';
  if (values.demo === true) return values.force === true ? 'demo-force' : 'demo';
  if (values.catalog === undefined) throw new UsageError('--catalog <items.jsonl|items.csv> is required');
  if (values.out === undefined) throw new UsageError('--out <dir> is required');

  const none = (value: string | undefined): boolean => value !== undefined && value.trim().toLowerCase() === 'none';
  const field = (value: string | undefined, fallback: string | null): string | null => (none(value) ? null : (value?.trim() ?? fallback));
  const titles = (values['title-field'] ?? DEFAULT_CATALOG_FIELDS.title.join('|')).split('|').map((name) => name.trim()).filter((name) => name !== '');
  if (titles.length === 0) throw new UsageError('--title-field must name at least one field');
  // Object.fromEntries returns string keys (https://github.com/microsoft/TypeScript/issues/35745),
  // hence the casts back to the roles the arrays list.
  const optionalRoles = ['category', 'brand', 'description', 'price', 'image', 'group'] as const;
  const fields: CatalogFields = {
    id: field(values['id-field'], DEFAULT_CATALOG_FIELDS.id) ?? fail('--id-field cannot be none: every item needs an id'),
    title: titles,
    ...(Object.fromEntries(optionalRoles.map((role) => [role, field(values[`${role}-field`], DEFAULT_CATALOG_FIELDS[role])])) as Pick<CatalogFields, (typeof optionalRoles)[number]>),
  };
  const column = (value: string | undefined, fallback: ColumnSpec): ColumnSpec => (none(value) ? null : value === undefined ? fallback : { name: value.trim(), required: true });
  const optionalColumns = ['user', 'session', 'type', 'time', 'order'] as const;
  const eventColumns: EventColumns = {
    item: column(values['event-item'], DEFAULT_EVENT_COLUMNS.item) ?? fail('--event-item cannot be none: every event needs an item'),
    ...(Object.fromEntries(optionalColumns.map((key) => [key, column(values[`event-${key}`], DEFAULT_EVENT_COLUMNS[key])])) as Pick<EventColumns, (typeof optionalColumns)[number]>),
  };

  const dim = integerOption('--dim', values.dim, 128, 2, TEXT_DIM);
  if (dim % 2 !== 0) throw new UsageError(`--dim must be even (a fused vector is half text, half behaviour), found ${dim}`);
  const dtype = oneOfOption('--dtype', values.dtype ?? 'auto', DTYPE_CHOICES);
  const sequence = values.sequence === undefined ? null : oneOfOption('--sequence', values.sequence, SEQUENCE_GROUPINGS);
  const window = values.window === undefined ? null : values.window === 'all' ? Number.POSITIVE_INFINITY : integerOption('--window', values.window, 1, 1, 1000);
  const maxInvalid = values['max-invalid'] === undefined ? 0.01 : parseFraction(values['max-invalid']);
  if (maxInvalid === null) throw new UsageError(`--max-invalid must be a share such as 1% or 0.01, found "${values['max-invalid']}"`);
  const workers = integerOption('--workers', values.workers, defaultWorkers(), 1, 64);
  const options: Omit<BuildOptions, 'shown'> = {
    catalog: values.catalog,
    events: values.events ?? null,
    out: values.out,
    catalogId: values['catalog-id'] ?? basename(resolve(values.out)),
    fields,
    template: parseTextTemplate(values['text-template'] ?? DEFAULT_TEXT_TEMPLATE),
    textCase: oneOfOption('--text-case', values['text-case'] ?? 'auto', TEXT_CASES) as TextCase,
    eventColumns,
    eventWeights: values['event-weights'] === undefined ? DEFAULT_EVENT_WEIGHTS : parseWeights(values['event-weights']),
    sequence: sequence as SequenceGrouping | null,
    window,
    holdoutLast: integerOption('--holdout-last', values['holdout-last'], 0, 0, 1000),
    trainBefore: values['train-before'] === undefined ? null : date('--train-before', values['train-before']),
    dim,
    behaviourWeight: numberOption('--behaviour-weight', values['behaviour-weight'], null, 0, 1),
    dtype: dtype as DtypeChoice,
    minRecall: numberOption('--min-recall', values['min-recall'], 0.99, 0, 1),
    recallSample: integerOption('--recall-sample', values['recall-sample'], 2000, 1, 1_000_000),
    halfLifeDays: numberOption('--half-life-days', values['half-life-days'], 30, 1e-6, 1e6),
    maxInvalid,
    strict: values.strict === true,
    workers,
    // With a pool, two chunks per worker per batch keep every worker busy while the cache is written.
    batchSize: integerOption('--batch-size', values['batch-size'], workers === 1 ? DEFAULT_BATCH_SIZE : DEFAULT_BATCH_SIZE * 2 * workers, 1, 4096),
    seed: integerOption('--seed', values.seed, 1, 0, 2 ** 31 - 1),
    cache: values['no-cache'] !== true,
    quiet: values.quiet === true,
    preset,
    command: ['build:models', ...argv],
  };
  return { ...options, shown: recordOptions(options) };
}

const OPTIONS = {
  catalog: { type: 'string' },
  events: { type: 'string' },
  out: { type: 'string' },
  'catalog-id': { type: 'string' },
  preset: { type: 'string' },
  'id-field': { type: 'string' },
  'title-field': { type: 'string' },
  'category-field': { type: 'string' },
  'brand-field': { type: 'string' },
  'description-field': { type: 'string' },
  'price-field': { type: 'string' },
  'image-field': { type: 'string' },
  'group-field': { type: 'string' },
  'text-template': { type: 'string' },
  'text-case': { type: 'string' },
  'event-item': { type: 'string' },
  'event-user': { type: 'string' },
  'event-session': { type: 'string' },
  'event-type': { type: 'string' },
  'event-time': { type: 'string' },
  'event-order': { type: 'string' },
  'event-weights': { type: 'string' },
  sequence: { type: 'string' },
  window: { type: 'string' },
  'holdout-last': { type: 'string' },
  'train-before': { type: 'string' },
  dim: { type: 'string' },
  'behaviour-weight': { type: 'string' },
  dtype: { type: 'string' },
  'min-recall': { type: 'string' },
  'recall-sample': { type: 'string' },
  'half-life-days': { type: 'string' },
  seed: { type: 'string' },
  'max-invalid': { type: 'string' },
  strict: { type: 'boolean' },
  workers: { type: 'string' },
  'batch-size': { type: 'string' },
  'no-cache': { type: 'boolean' },
  quiet: { type: 'boolean' },
  demo: { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The options as the report records them: plain JSON values (read back by lib/build-options.ts). */
function recordOptions(options: Omit<BuildOptions, 'shown'>): BuildOptionsRecord {
  return {
    preset: options.preset,
    catalog: options.catalog,
    events: options.events,
    out: options.out,
    catalogId: options.catalogId,
    fields: options.fields,
    textTemplate: options.template.source,
    textCase: options.textCase,
    eventColumns: options.eventColumns,
    eventWeights: Object.fromEntries(options.eventWeights),
    sequence: options.sequence ?? 'auto',
    window: options.window === null ? 'auto' : options.window === Number.POSITIVE_INFINITY ? 'all' : options.window,
    holdoutLast: options.holdoutLast,
    trainBefore: options.trainBefore === null ? null : new Date(options.trainBefore).toISOString(),
    dim: options.dim,
    behaviourWeight: options.behaviourWeight ?? 'default',
    dtype: options.dtype,
    minRecall: options.minRecall,
    recallSample: options.recallSample,
    halfLifeDays: options.halfLifeDays,
    maxInvalid: options.maxInvalid,
    strict: options.strict,
    workers: options.workers,
    batchSize: options.batchSize,
    seed: options.seed,
    cache: options.cache,
  };
}

function parseWeights(text: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of text.split(',')) {
    const match = /^\s*([^=\s][^=]*?)\s*=\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    if (match === null) throw new UsageError(`--event-weights must be type=number pairs separated by commas, found "${part}" in "${text}"`);
    weights.set(match[1] ?? '', Number(match[2]));
  }
  return weights;
}

function date(name: string, text: string): number {
  const value = parseTimestamp(text);
  if (value === null) throw new UsageError(`${name} must be an ISO 8601 date or date-time (UTC when no zone), found "${text}"`);
  return value;
}

/** Preset arguments as option-value pairs, one pair a line. */
function wrapArgs(args: readonly string[], indent: string): string {
  const lines: string[] = [];
  for (let i = 0; i < args.length; i += 2) lines.push(`${indent}${args[i] ?? ''} ${args[i + 1] ?? ''}`);
  return lines.join('\n');
}

function fail(message: string): never {
  throw new UsageError(message);
}

function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

function usageFailure(message: string): number {
  console.error(`build:models: ${message}\nRun with --help for usage.`);
  return 2;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`build:models: ${toRecError(error).message}`);
      process.exitCode = 1;
    },
  );
}
