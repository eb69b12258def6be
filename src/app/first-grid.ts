/**
 * The grid painted before the engine is ready, from the verified model alone: the shopper's last
 * shown grid when this browser kept one for this model (a returning shopper), else the grid a new
 * shopper gets (popularity under the shop's rules, as core's ranker arranges it, without the
 * exploration slots, which are drawn per session). It is replaced by the recommender's first
 * ranking once the engine has started; both have the same cards in the same sizes, so the swap
 * moves nothing on the page.
 *
 * The last grid is kept in localStorage, not IndexedDB: it is read synchronously before the first
 * paint, with no database to open on the critical path, and it is a few hundred bytes (item ids
 * and reasons). It is a copy of what the events already say, so it is cleared whenever the
 * recommender shows an unpersonalised grid (after "erase everything", here or in another tab) and
 * ignored when the catalogue changed (keyed by the catalogue file's sha256).
 */
import type { CatalogItem } from '../core/catalog.ts';
import { loadShownCards } from '../core/shown-cards.ts';
import type { ItemId } from '../core/ids.ts';
import type { InteractionType } from '../core/interactions.ts';
import type { ItemRows } from '../core/item-matrix.ts';
import { arrangeGrid } from '../core/list-quality.ts';
import type { LoadedModel } from '../core/model.ts';
import { gramMatrix, topK } from '../core/rank.ts';
import { loadVectorRows } from '../core/paged-matrix.ts';
import type { Ranking, Reason } from '../core/recommender-types.ts';
import { outOfStockRows, unavailableRows } from '../core/availability.ts';
import type { GridContents } from '../ui/ProductGrid.tsx';
import type { GridEntry } from '../ui/ProductCard.tsx';

/** The first grid, and the cart size the header shows until the engine is ready. */
export interface FirstGrid {
  readonly contents: GridContents<GridEntry> & { readonly backend: 'starting' };
  readonly cartCount: number;
}

/** What the first grid is drawn from: the space's vectors and prior, as start.ts uploads them. */
export interface FirstGridSource {
  readonly model: LoadedModel;
  readonly vectors: ItemRows;
  readonly prior: Float32Array | null;
  /** How much the prior adds to a score (the space's priorWeight). */
  readonly priorWeight: number;
  readonly gridSize: number;
}

/** localStorage, or what stands in for it; failures to read or write are ignored. */
export type GridStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const KEY_PREFIX = 'vitrine.lastGrid.v1:';

/** A card as kept: its item id and its reason (the item a "similar" reason names, by id). */
interface KeptCard {
  readonly id: string;
  readonly reason: { readonly kind: Reason['kind']; readonly to?: string; readonly via?: InteractionType; readonly query?: string } | null;
}

interface KeptGrid {
  readonly catalog: string;
  readonly cards: readonly KeptCard[];
  readonly eventCount: number;
  readonly actionCount: number;
  readonly cartCount: number;
}

/** @param modelUrl the model folder's URL path. @returns the key its last grid is kept under. */
function keyOf(modelUrl: string): string {
  return `${KEY_PREFIX}${modelUrl}`;
}

/**
 * @param source the verified model and what the space will score.
 * @param store where the last grid is kept, when the browser allows it.
 * @param modelUrl the model folder's URL path.
 * @returns the grid to paint before the engine is ready.
 */
export async function firstGrid(source: FirstGridSource, store: GridStore | null, modelUrl: string): Promise<FirstGrid> {
  const kept = readKept(store, modelUrl, source.model);
  const grid = kept ?? { contents: { ...(await popularGrid(source)), backend: 'starting' as const }, cartCount: 0 };
  await loadShownCards(source.model, grid.contents.items);
  return grid;
}

/**
 * Keeps the "for you" grid the recommender shows, for the next visit's first paint; forgets it when
 * the grid is not personalised (a new or erased shopper gets the popular grid anyway).
 * @param ranking the ranking on show.
 * @param cartCount the cart's size.
 */
export function keepGrid(store: GridStore | null, modelUrl: string, model: LoadedModel, ranking: Ranking, cartCount: number): void {
  if (ranking.mode !== 'for-you') return;
  try {
    if (!ranking.personalised) {
      store?.removeItem(keyOf(modelUrl));
      return;
    }
    const cards = ranking.items.map(({ item, reason }) => ({ id: item.id, reason: keptReason(reason) }));
    const kept: KeptGrid = { catalog: model.manifest.files.catalog.sha256, cards, eventCount: ranking.eventCount, actionCount: ranking.actionCount, cartCount };
    store?.setItem(keyOf(modelUrl), JSON.stringify(kept));
  } catch {
    // Storage full or refused: the next visit paints the popular grid first.
  }
}

