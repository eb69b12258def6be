/**
 * Starting the storefront, in order: config from the URL, the model over HTTP (with byte progress,
 * read once more past the cache when its files do not match its manifest: model-load.ts),
 * then (when the caller paints a first grid from the verified model, as the app does) a pause until
 * that grid is painted, so the engine's start never delays it; then the item space (the item matrix on the compute backend) and the shopper's event store side
 * by side, then the Recommender. When the model has a trained sequence model, the space holds that
 * model's item table with its item bias as the prior (weight 1, as the offline evaluation scores it)
 * and a SequenceEncoder on the space's backend turns the shopper's latest items into the interest;
 * otherwise the space holds the fused vectors and the popularity prior, and the decay rule moves
 * the interest. It is
 * the only module that knows which adapters implement core's ports. Storage that cannot be used
 * falls back to memory with a notice. A model that cannot be loaded (a file missing or broken)
 * gives the popularity fallback when core can salvage the catalogue; anything
 * else that fails is thrown as a RecError for the error screen, after releasing what was already
 * created.
 */
import {
  createMemoryEventStore,
  pagedPartsOf,
  createRecommender,
  decodeSequenceItemTable,
  loadFallbackCatalog,
  parseStorefrontConfig,
  randomId,
  toRecError,
  toSessionId,
  type EventStore,
  type FallbackCatalog,
  type ItemRows,
  type LoadedModel,
  type Recommender,
  type RecError,
  type SequenceEncoder,
  type StorefrontConfig,
} from '../core/index.ts';
// From its module, not engine/index.ts: the index also re-exports the query encoder, and a static
// import of it would pull the encoder's graph runtime and tokeniser into the entry chunk, which the
// dynamic import below keeps lazy (the bundler reports INEFFECTIVE_DYNAMIC_IMPORT otherwise).
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { describeDevice } from '../engine/backend.ts';
import { createCalibratedItemSpace } from '../engine/calibrated-item-space.ts';
import { openPagedItemSpace } from '../engine/paged-item-space.ts';
import { createSequenceEncoder } from '../engine/sequence-encoder.ts';
import { createBroadcastSync, openEventStore, withModelFileCache } from '../storage/index.ts';
import { afterNextPaint, BACKEND_LABELS, whenIdle, type StartupPhase } from '../ui/index.ts';
import { applyAvailabilityFile, fetchAvailabilityFile } from './availability-file.ts';
import { createHttpModelSource } from './http-model-source.ts';
import { loadModelRetryingMismatch } from './model-load.ts';
import { assetUrls } from './asset-urls.ts';
import { loadLexicalIndex } from './lexical-index-loader.ts';

/** The longest a verified model file waits for an idle moment to be copied into Cache Storage. */
const STORE_IDLE_TIMEOUT_MS = 5_000;

const storeWhenIdle = (task: () => void): void => void whenIdle(task, STORE_IDLE_TIMEOUT_MS);

/** The longest the first click's rehearsal waits for an idle moment. */
const REHEARSAL_IDLE_TIMEOUT_MS = 2_000;

