// The `complements` placement (complements.ts, placements.ts) as a host gets it from the recommender:
// bought-together items from the model's complements file first, then text neighbours from other
// categories, never the anchors, what is in the cart or a variant of either; trending for an empty cart.
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from './catalog.ts';
import { isRecError } from './errors.ts';
import { toItemId } from './ids.ts';
import { EMPTY_NEIGHBOUR, type ItemNeighbours } from './neighbours.ts';
import { parsePlacement, type PlacementList } from './placements.ts';
import { createRecommender } from './recommender.ts';
import { deps, model } from './recommender-test-support.ts';

const PER_ITEM = 3;
const listed = (list: PlacementList): string[] => list.items.map((entry) => entry.item.id);
const reasons = (list: PlacementList): string[] =>
  list.items.map(({ reason }) =>
    reason?.kind === 'bought-together' || reason?.kind === 'goes-with' ? `${reason.kind}:${reason.with.id}` : String(reason?.kind),
  );
const of = (item: string | null) => ({ kind: 'complements', item: item === null ? null : toItemId(item) }) as const;

/** A complements file: each listed row's partners, best first, with their co-purchase cosines. */
function complementsFile(partners: Readonly<Record<number, readonly (readonly [number, number])[]>>): ItemNeighbours {
  const rows = new Uint32Array(model.items.length * PER_ITEM).fill(EMPTY_NEIGHBOUR);
  const similarities = new Float32Array(model.items.length * PER_ITEM);
  for (const [row, list] of Object.entries(partners)) {
    list.forEach(([partner, similarity], slot) => {
      rows[Number(row) * PER_ITEM + slot] = partner;
      similarities[Number(row) * PER_ITEM + slot] = similarity;
    });
  }
  return { perItem: PER_ITEM, rows, similarities };
}

// i6 is in c0 (row % 6). Bought with it: i13 (c1), i12 (c0, bought together, so not a substitute), i31 (c1).
const bought = complementsFile({
  6: [
    [13, 0.9],
    [12, 0.5],
    [31, 0.2],
  ],
  7: [
    [31, 0.8],
    [20, 0.4],
  ],
});
const withComplements = (items: readonly CatalogItem[] = model.items) => deps({ model: { ...model, items, complements: bought } });

const cosine = (a: number, b: number): number => {
  const { dim } = model.manifest;
  let sum = 0;
  for (let d = 0; d < dim; d++) sum += (model.vectors[a * dim + d] ?? 0) * (model.vectors[b * dim + d] ?? 0);
  return sum;
};
const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('createRecommender: complements', () => {
  it('lists what was bought with the item, best first, then items close to it from other categories, each saying why', async () => {
    const recommender = await createRecommender(withComplements());
    const list = await recommender.placement(of('i6'), 8);
    expect(list.shows).toBe('complements');
    expect(listed(list).slice(0, 3)).toEqual(['i13', 'i12', 'i31']);
    expect(reasons(list)).toEqual([...Array<string>(3).fill('bought-together:i6'), ...Array<string>(5).fill('goes-with:i6')]);
    const text = list.items.slice(3);
    expect(text.every(({ item }) => item.category !== 'c0')).toBe(true);
    // Close in the item space, not merely popular: nearer i6 than other categories' items are on average.
    const others = model.items.flatMap((item, row) => (item.category === 'c0' ? [] : [cosine(6, row)]));
    expect(mean(text.map(({ row }) => cosine(6, row)))).toBeGreaterThan(mean(others) + 0.2);
  });

  it('without a complements file, lists only items close to the item from other categories', async () => {
    const recommender = await createRecommender(deps());
    const list = await recommender.placement(of('i6'), 6);
    expect(list.shows).toBe('complements');
    expect(list.items).toHaveLength(6);
    expect(reasons(list).every((reason) => reason === 'goes-with:i6')).toBe(true);
    expect(list.items.every(({ item }) => item.category !== 'c0')).toBe(true);
  });

  it('never lists the item, its variants, what is in the cart, variants of those, or out-of-stock items', async () => {
    const items = model.items.map((item, i) =>
      i === 6 || i === 12 ? { ...item, group: 'anchor' } : i === 31 || i === 37 ? { ...item, group: 'carted' } : i === 13 ? { ...item, inStock: false } : item,
    );
    const recommender = await createRecommender(withComplements(items));
    await recommender.record({ type: 'add_to_cart', item: toItemId('i37') });
    const shown = listed(await recommender.placement(of('i6'), 200));
    for (const id of ['i6', 'i12', 'i13', 'i31', 'i37']) expect(shown).not.toContain(id);
    // Every other category's items (100 of 120, c0 being i6's), less i13, i31 and i37.
    expect(shown).toHaveLength(97);
  });

  it('of the cart: what goes with the newest cart item first, each credited to the cart item it was bought with most', async () => {
    const recommender = await createRecommender(withComplements());
    await recommender.record({ type: 'add_to_cart', item: toItemId('i6') });
    await recommender.record({ type: 'add_to_cart', item: toItemId('i7') });
    const list = await recommender.placement(of(null), 4);
    expect(list.shows).toBe('complements');
    // i31: .8 from i7 (newest, weight 1) + .2 x .8 from i6; i13: .9 x .8; i12: .5 x .8; i20: .4.
    expect(listed(list)).toEqual(['i31', 'i13', 'i20', 'i12']);
    expect(reasons(list)).toEqual(['bought-together:i7', 'bought-together:i6', 'bought-together:i7', 'bought-together:i6']);
  });

  it('of an empty cart shows trending instead, and a removed item stops being an anchor', async () => {
    const recommender = await createRecommender(withComplements());
    const empty = await recommender.placement(of(null), 4);
    expect([empty.placement, empty.shows]).toEqual(['complements', 'trending']);
    await recommender.record({ type: 'add_to_cart', item: toItemId('i7') });
    await recommender.record({ type: 'remove_from_cart', item: toItemId('i7') });
    expect((await recommender.placement(of(null), 4)).shows).toBe('trending');
  });

  it('shows trending for an item with no co-purchases in a catalogue without categories', async () => {
    const items = model.items.map((item) => ({ ...item, category: '' }));
    const recommender = await createRecommender(withComplements(items));
    const list = await recommender.placement(of('i8'), 4);
    expect(list.shows).toBe('trending');
    expect(list.items.every(({ reason }) => reason?.kind === 'popular')).toBe(true);
  });

  it('refuses an item not in the catalogue, naming it', async () => {
    const recommender = await createRecommender(deps());
    const error: unknown = await recommender.placement(of('nope'), 4).catch((e: unknown) => e);
    expect(isRecError(error) && error.code === 'UNKNOWN_ITEM' && error.message.includes('"nope"')).toBe(true);
  });

  it('reads the placement with an item, or of the cart without one', () => {
    const read = (values: Record<string, string>) => parsePlacement({ get: (name) => values[name] ?? null }, 'test');
    expect(read({ placement: 'complements', item: ' p1 ' })).toEqual({ kind: 'complements', item: 'p1' });
    expect(read({ placement: 'complements' })).toEqual({ kind: 'complements', item: null });
    expect(read({ placement: 'complements', item: '  ' })).toEqual({ kind: 'complements', item: null });
  });
});
