/**
 * Placements: the lists a storefront shows besides "For you", each computed on the device from the
 * model and the shopper's state, and each with a fallback so that it is never empty:
 *  - `similar`: the items nearest a given item in the item space, re-ordered within by the
 *    shopper's interest (search.ts `personaliseWithin`: it decides between items of similar
 *    resemblance, never lifts a weak one over a strong one by much); the item itself, its variants
 *    and unavailable items excluded, one variant per group.
 *  - `recently-viewed`: the items the shopper interacted with (viewed, carted, bought), newest
 *    first; with no history yet, `trending`.
 *  - `trending`: the model's time-decayed popularity prior, optionally within one category; a
 *    category with nothing available falls back to every category.
 *  - `buy-again`: what the shopper bought that the shop's repurchase rules make due again (availability.ts),
 *    the most overdue first; with nothing due, `trending`.
 *  - `complements` of an item, or of the cart without one: what is bought together with it, then
 *    what goes with it from another category (complements.ts); never the item, what is in the cart,
 *    or a variant of either. With an empty cart, or nothing that goes with it, `trending`.
 * A placement's list says which placement it shows (`shows`), so a fallback is labelled as what it is.
 */
import { loadVectorRows } from './paged-matrix.ts';
import { loadShownCards } from './shown-cards.ts';
import type { CatalogItem } from './catalog.ts';
import { RecError } from './errors.ts';
import { toItemId, toScore, type ItemId } from './ids.ts';
import { asMatrix, type ItemRows } from './item-matrix.ts';
import type { LiveCatalog } from './live-catalog.ts';
import type { LoadedModel } from './model.ts';
import type { ItemSpace } from './ports.ts';
import type { RankedItem, Reason } from './recommender-types.ts';
import { interestCosine, personaliseWithin } from './search.ts';
import { repurchaseDue, unavailableRows } from './availability.ts';
import { indexCatalog, onePerGroup } from './catalog.ts';
import { boughtTogether, goesWith, goesWithQuery, mergeComplements, substitutesOf, type Complement } from './complements.ts';
import type { InterestState } from './state.ts';
import { quote } from './validate.ts';

export const PLACEMENTS = ['for-you', 'similar', 'complements', 'recently-viewed', 'trending', 'buy-again'] as const;
export type PlacementName = (typeof PLACEMENTS)[number];

/** A placement other than "For you" (which is the recommender's ranking itself). */
export type PlacementRequest =
  | { readonly kind: 'similar'; readonly item: ItemId }
  /** Of the item, or (null) of the cart. */
  | { readonly kind: 'complements'; readonly item: ItemId | null }
  | { readonly kind: 'recently-viewed' }
  | { readonly kind: 'trending'; readonly category: string | null }
  | { readonly kind: 'buy-again' };

export interface PlacementList {
  /** The placement asked for. */
  readonly placement: PlacementRequest['kind'];
  /** The placement shown: the one asked for, or its fallback (`trending` for a shopper with no history). */
  readonly shows: PlacementRequest['kind'];
  readonly items: readonly RankedItem[];
  /** How many events the list reflects. */
  readonly eventCount: number;
  /** Whether the shopper's interest ordered it (false before they have done anything). */
  readonly personalised: boolean;
}

/** `similar` asks the space for this many times the list's length: variants and groups thin the candidates. */
const SIMILAR_CANDIDATES_PER_SLOT = 4;

/**
 * Reads a placement from a host's settings (an element's attributes, a component's props).
 * @param settings `placement` (default for-you), `item` (for similar), `category` (for trending).
 * @param source where the settings come from, for messages (e.g. "<vitrine-grid> attribute").
 * @returns null for "for-you", else the request.
 * @throws RecError CONFIG_INVALID naming the setting that is wrong.
 */
