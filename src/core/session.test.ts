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
});
