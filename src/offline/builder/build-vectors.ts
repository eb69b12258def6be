/**
 * The build's vector steps: behaviour embeddings from the training sequences (when there are any),
 * the text embeddings, then fusion of the two, or a PCA of the text alone (fuse.ts), unless the raw encoder
 * vectors are kept (no events and --dim = the encoder's size). With the shop's own item vectors
 * (--item-vectors), those take the text's place in fusion (import-space.ts) and the query projection
 * goes through the map from the encoder's space into theirs.
 */
import { learnBehaviourEmbeddings, type BehaviourEmbeddings } from '../lib/behaviour.ts';
import { embedTexts, type EmbedResult } from '../lib/embed.ts';
import type { InteractionPlan } from '../lib/sequences.ts';
import type { BuildInputs } from './build-inputs.ts';
import type { BuildDeps, BuildOptions } from './build-model.ts';
import type { BuildReport } from './build-report.ts';
import type { BuildRun } from './build-run.ts';
import { embeddingReport } from './step-reports.ts';
import { project } from '../../core/rank.ts';
import { PRODUCTS } from '../lib/dense-pca.ts';
import { fuseEmbeddings, type FusedEmbeddings } from './fuse.ts';
import { buildImportSpace, compose, type ImportedVectors, type ImportSpace } from './import-space.ts';

/** The item vectors the model stores, and how they were made. */
export interface ItemVectors {
  /** count x dim, row-major, unit rows. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** Null when the raw encoder vectors are kept (then no projection is written). */
  readonly fused: FusedEmbeddings | null;
  readonly behaviourReport: BuildReport['behaviour'];
  readonly fusionReport: BuildReport['fusion'];
  /** The shop's vectors as fusion read them, or null without --item-vectors. */
  readonly importSpace: ImportSpace | null;
}

/** What the vector steps hand on: the fused vectors, the embedding step's figures, and the text matrix only where a later step reads it. */
export interface LearnedVectors {
  readonly item: ItemVectors;
  readonly embedding: NonNullable<BuildReport['embedding']>;
  /** The encoder's dimension. */
  readonly textDim: number;
  /** The text vectors, for an imported space's map check (null without --item-vectors). */
  readonly importText: Float32Array | null;
}

/**
 * The build's steps 3 to 5: behaviour, before the text vectors (its co-occurrence matrix and
 * eigensolver blocks are the build's largest, about 4 GB at a million items, and the text matrix, 2 GB
 * there, need not be in memory beside them), the text embeddings, then fusion. The text matrix and
 * the behaviour vectors live in this function's scope alone: an async function keeps its locals alive
 * to its end, so in the pipeline's own scope they would weigh on every later step's peak.
 * @param inputs what the build read.
 * @param options validated options.
 * @param deps the encoder and the cache.
 * @param run progress and timings.
 * @returns the vectors, or why --dim cannot be built (exit code 2).
 */
export async function learnVectors(
  inputs: Pick<BuildInputs, 'catalog' | 'plan' | 'window' | 'itemVectors' | 'itemVectorsReport'>,
  options: BuildOptions,
  deps: Pick<BuildDeps, 'encoder' | 'loadEncoder' | 'cacheDir'>,
  run: BuildRun,
): Promise<LearnedVectors | { readonly failure: string }> {
  const { catalog, plan } = inputs;
  const behaviour = await learnBehaviour(plan, catalog.items.length, inputs.window, options, run);
  const embedding: EmbedResult = await run.timed('embed texts', () =>
    embedTexts(catalog.texts, {
      encoderVersion: deps.encoder.version,
      loadEncoder: () => deps.loadEncoder(options.workers),
      ...embeddingCacheOption(options, deps),
      batchSize: options.batchSize,
      progress: (total) => run.progress('embedding', total),
    }),
  );
  const textDim = embedding.dim;
  const failure = dimensionFailure(options, textDim, inputs.itemVectorsReport?.dim ?? null, plan !== null && plan.sequences.length > 0);
  if (failure !== null) return { failure };
  if (inputs.itemVectorsReport !== null && inputs.itemVectorsReport.missing > 0) {
    const { missing, missingExamples } = inputs.itemVectorsReport;
    run.loud(`${missing} catalogue item(s) have no imported vector and are placed by their text mapped into that space, e.g. ${missingExamples.join(', ')}`);
  }
  const item = await learnItemVectors(behaviour, inputs.window, embedding, inputs.itemVectors, options, run);
  return {
    item,
    embedding: embeddingReport(embedding, catalog.texts.length, options.workers),
    textDim,
    importText: item.importSpace === null ? null : embedding.vectors,
  };
}

/** Where the build's embedding cache is: none with --no-cache, else --cache-dir, else the caller's, else the default. */
export function embeddingCacheOption(options: BuildOptions, deps: Pick<BuildDeps, 'cacheDir'>): { cacheDir?: string | null } {
  if (!options.cache) return { cacheDir: null };
  const cacheDir = options.cacheDir ?? deps.cacheDir;
  return cacheDir === undefined ? {} : { cacheDir };
}

/**
 * @param importedDim the imported vectors' dimension, or null without them.
 * @param withBehaviour whether fusion gets a behaviour half.
 * @returns why --dim cannot be built from the text (or imported) vectors, or null.
 */