export interface StartProgress {
  readonly phase: StartupPhase;
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

export interface Started {
  readonly kind: 'storefront';
  readonly config: StorefrontConfig;
  readonly recommender: Recommender;
  /** Things the shopper should know from the start (storage or backend fell back). */
  readonly notices: readonly string[];
}

/** The model could not be loaded, but its catalogue could: the grid shows it without ranking. */
export interface StartedFallback {
  readonly kind: 'fallback';
  readonly config: StorefrontConfig;
  /** Why the model could not be loaded (an input error in its files, or a file that could not be fetched). */
  readonly error: RecError;
  readonly catalog: FallbackCatalog;
}

/**
 * The verified model, before the engine starts: what the first grid is drawn from (the vectors and
 * prior the item space will hold).
 */
export interface ModelReady {
  readonly config: StorefrontConfig;
  readonly model: LoadedModel;
  readonly vectors: ItemRows;
  readonly prior: Float32Array | null;
  /** How much the prior adds to a score. */
  readonly priorWeight: number;
}

/**
 * Called once the model is verified; the engine starts when the promise it returns settles (the
 * app resolves it after painting its first grid).
 */
export type OnModelReady = (ready: ModelReady) => Promise<void>;

/**
 * @param search the page's query string (location.search).
 * @param onProgress called as the model downloads and phases change.
 * @param onModelReady called with the verified model before the engine starts.
 */
export async function startStorefront(
  search: string,
  onProgress: (progress: StartProgress) => void,
  onModelReady?: OnModelReady,
): Promise<Started | StartedFallback> {
  return startWithConfig(parseStorefrontConfig(new URLSearchParams(search), 'URL'), onProgress, onModelReady);
}

/**
 * Starts a storefront from a parsed config: the app's (from its URL) or the widgets' shared one
 * (shared-storefronts.ts).
 * @param config the model, backend preference and grid size.
 * @param onProgress called as the model downloads and phases change.
 * @param onModelReady called with the verified model; the engine starts once it settles.
 */
export async function startWithConfig(
  config: StorefrontConfig,
  onProgress: (progress: StartProgress) => void,
  onModelReady?: OnModelReady,
): Promise<Started | StartedFallback> {
  // Fetched beside the model, applied before the first ranking (availability-file.ts).
  const availability = fetchAvailabilityFile(config.modelUrl);
  availability.catch(() => undefined);
  let bytes = { loadedBytes: 0, totalBytes: 0 };
  const loaded = await loadModelRetryingMismatch(
    // The retry's manifest and files come from the server, never the HTTP cache or the device's
    // copies (either may hold the other deploy's, or a copy damaged on the device).
    (attempt) =>
      attempt === 'fresh'
        ? withModelFileCache(createHttpModelSource(config.modelUrl, { cache: 'reload' }), { lookup: false, later: storeWhenIdle })
        : withModelFileCache(createHttpModelSource(config.modelUrl), { later: storeWhenIdle }),
    (progress) => {
      bytes = { loadedBytes: progress.loadedBytes, totalBytes: progress.totalBytes };
      onProgress(progress);
    },
  );
  if (loaded.kind === 'failed') {
    const { error: recError, source } = loaded;
    // Only a problem with the model's files can leave a usable catalogue behind.
    if (recError.kind !== 'input' && recError.code !== 'MODEL_FETCH_FAILED') throw recError;
    const catalog = await loadFallbackCatalog(source, config.gridSize).catch((bug: unknown) => {
      console.error('Vitrine: salvaging the catalogue failed', bug);
      return null;
    });
    if (catalog === null) throw recError;
    return { kind: 'fallback', config, error: recError, catalog };
  }
  const { model } = loaded;
  onProgress({ phase: 'engine', ...bytes });

  const notices: string[] = [];
  const skipped = new Map<string, string>();
  const sequenceTable = model.sequence === null ? null : decodeSequenceItemTable(model.sequence);
  // A first grid that fails to paint is the UI's bug, not a reason to leave the shopper without an engine.
  await onModelReady?.({
    config,
    model,
    vectors: sequenceTable?.vectors ?? model.matrix,
    prior: sequenceTable?.bias ?? model.popularity,
    priorWeight: sequenceTable === null ? DEFAULT_PRIOR_WEIGHT : 1,
  }).catch((bug: unknown) => console.error('Vitrine: the first grid could not be painted', bug));
  const paged = pagedPartsOf(model) !== null;
  const [spaceResult, storeResult] = await Promise.allSettled([
    // A paged model is scored from its codes (engine/paged-item-space.ts). Any other: without a
    // backend in the config, the space goes where a short measurement on this device says it is
    // fastest and correct (core/backend-choice.ts), remembered in localStorage.
    openPagedItemSpace(model, DEFAULT_PRIOR_WEIGHT).then(async (paged) => {
      if (paged !== null) return paged;
      return describeDevice().then(async (device) => {
        return createCalibratedItemSpace(
          {
            ...(sequenceTable === null
              ? // The model's own dtype: the scoring kernels read int8/float16 as the file stores them.
                { vectors: model.matrix, popularity: model.popularity, itemDtype: model.manifest.dtype }
              : { vectors: sequenceTable.vectors, popularity: sequenceTable.bias, priorWeight: 1 }),
            dim: model.manifest.dim,
            backend: config.backend,
            wasmPaths: { ...assetUrls().wasmPaths },
            onBackendSkip: (backend, reason) => skipped.set(backend, reason),
          },
          { device, ...calibrationStore(), ...(model.sequence === null ? {} : { sequence: model.sequence }) },
        );
      });
    }),
    openStore(notices),
  ]);
  if (spaceResult.status === 'rejected') {
    if (storeResult.status === 'fulfilled') storeResult.value.close();
    throw toRecError(spaceResult.reason, 'BACKEND_UNAVAILABLE');
  }
  const { space, choice } = spaceResult.value;
  if (storeResult.status === 'rejected') {
    space.dispose();
    throw toRecError(storeResult.reason);
  }
  const store = storeResult.value;
  if (config.backend !== null && space.backend !== config.backend) {
    const why = skipped.get(config.backend);
    notices.push(
      paged
        ? `${BACKEND_LABELS[config.backend]} is not used for this catalogue: it is paged, and scored from its codes (${BACKEND_LABELS[space.backend]}).`
        : `${BACKEND_LABELS[config.backend]} is not available in this browser${why === undefined ? '' : ` (${why})`}: recommendations run on ${BACKEND_LABELS[space.backend]} instead.`,
    );
  }

  onProgress({ phase: 'ranking', ...bytes });
  // Other tabs of this shop share the store; the channel keeps their rankings in step.
  const sync = store.kind === 'indexeddb' ? createBroadcastSync() : null;
  let sequenceEncoder: SequenceEncoder | null = null;
  try {
    if (model.sequence !== null) sequenceEncoder = await createSequenceEncoder({ model: model.sequence, backend: () => space.backend });
    const recommender = await createRecommender({
      model,
      space,
      backendReason: choice.reason,
      ...(sequenceEncoder === null || sequenceTable === null ? {} : { sequenceEncoder, spaceVectors: sequenceTable.vectors }),
      store,
      ...(sync === null ? {} : { sync }),
      // The encoder runs on wasm (else cpu) beside the item space, so it needs the wasm files' URLs too.
      // Loaded on the first search, with its code: the encoder's graph runtime and tokeniser are
      // the heaviest part of the bundle, and most visits never search.
      loadEncoder: async () => {
        const { createQueryEncoder } = await import('../engine/query-encoder.ts');
        const { encoderUrl, wasmPaths } = assetUrls();
        return createQueryEncoder(encoderUrl, { wasmPaths: { ...wasmPaths } });
      },
      loadLexicalIndex: () => loadLexicalIndex(model, config.modelUrl),
      session: toSessionId(randomId()),
      gridSize: config.gridSize,
      yieldToPaint: afterNextPaint,
    });
    await applyAvailabilityFile(recommender, availability, config.modelUrl);
    // Not on a paged model: its rehearsed click would fetch that click's candidates' vector pages
    // (a megabyte or more at a million items) for a click the shopper may never make.
    if (!paged) whenIdle(() => void rehearse(recommender), REHEARSAL_IDLE_TIMEOUT_MS);
    return { kind: 'storefront', config, recommender, notices };
  } catch (error) {
    space.dispose();
    sequenceEncoder?.dispose();
    store.close();
    sync?.close();
    throw toRecError(error);
  }
}

/**
 * The first click's code run twice in an idle moment (Recommender.rehearse), so the shopper's first
 * click is as quick as the later ones (twice: the measurement in its comment ran two).
 */
async function rehearse(recommender: Recommender): Promise<void> {
  try {
    await recommender.rehearse();
    await recommender.rehearse();
  } catch (bug) {
    // Nothing the shopper did failed: the click will run the same code and report what it meets.
    console.error('Vitrine: rehearsing a click failed', bug);
  }
}

/** localStorage for the backend calibration's verdict, unless the browser refuses it (then it measures each visit). */
function calibrationStore(): { store?: Storage } {
  try {
    return { store: window.localStorage };
  } catch {
    return {};
  }
}

/** Opens IndexedDB, or falls back to memory (with a notice) when the browser will not let us. */
async function openStore(notices: string[]): Promise<EventStore> {
  try {
    return await openEventStore();
  } catch (error) {
    const recError = toRecError(error, 'STORAGE_UNAVAILABLE');
    if (recError.kind !== 'environment') throw recError;
    notices.push(`Your browsing can't be saved on this device (${recError.message}), so it is kept in memory for this visit only.`);
    return createMemoryEventStore();
  }
}
