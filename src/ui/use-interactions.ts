/**
 * The glue between a grid of cards and the Recommender, shared by the storefront (App) and the
 * embeddable grid (src/widget): recording what the shopper does, counting the calls still being
 * applied (the grid's aria-busy), watching which cards are seen (impressions), and handing every
 * failure to the caller, so none is left as an unhandled rejection. How a failure is shown is the
 * caller's business: a banner message in the storefront, a DOM event in the widget.
 */
import { useCallback, useEffect, useRef, useState, type RefCallback } from 'react';
import type { CatalogItem, InteractionInput, ItemId, Ranking } from '../core/index.ts';
import { useStorefront } from './storefront-context.ts';
import { useImpressions, type Shown } from './use-impressions.ts';

/** What failed: the type of the interaction (impressions included) whose call was rejected. */
export type InteractionKind = InteractionInput['type'];

/** What a grid needs to show a ranking with its interactions under way (ProductGrid's props). */
export interface InteractionGrid {
  readonly ranking: Ranking;
  readonly modelUrl: string;
  /** True while any recorded interaction is still being applied. */
  readonly busy: boolean;
  readonly cartIds: ReadonlySet<ItemId>;
  /** Put on every card: impressions are recorded for the cards the shopper sees. */
  readonly cardRef: RefCallback<HTMLElement>;
}

export interface Interactions {
  /** The props for ProductGrid (spread them), besides its onOpen and onAddToCart. */
  readonly grid: InteractionGrid;
  /** The cart, in the order the items were added. */
  readonly cart: readonly CatalogItem[];
  /**
   * Records one interaction (the recommender re-ranks).
   * @returns true once applied, false when it failed (the failure has been reported).
   */
  readonly record: (input: InteractionInput) => Promise<boolean>;
  /**
   * Runs another recommender call the same way: counted as busy, its failure reported as `kind`.
   * @returns the call's result, or undefined when it failed.
   */
  readonly track: <T>(task: Promise<T>, kind: InteractionKind) => Promise<T | undefined>;
}

/**
 * @param ranking the ranking the grid shows (its cards' impressions are recorded).
 * @param onFailure called with the error and the kind of call whenever a call is rejected.
 * @param onImpressions told of the cards seen, once recorded.
 * @returns the grid's props, the cart, and functions to record interactions.
 */
export function useInteractions(
  ranking: Ranking,
  onFailure: (error: unknown, kind: InteractionKind) => void,
  onImpressions?: (shown: Shown) => void,
): Interactions {
  const { recommender, modelUrl } = useStorefront();
  const [pending, setPending] = useState(0);
  // The latest callback, so that record and track stay the same functions across renders (the
  // memoised cards skip the render that only sets the grid busy).
  const onFailureRef = useRef(onFailure);
  useEffect(() => {
    onFailureRef.current = onFailure;
  }, [onFailure]);

  const track = useCallback(async <T>(task: Promise<T>, kind: InteractionKind): Promise<T | undefined> => {
    setPending((count) => count + 1);
    try {
      return await task;
    } catch (error) {
      onFailureRef.current(error, kind);
      return undefined;
    } finally {
      setPending((count) => count - 1);
    }
  }, []);
  const record = useCallback(async (input: InteractionInput) => (await track(recommender.record(input), input.type)) !== undefined, [track, recommender]);
  // Recorded for the ranking, then told to whoever listens (the widget's host page).
  const recordShown = async (shown: Shown): Promise<void> => {
    await recommender.recordImpressions(shown);
    onImpressions?.(shown);
  };
  const cardRef = useImpressions(ranking, recordShown, (error) => onFailureRef.current(error, 'impression'));

  // The cart changes only with a re-rank (add, remove, purchase), which re-renders the caller.
  const cart = recommender.cart();
  const cartIds = new Set(cart.map((item) => item.id));
  return { grid: { ranking, modelUrl, busy: pending > 0, cartIds, cardRef }, cart, record, track };
}