function dimensionFailure(options: BuildOptions, textDim: number, importedDim: number | null, withBehaviour: boolean): string | null {
  if (importedDim === null) return options.dim > textDim ? `--dim ${options.dim} does not fit: the text encoder gives ${textDim}-d vectors` : null;
  // The import space is at most the encoder's width (import-space.ts); fusion fills the text half from it.
  const available = Math.min(importedDim, textDim);
  const textPart = withBehaviour && options.behaviourWeight !== 0 ? options.dim / 2 : options.dim;
  if (textPart <= available) return null;
  return `--dim ${options.dim} needs ${textPart} dimensions from ${options.itemVectors?.file ?? '--item-vectors'}, whose vectors give ${available}; use --dim ${withBehaviour ? available * 2 : available} or less`;
}

/**
 * @param behaviour the behaviour embeddings (learnBehaviour), or null without training sequences.
 * @param window the behaviour context half-width (for the report).
 * @param embedding the items' text vectors.
 * @param imported the shop's own item vectors, or null.
 * @param options dim, seed and behaviour weight.
 * @param run progress and timings.
 */
async function learnItemVectors(
  behaviour: BehaviourEmbeddings | null,
  window: number,
  embedding: EmbedResult,
  imported: ImportedVectors | null,
  options: BuildOptions,
  run: BuildRun,
): Promise<ItemVectors> {
  const count = embedding.vectors.length / embedding.dim;
  const textDim = embedding.dim;
  const space =
    imported === null
      ? null
      : await run.timed('import space', () => {
          // Only vectors wider than the encoder's are reduced, and that is the step that takes minutes.
          const reducing = imported.dim > textDim ? run.progress('reducing imported vectors (matrix products)', PRODUCTS) : null;
          const built = buildImportSpace(imported, embedding.vectors, textDim, options.seed, (done) => reducing?.update(done));
          reducing?.finish();
          return built;
        });
  const raw = behaviour === null && options.dim === textDim && space === null;
  const fuse = (input: Float32Array, inputDim: number): FusedEmbeddings =>
    fuseEmbeddings(input, inputDim, behaviour ?? emptyBehaviour(count, options.dim / 2), {
      dim: options.dim,
      seed: options.seed,
      ...(options.behaviourWeight === null ? {} : { behaviourWeight: options.behaviourWeight }),
    });
  const fused = raw
    ? null
    : await run.timed('fusion', () => {
        const bar = run.progress('fusion', 1);
        const result =
          space === null
            ? fuse(embedding.vectors, textDim)
            : throughImportSpace(fuse(space.vectors, space.dim), space, embedding.vectors, textDim, behaviour?.hasEvents ?? null);
        bar.update(1);
        bar.finish();
        return result;
      });
  const dim = fused?.dim ?? textDim;
  return {
    vectors: fused?.vectors ?? embedding.vectors,
    dim,
    fused,
    behaviourReport:
      behaviour === null
        ? null
        : {
            dim: behaviour.dim,
            window: window === Number.POSITIVE_INFINITY ? 'all' : window,
            trainedItems: count1(behaviour.hasEvents),
            stats: behaviour.stats ?? {},
          },
    fusionReport: fused === null ? null : { method: fusionMethod(behaviour !== null, space !== null), textDim: space?.dim ?? textDim, dim, stats: fused.stats },
    importSpace: space,
  };
}

function fusionMethod(withBehaviour: boolean, withImport: boolean): string {
  const text = withImport ? 'imported vectors' : 'text';
  return withBehaviour ? `${text} + behaviour fusion` : `PCA of the ${text}`;
}

/**
 * Fusion's output on the import space, made to take encoder vectors: the projection becomes A W, and
 * a row with neither events nor an imported vector is recomputed as core's project(t, A W), so that
 * it is exactly what the browser computes for its text (fusion gave normalise((t A) W), the same up
 * to rounding).
 */
function throughImportSpace(fused: FusedEmbeddings, space: ImportSpace, text: Float32Array, textDim: number, hasEvents: Uint8Array | null): FusedEmbeddings {
  const projection = compose(space.fromText, textDim, fused.projection, space.dim, fused.dim);
  const vectors = fused.vectors;
  // fuse.ts drops behaviour (every row cold) when no item took part in training.
  const behaviourUsed = hasEvents !== null && (fused.stats['itemsWithEvents'] ?? 0) > 0;
  for (let row = 0; row < space.has.length; row++) {
    if (space.has[row] === 1 || (behaviourUsed && hasEvents[row] === 1)) continue;
    vectors.set(project(text.subarray(row * textDim, (row + 1) * textDim), projection, fused.dim), row * fused.dim);
  }
  return { ...fused, vectors, projection, stats: { ...fused.stats, ...space.stats } };
}

/**
 * The behaviour step, or null without training sequences.
 * @param plan the training sequences, or null without events.
 * @param count the catalogue's items.
 * @param window the behaviour context half-width.
 * @param options dim and seed.
 * @param run progress and timings.
 */
async function learnBehaviour(
  plan: InteractionPlan | null,
  count: number,
  window: number,
  options: BuildOptions,
  run: BuildRun,
): Promise<BehaviourEmbeddings | null> {
  if (plan === null || plan.sequences.length === 0) return null;
  const sequences = plan.sequences;
  return run.timed('behaviour', () => {
    const bar = run.progress('behaviour', 1);
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
          current = run.progress('behaviour', total);
        }
        current.update(done);
      },
    });
    current.finish();
    return learned;
  });
}

/** A behaviour result with no learned item: fusion then reduces the text vectors alone (PCA). */
function emptyBehaviour(count: number, dim: number): BehaviourEmbeddings {
  return { vectors: new Float32Array(count * dim), dim, hasEvents: new Uint8Array(count) };
}

function count1(flags: Uint8Array): number {
  let n = 0;
  for (const flag of flags) n += flag;
  return n;
}
