/**
 * A placement's list (core's placements.ts), computed again whenever the recommender re-ranks: the
 * shopper's interest and history are what it follows, and a ranking is when they moved.
 */
import { useEffect, useRef, useState } from 'react';
import type { PlacementList, PlacementRequest } from '../core/index.ts';
import { useRanking } from './use-ranking.ts';
import { useStorefront } from './storefront-context.ts';

/**
 * @param request which placement (keep the object the same across renders for the same settings).
 * @param limit at most this many items.
 * @param onFailure told when a list cannot be computed (e.g. an unknown item); the last list stays.
 * @returns the latest list, or null before the first.
 */
export function usePlacement(request: PlacementRequest, limit: number, onFailure: (error: unknown) => void): PlacementList | null {
  const { recommender } = useStorefront();
  const ranking = useRanking();
  // The latest reporter, so that a new callback each render does not compute the list again.
  const onFailureRef = useRef(onFailure);
  useEffect(() => {
    onFailureRef.current = onFailure;
  }, [onFailure]);
  const [list, setList] = useState<{ readonly request: PlacementRequest; readonly list: PlacementList } | null>(null);
  useEffect(() => {
    let live = true;
    recommender.placement(request, limit).then(
      (next) => {
        if (live) setList({ request, list: next });
      },
      (error: unknown) => {
        if (live) onFailureRef.current(error);
      },
    );
    return () => {
      live = false;
    };
  }, [recommender, request, limit, ranking]);
  // A list for other settings is not shown while the new one is computed.
  return list?.request === request ? list.list : null;
}
