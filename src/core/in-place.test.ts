// A shop's own list in the shopper's order (in-place.ts), alone and through the recommender.
import { describe, expect, it } from 'vitest';
import { toItemId, type ItemId } from './ids.ts';
import { orderInPlace } from './in-place.ts';
import { createRecommender } from './recommender.ts';
import { deps, model } from './recommender-test-support.ts';

const ids = (...names: string[]): ItemId[] => names.map(toItemId);
const rowOf = new Map(ids('a', 'b', 'c', 'd').map((id, row) => [id, row]));

describe('orderInPlace', () => {
  it("keeps the shop's order without an interest, reporting unknown ids and counting repeats once", () => {
    const order = orderInPlace(ids('c', 'x', 'a', 'c', 'b'), { rowOf, interestIn: null, reasonFor: () => ({ kind: 'popular' }) });
    expect(order.order).toEqual(['c', 'a', 'b']);
    expect(order.unknown).toEqual(['x']);
    expect(order.personalised).toBe(false);
    expect([...order.reasons.values()]).toEqual([null, null, null]);
  });

  it("orders by the interest, the shop's order breaking ties, with each item's reason", () => {
    const interest = [0.1, 0.9, 0.1, 0.5];
    const order = orderInPlace(ids('a', 'b', 'c', 'd'), {
      rowOf,
      interestIn: (row) => interest[row] ?? 0,
      reasonFor: (row) => (row === 1 ? { kind: 'explore' } : null),
    });
    expect(order.order).toEqual(['b', 'd', 'a', 'c']);
    expect(order.reasons.get(toItemId('b'))).toEqual({ kind: 'explore' });
    expect(order.personalised).toBe(true);
  });

  it("keeps the shop's order among items the interest scores alike", () => {
    const order = orderInPlace(ids('d', 'b', 'a', 'c'), { rowOf, interestIn: () => 0.3, reasonFor: () => null });
    expect(order.order).toEqual(['d', 'b', 'a', 'c']);
  });
});

describe('createRecommender: rankItems', () => {
  // The fixture's categories are clusters: i3, i9, i15 are in c3, the others listed are not.
  const list = ids('i0', 'i1', 'i3', 'i2', 'i9', 'gone', 'i4', 'i15');

  it("leaves a new shopper the shop's order", async () => {
    const recommender = await createRecommender(deps());
    const order = await recommender.rankItems(list);
    expect(order.order).toEqual(ids('i0', 'i1', 'i3', 'i2', 'i9', 'i4', 'i15'));
    expect(order.unknown).toEqual(['gone']);
  });

  it('puts the items like what the shopper carted first, saying why', async () => {
    const recommender = await createRecommender(deps());
    for (const item of ids('i21', 'i27', 'i33')) await recommender.record({ type: 'add_to_cart', item });
    const order = await recommender.rankItems(list);
    expect(order.personalised).toBe(true);
    expect(order.order.slice(0, 3).map((id) => model.items[model.rowOf.get(id) ?? -1]?.category)).toEqual(['c3', 'c3', 'c3']);
    expect(order.reasons.get(order.order[0] ?? toItemId('')) ?? null).toMatchObject({ kind: 'similar', via: 'add_to_cart' });
  });
});
