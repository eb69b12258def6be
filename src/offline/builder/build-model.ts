/**
 * The model builder's pipeline, from a shop's files to a verified model folder:
 *
 *   read catalogue -> read events -> check bad-input thresholds -> plan sequences (hold-out)
 *   -> behaviour embeddings -> text embeddings (cache + worker pool) -> fusion / reduction
 *   -> popularity prior -> quantisation check -> semantic floor -> write + verify -> build report
 *
 * Each long step shows a progress line with an ETA on stderr and is timed for the report. It owns
 * the order of the steps and the decisions between them (when to stop for bad input, when to refuse
 * int8, what goes into the report); the steps live in their own modules (build-inputs.ts,
 * build-vectors.ts, choose-dtype.ts, and the library's embedding and model writer). The
 * encoder is injected, so the whole pipeline runs in tests with a fake one.
 */
import { resolve } from 'node:path';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import type { BuildOptionsRecord, RecordedBuild } from '../lib/build-options.ts';
import type { Shard } from '../lib/embed.ts';
import { applyTextCase } from '../lib/ingest/text-template.ts';
import { checkReplaceable } from '../lib/publish-folder.ts';
import { floorOver, floorQueries, type FloorQueries } from '../lib/semantic-floor.ts';
import type { InteractionPlan, SequenceGrouping } from '../lib/sequences.ts';
import { writeModel, type WrittenModel } from '../lib/write-model.ts';
import { checkBuildInputs, readBuildInputs } from './build-inputs.ts';
import { round, summaryLines, writeBuildReport, type BuildReport } from './build-report.ts';
import { modelReport } from './step-reports.ts';
import { createBuildRun, type BuildOutput, type BuildRun } from './build-run.ts';
import { learnVectors } from './build-vectors.ts';
import { measureImportMap, type ImportMapQuality } from './import-map-quality.ts';
import { chooseDtype, RECALL_K } from './choose-dtype.ts';
import { popularityPrior } from './popularity.ts';
import { behaviourNeighbours } from '../lib/co-occurrence.ts';
import { basketComplements } from '../lib/complements.ts';

/** The real text encoder's output size (USE lite), the largest --dim; the pipeline uses the loaded encoder's. */
export const TEXT_DIM = 512;

/** Everything the pipeline needs to know, validated by the CLI (what later steps read back is RecordedBuild). */
export interface BuildOptions
  extends
    RecordedBuild,
    Pick<
      BuildOptionsRecord,
      | 'out'
      | 'itemVectors'
      | 'catalogId'
      | 'dim'
      | 'dtype'
      | 'minRecall'
      | 'recallSample'
      | 'halfLifeDays'
      | 'maxInvalid'
      | 'strict'
      | 'workers'
      | 'batchSize'
      | 'seed'
      | 'cache'
    > {
  /** null: by session when the log has sessions, else by user. */
  readonly sequence: SequenceGrouping | null;
  /** Context half-width for behaviour; Infinity = whole sequence as a set; null: all for sessions, 5 for users. */
  readonly window: number | null;
  /** null: fuse.ts's default. */
  readonly behaviourWeight: number | null;
  /** No progress lines. */
  readonly quiet: boolean;
  /** The embedding cache folder (--cache-dir); null: the default, .cache/embeddings. */
  readonly cacheDir: string | null;
  /** --shard: embed this shard of the catalogue's texts into the cache, and write no model (build-shard.ts). */
  readonly shard: Shard | null;
  /** The resolved options as recorded in the report. */
  readonly shown: BuildOptionsRecord;
  readonly command: readonly string[];
}

/** What the pipeline gets from outside: the encoder, where to print, the cache. */
export interface BuildDeps extends BuildOutput {
  readonly encoder: { readonly name: string; readonly version: string };
  /**
   * Loads the encoder (called at most once, only when some text is not cached).
   * @param workers how many worker threads to spread it over.
   */
  readonly loadEncoder: (workers: number) => Promise<SentenceEncoder>;
  /** Loads the encoder the browser embeds queries with (the quantised one), for the semantic floor. */
  readonly loadQueryEncoder: () => Promise<SentenceEncoder>;
  /** The embedding cache folder; null disables it; undefined: the default. */
  readonly cacheDir?: string | null;
}

export interface BuildResult {
  /** 0 built; 2 bad input (over --max-invalid, a dimension that does not fit); 3 quantisation below --min-recall. */
  readonly exitCode: number;
  readonly report: BuildReport;
  readonly written: WrittenModel | null;
}

/**
 * Runs the whole build.
 * @param options validated options.
 * @param deps encoder, output streams and cache.
 * @throws RecError with a file and line in strict mode at the first bad line; CONFIG_INVALID when --out
 *   holds something other than a model or nothing; encoder and write errors as they come.
 */
