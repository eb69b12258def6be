/**
 * The shopper's interest state: a fold over their events. The vector part is moved by fold.ts (in
 * the ItemSpace, or with rank.ts when rebuilding); this module folds the rest. Stored beside the events
 * and reused only for the same model (see modelKey), otherwise rebuilt from the events.
 */
import type { ItemId } from './ids.ts';
import { isPositive, type InteractionEvent, type InteractionType } from './interactions.ts';
import { RECENT_INTERACTIONS_KEPT, SEQUENCE_ITEMS_KEPT } from './constants.ts';

export interface RecentInteraction {
  readonly item: ItemId;
  readonly type: InteractionType;
  readonly time: number;
}

/** The latest purchase of an item. */
export interface Purchase {
  readonly item: ItemId;
  readonly time: number;
}

export interface InterestState {
  readonly modelKey: string;
  readonly vector: Float32Array;
  /** How many events have been folded in (all types). */
  readonly eventCount: number;
  /**
   * How many of them the shopper did (views, dwells, cart changes, purchases, searches): not
   * impressions, which only say what was on screen, nor skips, which are inferred from a click.
   */
  readonly actionCount: number;
  readonly lastEventTime: number | null;
  /**
   * One entry per item bought, with its latest purchase time, oldest first: durables are not
   * recommended again, consumables only after the shop's interval (shop-rules.ts).
   */
  readonly purchased: readonly Purchase[];
  /** Added to the cart and not yet removed or bought, oldest first. */
  readonly cart: readonly ItemId[];
  /** Newest first, one entry per item: explains recommendations ("because you viewed …"). */
  readonly recent: readonly RecentInteraction[];
  /**
   * What a sequence model reads: the items of the latest SEQUENCE_ITEMS_KEPT positive item
   * interactions, oldest first, repeats kept (viewing, then adding to the cart, is two steps).
   */
  readonly sequence: readonly ItemId[];
  readonly lastQuery: { readonly query: string; readonly time: number } | null;
}

/**
 * @param modelKey the model this state belongs to.
 * @param dim the model's dimension.
 */
export function emptyState(modelKey: string, dim: number): InterestState {
  return {
    modelKey,
    vector: new Float32Array(dim),
    eventCount: 0,
    actionCount: 0,
    lastEventTime: null,
    purchased: [],
    cart: [],
    recent: [],
    sequence: [],
    lastQuery: null,
  };
}

/**
 * @param state before the event.
 * @param event the event folded in.
 * @param vector the interest vector after the event.
 */
export function advanceState(state: InterestState, event: InteractionEvent, vector: Float32Array): InterestState {
  let { purchased, cart, recent, sequence, lastQuery } = state;
  if (event.type === 'purchase') purchased = [...purchased.filter((p) => p.item !== event.item), { item: event.item, time: event.time }];
  if (event.type === 'add_to_cart' && !cart.includes(event.item)) cart = [...cart, event.item];
  if (event.type === 'remove_from_cart' || event.type === 'purchase') cart = cart.filter((id) => id !== event.item);
  if (event.type === 'search') lastQuery = { query: event.query, time: event.time };
  if (isPositive(event)) {
    const entry = { item: event.item, type: event.type, time: event.time };
    recent = withLatest(recent, entry, (r) => r.item);
    sequence = [...sequence, event.item].slice(-SEQUENCE_ITEMS_KEPT);
  }
  return {
    modelKey: state.modelKey,
    vector,
    eventCount: state.eventCount + 1,
    actionCount: state.actionCount + (isAction(event) ? 1 : 0),
    lastEventTime: event.time,
    purchased,
    cart,
    recent,
    sequence,
    lastQuery,
  };
}

/** @param event any event; @returns whether the shopper did it (not an impression or an inferred skip). */
export function isAction(event: InteractionEvent): boolean {
  return event.type !== 'impression' && event.type !== 'skip';
}

/**
 * The rule for the shopper's recent items (the state's `recent`, whose neighbours vote): the newest
 * first, each item once, at most RECENT_INTERACTIONS_KEPT.
 * @param recent the list so far, newest first.
 * @param entry the newest.
 * @param itemOf what makes two entries the same item.
 */
export function withLatest<T, K>(recent: readonly T[], entry: T, itemOf: (entry: T) => K): T[] {
  const item = itemOf(entry);
  return [entry, ...recent.filter((r) => itemOf(r) !== item)].slice(0, RECENT_INTERACTIONS_KEPT);
}
