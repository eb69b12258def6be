/**
 * The model builder's pipeline, from a shop's files to a verified model folder:
 *
 *   read catalogue -> read events -> check bad-input thresholds -> plan sequences (hold-out)
 *   -> text embeddings (cache + worker pool) -> behaviour embeddings -> fusion / reduction
 *   -> popularity prior -> quantisation check -> write + verify -> build report
 *
 * Each long step shows a progress line with an ETA on stderr and is timed for the report. It owns
 * the order of the steps and the decisions between them (when to stop for bad input, which dtype
 * to store, what goes into the report); the steps themselves live in their own modules. The
 * encoder is injected, so the whole pipeline runs in tests with a fake one.
 */
import { readFile } from 'node:fs/promises';
import { RecError } from '../../core/errors.ts';
import type { VectorDtype } from '../../core/vectors.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import type { BuildOptionsRecord, DtypeChoice, RecordedBuild } from '../lib/build-options.ts';
import { learnBehaviourEmbeddings, type BehaviourEmbeddings } from '../lib/behaviour.ts';
import { writeBuildReport, type BuildReport, type InputReport } from './build-report.ts';
import { embedTexts, type EmbedResult } from '../lib/embed.ts';
import { fuseEmbeddings } from './fuse.ts';
import { readCatalog, type CatalogInput } from '../lib/ingest/catalog-input.ts';
import { readEvents, type EventsInput } from '../lib/ingest/events-input.ts';
import { createProblemLog, type ProblemSummary } from '../lib/ingest/problems.ts';
import { decayedPopularity } from './popularity.ts';
import { createProgress, formatBytes, formatSeconds, SILENT_PROGRESS, type Progress, type ProgressStream } from '../lib/progress.ts';
import { quantisationRecall } from './quantise-check.ts';
import { planInteractions, sampleInOrder, type InteractionPlan, type SequenceGrouping } from '../lib/sequences.ts';
import { writeModel, type WrittenModel } from '../lib/write-model.ts';

/** The real text encoder's output size (USE lite), the largest --dim; the pipeline uses the loaded encoder's. */
export const TEXT_DIM = 512;
/** Recall is measured at the size of a storefront's candidate list. */
export const RECALL_K = 50;
/** Histories are processed in chunks of this many, so the check can show progress. */
const RECALL_CHUNK = 100;

/** Everything the pipeline needs to know, validated by the CLI (what later steps read back is RecordedBuild). */
export interface BuildOptions extends RecordedBuild {
  readonly out: string;
  readonly catalogId: string;
  /** null: by session when the log has sessions, else by user. */
  readonly sequence: SequenceGrouping | null;
  /** Context half-width for behaviour; Infinity = whole sequence as a set; null: all for sessions, 5 for users. */
  readonly window: number | null;
  readonly dim: number;
  /** null: fuse.ts's default. */
  readonly behaviourWeight: number | null;
  readonly dtype: DtypeChoice;
  readonly minRecall: number;
  readonly recallSample: number;
  readonly halfLifeDays: number;
  readonly maxInvalid: number;
  readonly strict: boolean;
  readonly workers: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Read and extend the embedding cache. */
  readonly cache: boolean;
  /** No progress lines. */
  readonly quiet: boolean;
  /** The resolved options as recorded in the report. */
  readonly shown: BuildOptionsRecord;
  readonly command: readonly string[];
}

/** What the pipeline gets from outside: the encoder, where to print, the cache. */
export interface BuildDeps {
  readonly encoder: { readonly name: string; readonly version: string };
  /**
   * Loads the encoder (called at most once, only when some text is not cached).
   * @param workers how many worker threads to spread it over.
   */
  readonly loadEncoder: (workers: number) => Promise<SentenceEncoder>;
  /** The embedding cache folder; null disables it; undefined: the default. */
  readonly cacheDir?: string | null;
  /** Progress lines (default process.stderr); null: none. */
  readonly progressStream?: ProgressStream | null;
  /** Summary lines (default console.log). */
  readonly log?: (line: string) => void;
  /** Warnings and problems (default console.error). */
  readonly warn?: (line: string) => void;
}

