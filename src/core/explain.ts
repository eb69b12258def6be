/**
 * Why a card is shown, in the shopper's terms: like something they interacted with recently, or
 * matching their search. A card is explained only by a clear resemblance (REASON_MIN_SIMILARITY);
 * otherwise it carries no reason rather than a weak one.
 */
import type { CatalogItem } from './catalog.ts';
import { REASON_MIN_SIMILARITY } from './constants.ts';
import type { LoadedModel } from './model.ts';
import { rowSimilarity } from './rank.ts';
import type { Reason } from './recommender-types.ts';
import type { InterestState } from './state.ts';

/** Query-to-title cosines run lower than title-to-title ones with USE, hence a smaller bar for a search. */
const SEARCH_SIMILARITY_SHARE = 0.7;

/**
 * @param model the item vectors (the model's own, which carry meaning even with a sequence model).
 * @param row the card's row.
 * @param state the state the grid ranks for (its recent items and last query).
 * @param queryVector the last query's vector in the item space, when the session searched.
 * @returns the strongest reason, or null.
 */
export function explainRow(model: LoadedModel, row: number, state: InterestState, queryVector: Float32Array | null): Reason | null {
  const { dim } = model.manifest;
  let best: Reason | null = null;
  let bestSimilarity = REASON_MIN_SIMILARITY;
  for (const recent of state.recent) {
    const recentRow = model.rowOf.get(recent.item);
    if (recentRow === undefined || recentRow === row) continue;
    const similarity = rowSimilarity(model.matrix, dim, row, recentRow);
    if (similarity > bestSimilarity) {
      bestSimilarity = similarity;
      best = { kind: 'similar', to: model.items[recentRow] as CatalogItem, via: recent.type };
    }
  }
  if (state.lastQuery !== null && queryVector !== null) {
    const dot = model.matrix.dot(row, queryVector);
    if (dot > bestSimilarity * SEARCH_SIMILARITY_SHARE) best = { kind: 'search', query: state.lastQuery.query };
  }
  return best;
}
