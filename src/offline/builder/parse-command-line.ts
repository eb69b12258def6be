/**
 * `npm run build:models`'s command line into validated build options: presets expanded first (the
 * user's own options win), defaults filled in, every bad value named; and the resolved options as
 * the build report records them (lib/build-options.ts reads them back).
 */
import { basename, resolve } from 'node:path';
import type { BuildOptionsRecord, DtypeChoice, ItemVectorsSource } from '../lib/build-options.ts';
import { integerOption, numberOption, oneOfOption, parseOptions, UsageError } from '../lib/cli-args.ts';
import { DEFAULT_BATCH_SIZE } from '../lib/embed.ts';
import { parseShard } from '../lib/embedding-cache.ts';
import { DEFAULT_CATALOG_FIELDS, type CatalogFields } from '../lib/ingest/catalog-input.ts';
import { DEFAULT_EVENT_COLUMNS, DEFAULT_EVENT_WEIGHTS, parseTimestamp, type ColumnSpec, type EventColumns } from '../lib/ingest/events-input.ts';
import { parseFraction } from '../lib/ingest/problems.ts';
import { parseTextTemplate, TEXT_CASES, type TextCase } from '../lib/ingest/text-template.ts';
import { SEQUENCE_GROUPINGS, type SequenceGrouping } from '../lib/sequences.ts';
import { TEXT_DIM, type BuildOptions } from './build-model.ts';
import { DEFAULT_TEXT_TEMPLATE, defaultWorkers, DTYPE_CHOICES, PRESETS } from './cli-usage.ts';

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
  const shard = values.shard === undefined ? null : parseShard(values.shard);
  // A shard only fills the embedding cache; the whole build that follows writes the model.
  if (values.out === undefined && shard === null) throw new UsageError('--out <dir> is required');

  const none = (value: string | undefined): boolean => value !== undefined && value.trim().toLowerCase() === 'none';
  const field = (value: string | undefined, fallback: string | null): string | null => (none(value) ? null : (value?.trim() ?? fallback));
  const titles = (values['title-field'] ?? DEFAULT_CATALOG_FIELDS.title.join('|'))
    .split('|')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (titles.length === 0) throw new UsageError('--title-field must name at least one field');
  // Object.fromEntries returns string keys (https://github.com/microsoft/TypeScript/issues/35745),
  // hence the casts back to the roles the arrays list.
  const optionalRoles = ['category', 'brand', 'description', 'price', 'image', 'group'] as const;
  const fields: CatalogFields = {
    id: field(values['id-field'], DEFAULT_CATALOG_FIELDS.id) ?? fail('--id-field cannot be none: every item needs an id'),
    title: titles,
    ...(Object.fromEntries(optionalRoles.map((role) => [role, field(values[`${role}-field`], DEFAULT_CATALOG_FIELDS[role])])) as Pick<
      CatalogFields,
      (typeof optionalRoles)[number]
    >),
  };
  const column = (value: string | undefined, fallback: ColumnSpec): ColumnSpec =>
    none(value) ? null : value === undefined ? fallback : { name: value.trim(), required: true };
  const optionalColumns = ['user', 'session', 'type', 'time', 'order'] as const;
  const eventColumns: EventColumns = {
    item: column(values['event-item'], DEFAULT_EVENT_COLUMNS.item) ?? fail('--event-item cannot be none: every event needs an item'),
    ...(Object.fromEntries(optionalColumns.map((key) => [key, column(values[`event-${key}`], DEFAULT_EVENT_COLUMNS[key])])) as Pick<
      EventColumns,
      (typeof optionalColumns)[number]
    >),
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
    itemVectors: itemVectorsSource(values),
    out: values.out ?? '',
    catalogId: values['catalog-id'] ?? basename(resolve(values.out ?? '.')),
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
    cacheDir: values['cache-dir'] ?? null,
    shard,
    quiet: values.quiet === true,
    preset,
    command: ['build:models', ...argv],
  };
  return { ...options, shown: recordOptions(options) };
}

const OPTIONS = {
  catalog: { type: 'string' },
  events: { type: 'string' },
  'item-vectors': { type: 'string' },
  'item-vector-ids': { type: 'string' },
  'item-vector-id-field': { type: 'string' },
  'item-vector-field': { type: 'string' },
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
  'cache-dir': { type: 'string' },
  shard: { type: 'string' },
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
    itemVectors: options.itemVectors,
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

/** --item-vectors and its companions; the companions alone are a mistake worth naming. */
function itemVectorsSource(
  values: Partial<Record<'item-vectors' | 'item-vector-ids' | 'item-vector-id-field' | 'item-vector-field', string>>,
): ItemVectorsSource | null {
  const file = values['item-vectors'];
  if (file === undefined) {
    const stray = (['item-vector-ids', 'item-vector-id-field', 'item-vector-field'] as const).find((name) => values[name] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} needs --item-vectors <file>`);
    return null;
  }
  const ids = values['item-vector-ids'] ?? null;
  const npy = file.toLowerCase().endsWith('.npy');
  if (npy && ids === null)
    throw new UsageError(`--item-vectors ${file} is a NumPy array: name its ids file (one id per line, in row order) with --item-vector-ids`);
  if (!npy && ids !== null) throw new UsageError(`--item-vector-ids is for a .npy array; ${file} holds its ids in a column (see --item-vector-id-field)`);
  return { file, ids, idField: values['item-vector-id-field'] ?? 'id', vectorField: values['item-vector-field'] ?? 'vector' };
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

function fail(message: string): never {
  throw new UsageError(message);
}
