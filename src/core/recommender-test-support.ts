/**
 * Test support for the recommender's tests (never imported by app code): a fixture model ranked in
 * score order, the recommender's dependencies over core's reference math, and grid readers.
 */
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { toItemId, toSessionId, type ItemId } from './ids.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { Ranking, Recommender, RecommenderDeps } from './recommender.ts';
import { createReferenceSpace, createWordIndex, makeFixtureModel, RELEVANCE_ONLY_RULES } from './test-support.ts';

// These tests are about what a ranking is made from (events, state, tabs, storage); how the grid is
// arranged from the scores (diversity, rules, exploration) is tested at the end and in list-quality.test.ts.
export const model = { ...makeFixtureModel({ count: 120, dim: 16, categories: 6, popularity: true }), rules: RELEVANCE_ONLY_RULES };

export function deps(overrides: Partial<RecommenderDeps> = {}): RecommenderDeps & { clock: { t: number } } {
  const clock = { t: 1_000_000 };
  let id = 0;
  return {
    model,
    space: createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT),
    store: createMemoryEventStore(),
    loadEncoder: () => Promise.reject(new Error('no encoder in this test')),
    loadLexicalIndex: () => Promise.resolve(createWordIndex(model.items)),
    session: toSessionId('s1'),
    gridSize: 12,
    now: () => (clock.t += 1000),
    newEventId: () => `e${++id}`,
    clock,
    ...overrides,
  };
}

export const inCategory = (ranking: Ranking, category: string): number => ranking.items.filter((r) => r.item.category === category).length;
export const ids = (ranking: Ranking): ItemId[] => ranking.items.map((r) => r.item.id);

/** Views (even items) and carts (odd ones) the items in turn. @returns the last ranking. */
export async function browse(recommender: Recommender, items: readonly number[]): Promise<Ranking> {
  let ranking = recommender.ranking();
  for (const i of items) ranking = await recommender.record({ type: i % 2 === 0 ? 'view' : 'add_to_cart', item: toItemId(`i${i}`) });
  return ranking;
}
