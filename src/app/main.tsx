/**
 * Composition root of the standalone storefront: it starts the adapters (src/app/start.ts), shows
 * real progress while the model downloads, then renders the UI with the Recommender in context.
 * A model that cannot be loaded but whose catalogue could be salvaged renders the popularity
 * fallback under the precise error; any other start-up failure renders the error screen with the
 * RecError's message. Never a blank page.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { toRecError } from '../core/index.ts';
import { App, ErrorBoundary, ErrorView, FallbackView, LoadingView, StorefrontContext } from '../ui/index.ts';
import '../ui/styles.css';
import { startStorefront } from './start.ts';

// Fault-injection hooks for the e2e suite; `false` in every other build, so this is removed.
if (__VITRINE_TEST_HOOKS__) void import('./test-hooks.ts').then(({ installTestHooks }) => installTestHooks());

const container = document.getElementById('root');
if (container === null) throw new Error('index.html must contain <div id="root">');
const root = createRoot(container);
const retry = (): void => location.reload();

root.render(<LoadingView phase="manifest" loadedBytes={0} totalBytes={0} />);

// Files still downloading after another one failed keep reporting progress: ignore it once settled.
let settled = false;
startStorefront(location.search, (progress) => {
  if (!settled) root.render(<LoadingView {...progress} />);
}).then(
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
