/**
 * The build's first two steps: read the catalogue and the event log with the options' mapping
 * (counting every skipped record by reason), plan the sequences and the hold-out, and decide
 * whether the input is too broken to build from (--max-invalid, a grouping or hold-out without
 * its column, a --dim the catalogue cannot fill).
 */
import { readFile } from 'node:fs/promises';
import { RecError } from '../../core/errors.ts';
import { MAX_EMBED_FIELD_CHARS, readCatalog, type CatalogInput } from '../lib/ingest/catalog-input.ts';
import { readEvents, type EventsInput } from '../lib/ingest/events-input.ts';
import { openFileBlocks, type FileBlocks } from '../lib/ingest/file-blocks.ts';
import { createProblemLog, type ProblemSummary } from '../lib/ingest/problems.ts';
import type { ItemVectorsSource } from '../lib/build-options.ts';
import type { ItemVectorsInput } from '../lib/ingest/item-vectors-input.ts';
import { openEventStore, type EventStore } from '../lib/event-store.ts';
import { planInteractions, type InteractionPlan, type SequenceGrouping } from '../lib/sequences.ts';
import { TEXT_DIM, type BuildOptions } from './build-model.ts';
import { round, type BuildReport, type InputReport } from './build-report.ts';
import type { BuildRun } from './build-run.ts';
import { importFailure, readImportedVectors, type ItemVectorsFiles, type ItemVectorsReport } from './read-item-vectors.ts';

/** Behaviour context half-width for user histories when --window is not given. */
const DEFAULT_USER_WINDOW = 5;

/** What the build read, and its reports. */
export interface BuildInputs {
  readonly catalog: CatalogInput;
  readonly catalogReport: BuildReport['catalog'];
  /** Null without --events. */
  readonly events: EventsInput | null;
  readonly eventsReport: BuildReport['events'];
  /** The sequences, training events and held-out events; null without --events. */
  readonly plan: InteractionPlan | null;
  /** What co-occurs: --sequence, else session when the log has sessions, else user. */
  readonly grouping: SequenceGrouping;
  /** Behaviour context half-width: --window, else all for sessions, DEFAULT_USER_WINDOW for users. */
  readonly window: number;
  /** The shop's own item vectors (--item-vectors), or null. */
  readonly itemVectors: ItemVectorsInput | null;
  readonly itemVectorsReport: ItemVectorsReport | null;
}

/**
 * Reads the catalogue with the options' mapping, counting every skipped record by reason.
 * @param options the build's options.
 * @param run the build's progress, timings and warnings.
 * @throws RecError CONFIG_INVALID naming --catalog when it cannot be read; in --strict mode, the first bad record.
 */
export async function readCatalogStep(options: BuildOptions, run: BuildRun): Promise<Pick<BuildInputs, 'catalog' | 'catalogReport'>> {
  const catalogBytes = await readInput(options.catalog, '--catalog');
  const catalogLog = createProblemLog(options.catalog, { strict: options.strict, code: 'CATALOG_INVALID' });
  const catalog = await run.timed('read catalogue', () => {
    const bar = run.progress('reading catalogue (kB)', kb(catalogBytes.byteLength));
    const read = readCatalog(catalogBytes, options.catalog, {
      fields: options.fields,
      template: options.template,
      textCase: options.textCase,
      problems: catalogLog,
      progress: (done) => bar.update(kb(done)),
    });
    bar.finish();
    return read;
  });
  const truncated = catalogLog.summary().notes;
  const cut = truncated.byNote['text-truncated'] ?? 0;
  if (cut > 0) {
    run.loud(
      `${cut} text field(s) longer than ${MAX_EMBED_FIELD_CHARS} characters are embedded by their beginning only (kept whole in the catalogue) [text-truncated], e.g. ${(truncated.examples['text-truncated'] ?? []).join('; ')}`,
    );
  }
  const catalogReport = {
    ...inputReport(options.catalog, catalogBytes.byteLength, catalog.records, catalogLog.summary()),
    items: catalog.items.length,
    fieldsSeen: catalog.fieldsSeen,
    exampleTexts: catalog.texts.slice(0, 3),
  };
  return { catalog, catalogReport };
}

