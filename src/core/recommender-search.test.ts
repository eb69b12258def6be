// The recommender's search mode: the matches only, the query recorded only when it matched,
// personal order within the same matches, and the way back to the "for you" grid.
import { describe, expect, it } from 'vitest';
import { toItemId } from './ids.ts';
import { createMemoryEventStore } from './memory-store.ts';
import { normalise } from './rank.ts';
import { createRecommender } from './recommender.ts';
import { browse, deps, ids, inCategory, model } from './recommender-test-support.ts';

const DIM = model.manifest.dim;
const row = (i: number) => model.vectors.slice(i * DIM, (i + 1) * DIM);
/** Between two items of different categories: near neither, so below a strict floor. */
const between = normalise(row(0).map((v, j) => v + (row(1)[j] ?? 0)));
const strictModel = { ...model, manifest: { ...model.manifest, search: { semanticFloor: 0.99, calibration: 'test' } } };
const encoderOf = (vector: Float32Array) => () => Promise.resolve({ embed: () => Promise.resolve(vector) });

describe('createRecommender: search', () => {
  it('shows only the matches, with the query and their count, and records the search', async () => {
    const store = createMemoryEventStore();
    const recommender = await createRecommender(deps({ store }));
    const ranking = await recommender.search('  c3 ');
    expect(ranking.mode).toBe('search');
    // 120 items in 6 categories: 20 in c3, the grid shows 12 of them.
    expect(ranking.search).toEqual({ query: 'c3', resultCount: 20, suggestions: [], semantic: false });
    expect(ranking.items).toHaveLength(12);
    expect(inCategory(ranking, 'c3')).toBe(12);
    expect(ranking.items.every((item) => item.reason?.kind === 'search')).toBe(true);
    expect((await store.loadEvents()).map((event) => event.type)).toEqual(['search']);
  });

  it('shows one variant of a product and no out-of-stock item among the matches', async () => {
    const items = model.items.map((item, i) => (i === 3 || i === 9 ? { ...item, group: 'g' } : i === 15 ? { ...item, inStock: false } : item));
    const recommender = await createRecommender(deps({ model: { ...model, items }, gridSize: 24 }));
    const ranking = await recommender.search('c3');
    expect(ranking.search?.resultCount).toBe(18);
    expect(ids(ranking)).not.toContain('i15');
    expect(ids(ranking).filter((id) => id === 'i3' || id === 'i9')).toHaveLength(1);
  });

  it('keeps showing the search while the shopper interacts, and leaves it on clearSearch', async () => {
    const recommender = await createRecommender(deps());
    const searched = await recommender.search('c3');
    const viewed = await recommender.record({ type: 'view', item: searched.items[4]?.item.id ?? toItemId('none'), position: 4 });
    expect(viewed.mode).toBe('search');
    expect(inCategory(viewed, 'c3')).toBe(12);
    const left = await recommender.clearSearch();
    expect(left.mode).toBe('for-you');
    expect(left.search).toBeNull();
    expect(recommender.ranking()).toBe(left);
  });

  it('shows a no-results state for a query nothing matches, records nothing, and leaves the next grid as it was', async () => {
    const store = createMemoryEventStore();
    const recommender = await createRecommender(deps({ model: strictModel, store, loadEncoder: encoderOf(between) }));
    const before = await browse(recommender, [2, 8]);
    const empty = await recommender.search('xqzv blorft 42 ###');
    expect(empty.items).toEqual([]);
    expect(empty.search?.resultCount).toBe(0);
    // The nearest items in meaning are those of item 0's and item 1's categories.
    expect(empty.search?.suggestions.slice(0, 2).sort()).toEqual(['c0', 'c1']);
    expect(empty.eventCount).toBe(before.eventCount);
    expect((await store.loadEvents()).some((event) => event.type === 'search')).toBe(false);
    expect(ids(await recommender.clearSearch())).toEqual(ids(before));
  });

  it('gives two shoppers with different histories the same matches in different orders', async () => {
    const shopper = async (items: readonly number[]) => {
      const recommender = await createRecommender(deps({ gridSize: 24 }));
      await browse(recommender, items);
      return ids(await recommender.search('c3'));
    };
    const [first, second] = await Promise.all([shopper([0, 6, 12]), shopper([1, 7, 13])]);
    expect(first).toHaveLength(20);
    expect([...first].sort()).toEqual([...(second ?? [])].sort());
    expect(first).not.toEqual(second);
  });

  it('finds by meaning above the floor when the encoder works, and by words alone when it cannot load', async () => {
    const withEncoder = await createRecommender(deps({ loadEncoder: encoderOf(row(9)) }));
    const semantic = await withEncoder.search('something like item 9');
    expect(semantic.search?.semantic).toBe(true);
    expect(semantic.items[0]?.item.id).toBe('i9');
    expect(inCategory(semantic, 'c3')).toBeGreaterThanOrEqual(10);

    const store = createMemoryEventStore();
    const wordsOnly = await createRecommender(deps({ store }));
    const before = wordsOnly.ranking();
    const found = await wordsOnly.search('c2');
    expect(found.search).toMatchObject({ resultCount: 20, semantic: false });
    // Recorded, but it moves nothing: the interest stays empty.
    expect((await store.loadEvents()).map((event) => event.type)).toEqual(['search']);
    expect((await wordsOnly.clearSearch()).personalised).toBe(before.personalised);
  });

  it('suggests completions from the lexical index and refuses a blank query', async () => {
    const recommender = await createRecommender(deps());
    expect((await recommender.suggest('Item 11', 3)).map((s) => s.text)).toEqual(['Item 11', 'Item 110', 'Item 111']);
    expect(await recommender.suggest('   ', 3)).toEqual([]);
    await expect(recommender.search('   ')).rejects.toMatchObject({ code: 'EVENT_INVALID' });
  });
});
