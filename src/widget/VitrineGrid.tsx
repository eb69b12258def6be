/**
 * The embeddable grid as a React component: the same settings as the `<vitrine-grid>` element
 * (`models`, `limit`, `backend`, and which list: `placement` with its `item` or `category`, parsed by core's parseStorefrontConfig, so the app's URL and the
 * widget's attributes are one format with one set of messages), the storefront's own ProductGrid,
 * and callbacks where the element dispatches DOM events. Every VitrineGrid on a page that names the
 * same model shares one started storefront (src/app/shared-storefronts.ts).
 *
 * The host page is in charge of navigation and the cart: a click on a card is recorded as a view
 * and handed to `onProductClick`, "Add to cart" is recorded and handed to `onAddToCart`; nothing
 * here opens a product page or keeps a cart of its own.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { parsePlacement, parseStorefrontConfig, toRecError, type RankedItem, type RecError, type Recommender, type StorefrontConfig } from '../core/index.ts';
import { acquireStorefront } from '../app/shared-storefronts.ts';
import type { StartProgress } from '../app/start.ts';
import { ProductGrid, StorefrontContext, useInteractions, useRanking, useStorefront } from '../ui/index.ts';
import { WidgetPlacement } from './WidgetPlacement.tsx';
import {
  impressionDetail,
  rankedDetail,
  type VitrineErrorDetail,
  type VitrineImpressionDetail,
  type VitrineProductDetail,
  type VitrineRankedDetail,
} from './events.ts';

export interface VitrineGridCallbacks {
  /** A card was clicked (and recorded as a view): show the product. */
  readonly onProductClick?: ((detail: VitrineProductDetail) => void) | undefined;
  /** "Add to cart" was clicked on a card (and recorded): put the item in the host's cart. */
  readonly onAddToCart?: ((detail: VitrineProductDetail) => void) | undefined;
  /** The grid shows a new ranking. */
  readonly onRanked?: ((detail: VitrineRankedDetail) => void) | undefined;
  /** Cards came into view: for the host's own analytics. */
  readonly onImpression?: ((detail: VitrineImpressionDetail) => void) | undefined;
  /** A setting is invalid, the model could not be loaded, or an interaction failed. */
  readonly onError?: ((detail: VitrineErrorDetail) => void) | undefined;
  /**
   * The shared recommender once started and how many cards this grid shows, null once this grid
   * lets go of it (the element's record(), search() and ranked).
   */
  readonly onRecommender?: ((started: { readonly recommender: Recommender; readonly limit: number } | null) => void) | undefined;
}

export interface VitrineGridProps extends VitrineGridCallbacks {
  /** A model folder name under /models/, or a same-origin path such as "/models/demo" (default "demo"). */
  readonly models?: string | null | undefined;
  /** How many cards to show, 1 to 200 (default 24); a string, as an attribute would give it. */
  readonly limit?: string | number | null | undefined;
  /** A TF.js backend to try first: webgpu, webgl, wasm or cpu. */
  readonly backend?: string | null | undefined;
  /** Which list: for-you (default), similar, recently-viewed or trending (core's placements.ts). */
  readonly placement?: string | null | undefined;
  /** The product a `similar` list is for (its catalogue id). */
  readonly item?: string | null | undefined;
  /** Limits a `trending` list to one category (every category when it has nothing available). */
  readonly category?: string | null | undefined;
  /** Names where the settings came from in error messages, e.g. "<vitrine-grid> attribute". */
  readonly settingsSource?: string | undefined;
}

type Phase =
  | { readonly kind: 'loading'; readonly progress: StartProgress | null }
  | { readonly kind: 'ready'; readonly recommender: Recommender; readonly modelUrl: string }
  | { readonly kind: 'failed'; readonly error: RecError };

const LOADING: Phase = { kind: 'loading', progress: null };

/**
 * The grid for a React page: invalid settings and start-up failures render a short alert for the
 * shopper (the precise error goes to the console and `onError`), a loading line while the model
 * downloads, then the ranked cards.
 * @param props the settings (as the element's attributes) and the callbacks.
 */