/**
 * Reads the catalogue and the event log and plans the sequences.
 * @param options the build's options.
 * @param run the build's progress, timings and warnings.
 * @throws RecError CONFIG_INVALID naming the option of an unreadable file; in --strict mode, the first bad record.
 */
export async function readBuildInputs(options: BuildOptions, run: BuildRun): Promise<BuildInputs> {
  const { catalog, catalogReport } = await readCatalogStep(options, run);
  const logged = options.events === null ? null : await readAndPlanEvents(options.events, catalog, options, run);
  const read = logged?.read ?? null;
  const plan = logged?.plan ?? null;
  const grouping = logged?.grouping ?? options.sequence ?? 'user';
  const events = read?.events ?? null;
  const window = options.window ?? (grouping === 'session' ? Number.POSITIVE_INFINITY : DEFAULT_USER_WINDOW);
  const eventsReport =
    read === null || plan === null
      ? null
      : {
          ...inputReport(read.file, read.bytes, read.events.records, read.summary),
          columns: read.events.columns,
          byType: read.events.byType,
          weights: read.events.columns.type === null ? {} : Object.fromEntries(read.events.types.map((type) => [type, options.eventWeights.get(type) ?? 1])),
          heldOut: plan.heldOut,
          training: plan.trainingEvents,
          ungrouped: plan.ungrouped,
          users: plan.users,
          sequences: plan.sequences.length,
          sequenceGrouping: grouping,
          itemsWithEvents: plan.itemsWithEvents,
          hasTimestamps: read.events.columns.time !== null,
        };
  const imported =
    options.itemVectors === null
      ? null
      : await readImportedVectors(options.itemVectors, await readItemVectorFiles(options.itemVectors), catalog, options.strict, run);
  return {
    catalog,
    catalogReport,
    events,
    eventsReport,
    plan,
    grouping,
    window,
    itemVectors: imported?.input ?? null,
    itemVectorsReport: imported?.report ?? null,
  };
}

async function readItemVectorFiles(source: ItemVectorsSource): Promise<ItemVectorsFiles> {
  return {
    bytes: await readInput(source.file, '--item-vectors'),
    ids: source.ids === null ? null : { file: source.ids, bytes: await readInput(source.ids, '--item-vector-ids') },
  };
}

/**
 * Prints the skipped records, then says why the build must stop before embedding.
 * @param inputs what was read.
 * @param options the build's options.
 * @param warn where the skipped records are printed.
 * @returns the reason, or null to go on.
 */
export function checkBuildInputs(inputs: BuildInputs, options: BuildOptions, warn: (line: string) => void): string | null {
  printProblems(inputs.catalogReport, warn);
  if (inputs.eventsReport !== null) printProblems(inputs.eventsReport, warn);
  if (inputs.itemVectorsReport !== null) printProblems(inputs.itemVectorsReport, warn);
  return (
    inputFailure(inputs.catalog, inputs.catalogReport, inputs.eventsReport, options) ??
    mappingFailure(inputs.events, inputs.grouping, options) ??
    (inputs.itemVectorsReport === null ? null : importFailure(inputs.itemVectorsReport, options.maxInvalid))
  );
}

/**
 * Reads the event log into the event store and plans the sequences there (the SQL stages).
 * @param file the --events file.
 */
async function readAndPlanEvents(
  file: string,
  catalog: CatalogInput,
  options: BuildOptions,
  run: BuildRun,
): Promise<{ read: EventLogRead; plan: InteractionPlan; grouping: SequenceGrouping }> {
  const store = await openEventStore();
  try {
    const read = await readEventLog(file, catalog, store, options, run);
    const grouping = options.sequence ?? (read.events.columns.session !== null ? 'session' : 'user');
    const planOptions = {
      grouping,
      holdoutLast: options.holdoutLast,
      trainBefore: options.trainBefore,
      halfLifeDays: options.halfLifeDays,
      historySample: { count: options.recallSample, seed: options.seed },
    };
    const plan = await run.timed('sequences', () => planInteractions(store, planOptions));
    return { read, plan, grouping };
  } finally {
    await store.close();
  }
}

interface EventLogRead {
  readonly file: string;
  readonly bytes: number;
  /** What was read; its events went to the event store. */
  readonly events: EventsInput;
  readonly summary: ProblemSummary;
}