export async function buildModel(options: BuildOptions, deps: BuildDeps): Promise<BuildResult> {
  const run = createBuildRun(options.quiet, deps);
  // 0. Refuse an --out that is not ours to replace before minutes of embedding, not after.
  await checkReplaceable(resolve(options.out));
  // 1. Inputs.
  const inputs = await readBuildInputs(options, run);
  const { catalog, plan } = inputs;
  const report = (fields: Partial<BuildReport> & Pick<BuildReport, 'status' | 'failure'>): BuildReport => ({
    builder: 'vitrine build:models',
    createdAt: new Date().toISOString(),
    command: options.command,
    options: options.shown,
    catalog: inputs.catalogReport,
    events: inputs.eventsReport,
    itemVectors: inputs.itemVectorsReport === null ? null : { ...inputs.itemVectorsReport, mapQuality: null },
    embedding: null,
    behaviour: null,
    fusion: null,
    quantisation: null,
    popularity: null,
    model: null,
    timings: { ...run.timings, total: round(run.elapsed(), 3) },
    peakRssBytes: peakRss(),
    warnings: run.warnings,
    ...fields,
  });

  // 2. Stop here when the input is too broken to trust, or the dimension cannot be built.
  const failure = checkBuildInputs(inputs, options, run.warn);
  if (failure !== null) {
    run.warn(`build:models: ${failure}`);
    return { exitCode: 2, report: report({ status: 'failed', failure }), written: null };
  }
  if (plan !== null && plan.sequences.length === 0) run.loud(`no ${inputs.grouping} in the event log has a training event, so the model is text-only`);

  // 3.-5. Behaviour, text embeddings, fusion (build-vectors.ts: the text matrix stays in its scope).
  const count = catalog.items.length;
  const learned = await learnVectors(inputs, options, deps, run);
  if ('failure' in learned) {
    run.warn(`build:models: ${learned.failure}`);
    return { exitCode: 2, report: report({ status: 'failed', failure: learned.failure }), written: null };
  }
  const { item, textDim, importText } = learned;
  const { vectors, dim } = item;

  // 6. Popularity prior from the training events.
  const popularity = plan === null || plan.trainingEvents === 0 ? null : await run.timed('popularity', () => popularityPrior(plan.decayedCounts, count));

  // 6b. Each item's behaviour neighbours and co-bought items (the browser's ranking and complements).
  const itemLists = await learnItemLists(plan, catalog.items, inputs.window, run);

  // 7. Quantisation check on real histories (or single items when there are none).
  const { dtype, report: quantisation } = await chooseDtype(vectors, count, dim, plan, options, run);
  const stepReports = {
    embedding: learned.embedding,
    behaviour: item.behaviourReport,
    fusion: item.fusionReport,
    popularity:
      popularity === null || plan === null
        ? null
        : {
            halfLifeDays: options.halfLifeDays,
            now: plan.latestTime > 0 ? new Date(plan.latestTime).toISOString() : null,
            events: plan.trainingEvents,
            nonZero: popularity.filter((v: number) => v > 0).length,
          },
    quantisation,
  };
  if (options.dtype === 'int8' && quantisation.belowThreshold.includes('int8')) {
    const message = `int8 recall@${RECALL_K} ${quantisation.recall.int8.toFixed(4)} < ${options.minRecall}: refusing to write a model that ranks differently from its float32 self; use --dtype auto or float16, or lower --min-recall`;
    run.warn(`build:models: ${message}`);
    return { exitCode: 3, report: report({ status: 'failed', failure: message, ...stepReports }), written: null };
  }

  // 8. With the encoder the browser embeds queries with: the semantic floor of on-device search, over
  // the vectors as the browser decodes them, and how well queries reach imported vectors.
  const projection = item.fused?.projection ?? null;
  const queryEncoder = await deps.loadQueryEncoder();
  let floor: FloorQueries;
  let mapQuality: ImportMapQuality | null = null;
  try {
    // The strings are embedded here, with the encoder; the floor is taken when the model is written,
    // over the items as the browser's search scores them (a paged model's: its codes, decoded).
    floor = await run.timed('semantic floor', () => floorQueries({ dim, projection, encoder: queryEncoder }));
    const space = item.importSpace;
    if (space !== null && importText !== null) {
      // Cased as the builder cases the texts it embeds (--text-case): a title in capitals is a
      // different text to the encoder, and shoppers do not type in capitals.
      const titles = catalog.items.map((entry) => applyTextCase(entry.title, options.textCase));
      mapQuality = await run.timed('import map quality', () => measureImportMap(space, importText, textDim, titles, queryEncoder, options.seed));
    }
  } finally {
    queryEncoder.dispose();
  }
  const itemVectors = inputs.itemVectorsReport === null ? null : { ...inputs.itemVectorsReport, mapQuality };

  // 9. Write, verify, report.
  const written = await run.timed('write + verify', async () => {
    const bar = run.progress('writing and verifying (files)', 1);
    const result = await writeModel({
      outDir: options.out,
      catalogId: options.catalogId,
      items: catalog.items,
      vectors,
      dim,
      dtype,
      popularity,
      projection,
      ...itemLists,
      search: (scored) => floorOver(floor, scored, dim),
      encoder: { ...deps.encoder, dim: textDim },
      warn: (message) => run.loud(message),
    });
    bar.update(1);
    bar.finish();
    return result;
  });
  const final = report({ status: 'built', failure: null, ...stepReports, itemVectors, model: modelReport(written, dim) });
  await writeBuildReport(written.dir, final);
  run.log(summaryLines(final).join('\n'));
  return { exitCode: 0, report: final, written };
}

/**
 * Each item's behaviour neighbours, which join the decay rule's ranking in the browser, and its
 * most co-bought items, for the complements placement; none without an event log.
 */
async function learnItemLists(plan: InteractionPlan | null, items: readonly { readonly group?: string | null }[], window: number, run: BuildRun) {
  const sequences = plan?.sequences ?? [];
  const neighbours = await run.timed('neighbours', () => behaviourNeighbours(sequences, items.length, window));
  const groups = items.map(({ group }) => group ?? null);
  const complements = await run.timed('complements', () => basketComplements(sequences, groups, window));
  return { neighbours, complements };
}

function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
