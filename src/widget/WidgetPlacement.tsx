/**
 * A placement's grid in the widget (`<vitrine-grid placement="similar" item="p0042">`): the list
 * core computes for it (placements.ts), shown with the storefront's ProductGrid and recomputed as
 * the shopper's interest moves. Clicks and "Add to cart" are recorded like the main grid's, without
 * a grid position: skips are inferred from the "For you" grid's positions, which these cards are not.
 * Its cards record no impressions in the recommender, for the same reason; the host page still hears
 * which were seen (`vitrine:impression`).
 */
import { useEffect, useMemo } from 'react';
import { toRecError, type PlacementList, type PlacementRequest, type RankedItem } from '../core/index.ts';
import { placementHeading, ProductGrid, useImpressions, useInteractions, usePlacement, useRanking, useStorefront, type Shown } from '../ui/index.ts';
import { impressionDetail, type VitrineProductDetail, type VitrineRankedDetail } from './events.ts';
import type { VitrineGridCallbacks } from './VitrineGrid.tsx';

export interface WidgetPlacementProps {
  readonly request: PlacementRequest;
  readonly limit: number;
  readonly callbacks: { readonly current: VitrineGridCallbacks };
}

export function WidgetPlacement({ request, limit, callbacks }: WidgetPlacementProps) {
  const { recommender } = useStorefront();
  const report = (error: unknown, during: 'start' | 'interaction') => {
    const recError = toRecError(error);
    console.error('Vitrine:', recError.message, recError);
    callbacks.current.onError?.({ error: recError, during });
  };
  // An unknown item is the page's setting, so it fails like a bad attribute at start.
  const list = usePlacement(request, limit, (error) => report(error, 'start'));
  const { grid, record } = useInteractions(useRanking(), (error) => report(error, 'interaction'));
  // Told to the host's analytics only: the recommender's impressions are the "For you" grid's.
  const onShown = async (shown: Shown): Promise<void> => callbacks.current.onImpression?.(impressionDetail(request.kind, shown));
  const cardRef = useImpressions(list, onShown, (error) => report(error, 'interaction'));

  useEffect(() => {
    if (list !== null) callbacks.current.onRanked?.(placementDetail(list, recommender.backend));
  }, [list, recommender, callbacks]);

  const contents = useMemo(
    () =>
      list === null
        ? null
        : {
            items: list.items,
            backend: recommender.backend,
            eventCount: list.eventCount,
            personalised: list.personalised,
            placement: { asked: list.placement, shows: list.shows },
          },
    [list, recommender],
  );
  if (list === null || contents === null) return null;
  const detail = (entry: RankedItem): VitrineProductDetail => ({ item: entry.item, position: entry.position });
  return (
    <ProductGrid
      ranking={contents}
      modelUrl={grid.modelUrl}
      busy={grid.busy}
      cartIds={grid.cartIds}
      cardRef={cardRef}
      heading={placementHeading(request, list)}
      onOpen={(entry) => {
        void record({ type: 'view', item: entry.item.id });
        callbacks.current.onProductClick?.(detail(entry));
      }}
      onAddToCart={(entry) => {
        void record({ type: 'add_to_cart', item: entry.item.id });
        callbacks.current.onAddToCart?.(detail(entry));
      }}
    />
  );
}

/** What `vitrine:ranked` says about a placement's list. */
function placementDetail(list: PlacementList, backend: VitrineRankedDetail['backend']): VitrineRankedDetail {
  return {
    itemIds: list.items.map((entry) => entry.item.id),
    eventCount: list.eventCount,
    backend,
    personalised: list.personalised,
    mode: 'for-you',
    query: null,
    resultCount: null,
    placement: list.placement,
    shows: list.shows,
  };
}