async function readEventLog(file: string, catalog: CatalogInput, store: EventStore, options: BuildOptions, run: BuildRun): Promise<EventLogRead> {
  // Read block by block: a log of tens of millions of events is never held whole.
  const input = openInput(file, '--events');
  const eventsLog = createProblemLog(file, { strict: options.strict, code: 'EVENT_INVALID' });
  const rowOf = new Map(catalog.items.map((item, row) => [item.id, row]));
  const events = await run.timed('read events', () => {
    const bar = run.progress('reading events (kB)', kb(input.bytes));
    const read = readEvents(input.blocks, file, {
      columns: options.eventColumns,
      weights: options.eventWeights,
      rowOf,
      skippedIds: catalog.skippedIds,
      problems: eventsLog,
      progress: (done) => bar.update(kb(done)),
      sink: (event) => store.add(event),
    });
    bar.finish();
    return read;
  });
  return { file, bytes: input.bytes, events, summary: eventsLog.summary() };
}

function inputReport(file: string, bytes: number, records: number, summary: ProblemSummary): InputReport {
  return { file, bytes, records, used: records - summary.skipped, invalidFraction: records === 0 ? 0 : round(summary.skipped / records, 6), ...summary };
}

/** @returns why the build must stop before embedding, or null. */
function inputFailure(catalog: CatalogInput, catalogReport: InputReport, eventsReport: InputReport | null, options: BuildOptions): string | null {
  const tooMany = (input: InputReport): string =>
    `${input.file}: ${input.skipped} of ${input.records} records (${(input.invalidFraction * 100).toFixed(2)}%) were skipped, more than --max-invalid ${(options.maxInvalid * 100).toFixed(2)}%; ` +
    'fix them, map the fields differently, or raise --max-invalid';
  if (catalog.items.length === 0) return `${options.catalog}: no usable item among ${catalog.records} records`;
  if (catalogReport.invalidFraction > options.maxInvalid) return tooMany(catalogReport);
  if (eventsReport !== null && eventsReport.invalidFraction > options.maxInvalid) return tooMany(eventsReport);
  // Raw encoder vectors (no events, --dim = the encoder's) are not reduced, so any item count fits.
  if (options.dim > catalog.items.length && !(options.events === null && options.dim === TEXT_DIM)) {
    return `--dim ${options.dim} does not fit: the catalogue has only ${catalog.items.length} usable items, and ${options.dim}-d item vectors need at least as many`;
  }
  return null;
}

/** @returns why the event log cannot be used as asked (a grouping or hold-out without its column), or null. */
function mappingFailure(events: EventsInput | null, grouping: SequenceGrouping, options: BuildOptions): string | null {
  if (events === null) return null;
  if (events.columns[grouping] === null) return `--sequence ${grouping} needs a ${grouping} column in ${options.events ?? ''} (see --event-${grouping})`;
  if (options.holdoutLast > 0 && events.columns.user === null) return `--holdout-last needs a user column in ${options.events ?? ''} (see --event-user)`;
  if (options.trainBefore !== null && events.columns.time === null) return `--train-before needs a time column in ${options.events ?? ''} (see --event-time)`;
  return null;
}

/** Opens an input file to read in blocks; a missing or unreadable one is a usage error that names the option. */
function openInput(file: string, option: string): FileBlocks {
  try {
    return openFileBlocks(file);
  } catch (error) {
    throw unreadable(file, option, error);
  }
}

/** Reads an input file; a missing or unreadable one is a usage error that names the option. */
async function readInput(file: string, option: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw unreadable(file, option, error);
  }
}

/** The usage error of an input file the system would not open or read. */
function unreadable(file: string, option: string, error: unknown): RecError {
  return new RecError('CONFIG_INVALID', `${option} ${file} cannot be read (${(error as Error).message})`, {}, { cause: error });
}

function printProblems(input: InputReport, warn: (line: string) => void): void {
  if (input.skipped === 0) return;
  warn(`build:models: ${input.file}: skipped ${input.skipped} of ${input.records} records:`);
  for (const [reason, count] of Object.entries(input.byReason)) {
    warn(`  ${count} × ${reason}`);
    for (const example of input.examples[reason as keyof typeof input.examples] ?? []) warn(`    ${example}`);
  }
}

function kb(bytes: number): number {
  return Math.ceil(bytes / 1024);
}
