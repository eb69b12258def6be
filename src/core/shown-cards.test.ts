// The cards a list needs on hand before it is shown: its items', the items its reasons name, and the cart's.
import { describe, expect, it } from 'vitest';
import type { CardStore } from './card-shards.ts';
import { toItemId } from './ids.ts';
import { fetchAhead, loadShownCards } from './shown-cards.ts';
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

describe('fetchAhead', () => {
  /** What happened, in order: each wait for the paint, each cards load, each read-ahead. */
  async function logOf(options: { whole: boolean; rows: number[]; readsAhead: boolean }): Promise<string[]> {
    const log: string[] = [];
    const cards: CardStore = { ...storeLoading([]), whole: options.whole, load: (rows) => (log.push(`cards ${[...rows].join(',')}`), Promise.resolve()) };
    const readAhead = options.readsAhead ? () => (log.push('read ahead'), Promise.resolve()) : null;
    fetchAhead({ cards }, options.rows, () => (log.push('paint'), Promise.resolve()), readAhead);
    await new Promise((done) => setTimeout(done, 0));
    return log;
  }

  it('after the paint, loads the cards below the grid of a sharded catalogue and has the space read ahead', async () => {
    expect(await logOf({ whole: false, rows: [4, 5], readsAhead: true })).toEqual(['paint', 'cards 4,5', 'read ahead']);
    expect(await logOf({ whole: false, rows: [4, 5], readsAhead: false })).toEqual(['paint', 'cards 4,5']);
    expect(await logOf({ whole: true, rows: [4, 5], readsAhead: true })).toEqual(['paint', 'read ahead']);
    expect(await logOf({ whole: false, rows: [], readsAhead: true })).toEqual(['paint', 'read ahead']);
  });

  it('waits for no paint when there is nothing to fetch: a whole catalogue or no rows, and a space that reads nothing ahead', async () => {
    expect(await logOf({ whole: true, rows: [4, 5], readsAhead: false })).toEqual([]);
    expect(await logOf({ whole: false, rows: [], readsAhead: false })).toEqual([]);
  });
});
