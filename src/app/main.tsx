/**
 * Composition root of the standalone storefront: it starts the adapters (src/app/start.ts), shows
 * real progress while the model downloads, paints a first grid as soon as the model is verified
 * (first-grid.ts: the shopper's last grid, or the popular one) and only then lets the engine start,
 * then renders the UI with the Recommender in context, in the first grid's place.
 * A model that cannot be loaded but whose catalogue could be salvaged renders the popularity
 * fallback under the precise error; any other start-up failure renders the error screen with the
 * RecError's message. Never a blank page.
 */
import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { toRecError, type Recommender } from '../core/index.ts';
import { afterNextPaint, App, ErrorBoundary, ErrorView, FallbackView, LoadingView, StartingView, StorefrontContext } from '../ui/index.ts';
import '../ui/styles.css';
// The wasm binaries and the encoder are this build's own (asset-urls.ts).
import './bundled-assets.ts';
import { firstGrid, keepGrid, type GridStore } from './first-grid.ts';
import { startStorefront, type ModelReady } from './start.ts';

// Fault-injection hooks for the e2e suite; `false` in every other build, so this is removed.
if (__VITRINE_TEST_HOOKS__) void import('./test-hooks.ts').then(({ installTestHooks }) => installTestHooks());

const container = document.getElementById('root');
if (container === null) throw new Error('index.html must contain <div id="root">');
const root = createRoot(container);
const retry = (): void => location.reload();

root.render(<LoadingView phase="manifest" loadedBytes={0} totalBytes={0} />);

/** The shop's name in the header. */
const SHOP_NAME = 'Vitrine';

/** localStorage for the last grid, unless the browser refuses it (then every visit starts with the popular grid). */
function gridStore(): GridStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Paints the first grid and resolves once the browser has painted it, so the engine starts after. */
async function paintFirstGrid({ config, model, vectors, prior, priorWeight }: ModelReady): Promise<void> {
  const { contents, cartCount } = await firstGrid({ model, vectors, prior, priorWeight, gridSize: config.gridSize }, gridStore(), config.modelUrl);
  const { manifest } = model;
  firstGridShown = true;
  // Synchronously, so that the paint awaited below is this grid's.
  flushSync(() =>
    root.render(
      <StrictMode>
        <ErrorBoundary onRetry={retry}>
          <StartingView
            shopName={SHOP_NAME}
            catalogName={manifest.catalogId}
            grid={contents}
            cartCount={cartCount}
            modelUrl={config.modelUrl}
            itemCount={manifest.itemCount}
            dim={manifest.dim}
            encoderName={manifest.encoder.name}
          />
        </ErrorBoundary>
      </StrictMode>,
    ),
  );
  await afterNextPaint();
}

/**
 * Keeps every "for you" grid shown for the next visit's first paint, off the frame that shows it;
 * an unpersonalised grid (after "Erase everything") forgets the kept one at once.
 */
function keepGrids(recommender: Recommender, modelUrl: string): void {
  const store = gridStore();
  const keep = (): void => keepGrid(store, modelUrl, recommender.model, recommender.ranking(), recommender.cart().length);
  const onRanking = (ranking: { readonly personalised: boolean }): void => {
    if (ranking.personalised) setTimeout(keep, 0);
    else keep();
  };
  onRanking(recommender.ranking());
  recommender.on('ranking', onRanking);
}

// Files still downloading after another one failed keep reporting progress: ignore it once settled,
// and once the first grid is up (the engine's phases are not the shopper's concern).
let settled = false;
let firstGridShown = false;
startStorefront(
  location.search,
  (progress) => {
    if (!settled && !firstGridShown) root.render(<LoadingView {...progress} />);
  },
  paintFirstGrid,
).then(
  (started) => {
    settled = true;
    if (started.kind === 'fallback') {
      const { config, error, catalog } = started;
      console.error('Vitrine: personalised ranking is off, showing the catalogue by popularity', error);
      root.render(
        <StrictMode>
          <ErrorBoundary onRetry={retry}>
            <FallbackView error={error} catalog={catalog} modelUrl={config.modelUrl} gridSize={config.gridSize} onRetry={retry} />
          </ErrorBoundary>
        </StrictMode>,
      );
      return;
    }
    const { config, recommender, notices } = started;
    if (__VITRINE_TEST_HOOKS__) void import('./test-hooks.ts').then(({ attachRecommender }) => attachRecommender(recommender));
    keepGrids(recommender, config.modelUrl);
    addEventListener('pagehide', () => recommender.dispose(), { once: true });
    // Restored from the back/forward cache after pagehide disposed everything: start afresh.
    addEventListener('pageshow', (event) => {
      if (event.persisted) location.reload();
    });
    root.render(
      <StrictMode>
        <ErrorBoundary onRetry={retry}>
          <StorefrontContext value={{ recommender, modelUrl: config.modelUrl }}>
            <App startupNotices={notices} />
          </StorefrontContext>
        </ErrorBoundary>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    settled = true;
    const recError = toRecError(error);
    console.error('Vitrine could not start', recError);
    root.render(<ErrorView error={recError} onRetry={retry} />);
  },
);
