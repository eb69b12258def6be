// The placements beside "For you" (placements.ts) as a host gets them from the recommender: what
// each lists, what it leaves out, its fallback, and how the settings are read.
import { describe, expect, it } from 'vitest';
import { isRecError } from './errors.ts';
import { toItemId } from './ids.ts';
import { parsePlacement, type PlacementList } from './placements.ts';
import { createRecommender } from './recommender.ts';
import { deps, model } from './recommender-test-support.ts';

const listed = (list: PlacementList): string[] => list.items.map((entry) => entry.item.id);
const settings = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });
const similarTo = (item: string) => ({ kind: 'similar', item: toItemId(item) }) as const;
const popularity = model.popularity ?? new Float32Array();
/** Rows by the model's popularity, most popular first. */
const byPopularity = model.items.map((_, row) => row).sort((a, b) => (popularity[b] ?? 0) - (popularity[a] ?? 0));

describe('createRecommender: placements', () => {
  it('lists items like the given one (its category in the fixture), not the item itself, each saying what it is like', async () => {
    const recommender = await createRecommender(deps());
    const list = await recommender.placement(similarTo('i6'), 8);
    expect(list.shows).toBe('similar');
    expect(list.items).toHaveLength(8);
    expect(listed(list)).not.toContain('i6');
    // i6 is in c0 (row % 6): the fixture's categories are clusters of vectors.
    expect(list.items.every((entry) => entry.item.category === 'c0')).toBe(true);
    expect(list.items.every((entry) => entry.reason?.kind === 'like' && entry.reason.to.id === 'i6')).toBe(true);
    expect(list.items.map((entry) => entry.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("leaves out the item's variants and out-of-stock items, and shows one variant of each other product", async () => {
    const items = model.items.map((item, i) =>
      i === 6 || i === 12 ? { ...item, group: 'anchor' } : i === 18 || i === 24 ? { ...item, group: 'pair' } : i === 30 ? { ...item, inStock: false } : item,
    );
    const recommender = await createRecommender(deps({ model: { ...model, items } }));
    const shown = listed(await recommender.placement(similarTo('i6'), 200));
    // 120 items: without i6, i12 (its variant), i30 (out of stock) and one of i18/i24, 116 are left to show.
    expect(shown).toHaveLength(116);
    expect(shown).not.toContain('i12');
    expect(shown).not.toContain('i30');
    expect(shown.filter((id) => id === 'i18' || id === 'i24')).toHaveLength(1);
  });

  it("re-orders the similar items by the shopper's interest", async () => {
    const recommender = await createRecommender(deps());
    const before = listed(await recommender.placement(similarTo('i6'), 8));
    const lower = before[6] as string;
    await recommender.record({ type: 'add_to_cart', item: toItemId(lower) });
    await recommender.record({ type: 'view', item: toItemId(lower) });
    const after = await recommender.placement(similarTo('i6'), 8);
    expect(after.personalised).toBe(true);
    expect(listed(after).indexOf(lower)).toBeLessThan(3);
  });

  it('refuses a similar placement for an item not in the catalogue, naming it', async () => {
    const recommender = await createRecommender(deps());
    const error: unknown = await recommender.placement(similarTo('nope'), 8).catch((e: unknown) => e);
    expect(isRecError(error) && error.code === 'UNKNOWN_ITEM' && error.message.includes('"nope"')).toBe(true);
  });

  it('shows trending items for a shopper with no history yet, then what they viewed and carted, newest first', async () => {
    const recommender = await createRecommender(deps());
    const first = await recommender.placement({ kind: 'recently-viewed' }, 5);
    expect(first.placement).toBe('recently-viewed');
    expect(first.shows).toBe('trending');
    expect(listed(first)).toEqual(byPopularity.slice(0, 5).map((row) => `i${row}`));
    await recommender.record({ type: 'view', item: toItemId('i5') });
    await recommender.record({ type: 'add_to_cart', item: toItemId('i7') });
    await recommender.record({ type: 'view', item: toItemId('i9') });
    await recommender.record({ type: 'view', item: toItemId('i5') });
    const recent = await recommender.placement({ kind: 'recently-viewed' }, 5);
    expect(recent.shows).toBe('recently-viewed');
    expect(listed(recent)).toEqual(['i5', 'i9', 'i7']);
    expect(recent.items.map((entry) => (entry.reason?.kind === 'recent' ? entry.reason.via : null))).toEqual(['view', 'view', 'add_to_cart']);
  });

  it('leaves out-of-stock items out of the recently viewed', async () => {
    const items = model.items.map((item, i) => (i === 9 ? { ...item, inStock: false } : item));
    const recommender = await createRecommender(deps({ model: { ...model, items } }));
    await recommender.record({ type: 'view', item: toItemId('i5') });
    await recommender.record({ type: 'view', item: toItemId('i9') });
    expect(listed(await recommender.placement({ kind: 'recently-viewed' }, 5))).toEqual(['i5']);
  });

  it('lists bought consumables once they are due again, the most overdue first, and trending until then', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    // c2 is a consumable bought every 14 days; i3 (c3) is a durable.
    const rules = { ...model.rules, repurchase: [{ target: { kind: 'category', category: 'c2' } as const, afterDays: 14 }] };
    const setup = deps({ model: { ...model, rules } });
    const recommender = await createRecommender(setup);
    for (const item of ['i2', 'i3']) await recommender.record({ type: 'purchase', item: toItemId(item) });
    setup.clock.t += 7 * DAY;
    await recommender.record({ type: 'purchase', item: toItemId('i8') });
    const early = await recommender.placement({ kind: 'buy-again' }, 5);
    expect(early.shows).toBe('trending');
    setup.clock.t += 8 * DAY;
    // i2 is due (15 days), i8 is not (8 days), i3 never is.
    expect(listed(await recommender.placement({ kind: 'buy-again' }, 5))).toEqual(['i2']);
    setup.clock.t += 7 * DAY;
    const due = await recommender.placement({ kind: 'buy-again' }, 5);
    expect(due.shows).toBe('buy-again');
    expect(listed(due)).toEqual(['i2', 'i8']);
    expect(due.items.every((entry) => entry.reason?.kind === 'recent' && entry.reason.via === 'purchase')).toBe(true);
    // Out of stock at the shop: not offered again until it is back.
    await recommender.setAvailability([{ item: toItemId('i2'), inStock: false }]);
    expect(listed(await recommender.placement({ kind: 'buy-again' }, 5))).toEqual(['i8']);
  });

  it("lists a model without popularity in the shop's catalogue order", async () => {
    const recommender = await createRecommender(deps({ model: { ...model, popularity: null } }));
    expect(listed(await recommender.placement({ kind: 'trending', category: null }, 4))).toEqual(['i0', 'i1', 'i2', 'i3']);
  });

  it('lists trending items by popularity, within a category when asked, and from every category when it has none', async () => {
    const items = model.items.map((item, row) => (row === byPopularity[0] ? { ...item, inStock: false } : item));
    const recommender = await createRecommender(deps({ model: { ...model, items } }));
    const all = await recommender.placement({ kind: 'trending', category: null }, 4);
    expect(listed(all)).toEqual(byPopularity.slice(1, 5).map((row) => `i${row}`));
    expect(all.items.every((entry) => entry.reason?.kind === 'popular')).toBe(true);
    const inC2 = byPopularity.filter((row) => row % 6 === 2 && row !== byPopularity[0]);
    expect(listed(await recommender.placement({ kind: 'trending', category: 'c2' }, 3))).toEqual(inC2.slice(0, 3).map((row) => `i${row}`));
    expect(listed(await recommender.placement({ kind: 'trending', category: 'no such category' }, 4))).toEqual(listed(all));
  });
});

describe('parsePlacement', () => {
  it('reads each placement and its settings', () => {
    expect(parsePlacement(settings({}), 'test')).toBeNull();
    expect(parsePlacement(settings({ placement: 'for-you' }), 'test')).toBeNull();
    expect(parsePlacement(settings({ placement: 'similar', item: ' p42 ' }), 'test')).toEqual({ kind: 'similar', item: 'p42' });
    expect(parsePlacement(settings({ placement: 'recently-viewed' }), 'test')).toEqual({ kind: 'recently-viewed' });
    expect(parsePlacement(settings({ placement: 'buy-again' }), 'test')).toEqual({ kind: 'buy-again' });
    expect(parsePlacement(settings({ placement: 'trending', category: 'Tea' }), 'test')).toEqual({ kind: 'trending', category: 'Tea' });
    expect(parsePlacement(settings({ placement: 'trending', category: ' ' }), 'test')).toEqual({ kind: 'trending', category: null });
  });

  it('names the setting that is wrong and where it came from', () => {
    const failure = (values: Record<string, string>) => {
      try {
        parsePlacement(settings(values), '<vitrine-grid> attribute');
      } catch (error) {
        return isRecError(error) ? { code: error.code, field: error.location.field, file: error.location.file, message: error.message } : error;
      }
      return null;
    };
    expect(failure({ placement: 'related' })).toMatchObject({ code: 'CONFIG_INVALID', field: 'placement', file: '<vitrine-grid> attribute' });
    expect(failure({ placement: 'related' })).toHaveProperty('message', expect.stringContaining('"related"'));
    expect(failure({ placement: 'similar' })).toMatchObject({ code: 'CONFIG_INVALID', field: 'item' });
    expect(failure({ placement: 'similar', item: '  ' })).toMatchObject({ code: 'CONFIG_INVALID', field: 'item' });
  });
});
