/**
 * What the widget tells its host page, and what the host page tells it: the DOM events a
 * `<vitrine-grid>` dispatches (typed for `addEventListener` by augmenting HTMLElementEventMap) and
 * the interactions the host may record through `element.record()`. Item ids are plain strings at
 * this boundary: the host page's own product ids, checked against the catalogue by core.
 */
import type { AvailabilityChange, BackendName, CatalogItem, InteractionInput, ItemId, PlacementName, Ranking, RecError } from '../core/index.ts';

/** A card the shopper acted on: the catalogue item and its 0-based position in the grid. */
export interface VitrineProductDetail {
  readonly item: CatalogItem;
  readonly position: number;
}

/** The grid shows a new ranking. */
export interface VitrineRankedDetail {
  /** The ids of the cards shown, in order (at most `limit`). */
  readonly itemIds: readonly string[];
  /** How many interactions the ranking reflects (impressions included). */
  readonly eventCount: number;
  readonly backend: BackendName;
  readonly personalised: boolean;
  /** 'search' while a search's matches are shown (element.search()), else 'for-you'. */
  readonly mode: 'for-you' | 'search';
  /** The query shown (mode 'search'), else null. */
  readonly query: string | null;
  /** How many products match it (mode 'search'), else null. */
  readonly resultCount: number | null;
  /** The grid's placement attribute ('for-you' by default). */
  readonly placement: PlacementName;
  /** What it shows: the placement, its fallback ('trending' for a recently-viewed grid without history), or 'search'. */
  readonly shows: PlacementName | 'search';
}

/**
 * @param ranking the shared ranking.
 * @param limit how many cards the grid shows.
 * @returns what `vitrine:ranked` and `element.ranked` say about it.
 */
export function rankedDetail(ranking: Ranking, limit: number): VitrineRankedDetail {
  return {
    itemIds: ranking.items.slice(0, limit).map((entry) => entry.item.id),
    eventCount: ranking.eventCount,
    backend: ranking.backend,
    personalised: ranking.personalised,
    mode: ranking.mode,
    query: ranking.search?.query ?? null,
    resultCount: ranking.search?.resultCount ?? null,
    placement: 'for-you',
    shows: ranking.mode,
  };
}

/** Cards the shopper saw (at least half in view), for the host's own analytics. */
export interface VitrineImpressionDetail {
  /** The grid's placement ('for-you' for the main grid). */
  readonly placement: PlacementName;
  /** Each card seen: its item id and 0-based position in the grid. */
  readonly shown: readonly { readonly itemId: string; readonly position: number }[];
}

/**
 * @param placement the grid's placement.
 * @param shown the cards seen (use-impressions.ts).
 */
export function impressionDetail(placement: PlacementName, shown: readonly { readonly item: ItemId; readonly position: number }[]): VitrineImpressionDetail {
  return { placement, shown: shown.map(({ item, position }) => ({ itemId: item, position })) };
}

/** The widget could not start (bad attribute, model missing) or an interaction failed. */
export interface VitrineErrorDetail {
  readonly error: RecError;
  /** 'start': the grid is not shown (its element shows the error instead); 'interaction': it still is. */
  readonly during: 'start' | 'interaction';
}

/** The events a `<vitrine-grid>` dispatches; they bubble and cross the shadow boundary. */
export interface VitrineEventMap {
  /** A card was clicked: the widget recorded a view; navigating to the product is the host's job. */
  'vitrine:product-click': CustomEvent<VitrineProductDetail>;
  /** A card's "Add to cart" was clicked: the widget recorded it; the host puts it in its cart. */
  'vitrine:add-to-cart': CustomEvent<VitrineProductDetail>;
  'vitrine:ranked': CustomEvent<VitrineRankedDetail>;
  /** Cards came into view (batched): for the host's analytics; nothing is sent anywhere by the widget. */
  'vitrine:impression': CustomEvent<VitrineImpressionDetail>;
  'vitrine:error': CustomEvent<VitrineErrorDetail>;
}

declare global {
  // Declaration merging is how the DOM's event map is extended (a type, not a runtime global).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends VitrineEventMap {}
}

/**
 * An interaction from the host page: core's InteractionInput with the item as the host's string id,
 * e.g. `{ type: 'purchase', item: 'sku-42' }`, `{ type: 'add_to_cart', item }` or
 * `{ type: 'search', query: 'rain jacket' }`. The host page is often plain JavaScript, so
 * `element.record()` validates it again at run time (core's parseInteractionInput).
 */
export type HostInteraction = WithStringItem<InteractionInput>;

/** A stock or price change from the host page: core's AvailabilityChange with the item as the host's string id. */
export type HostAvailabilityChange = WithStringItem<AvailabilityChange>;

/** Core's input with the item as a plain string (distributes over the InteractionInput union). */
type WithStringItem<Input> = Input extends { readonly item: ItemId } ? Omit<Input, 'item'> & { readonly item: string } : Input;
