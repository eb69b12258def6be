/** The latest Ranking, re-rendering whenever the recommender re-ranks. */
import { useCallback, useSyncExternalStore } from 'react';
import type { Ranking } from '../core/index.ts';
import { useStorefront } from './storefront-context.ts';

/** @returns the recommender's current ranking. */
export function useRanking(): Ranking {
  const { recommender } = useStorefront();
  const subscribe = useCallback((onChange: () => void) => recommender.on('ranking', onChange), [recommender]);
  const snapshot = useCallback(() => recommender.ranking(), [recommender]);
  return useSyncExternalStore(subscribe, snapshot);
}
