/**
 * One storefront per model per page, for the widgets (src/widget): every `<vitrine-grid>` on a page
 * that names the same model shares one started storefront (start.ts), so one Recommender, one event
 * store, one interest state and one copy of the item matrix on the backend. Separate recommenders
 * would each hold the matrix on the GPU and keep their own idea of the shopper's interest, which
 * only the cross-tab channel would reconcile (and it does not deliver within a page).
 *
 * The first widget starts it, with its backend preference; the last one to leave disposes it. It
 * ranks MAX_GRID_SIZE cards, the most any widget may ask for, and each widget shows its own first
 * `limit` of them, so grid positions (and the skips derived from them) mean the same in every widget.
 */
import { MAX_GRID_SIZE, type StorefrontConfig } from '../core/index.ts';
import { startWithConfig, type StartProgress, type Started, type StartedFallback } from './start.ts';

/** One widget's hold on a shared storefront. */
export interface SharedStorefront {
  /** Settles once the storefront has started (or failed to), for every widget holding it alike. */
  readonly started: Promise<Started | StartedFallback>;
  /** Lets go of it; the storefront is disposed when no widget holds it any more. Idempotent. */
  release(): void;
}

interface Entry {
  readonly started: Promise<Started | StartedFallback>;
  readonly progressListeners: Set<(progress: StartProgress) => void>;
  holders: number;
}

/** Per page (module state on purpose: the page is what the widgets share), keyed by model URL. */
const entries = new Map<string, Entry>();

/**
 * @param config the widget's parsed attributes; its `modelUrl` picks the shared storefront, and its
 *   `backend` counts only for the widget that starts it.
 * @param onProgress called as the model downloads, until the storefront has started.
 * @returns the shared storefront; call `release()` when the widget goes away.
 */
export function acquireStorefront(config: StorefrontConfig, onProgress: (progress: StartProgress) => void): SharedStorefront {
  const key = config.modelUrl;
  let entry = entries.get(key);
  if (entry === undefined) {
    const progressListeners = new Set<(progress: StartProgress) => void>();
    const started = startWithConfig({ ...config, gridSize: MAX_GRID_SIZE }, (progress) => {
      for (const listener of progressListeners) listener(progress);
    });
    const created: Entry = { started, progressListeners, holders: 0 };
    // A start that failed is forgotten, so that a widget added later tries again.
    started.catch(() => {
      if (entries.get(key) === created) entries.delete(key);
    });
    entries.set(key, created);
    entry = created;
  }
  const held = entry;
  held.holders += 1;
  held.progressListeners.add(onProgress);
  let released = false;
  return {
    started: held.started,
    release() {
      if (released) return;
      released = true;
      held.progressListeners.delete(onProgress);
      held.holders -= 1;
      // Disposed a task later, not now: an element moved in the DOM is disconnected and connected
      // again in one task, and must find its storefront still running.
      setTimeout(() => {
        if (held.holders > 0 || entries.get(key) !== held) return;
        entries.delete(key);
        held.started.then(
          (started) => {
            if (started.kind === 'storefront') started.recommender.dispose();
          },
          () => undefined,
        );
      }, 0);
    },
  };
}