export function parsePlacement(settings: { get(name: string): string | null }, source: string): PlacementRequest | null {
  const placement = settings.get('placement') ?? 'for-you';
  if (!(PLACEMENTS as readonly string[]).includes(placement)) {
    throw new RecError('CONFIG_INVALID', `"placement" must be one of ${PLACEMENTS.join(', ')}, found ${quote(placement)}`, {
      file: source,
      field: 'placement',
    });
  }
  const item = settings.get('item');
  if (placement === 'complements') return { kind: 'complements', item: item === null || item.trim() === '' ? null : toItemId(item.trim()) };
  if (placement === 'similar') {
    if (item === null || item.trim() === '') {
      throw new RecError('CONFIG_INVALID', '"placement" similar needs "item": the id of the product the list is similar to', { file: source, field: 'item' });
    }
    return { kind: 'similar', item: toItemId(item.trim()) };
  }
  if (placement === 'trending') return { kind: 'trending', category: settings.get('category')?.trim() || null };
  if (placement === 'buy-again') return { kind: 'buy-again' };
  return placement === 'recently-viewed' ? { kind: 'recently-viewed' } : null;
}

export interface PlacementOptions {
  readonly model: LoadedModel;
  readonly space: ItemSpace;
  /** The matrix the space holds (the interest's space). */
  readonly spaceVectors: ItemRows;
  /** The catalogue with the host's stock and price changes. */
  readonly catalog: LiveCatalog;
  /** Wall clock (epoch ms): consumables become available again after their interval. */
  readonly now: () => number;
}

