// The cards a list needs on hand before it is shown: its items', the items its reasons name, and the cart's.
import { describe, expect, it } from 'vitest';
import type { CardStore } from './card-shards.ts';
import { toItemId } from './ids.ts';
import { loadShownCards } from './shown-cards.ts';
import { makeFixtureModel } from './test-support.ts';

const fixture = makeFixtureModel({ count: 12, dim: 2, categories: 2 });

function storeLoading(loaded: number[][]): CardStore {
  return { whole: false, has: () => false, load: (rows) => (loaded.push([...rows]), Promise.resolve()), loadAll: () => Promise.resolve() };
}

describe('loadShownCards', () => {
  it('loads the rows of the items, of the items their reasons name, and of the cart, each once, leaving out ids the model lacks', async () => {
    const loaded: number[][] = [];
    const model = { ...fixture, cards: storeLoading(loaded) };
    const item = (row: number) => fixture.items[row] as (typeof fixture.items)[number];
    await loadShownCards(
      model,
      [
        { item: item(1), reason: { kind: 'similar', to: item(7), via: 'view' } },
        { item: item(2), reason: { kind: 'bought-together', with: item(8) } },
        { item: item(3), reason: { kind: 'goes-with', with: item(10) } },
        { item: item(4), reason: { kind: 'like', to: item(9) } },
        { item: item(5), reason: { kind: 'popular' } },
        { item: item(6), reason: null },
      ],
      [toItemId('i0'), toItemId('not-in-the-model'), toItemId('i2')],
    );
    expect(loaded).toHaveLength(1);
    // Row 11 is in none of them.
    expect([...(loaded[0] ?? [])].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
