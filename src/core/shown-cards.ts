/**
 * The cards a list shows, loaded before it is shown: a sharded catalogue's cards are fetched by shard
 * (card-shards.ts), and a grid whose titles were not there yet could not be painted. Every list the
 * recommender hands out (the grid, a search's matches, a placement) comes through here, with the
 * cart, whose items the header's cart shows.
 */
import type { ItemId } from './ids.ts';
import type { LoadedModel } from './model.ts';
import type { RankedItem, Reason } from './recommender-types.ts';

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