export interface BuildResult {
  /** 0 built; 2 bad input (over --max-invalid, a dimension that does not fit); 3 quantisation below --min-recall. */
  readonly exitCode: number;
  readonly report: BuildReport;
  readonly written: WrittenModel | null;
}

const DEFAULT_USER_WINDOW = 5;

/**
 * Runs the whole build.
 * @param options validated options.
 * @param deps encoder, output streams and cache.
 * @throws RecError with a file and line in strict mode at the first bad line; encoder and write errors as they come.
 */
export async function buildModel(options: BuildOptions, deps: BuildDeps): Promise<BuildResult> {
  const log = deps.log ?? ((line: string) => console.log(line));
  const warn = deps.warn ?? ((line: string) => console.error(line));
  const stream = options.quiet ? null : deps.progressStream === undefined ? process.stderr : deps.progressStream;
  const progress = (label: string, total: number): Progress => (stream === null ? SILENT_PROGRESS : createProgress(`build:models: ${label}`, total, stream));
  const timings: Record<string, number> = {};
  const started = performance.now();
  const timed = async <T>(step: string, work: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      timings[step] = round((performance.now() - t) / 1000, 3);
    }
  };
  const warnings: string[] = [];
  const loud = (message: string): void => {
    warnings.push(message);
    warn(`build:models: WARNING: ${message}`);
  };

  // 1. Inputs.
  const catalogBytes = await readInput(options.catalog, '--catalog');
  const catalogLog = createProblemLog(options.catalog, { strict: options.strict, code: 'CATALOG_INVALID' });
  const catalog = await timed('read catalogue', () => {
    const bar = progress('reading catalogue (kB)', kb(catalogBytes.byteLength));
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
  const rowOf = new Map(catalog.items.map((item, row) => [item.id, row]));
  const catalogReport = {
    ...inputReport(options.catalog, catalogBytes.byteLength, catalog.records, catalogLog.summary()),
    items: catalog.items.length,
    fieldsSeen: catalog.fieldsSeen,
    exampleTexts: catalog.texts.slice(0, 3),
  };

  let events: EventsInput | null = null;
  let eventsSummary: ProblemSummary | null = null;
  let eventsBytes = 0;
  if (options.events !== null) {
    const file = options.events;
    const bytes = await readInput(file, '--events');
    eventsBytes = bytes.byteLength;
    const eventsLog = createProblemLog(file, { strict: options.strict, code: 'EVENT_INVALID' });
    events = await timed('read events', () => {
      const bar = progress('reading events (kB)', kb(bytes.byteLength));
      const read = readEvents(bytes, file, {
        columns: options.eventColumns,
        weights: options.eventWeights,
        rowOf,
        skippedIds: catalog.skippedIds,
        problems: eventsLog,
        progress: (done) => bar.update(kb(done)),
      });
      bar.finish();
      return read;
    });
    eventsSummary = eventsLog.summary();
  }

  const grouping: SequenceGrouping = options.sequence ?? (events?.columns.session !== null && events?.columns.session !== undefined ? 'session' : 'user');
  const window = options.window ?? (grouping === 'session' ? Number.POSITIVE_INFINITY : DEFAULT_USER_WINDOW);
  const eventsInput = events;
  const plan: InteractionPlan | null =
    eventsInput === null ? null : await timed('sequences', () => planInteractions(eventsInput.events, { grouping, holdoutLast: options.holdoutLast, trainBefore: options.trainBefore }));
  const eventsReport =
    events === null || eventsSummary === null || plan === null || options.events === null
      ? null
      : {
          ...inputReport(options.events, eventsBytes, events.records, eventsSummary),
          columns: events.columns,
          byType: events.byType,
          weights: events.columns.type === null ? {} : Object.fromEntries(events.types.map((type) => [type, options.eventWeights.get(type) ?? 1])),
          heldOut: plan.heldOut,
          training: plan.training.length,
          ungrouped: plan.ungrouped,
          users: plan.users,
          sequences: plan.sequences.length,
          sequenceGrouping: grouping,
          itemsWithEvents: plan.itemsWithEvents,
          hasTimestamps: events.columns.time !== null,
        };
  const report = (fields: Partial<BuildReport> & Pick<BuildReport, 'status' | 'failure'>): BuildReport => ({
    builder: 'vitrine build:models',
    createdAt: new Date().toISOString(),
    command: options.command,
    options: options.shown,
    catalog: catalogReport,
    events: eventsReport,
    embedding: null,
    behaviour: null,
    fusion: null,
    quantisation: null,
    popularity: null,
    model: null,
    timings: { ...timings, total: round((performance.now() - started) / 1000, 3) },
    peakRssBytes: peakRss(),
    warnings,
    ...fields,
  });

  // 2. Stop here when the input is too broken to trust, or the dimension cannot be built.
  printProblems(catalogReport, warn);
  if (eventsReport !== null) printProblems(eventsReport, warn);
  const failure = inputFailure(catalog, catalogReport, eventsReport, options) ?? mappingFailure(events, grouping, options);
  if (failure !== null) {
    warn(`build:models: ${failure}`);
    return { exitCode: 2, report: report({ status: 'failed', failure }), written: null };
  }
  if (plan !== null && plan.sequences.length === 0) loud(`no ${grouping} in the event log has a training event, so the model is text-only`);

  // 3. Text embeddings.
  const embedding: EmbedResult = await timed('embed texts', () =>
    embedTexts(catalog.texts, {
      encoderVersion: deps.encoder.version,
      loadEncoder: () => deps.loadEncoder(options.workers),
      ...(!options.cache ? { cacheDir: null } : deps.cacheDir === undefined ? {} : { cacheDir: deps.cacheDir }),
      batchSize: options.batchSize,
      progress: (total) => progress('embedding', total),
    }),
  );
  const textDim = embedding.dim;
  if (options.dim > textDim) {
    const message = `--dim ${options.dim} does not fit: the text encoder gives ${textDim}-d vectors`;
    warn(`build:models: ${message}`);
    return { exitCode: 2, report: report({ status: 'failed', failure: message }), written: null };
  }

  // 4. Behaviour and fusion.
  const count = catalog.items.length;
  let behaviour: BehaviourEmbeddings | null = null;
  if (plan !== null && plan.sequences.length > 0) {
    const sequences = plan.sequences;
    behaviour = await timed('behaviour', () => {
      const bar = progress('behaviour', 1);
      let barTotal = 1;
      let current = bar;
      // fuse.ts splits the fused vector into a text part and a behaviour part: half each.
      const learned = learnBehaviourEmbeddings(sequences, count, {
        dim: options.dim / 2,
        window,
        seed: options.seed,
        onProgress: (done, total) => {
          if (total !== barTotal) {
            barTotal = total;
            current = progress('behaviour', total);
          }
          current.update(done);
        },
      });
      current.finish();
      return learned;
    });
  }
  const raw = behaviour === null && options.dim === textDim;
  const fused = raw
    ? null
    : await timed('fusion', () => {
        const bar = progress('fusion', 1);
        const result = fuseEmbeddings(embedding.vectors, textDim, behaviour ?? emptyBehaviour(count, options.dim / 2), {
          dim: options.dim,
          seed: options.seed,
          ...(options.behaviourWeight === null ? {} : { behaviourWeight: options.behaviourWeight }),
        });
        bar.update(1);
        bar.finish();
        return result;
      });
  const vectors = fused?.vectors ?? embedding.vectors;
  const dim = fused?.dim ?? textDim;

  // 5. Popularity prior from the training events.
  const popularity =
    plan === null || plan.training.length === 0
      ? null
      : await timed('popularity', () => decayedPopularity(plan.training, count, { halfLifeDays: options.halfLifeDays, ...(plan.latestTime > 0 ? { now: plan.latestTime } : {}) }));

  // 6. Quantisation check on real histories (or single items when there are none).
  const historySource = plan !== null && plan.histories.length > 0 ? 'user histories' : 'single-item queries (no user histories)';
  const histories =
    plan !== null && plan.histories.length > 0
      ? sampleInOrder(plan.histories, options.recallSample, options.seed)
      : sampleInOrder(
          Array.from({ length: count }, (_, row) => [row]),
          options.recallSample,
          options.seed,
        );
  const recall = await timed('quantisation check', () => {
    const bar = progress('quantisation check (histories)', histories.length);
    const sums = { float16: 0, int8: 0 };
    for (let start = 0; start < histories.length; start += RECALL_CHUNK) {
      const chunk = histories.slice(start, start + RECALL_CHUNK);
      const result = quantisationRecall(vectors, count, dim, chunk, { k: RECALL_K });
      sums.float16 += result.float16 * chunk.length;
      sums.int8 += result.int8 * chunk.length;
      bar.update(start + chunk.length);
    }
    bar.finish();
    return { float16: round(sums.float16 / Math.max(1, histories.length), 5), int8: round(sums.int8 / Math.max(1, histories.length), 5) };
  });
  const below = (['float16', 'int8'] as const).filter((dtype) => recall[dtype] < options.minRecall);
  const dtype: VectorDtype = options.dtype !== 'auto' ? options.dtype : recall.int8 >= options.minRecall ? 'int8' : recall.float16 >= options.minRecall ? 'float16' : 'float32';
  for (const d of below) {
    loud(`${d} recall@${RECALL_K} is ${recall[d].toFixed(4)}, below the minimum ${options.minRecall}${d === dtype ? '' : ` (not used: stored as ${dtype})`}`);
  }
  const quantisation = {
    k: RECALL_K,
    histories: histories.length,
    source: historySource,
    recall,
    minRecall: options.minRecall,
    dtype,
    requestedDtype: options.dtype,
    belowThreshold: below,
  };
  const embeddingReport = {
    texts: catalog.texts.length,
    unique: embedding.unique,
    embedded: embedding.embedded,
    cached: embedding.cached,
    workers: embedding.embedded > 0 ? options.workers : 0,
    encoderSeconds: round(embedding.encoderSeconds, 3),
    textsPerSecond: embedding.embedded > 0 && embedding.encoderSeconds > 0 ? round(embedding.embedded / embedding.encoderSeconds, 1) : null,
  };
  const stepReports = {
    embedding: embeddingReport,
    behaviour: behaviour === null ? null : { dim: behaviour.dim, window: window === Number.POSITIVE_INFINITY ? ('all' as const) : window, trainedItems: count1(behaviour.hasEvents), stats: behaviour.stats ?? {} },
    fusion: fused === null ? null : { method: behaviour === null ? 'PCA of the text vectors' : 'text + behaviour fusion', textDim, dim, stats: fused.stats },
    popularity:
      popularity === null || plan === null
        ? null
        : { halfLifeDays: options.halfLifeDays, now: plan.latestTime > 0 ? new Date(plan.latestTime).toISOString() : null, events: plan.training.length, nonZero: popularity.filter((v: number) => v > 0).length },
    quantisation,
  };
  if (options.dtype === 'int8' && below.includes('int8')) {
    const message = `int8 recall@${RECALL_K} ${recall.int8.toFixed(4)} < ${options.minRecall}: refusing to write a model that ranks differently from its float32 self; use --dtype auto or float16, or lower --min-recall`;
    warn(`build:models: ${message}`);
    return { exitCode: 3, report: report({ status: 'failed', failure: message, ...stepReports }), written: null };
  }

  // 7. Write, verify, report.
  const written = await timed('write + verify', async () => {
    const bar = progress('writing and verifying (files)', 1);
    const result = await writeModel({
      outDir: options.out,
      catalogId: options.catalogId,
      items: catalog.items,
      vectors,
      dim,
      dtype,
      popularity,
      projection: fused?.projection ?? null,
      encoder: { ...deps.encoder, dim: textDim },
    });
    bar.update(1);
    bar.finish();
    return result;
  });
  const files: Record<string, number> = { 'manifest.json': written.modelBytes - Object.values(written.manifest.files).reduce((sum, file) => sum + file.bytes, 0) };
  for (const file of Object.values(written.manifest.files)) files[file.path] = file.bytes;
  const final = report({
    status: 'built',
    failure: null,
    ...stepReports,
    model: {
      dir: written.dir,
      itemCount: written.manifest.itemCount,
      dim,
      encoderDim: written.manifest.encoder.dim,
      dtype,
      projection: written.manifest.files.projection !== undefined,
      files,
      totalBytes: written.modelBytes,
    },
  });
  await writeBuildReport(written.dir, final);
  log(summaryLines(final).join('\n'));
  return { exitCode: 0, report: final, written };
}

/** A behaviour result with no learned item: fusion then reduces the text vectors alone (PCA). */
function emptyBehaviour(count: number, dim: number): BehaviourEmbeddings {
  return { vectors: new Float32Array(count * dim), dim, hasEvents: new Uint8Array(count) };
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

/** Reads an input file; a missing or unreadable one is a usage error that names the option. */
async function readInput(file: string, option: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new RecError('CONFIG_INVALID', `${option} ${file} cannot be read (${(error as Error).message})`, {}, { cause: error });
  }
}

function printProblems(input: InputReport, warn: (line: string) => void): void {
  if (input.skipped === 0) return;
  warn(`build:models: ${input.file}: skipped ${input.skipped} of ${input.records} records:`);
  for (const [reason, count] of Object.entries(input.byReason)) {
    warn(`  ${count} × ${reason}`);
    for (const example of input.examples[reason as keyof typeof input.examples] ?? []) warn(`    ${example}`);
  }
}

function summaryLines(report: BuildReport): string[] {
  const lines = [`build:models: wrote ${report.model?.dir ?? ''} in ${formatSeconds(report.timings['total'] ?? 0)}`];
  const m = report.model;
  if (m !== null) lines.push(`  ${m.itemCount} items x ${m.dim} ${m.dtype}${m.projection ? ` + projection ${m.encoderDim}x${m.dim}` : ''}, ${formatBytes(m.totalBytes)}`);
  lines.push(`  catalogue: ${report.catalog.used} of ${report.catalog.records} records used, ${report.catalog.skipped} skipped`);
  if (report.events !== null) {
    const e = report.events;
    lines.push(`  events: ${e.used} of ${e.records} used (${e.skipped} skipped, ${e.heldOut} held out); ${e.sequences} sequences by ${e.sequenceGrouping}; ${e.itemsWithEvents} items with events`);
  }
  if (report.embedding !== null) lines.push(`  texts: embedded ${report.embedding.embedded}, from cache ${report.embedding.cached}`);
  if (report.quantisation !== null) {
    const q = report.quantisation;
    lines.push(`  recall@${q.k} vs float32 (${q.histories} ${q.source}): float16 ${q.recall.float16.toFixed(4)}, int8 ${q.recall.int8.toFixed(4)} -> stored ${q.dtype}`);
  }
  lines.push(`  peak memory ${formatBytes(report.peakRssBytes)}; report in build-report.json / build-report.md`);
  return lines;
}

function count1(flags: Uint8Array): number {
  let n = 0;
  for (const flag of flags) n += flag;
  return n;
}

function kb(bytes: number): number {
  return Math.ceil(bytes / 1024);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Peak resident set size of this process so far, in bytes (maxRSS is in kilobytes). */
function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
