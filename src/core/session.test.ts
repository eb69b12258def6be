// Skips: only the cards the shopper was shown (impressed) above a clicked one count as skipped.
import { describe, expect, it } from 'vitest';
import { createMemoryEventStore } from './memory-store.ts';
import { createRecommender } from './recommender.ts';
import { deps } from './recommender-test-support.ts';

describe('skips', () => {
  it('never counts a card above the click that was not impressed', async () => {
    const store = createMemoryEventStore();
    const recommender = await createRecommender(deps({ store }));
    const grid = recommender.ranking().items;
    const seen = [0, 1, 3].map((position) => grid[position]);
    await recommender.recordImpressions(seen.flatMap((card) => (card === undefined ? [] : [{ item: card.item.id, position: card.position }])));
    const clicked = grid[5];
    if (clicked === undefined) throw new Error('fixture grid too small');
    await recommender.record({ type: 'view', item: clicked.item.id, position: 5 });
    const skipped = (await store.exportAll()).events.flatMap((e) => (e.type === 'skip' ? [e.item] : []));
    expect(skipped).toEqual(seen.map((card) => card?.item.id));
  });

  it('counts each card once, and never a card clicked in the same batch, when quick clicks are recorded together', async () => {
    const store = createMemoryEventStore();
    const recommender = await createRecommender(deps({ store }));
    const grid = recommender.ranking().items;
    const card = (position: number) => {
      const found = grid[position];
      if (found === undefined) throw new Error('fixture grid too small');
      return found;
    };
    await recommender.recordImpressions([0, 1, 2, 3, 4, 5].map((position) => ({ item: card(position).item.id, position })));
    // Called in one tick: the second click joins the first's batch (serial-queue.ts).
    await Promise.all([4, 5].map((position) => recommender.record({ type: 'view', item: card(position).item.id, position })));
    const recorded = (await store.exportAll()).events.filter((e) => e.type !== 'impression').map((e) => ('item' in e ? `${e.type} ${e.item}` : e.type));
    expect(recorded).toEqual([...[1, 2, 3].map((position) => `skip ${card(position).item.id}`), `view ${card(4).item.id}`, `view ${card(5).item.id}`]);
  });
});