export function VitrineGrid({ models, limit, backend, placement, item, category, settingsSource = 'VitrineGrid props', ...callbacks }: VitrineGridProps) {
  const latest = useRef(callbacks);
  useEffect(() => {
    latest.current = callbacks;
  });

  const parsed = useMemo(() => {
    const settings: Readonly<Record<string, string | null>> = {
      models: models ?? null,
      limit: limit === null || limit === undefined ? null : String(limit),
      backend: backend ?? null,
      placement: placement ?? null,
      item: item ?? null,
      category: category ?? null,
    };
    const read = { get: (name: string) => settings[name] ?? null };
    try {
      return { config: parseStorefrontConfig(read, settingsSource), placement: parsePlacement(read, settingsSource), error: null };
    } catch (error) {
      return { config: null, placement: null, error: toRecError(error) };
    }
  }, [models, limit, backend, placement, item, category, settingsSource]);
  const config = parsed.config;

  // Each phase is tagged with the settings it belongs to, so new settings read as loading at once.
  const [state, setState] = useState<{ readonly config: StorefrontConfig | null; readonly phase: Phase }>({ config: null, phase: LOADING });
  const phase = state.config === config ? state.phase : LOADING;
  useEffect(() => {
    if (config === null) return undefined;
    let live = true;
    const setPhase = (next: Phase): void => {
      if (live) setState({ config, phase: next });
    };
    const shared = acquireStorefront(config, (progress) => setPhase({ kind: 'loading', progress }));
    shared.started.then(
      (started) => {
        // The model is broken but its catalogue was salvaged: the host page has its own product
        // list, so the widget shows the precise error rather than a second, unranked one.
        if (started.kind === 'fallback') setPhase({ kind: 'failed', error: started.error });
        else setPhase({ kind: 'ready', recommender: started.recommender, modelUrl: started.config.modelUrl });
      },
      (error: unknown) => setPhase({ kind: 'failed', error: toRecError(error) }),
    );
    return () => {
      live = false;
      shared.release();
    };
  }, [config]);

  const error = parsed.error ?? (phase.kind === 'failed' ? phase.error : null);
  useEffect(() => {
    if (error === null) return;
    console.error('Vitrine:', error.message, error);
    latest.current.onError?.({ error, during: 'start' });
  }, [error]);

  const recommender = phase.kind === 'ready' && config !== null ? phase.recommender : null;
  const gridSize = config?.gridSize ?? 0;
  useEffect(() => {
    latest.current.onRecommender?.(recommender === null ? null : { recommender, limit: gridSize });
    return () => latest.current.onRecommender?.(null);
  }, [recommender, gridSize]);

  if (error !== null) return <WidgetError error={error} />;
  if (phase.kind !== 'ready' || config === null) return <WidgetLoading progress={phase.kind === 'loading' ? phase.progress : null} />;
  return (
    <StorefrontContext value={{ recommender: phase.recommender, modelUrl: phase.modelUrl }}>
      {parsed.placement === null ? (
        <WidgetRanking limit={config.gridSize} callbacks={latest} />
      ) : (
        <WidgetPlacement request={parsed.placement} limit={config.gridSize} callbacks={latest} />
      )}
    </StorefrontContext>
  );
}

/** The grid itself: the shared ranking's first `limit` cards, recorded and reported to the host. */
function WidgetRanking({ limit, callbacks }: { readonly limit: number; readonly callbacks: { readonly current: VitrineGridCallbacks } }) {
  const { recommender } = useStorefront();
  const ranking = useRanking();
  const shown = useMemo(() => ({ ...ranking, items: ranking.items.slice(0, limit) }), [ranking, limit]);
  const { grid, record, track } = useInteractions(
    shown,
    (error) => {
      const recError = toRecError(error);
      console.error('Vitrine:', recError.message, recError);
      callbacks.current.onError?.({ error: recError, during: 'interaction' });
    },
    (seen) => callbacks.current.onImpression?.(impressionDetail('for-you', seen)),
  );

  useEffect(() => {
    callbacks.current.onRanked?.(rankedDetail(shown, limit));
  }, [shown, limit, callbacks]);

  const detail = (entry: RankedItem): VitrineProductDetail => ({ item: entry.item, position: entry.position });
  return (
    <ProductGrid
      {...grid}
      onOpen={(entry) => {
        void record({ type: 'view', item: entry.item.id, position: entry.position });
        callbacks.current.onProductClick?.(detail(entry));
      }}
      onAddToCart={(entry) => {
        void record({ type: 'add_to_cart', item: entry.item.id, position: entry.position });
        callbacks.current.onAddToCart?.(detail(entry));
      }}
      onLeaveSearch={() => void track(recommender.clearSearch(), 'search')}
      onSuggestion={(query) => void track(recommender.search(query), 'search')}
    />
  );
}

function WidgetLoading({ progress }: { readonly progress: StartProgress | null }) {
  const total = progress?.totalBytes ?? 0;
  return (
    <div className="vitrine-status" role="status">
      <p>Loading recommendations…</p>
      <progress max={total > 0 ? total : undefined} value={total > 0 ? (progress?.loadedBytes ?? 0) : undefined} aria-label="Loading the product model" />
    </div>
  );
}

/**
 * What a shopper sees when the grid cannot start: a short line, no developer instructions. The
 * precise message is in the console and the `vitrine:error` event (onError), and the code on the
 * element for a developer inspecting it.
 */
function WidgetError({ error }: { readonly error: RecError }) {
  return (
    <div className="vitrine-error" role="alert" data-error-code={error.code}>
      <p>Recommendations are unavailable right now.</p>
    </div>
  );
}
