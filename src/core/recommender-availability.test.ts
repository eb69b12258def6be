// Stock and prices changed by the host at run time (live-catalog.ts): every list respects them from
// the next ranking, without a rebuild; ids the model lacks are reported, not applied.
import { describe, expect, it } from 'vitest';
import { isRecError } from './errors.ts';
import { toItemId } from './ids.ts';
import { createLiveCatalog, parseAvailabilityChanges } from './live-catalog.ts';
import { createRecommender } from './recommender.ts';
import { deps, ids, model } from './recommender-test-support.ts';

const id = toItemId;

describe('createRecommender: setAvailability', () => {
  it('takes an item out of the grid, the search, and every placement at the next ranking, and back when it is in stock again', async () => {
    const recommender = await createRecommender(deps());
    await recommender.record({ type: 'view', item: id('i6') });
    const [top] = ids(recommender.ranking());
    const gone = top ?? id('i0');
    const { ranking, ignored } = await recommender.setAvailability([{ item: gone, inStock: false }]);
    expect(ignored).toEqual([]);
    expect(ids(ranking)).not.toContain(gone);
    expect(ids(recommender.ranking())).not.toContain(gone);
    const category = recommender.model.items[recommender.model.rowOf.get(gone) ?? -1]?.category ?? '';
    expect(ids(await recommender.search(category))).not.toContain(gone);
    await recommender.clearSearch();
    const listed = async () => [
      ...(await recommender.placement({ kind: 'similar', item: id('i6') }, 200)).items,
      ...(await recommender.placement({ kind: 'trending', category: null }, 200)).items,
      ...(await recommender.placement({ kind: 'complements', item: id('i7') }, 200)).items,
    ];
    expect((await listed()).map((entry) => entry.item.id)).not.toContain(gone);
    // Viewed, then out of stock: not among the recently viewed either.
    await recommender.record({ type: 'view', item: gone });
    expect((await recommender.placement({ kind: 'recently-viewed' }, 8)).items.map((entry) => entry.item.id)).toEqual([id('i6')]);

    await recommender.setAvailability([{ item: gone, inStock: true }]);
    expect((await listed()).map((entry) => entry.item.id)).toContain(gone);
    expect((await recommender.placement({ kind: 'recently-viewed' }, 8)).items.map((entry) => entry.item.id)).toEqual([gone, id('i6')]);
  });

  it('shows a new price on the cards and announces the new ranking', async () => {
    const recommender = await createRecommender(deps());
    const announced: string[][] = [];
    recommender.on('ranking', (ranking) => announced.push(ids(ranking)));
    const [first] = recommender.ranking().items;
    if (first === undefined) throw new Error('empty grid');
    const { ranking } = await recommender.setAvailability([
      { item: first.item.id, price: 12.5 },
      { item: first.item.id, price: null },
    ]);
    expect(ranking.items.find((entry) => entry.item.id === first.item.id)?.item.price).toBeNull();
    expect(announced).toHaveLength(1);
  });

  it('reports the ids the model does not have and applies the others', async () => {
    const recommender = await createRecommender(deps());
    const [top] = ids(recommender.ranking());
    const { ranking, ignored } = await recommender.setAvailability([
      { item: id('new-since-the-build'), inStock: true },
      { item: top ?? id('i0'), inStock: false },
    ]);
    expect(ignored).toEqual(['new-since-the-build']);
    expect(ids(ranking)).not.toContain(top);
  });
});

describe('createLiveCatalog', () => {
  it('changes only what a change names: stock keeps the price, a price keeps the stock', () => {
    const catalog = createLiveCatalog(model);
    catalog.apply([{ item: id('i1'), inStock: false }]);
    expect(catalog.items()[1]).toMatchObject({ inStock: false, price: 2 });
    catalog.apply([{ item: id('i1'), price: 5 }]);
    expect(catalog.items()[1]).toMatchObject({ inStock: false, price: 5 });
    expect([...catalog.outOfStock()]).toEqual([1]);
    // The model's own items are not changed.
    expect(model.items[1]).toMatchObject({ inStock: true, price: 2 });
  });

  it("lists a cart's items with the changes, leaving out ids the model does not have", () => {
    const catalog = createLiveCatalog(model);
    catalog.apply([{ item: id('i2'), price: 9 }]);
    expect(catalog.itemsOf([id('i1'), id('gone'), id('i2')]).map((item) => [item.id, item.price])).toEqual([
      ['i1', 2],
      ['i2', 9],
    ]);
  });
});

describe('parseAvailabilityChanges', () => {
  const failure = (value: unknown) => {
    try {
      parseAvailabilityChanges(value, 'setAvailability()');
    } catch (error) {
      return isRecError(error) ? { code: error.code, field: error.location.field, file: error.location.file } : error;
    }
    return null;
  };

  it('reads stock and price changes, a null price meaning "on request"', () => {
    expect(
      parseAvailabilityChanges(
        [
          { item: 'a', inStock: false },
          { item: 'b', price: 3 },
          { item: 'c', price: null },
        ],
        'x',
      ),
    ).toEqual([
      { item: 'a', inStock: false },
      { item: 'b', price: 3 },
      { item: 'c', price: null },
    ]);
  });

  it('names the entry and the field that is wrong', () => {
    expect(failure({ item: 'a', inStock: false })).toMatchObject({ code: 'CONFIG_INVALID', field: '(changes)', file: 'setAvailability()' });
    expect(
      failure([
        { item: 'a', inStock: false },
        { item: '', inStock: true },
      ]),
    ).toMatchObject({ field: '[1].item' });
    expect(failure([{ item: 'a', inStock: 'no' }])).toMatchObject({ field: '[0].inStock' });
    expect(failure([{ item: 'a', price: -1 }])).toMatchObject({ field: '[0].price' });
    expect(failure([{ item: 'a' }])).toMatchObject({ field: '[0]' });
    expect(failure([7])).toMatchObject({ field: '[0]' });
  });
});