function keptReason(reason: Reason | null): KeptCard['reason'] {
  if (reason === null) return null;
  if (reason.kind === 'similar') return { kind: 'similar', to: reason.to.id, via: reason.via };
  if (reason.kind === 'search') return { kind: 'search', query: reason.query };
  return { kind: reason.kind };
}

/** The kept grid, when there is one for this catalogue and every card is still in it. */
function readKept(store: GridStore | null, modelUrl: string, model: LoadedModel): FirstGrid | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(store?.getItem(keyOf(modelUrl)) ?? 'null');
  } catch {
    return null;
  }
  if (!isKeptGrid(parsed) || parsed.catalog !== model.manifest.files.catalog.sha256) return null;
  const itemOf = (id: string | undefined): CatalogItem | undefined => {
    const row = id === undefined ? undefined : model.rowOf.get(id as ItemId);
    return row === undefined ? undefined : model.items[row];
  };
  const items: GridEntry[] = [];
  for (const card of parsed.cards) {
    const item = itemOf(card.id);
    if (item === undefined) return null;
    items.push({ item, position: items.length, reason: restoredReason(card.reason, itemOf) });
  }
  return {
    contents: { items, backend: 'starting', eventCount: parsed.eventCount, actionCount: parsed.actionCount, personalised: true },
    cartCount: parsed.cartCount,
  };
}

function restoredReason(kept: KeptCard['reason'], itemOf: (id: string | undefined) => CatalogItem | undefined): Reason | null {
  if (kept === null) return null;
  if (kept.kind === 'similar') {
    const to = itemOf(kept.to);
    return to === undefined || kept.via === undefined ? null : { kind: 'similar', to, via: kept.via };
  }
  if (kept.kind === 'search') return { kind: 'search', query: kept.query ?? '' };
  // A placement's reasons never reach the "For you" grid kept here.
  return kept.kind === 'popular' || kept.kind === 'pinned' || kept.kind === 'explore' ? { kind: kept.kind } : null;
}

function isKeptGrid(value: unknown): value is KeptGrid {
  if (typeof value !== 'object' || value === null) return false;
  const { catalog, cards, eventCount, actionCount, cartCount } = value as Record<string, unknown>;
  return (
    typeof catalog === 'string' &&
    Number.isInteger(eventCount) &&
    Number.isInteger(actionCount) &&
    Number.isInteger(cartCount) &&
    Array.isArray(cards) &&
    cards.every((card: unknown) => typeof card === 'object' && card !== null && typeof (card as Record<string, unknown>)['id'] === 'string')
  );
}

/** A new shopper's grid: the prior's best under the shop's rules, arranged as the ranker does. */
async function popularGrid(source: FirstGridSource): Promise<Omit<GridContents<GridEntry>, 'backend'>> {
  const { model, vectors, prior, priorWeight, gridSize } = source;
  const dim = model.manifest.dim;
  // With no interest, core/rank.ts scores a row as 0 + priorWeight * prior: that, without the
  // dim-long zero dot products (12.8 million multiplications for 100,000 x 128). The weight matters
  // for the diversity trade-off, which weighs scores against similarities.
  const scores = Float32Array.from({ length: model.items.length }, (_, row) => priorWeight * (prior?.[row] ?? 0));
  const space = {
    topK: (_interest: Float32Array, k: number, excluded: ReadonlySet<number>) => Promise.resolve(topK(scores, k, excluded)),
    similarities: async (rows: readonly number[]) => {
      await loadVectorRows(vectors, rows);
      return gramMatrix(vectors, dim, rows);
    },
  };
  const { grid } = await arrangeGrid(space, new Float32Array(dim), {
    size: gridSize,
    excluded: unavailableRows(outOfStockRows(model.items), model.items, model.rules, [], model.rowOf, Date.now()),
    items: model.items,
    rules: model.rules,
    explorationSlots: 0,
    shown: new Set(),
    random: Math.random,
  });
  const items = grid.map(({ row, source: why }, position) => ({
    item: model.items[row] as CatalogItem,
    position,
    reason: why === 'pinned' ? ({ kind: 'pinned' } as const) : ({ kind: 'popular' } as const),
  }));
  return { items, eventCount: 0, actionCount: 0, personalised: false };
}
