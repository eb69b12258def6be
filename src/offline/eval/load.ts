/**
 * Loads what an evaluation needs from a built model folder: the model (through core's `loadModel`,
 * checksums and all, as the browser loads it), the builder's resolved options recorded in
 * `build-report.json` (so the catalogue and event files are read with exactly the mapping and
 * hold-out the model was built with), the parsed events, and the items' 512-d text vectors (the
 * builder's texts through its embedding cache, so nothing is re-embedded).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { RecError } from '../../core/errors.ts';
import { toItemId } from '../../core/ids.ts';
import type { LoadedModel } from '../../core/model.ts';
import { MANIFEST_FILE } from '../../core/manifest.ts';
import { BUILD_OPTIONS_FIELD, parseBuildOptions, type RecordedBuild } from '../lib/build-options.ts';
import { embedTexts } from '../lib/embed.ts';
import { readCatalog } from '../lib/ingest/catalog-input.ts';
import { readEvents, type ParsedEvent } from '../lib/ingest/events-input.ts';
import { createProblemLog } from '../lib/ingest/problems.ts';
import { loadNodeSentenceEncoder } from '../lib/node-encoder.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { verifyModelDir } from '../lib/write-model.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';

/** The model and the log it was built from, as the builder read them. */
export interface ModelInputs {
  readonly model: LoadedModel;
  /** sha256 of manifest.json: names the exact model evaluated. */
  readonly manifestSha256: string;
  /** The builder's inputs, mapping and hold-out, as its report records them. */
  readonly build: RecordedBuild;
  readonly events: readonly ParsedEvent[];
  /** Catalogue ids the model lacks (only with allowMissingItems; else loading fails). */
  readonly missingItems: readonly string[];
  /** The builder's catalogue: item ids and their texts, in the catalogue file's order. */
  readonly catalog: { readonly ids: readonly string[]; readonly texts: readonly string[] };
}

export interface EvalInputs extends ModelInputs {
  /** One 512-d unit text vector per model row (row-major), from the builder's texts. */
  readonly textVectors: Float32Array;
  readonly textDim: number;
}

export interface LoadOptions {
  /**
   * Accept a model that lacks catalogue items (they are then never ranked, so a full ranking is
   * over fewer items than the catalogue; the report says how many). Default false.
   */
  readonly allowMissingItems?: boolean;
  /** Loads the text encoder, only if a text is missing from the cache (default: the real one on wasm). */
  readonly loadEncoder?: () => Promise<SentenceEncoder>;
  /** The embedding cache folder (default: the builder's). */
  readonly cacheDir?: string;
}

/**
 * The model and its log, without text vectors (what training needs).
 * @param modelDir the model folder (with the build-report.json the builder writes next to it).
 * @param options missing items.
 * @throws RecError when the model does not verify, its report is missing, or it lacks catalogue items.
 */
export async function loadModelInputs(modelDir: string, options: Pick<LoadOptions, 'allowMissingItems'> = {}): Promise<ModelInputs> {
  const dir = resolve(modelDir);
  const model = await verifyModelDir(dir);
  const manifestSha256 = createHash('sha256')
    .update(await readFile(join(dir, MANIFEST_FILE)))
    .digest('hex');
  const reportFile = join(dir, 'build-report.json');
  const build = await readRecordedBuild(reportFile);
  if (build.events === null)
    throw new RecError('CONFIG_INVALID', 'the model was built without an event log, so there is nothing to evaluate on', {
      file: reportFile,
      field: `${BUILD_OPTIONS_FIELD}.events`,
    });

  const catalogFile = fromRepo(build.catalog);
  const catalog = readCatalog(await readInput(catalogFile), catalogFile, {
    fields: build.fields,
    template: build.template,
    textCase: build.textCase,
    problems: createProblemLog(catalogFile, { strict: false, code: 'CATALOG_INVALID' }),
  });
  const missing = [...catalog.skippedIds, ...catalog.items.map((item) => item.id).filter((id) => !model.rowOf.has(toItemId(id)))];
  if (missing.length > 0 && options.allowMissingItems !== true) {
    throw new RecError(
      'UNKNOWN_ITEM',
      `the model lacks ${missing.length} item(s) of the catalogue (first: ${missing.slice(0, 5).join(', ')}), so the full ranking would not cover every item: rebuild it so that every item gets a text, or pass --allow-missing-items to rank the others`,
      { file: catalogFile },
    );
  }
  if (catalog.items.length !== model.items.length) {
    throw new RecError(
      'UNKNOWN_ITEM',
      `the model has ${model.items.length} items, the catalogue ${catalog.items.length}: it was built from another catalogue`,
      { file: catalogFile },
    );
  }

  const eventsFile = fromRepo(build.events);
  const rowOf = new Map<string, number>(model.items.map((item, row) => [item.id, row]));
  const events = readEvents(await readInput(eventsFile), eventsFile, {
    columns: build.eventColumns,
    weights: build.eventWeights,
    rowOf,
    skippedIds: catalog.skippedIds,
    problems: createProblemLog(eventsFile, { strict: false, code: 'EVENT_INVALID' }),
  }).events;
  return { model, manifestSha256, build, events, missingItems: missing, catalog: { ids: catalog.items.map((item) => item.id), texts: catalog.texts } };
}

/**
 * The model, its log and the items' text vectors.
 * @param modelDir the model folder (with the build-report.json the builder writes next to it).
 * @param options missing items, encoder and cache.
 * @throws RecError when the model does not verify, its report is missing, or it lacks catalogue items.
 */
export async function loadEvalInputs(modelDir: string, options: LoadOptions = {}): Promise<EvalInputs> {
  const inputs = await loadModelInputs(modelDir, options);
  const { model, catalog } = inputs;
  // The model's own encoder version keys the cache, so the vectors are the ones its build embedded.
  const embedded = await embedTexts(catalog.texts, {
    encoderVersion: model.manifest.encoder.version,
    loadEncoder: options.loadEncoder ?? (() => loadNodeSentenceEncoder()),
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
  });
  const textDim = embedded.dim;
  const textVectors = new Float32Array(model.items.length * textDim);
  catalog.ids.forEach((id, i) => textVectors.set(embedded.vectors.subarray(i * textDim, (i + 1) * textDim), (model.rowOf.get(toItemId(id)) ?? 0) * textDim));
  return { ...inputs, textVectors, textDim };
}

/** The builder's recorded options, from its report. */
export async function readRecordedBuild(file: string): Promise<RecordedBuild> {
  let report: unknown;
  try {
    report = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new RecError(
      'CONFIG_INVALID',
      `cannot read the build report (${(error as Error).message}); evaluate a folder written by npm run build:models`,
      { file },
      { cause: error },
    );
  }
  if (typeof report !== 'object' || report === null || Array.isArray(report)) {
    throw new RecError('CONFIG_INVALID', 'expected the build report as a JSON object; evaluate a folder written by npm run build:models', { file });
  }
  return parseBuildOptions((report as Record<string, unknown>)[BUILD_OPTIONS_FIELD], file);
}

/** npm runs the builder from the repository root, so its relative paths are relative to it. */
export function fromRepo(path: string): string {
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}

/** @param file an input named in the build report; @throws RecError CONFIG_INVALID naming it when it cannot be read. */
export async function readInput(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new RecError('CONFIG_INVALID', `cannot read ${file}, named in the model's build report (${(error as Error).message})`, { file }, { cause: error });
  }
}