/** @param options the model, its space and the shop's availability. */
export function createPlacements(options: PlacementOptions) {
  const { model, space, spaceVectors } = options;
  const { dim } = model.manifest;
  const { catalog } = options;
  /** Rows by group and category: the host's changes are stock and prices, so the model's index holds. */
  const index = indexCatalog(model.items);
  /** Rows never shown for a state: out of stock, or bought and not due again. */
  const unavailable = (state: InterestState): Set<number> =>
    unavailableRows(catalog.outOfStock(), catalog.items(), model.rules, state.purchased, model.rowOf, options.now());

  const entries = (rows: readonly { readonly row: number; readonly relevance: number }[], limit: number, reason: (row: number) => Reason): RankedItem[] =>
    rows
      .slice(0, limit)
      .map(({ row, relevance }, position) => ({ item: catalog.items()[row] as CatalogItem, row, position, score: toScore(relevance), reason: reason(row) }));

  /** Rows by popularity, most popular first, catalogue order breaking ties (a model without popularity keeps the shop's order); sorted once. */
  let popularOrder: readonly number[] | null = null;
  const byPopularity = (): readonly number[] =>
    (popularOrder ??= model.items.map((_, row) => row).sort((a, b) => (model.popularity?.[b] ?? 0) - (model.popularity?.[a] ?? 0) || a - b));

  const trending = (state: InterestState, category: string | null, limit: number): RankedItem[] => {
    const excluded = unavailable(state);
    const rows = byPopularity().filter((row) => !excluded.has(row));
    const inCategory = category === null ? [] : rows.filter((row) => model.items[row]?.category === category);
    const chosen = (inCategory.length > 0 ? inCategory : rows).map((row) => ({ row, relevance: model.popularity?.[row] ?? 0 }));
    return entries(onePerGroup(chosen, model.items), limit, () => ({ kind: 'popular' }));
  };

  const rowOfItem = (id: ItemId): number => {
    const row = model.rowOf.get(id);
    if (row === undefined) throw new RecError('UNKNOWN_ITEM', `"item" ${quote(id)} is not in the catalogue`, { field: 'item' });
    return row;
  };

  const similar = async (state: InterestState, id: ItemId, limit: number): Promise<RankedItem[]> => {
    const row = rowOfItem(id);
    const anchor = catalog.items()[row] as CatalogItem;
    const excluded = unavailable(state);
    // The item itself and its variants.
    for (const variant of substitutesOf([row], index)) excluded.add(variant);
    await loadVectorRows(spaceVectors, [row]);
    const found = await space.topK(asMatrix(spaceVectors, dim).row(row), limit * SIMILAR_CANDIDATES_PER_SLOT, excluded);
    await loadVectorRows(spaceVectors, found.rows);
    const nearest = found.rows.map((candidate, rank) => ({ row: candidate, relevance: found.scores[rank] ?? 0 }));
    const personal = state.vector.some((v) => v !== 0) ? interestCosine(state.vector, spaceVectors, dim) : null;
    return entries(onePerGroup(personaliseWithin(nearest, personal), model.items), limit, () => ({ kind: 'like', to: anchor }));
  };

  const complements = async (state: InterestState, id: ItemId | null, limit: number): Promise<RankedItem[]> => {
    const inCart = state.cart.flatMap((item) => model.rowOf.get(item) ?? []).reverse();
    const anchors = id === null ? inCart : [rowOfItem(id)];
    if (anchors.length === 0) return [];
    const excluded = unavailable(state);
    for (const row of substitutesOf([...anchors, ...inCart], index)) excluded.add(row);
    const bought = boughtTogether(model.complements ?? null, anchors, excluded);
    await loadVectorRows(spaceVectors, anchors);
    const fallback = bought.length >= limit * SIMILAR_CANDIDATES_PER_SLOT ? null : goesWithQuery(anchors, index, spaceVectors, dim);
    let text: Complement[] = [];
    if (fallback !== null) {
      const found = await space.topK(fallback.query, limit * SIMILAR_CANDIDATES_PER_SLOT, new Set([...excluded, ...fallback.sameCategory]));
      await loadVectorRows(spaceVectors, found.rows);
      text = goesWith(found, anchors, spaceVectors, dim);
    }
    const chosen = onePerGroup(mergeComplements(bought, text, limit * SIMILAR_CANDIDATES_PER_SLOT), model.items);
    const byRow = new Map(chosen.map((complement) => [complement.row, complement]));
    return entries(chosen, limit, (row) => {
      const { source, with: anchor } = byRow.get(row) as Complement;
      return { kind: source, with: catalog.items()[anchor] as CatalogItem };
    });
  };

  const recentlyViewed = (state: InterestState, limit: number): RankedItem[] => {
    const rows = state.recent.flatMap(({ item, type }) => {
      const row = model.rowOf.get(item);
      return row === undefined || catalog.outOfStock().has(row) ? [] : [{ row, relevance: 1, type }];
    });
    const byRow = new Map(rows.map(({ row, type }) => [row, type]));
    return entries(rows, limit, (row) => ({ kind: 'recent', via: byRow.get(row) ?? 'view' }));
  };

  const buyAgain = (state: InterestState, limit: number): RankedItem[] => {
    const items = catalog.items();
    const due = state.purchased.flatMap(({ item, time }) => {
      const row = model.rowOf.get(item);
      const bought = row === undefined ? undefined : items[row];
      if (row === undefined || bought === undefined || catalog.outOfStock().has(row)) return [];
      const overdue = repurchaseDue(model.rules, bought, row, time, options.now());
      return overdue !== null && overdue >= 1 ? [{ row, relevance: overdue }] : [];
    });
    due.sort((a, b) => b.relevance - a.relevance || a.row - b.row);
    return entries(due, limit, () => ({ kind: 'recent', via: 'purchase' }));
  };

  /** A placement's own list; empty where its fallback shows instead. */
  const own = async (state: InterestState, request: PlacementRequest, limit: number): Promise<RankedItem[]> => {
    if (request.kind === 'similar') return similar(state, request.item, limit);
    if (request.kind === 'complements') return complements(state, request.item, limit);
    if (request.kind === 'recently-viewed') return recentlyViewed(state, limit);
    if (request.kind === 'buy-again') return buyAgain(state, limit);
    return trending(state, request.category, limit);
  };

  return {
    /**
     * @param state the shopper's state.
     * @param request which placement.
     * @param limit at most this many items.
     * @throws RecError UNKNOWN_ITEM when `similar` or `complements` names an item not in the catalogue.
     */
    async list(state: InterestState, request: PlacementRequest, limit: number): Promise<PlacementList> {
      const facts = { placement: request.kind, eventCount: state.eventCount, personalised: state.vector.some((v) => v !== 0) };
      const ownItems = await own(state, request, limit);
      // Recently viewed, buy again and complements can be empty (no history, nothing due, an empty
      // cart, a catalogue without categories): trending stands in.
      const shows = ownItems.length > 0 || request.kind === 'similar' || request.kind === 'trending' ? request.kind : 'trending';
      const items = shows === request.kind ? ownItems : trending(state, null, limit);
      await loadShownCards(model, items);
      return { ...facts, shows, items };
    },
  };
}

export type Placements = ReturnType<typeof createPlacements>;
