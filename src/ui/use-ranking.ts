/**
 * The latest Ranking, re-rendering whenever the recommender re-ranks.
 *
 * Not useSyncExternalStore: React applies its updates synchronously (in a microtask right after the
 * `ranking` event), so the caller's own state that ends with the same interaction (the pending count
 * behind the grid's aria-busy) committed separately, a task later, and the browser painted the new
 * grid still busy, then painted again (measured in the storefront: a second frame per click). An
 * ordinary state update is batched with those: when the new grid and the end of busy come together
 * (a search, leaving it) they are one commit. A click's grid comes before its write has settled,
 * and so before the end of busy, on purpose: the shopper sees it a write sooner.
 */
import { useLayoutEffect, useReducer } from 'react';
import type { Ranking } from '../core/index.ts';
import { useStorefront } from './storefront-context.ts';

/** @returns the recommender's current ranking. */
export function useRanking(): Ranking {
  const { recommender } = useStorefront();
  const [, rankingArrived] = useReducer((count: number) => count + 1, 0);
  // A layout effect subscribes within the same synchronous commit as the render that read the
  // ranking, so no ranking can be emitted in between and missed.
  useLayoutEffect(() => recommender.on('ranking', rankingArrived), [recommender]);
  // The recommender always holds the latest ranking; the update above only asks for a render.
  return recommender.ranking();
}
