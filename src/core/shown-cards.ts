/**
 * The cards a list shows, loaded before it is shown: a sharded catalogue's cards are fetched by shard
 * (card-shards.ts), and a grid whose titles were not there yet could not be painted. Every list the
 * recommender hands out (the grid, a search's matches, a placement) comes through here, with the
 * cart, whose items the header's cart shows; and the cards ranked just below a grid are fetched
 * ahead once it has painted.
 */
import type { ItemId } from './ids.ts';
import type { LoadedModel } from './model.ts';
import type { RankedItem, Reason, UnshownRanking } from './recommender-types.ts';
import type { InterestState } from './state.ts';

/**
 * @param model the model: its card store and rows by id.
 * @param items the list.
 * @param also other items on show (the cart), by id; ids the model does not have are left out.
 * @returns once every card the list and its reasons name is on hand.
 * @throws RecError when a shard cannot be fetched or is refused (card-shards.ts).
 */
export async function loadShownCards(
  model: Pick<LoadedModel, 'cards' | 'rowOf'>,
  items: readonly Pick<RankedItem, 'item' | 'reason'>[],
  also: readonly ItemId[] = [],
): Promise<void> {
  const ids = new Set([...items.flatMap(({ item, reason }) => [item.id, namedItem(reason) ?? item.id]), ...also]);
  await model.cards.load([...ids].map((id) => model.rowOf.get(id) ?? -1).filter((row) => row >= 0));
}

function namedItem(reason: Reason | null): ItemId | null {
  if (reason === null) return null;
  if (reason.kind === 'similar' || reason.kind === 'like') return reason.to.id;
  if (reason.kind === 'bought-together' || reason.kind === 'goes-with') return reason.with.id;
  return null;
}

/**
 * Once the grid has painted, fetches what the next click's grid likely needs: the cards of `rows`
 * (the ones ranked just below the grid) when the catalogue is sharded, and what the item space reads
 * ahead (a paged space: vector pages). What fails here is fetched again, and reported, by the load that needs it.
 * @param readAhead the ranker's (Ranker.readAhead), or null when its space reads nothing ahead.
 */
export function fetchAhead(
  model: Pick<LoadedModel, 'cards'>,
  rows: readonly number[],
  afterPaint: () => Promise<void>,
  readAhead: (() => Promise<void>) | null,
): void {
  const cards = rows.length > 0 && !model.cards.whole;
  if (!cards && readAhead === null) return;
  void afterPaint()
    .then(() => Promise.all([cards ? model.cards.load(rows) : undefined, readAhead?.()]))
    .catch(() => undefined);
}

/** The ranking once the cards it shows, and the cart's, are on hand. */
export async function withShownCards(
  model: Pick<LoadedModel, 'cards' | 'rowOf'>,
  basis: InterestState,
  ranked: Promise<UnshownRanking>,
): Promise<UnshownRanking> {
  const ranking = await ranked;
  await loadShownCards(model, ranking.items, basis.cart);
  return ranking;
}
