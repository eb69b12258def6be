/**
 * `vitrine`, the npm package's programmatic entry: the recommender itself, for a shop that renders
 * its own lists (or wants the shopper's ranking, placements and search without a grid). It is the
 * same recommender the package's grids use: `openRecommender` joins the one a `<vitrine-grid>` or
 * `<VitrineGrid>` of the same model on the page has started (one shopper, one event store, one copy
 * of the item vectors), or starts it. No component and no custom element here (`vitrine/react`,
 * `vitrine/elements`). The engine's files come from `setAssetsUrl` (default /vitrine/).
 */
import { acquireStorefront } from '../app/shared-storefronts.ts';
import type { StartProgress } from '../app/start.ts';
import { parseStorefrontConfig, toRecError, type BackendName, type Recommender } from '../core/index.ts';

export { DEFAULT_ASSETS_URL, setAssetsUrl, WASM_FILES } from '../app/asset-urls.ts';
export type { StartProgress } from '../app/start.ts';
export {
  isRecError,
  PLACEMENTS,
  RecError,
  toItemId,
  type AvailabilityChange,
  type BackendName,
  type CatalogItem,
  type InPlaceOrder,
  type InteractionInput,
  type InteractionType,
  type ItemId,
  type PlacementList,
  type PlacementName,
  type PlacementRequest,
  type RankedItem,
  type Ranking,
  type Reason,
  type RecErrorCode,
  type Recommender,
  type Unsubscribe,
} from '../core/index.ts';

export interface OpenRecommenderOptions {
  /** A model folder name under /models/, or a same-origin path such as "/models/demo" (default "demo"). */
  readonly models?: string;
  /** A TF.js backend to try first (webgpu, webgl, wasm, cpu); by default the one measured fastest here. */
  readonly backend?: BackendName;
  /** Called as the model downloads and the engine starts. */
  readonly onProgress?: (progress: StartProgress) => void;
}

/** A hold on the page's recommender of one model. */
export interface OpenedRecommender {
  readonly recommender: Recommender;
  /** Lets go of it: it is disposed once nothing on the page (no grid, no other hold) uses it. Idempotent. */
  release(): void;
}

/**
 * Starts the recommender of a model folder, or joins the one already started on this page.
 * @param options the model folder, a backend to try first, a progress callback.
 * @returns the recommender and its release().
 * @throws RecError CONFIG_INVALID naming a bad option; the model's or the engine's error when it cannot start.
 */
export async function openRecommender(options: OpenRecommenderOptions = {}): Promise<OpenedRecommender> {
  const settings: Readonly<Record<string, string | null>> = { models: options.models ?? null, backend: options.backend ?? null };
  const config = parseStorefrontConfig({ get: (name) => settings[name] ?? null }, 'openRecommender() options');
  const shared = acquireStorefront(config, options.onProgress ?? (() => undefined));
  try {
    const started = await shared.started;
    // The model's files are broken but its catalogue was salvaged: a grid can show that, an API cannot rank.
    if (started.kind === 'fallback') throw started.error;
    return { recommender: started.recommender, release: () => shared.release() };
  } catch (error) {
    shared.release();
    throw toRecError(error);
  }
}
