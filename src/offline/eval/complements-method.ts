/**
 * The storefront's `complements` placement, evaluated as a ranking method: the complements of the
 * shopper's history (their latest items as the anchors, newest first, as a cart's items are) by
 * core's own steps (core/complements.ts): bought together from the model's complements file, then
 * what goes with the anchors from other categories, in the model's item space with its popularity
 * prior (the placement's space), then the rest by training popularity so that every method ranks
 * `depth` rows. Next to item-kNN it answers whether the builder's basket statistics and the text
 * fallback find what the shopper buys next.
 */
import { indexCatalog, onePerGroup } from '../../core/catalog.ts';
import { boughtTogether, goesWith, goesWithQuery, mergeComplements, substitutesOf } from '../../core/complements.ts';
import type { LoadedModel } from '../../core/model.ts';
import { NEIGHBOUR_RECENT } from '../../core/neighbours.ts';
import type { BatchScorer } from '../../engine/batch-scorer.ts';
import type { EvalCase } from './dataset.ts';
import type { RankingMethod } from './method.ts';

/**
 * @param model the model, with its complements file (without one, only the text step ranks).
 * @param scorer a BatchScorer over the model's vectors with its popularity prior; owned by the method.
 * @param counts training events per row: the order that fills the list after the complements.
 */
export function createComplementsMethod(
  model: Pick<LoadedModel, 'items' | 'vectors' | 'manifest' | 'complements'>,
  scorer: BatchScorer,
  counts: Float32Array,
): RankingMethod {
  const { dim } = model.manifest;
  const complements = model.complements ?? null;
  const catalog = indexCatalog(model.items);
  const byCount = [...counts.keys()].sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a - b);
  return {
    name: 'complements',
    description: `the complements placement of the latest ${NEIGHBOUR_RECENT} history items: bought together (the model's ${complements === null ? 'absent' : `${complements.perItem}-per-item`} complements file), then what goes with them from other categories in the item space, then training popularity`,
    async rank(cases, depth) {
      const anchorsOf = cases.map((testCase) => testCase.history.map(({ row }) => row).reverse());
      const excluded = cases.map((testCase, i) => new Set([...testCase.masked, ...substitutesOf(anchorsOf[i] ?? [], catalog)]));
      const bought = cases.map((_, i) => boughtTogether(complements, anchorsOf[i] ?? [], excluded[i] ?? new Set()));
      const queries = anchorsOf.map((anchors) => goesWithQuery(anchors, catalog, model.vectors, dim));
      const interests = new Float32Array(cases.length * dim);
      queries.forEach((query, i) => query !== null && interests.set(query.query, i * dim));
      const masks = queries.map((query, i) => new Set([...(excluded[i] ?? []), ...(query?.sameCategory ?? [])]));
      const found = await scorer.topK(interests, depth, masks);
      return cases.map((_: EvalCase, i) => {
        const text = queries[i] === null ? [] : goesWith(found[i] ?? { rows: [], scores: [] }, anchorsOf[i] ?? [], model.vectors, dim);
        const chosen = onePerGroup(mergeComplements(bought[i] ?? [], text, depth), model.items).map(({ row }) => row);
        const taken = new Set([...chosen, ...(excluded[i] ?? [])]);
        return [...chosen, ...byCount.filter((row) => !taken.has(row)).slice(0, depth - chosen.length)];
      });
    },
    dispose: () => scorer.dispose(),
  };
}
