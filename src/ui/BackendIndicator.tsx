/**
 * The engine's state for developers: which backend re-ranks the grid, why, with which interest
 * model, how long the last click took until its grid was painted, and what the item space holds
 * (data attributes only). Shoppers never see it: it is
 * shown only with `?debug=1` in the page's URL, as an overlay outside the page's layout; otherwise
 * the element is hidden and carries the same facts as data attributes (for tests and tools).
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ItemSpaceMemory, Ranking } from '../core/index.ts';
import { BACKEND_LABELS, formatMs } from './format.ts';

/** What the indicator shows: the latest ranking's engine facts, or null while the engine starts. */
export type EngineStatus = Pick<Ranking, 'backend' | 'backendReason' | 'interestModel' | 'tookMs'> | null;

/** How the title names what scored the grid. */
const INTEREST_MODEL_LABELS = {
  sequence: "the shop's trained sequence model, from your latest items",
  decay: 'your recent interactions and searches, older ones fading',
} as const;

/** `?debug=1`: the overlay is shown (read once: the page reloads to change it). */
const DEBUG = typeof location !== 'undefined' && new URLSearchParams(location.search).get('debug') === '1';

/**
 * @param ranking the engine's latest facts, or null while it starts.
 * @param itemSpace what the item space holds (Recommender.itemSpaceMemory), or null while the engine starts.
 */
export function BackendIndicator({ ranking, itemSpace }: { readonly ranking: EngineStatus; readonly itemSpace: ItemSpaceMemory | null }) {
  const clickToPaint = useClickToPaint(ranking, DEBUG);
  const title =
    ranking === null
      ? 'The on-device engine is starting'
      : `Where the products are re-ranked (on this device)${ranking.backendReason === undefined ? '' : `, chosen because ${ranking.backendReason}`}, by ${INTEREST_MODEL_LABELS[ranking.interestModel]}, and how long the last click took until its grid was painted`;
  return (
    <p
      className="backend"
      hidden={!DEBUG}
      data-testid="backend-indicator"
      data-backend={ranking?.backend ?? 'starting'}
      data-backend-reason={ranking?.backendReason}
      data-interest-model={ranking?.interestModel}
      data-took-ms={ranking?.tookMs}
      data-click-to-paint-ms={clickToPaint ?? undefined}
      data-item-space-matrix-bytes={itemSpace?.matrixBytes}
      data-item-space-table-bytes={itemSpace?.tableBytes}
      data-item-space-backend-bytes={itemSpace?.backendBytes}
      title={title}
    >
      <span className="backend__dot" aria-hidden="true" />
      <span className="backend__name">{ranking === null ? 'Starting' : BACKEND_LABELS[ranking.backend]}</span>
      {clickToPaint !== null && <span className="backend__time">{formatMs(clickToPaint)}</span>}
    </p>
  );
}

/**
 * Milliseconds from the latest click or key press to the paint of the next ranking it brought, or
 * null before the first (and always when `on` is false: nothing is listened to).
 * @param ranking the ranking on show (a new object per re-rank).
 * @param on whether to measure.
 */
function useClickToPaint(ranking: EngineStatus, on: boolean): number | null {
  const [ms, setMs] = useState<number | null>(null);
  const lastInput = useRef<number | null>(null);
  useEffect(() => {
    if (!on) return;
    const note = (event: Event): void => {
      lastInput.current = event.timeStamp;
    };
    addEventListener('click', note, { capture: true });
    addEventListener('keydown', note, { capture: true });
    return () => {
      removeEventListener('click', note, { capture: true });
      removeEventListener('keydown', note, { capture: true });
    };
  }, [on]);
  useLayoutEffect(() => {
    const started = lastInput.current;
    if (!on || started === null) return;
    lastInput.current = null;
    let current = true;
    // This commit is painted in the next frame; a task queued from its animation-frame callback runs after that paint.
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (current) setMs(performance.now() - started);
      }, 0),
    );
    return () => {
      current = false;
    };
  }, [ranking, on]);
  return ms;
}
