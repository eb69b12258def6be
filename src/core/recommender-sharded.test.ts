// A sharded catalogue in the recommender: the ranker names the rows ranked just below the grid, and
// the session loads their cards once the grid has painted (never for a whole catalogue); a quiet
// moment does not build the search index, which would download every card.
import { describe, expect, it } from 'vitest';
import type { CardStore } from './card-shards.ts';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { toItemId } from './ids.ts';
import { createLiveCatalog } from './live-catalog.ts';
import { createRanker } from './ranker.ts';
import { createRecommender } from './recommender.ts';
import { deps, model } from './recommender-test-support.ts';
import { emptyState } from './state.ts';
import { createReferenceSpace, createWordIndex } from './test-support.ts';

const GRID = 6;

describe('Ranker.upcoming', () => {
  it('gives the candidates below the grid on show, best first, three grids’ worth', async () => {
    const space = createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT);
    let clock = 0;
    const ranker = createRanker({
      model,
      catalog: createLiveCatalog(model),
      space,
      sequenceEncoder: undefined,
      spaceVectors: model.matrix,
      backendReason: undefined,
      gridSize: GRID,
      explorationSeed: 1,
      now: () => (clock += 1),
      monotonic: () => clock,
    });
    const basis = { ...emptyState('k', model.manifest.dim), vector: model.vectors.slice(5 * model.manifest.dim, 6 * model.manifest.dim) };
    expect(ranker.upcoming()).toEqual([]);
    const ranking = await ranker.rank(basis, null);
    // Ranked, not yet shown: nothing changes.
    expect(ranker.upcoming()).toEqual([]);
    ranker.show(ranking, 0);
    const onGrid = new Set(ranking.items.map(({ row }) => row));
    const best = (await space.topK(basis.vector, model.rules.diversity.candidates, new Set())).rows;
    expect(ranker.upcoming()).toEqual(best.filter((row) => !onGrid.has(row)).slice(0, 3 * GRID));
  });
});

/** A card store that logs each load, in order with the paints and rankings logged beside it. */
function loggingStore(whole: boolean, log: string[]): CardStore {
  return {
    whole,
    has: () => true,
    load: (rows) => {
      log.push(`load ${[...rows].length}`);
      return Promise.resolve();
    },
    loadAll: () => Promise.resolve(),
  };
}

/** The log of one view on a recommender over a model with a logging card store. */
async function logOfAView(whole: boolean): Promise<string[]> {
  const log: string[] = [];
  const sharded = { ...model, cards: loggingStore(whole, log) };
  const recommender = await createRecommender(
    deps({
      model: sharded,
      space: createReferenceSpace(sharded, DEFAULT_PRIOR_WEIGHT),
      gridSize: GRID,
      yieldToPaint: () => (log.push('paint'), Promise.resolve()),
    }),
  );
  recommender.on('ranking', () => log.push('ranking'));
  await new Promise((resolve) => setTimeout(resolve, 0));
  log.length = 0;
  await recommender.record({ type: 'view', item: toItemId('i7') });
  await new Promise((resolve) => setTimeout(resolve, 0));
  recommender.dispose();
  return log;
}

describe('the session: cards fetched ahead', () => {
  it('loads the cards of the rows below a sharded catalogue’s grid once the grid has painted', async () => {
    const log = await logOfAView(false);
    // Before the ranking: the paint of the click and the load of the grid's own cards; after it, the ones ahead.
    expect(log.slice(-3)).toEqual(['paint', 'ranking', `load ${3 * GRID}`]);
    expect(log.slice(0, -3)).toEqual(['paint', expect.stringMatching(/^load /)]);
  });

  it('fetches nothing ahead for a catalogue downloaded whole', async () => {
    const log = await logOfAView(true);
    expect(log).toEqual(['paint', expect.stringMatching(/^load /), 'ranking']);
  });
});

describe('prepareSearch on a sharded catalogue', () => {
  it('builds the index when the shopper turns to search, not in a quiet moment', async () => {
    const built: string[] = [];
    for (const whole of [false, true]) {
      const sharded = { ...model, cards: loggingStore(whole, []) };
      const recommender = await createRecommender(
        deps({
          model: sharded,
          space: createReferenceSpace(sharded, DEFAULT_PRIOR_WEIGHT),
          loadLexicalIndex: () => (built.push(`index, whole ${whole}`), Promise.resolve(createWordIndex(model.items))),
        }),
      );
      recommender.prepareSearch('quiet');
      await new Promise((resolve) => setTimeout(resolve, 0));
      built.push(`quiet, whole ${whole}`);
      recommender.prepareSearch();
      await new Promise((resolve) => setTimeout(resolve, 0));
      recommender.dispose();
    }
    expect(built).toEqual(['quiet, whole false', 'index, whole false', 'index, whole true', 'quiet, whole true']);
  });
});
