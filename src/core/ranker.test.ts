// The grid's arrangement through the recommender: shop rules, variants and exploration.
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { toItemId } from './ids.ts';
import type { ItemSpace, SequenceEncoder } from './ports.ts';
import { createRecommender, type Ranking, type RecommenderDeps } from './recommender.ts';
import { DEFAULT_FIRST_ROW_SIZE, parseShopRules } from './shop-rules.ts';
import { createReferenceSpace } from './test-support.ts';
import { browse, deps, ids, inCategory, model } from './recommender-test-support.ts';

describe('list quality: shop rules, variants and exploration', () => {
  // c2 is the department the shopper browses: i14 and i20 (c2) are out of stock, i26 and i32 (c2)
  // are one product in two colours, i1 (c1) is pinned to position 3, c2 items are consumables.
  const items = model.items.map((item) => {
    if (item.id === 'i14' || item.id === 'i20') return { ...item, inStock: false };
    if (item.id === 'i26' || item.id === 'i32') return { ...item, group: 'mug' };
    return item;
  });
  const rules = parseShopRules(
    { items: [], rules: { pin: [{ item: 'i1', position: 3 }], repurchase: [{ category: 'c2', afterDays: 7 }], firstRow: { size: 4, maxPerCategory: 3 } } },
    items,
    'catalog.json',
  );
  const shop = { ...model, items, rules };
  const shopDeps = (overrides: Partial<RecommenderDeps> = {}) =>
    deps({ model: shop, space: createReferenceSpace(shop, DEFAULT_PRIOR_WEIGHT), explorationSeed: 9, ...overrides });
  const DAY = 24 * 60 * 60 * 1000;

  it('never shows out-of-stock items or two variants, keeps the pin in its slot and caps the first row', async () => {
    const recommender = await createRecommender(shopDeps({ gridSize: 24 }));
    for (const ranking of [recommender.ranking(), await browse(recommender, [2, 8, 38, 44, 50])]) {
      const shown = ids(ranking);
      expect(shown).not.toContain('i14');
      expect(shown).not.toContain('i20');
      expect(shown.filter((id) => id === 'i26' || id === 'i32').length).toBeLessThanOrEqual(1);
      expect(ranking.items[3]).toMatchObject({ item: { id: 'i1' }, reason: { kind: 'pinned' } });
      expect(ranking.items.slice(0, 4).filter((r) => r.item.category === 'c2').length).toBeLessThanOrEqual(3);
    }
    expect(inCategory(recommender.ranking(), 'c2')).toBeGreaterThanOrEqual(12);
  });

  it('brings consumables back after their interval; durables never', async () => {
    const setup = shopDeps({ gridSize: 100 });
    const recommender = await createRecommender(setup);
    await recommender.record({ type: 'purchase', item: toItemId('i2') }); // c2: a consumable
    const bought = await recommender.record({ type: 'purchase', item: toItemId('i3') }); // c3: a durable
    expect(ids(bought)).not.toContain('i2');
    expect(ids(bought)).not.toContain('i3');
    setup.clock.t += 8 * DAY;
    const later = await recommender.record({ type: 'view', item: toItemId('i8') });
    expect(ids(later)).toContain('i2');
    expect(ids(later)).not.toContain('i3');
  });

  it('explores items the session has not shown, reproducibly for one seed, and says so on the card', async () => {
    const run = async (seed: number) => {
      const recommender = await createRecommender(shopDeps({ explorationSeed: seed }));
      const rankings = [recommender.ranking(), await browse(recommender, [2, 8])];
      return rankings;
    };
    const [first, second] = await run(9);
    const explored = (ranking: Ranking | undefined) => (ranking?.items ?? []).filter((r) => r.reason?.kind === 'explore').map((r) => r.item.id);
    expect(explored(first)).toHaveLength(2); // 12 cards x 0.125, at the start of the session
    for (const id of explored(second)) expect(ids(first as Ranking)).not.toContain(id);
    expect((await run(9)).map(ids)).toEqual([first, second].map((r) => ids(r as Ranking)));
    expect((await run(10)).map(ids)).not.toEqual([first, second].map((r) => ids(r as Ranking)));
  });
});

describe('the first row of "For you" and what the shopper did', () => {
  const firstRow = (ranking: Ranking): string[] => ids(ranking).slice(0, DEFAULT_FIRST_ROW_SIZE);

  it('keeps what was viewed in this session or is in the cart out of the first row, not what was viewed in an earlier one', async () => {
    const setup = deps();
    const recommender = await createRecommender(setup);
    const viewed = await recommender.record({ type: 'view', item: toItemId('i2') });
    expect(firstRow(viewed)).not.toContain('i2');
    expect(ids(viewed).slice(DEFAULT_FIRST_ROW_SIZE)).toContain('i2'); // ranked lower, still on the grid
    const carted = await recommender.record({ type: 'add_to_cart', item: toItemId('i8') });
    expect(firstRow(carted)).not.toContain('i2');
    expect(firstRow(carted)).not.toContain('i8');
    recommender.dispose();

    // A day later, a new session: the earlier view may lead again; the cart's item still does not.
    const later = deps({ store: setup.store });
    later.clock.t = setup.clock.t + 24 * 60 * 60 * 1000;
    const next = await createRecommender(later);
    expect(firstRow(next.ranking())).toContain('i2');
    expect(firstRow(next.ranking())).not.toContain('i8');
    next.dispose();
  });

  it('counts actions (views, dwell, cart changes, purchases, searches), not impressions or the skips inferred from a click', async () => {
    const recommender = await createRecommender(deps());
    const shown = ids(recommender.ranking());
    await recommender.recordImpressions(shown.slice(0, 3).map((item, position) => ({ item, position })));
    const clicked = await recommender.record({ type: 'view', item: shown[5] ?? toItemId('i0'), position: 5 });
    expect(clicked).toMatchObject({ eventCount: 7, actionCount: 1 }); // 3 impressions, 3 skips, 1 view
    await recommender.record({ type: 'dwell', item: toItemId('i4'), dwellMs: 8000 });
    await recommender.record({ type: 'add_to_cart', item: toItemId('i4') });
    await recommender.record({ type: 'remove_from_cart', item: toItemId('i4') });
    await recommender.record({ type: 'purchase', item: toItemId('i6') });
    const searched = await recommender.search(model.items[7]?.title ?? '');
    expect(searched).toMatchObject({ eventCount: 12, actionCount: 6 });
    recommender.dispose();
  });
});

describe('non-finite scores', () => {
  // An empty grid reads as "you have bought everything": a NaN must be an error instead.
  it(
    'refuses a sequence interest that is not finite, naming the index',
    faultTest('Model files', "A sequence model's interest vector that is not finite", async () => {
      const interest = new Float32Array(model.manifest.dim).fill(0.25);
      interest[3] = Number.NaN;
      const encoder: SequenceEncoder = { maxLength: 4, interest: () => Promise.resolve(interest), dispose: () => {} };
      const recommender = await createRecommender(deps({ sequenceEncoder: encoder }));
      await expect(recommender.record({ type: 'view', item: toItemId('i2') })).rejects.toMatchObject({
        code: 'INTERNAL',
        message: 'the sequence interest has NaN at index 3, expected finite numbers',
      });
    }),
  );

  it(
    "refuses the item space's scores when one is not finite",
    faultTest('Model files', 'A non-finite score from the item space', async () => {
      const reference = createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT);
      const space: ItemSpace = {
        ...reference,
        topK: async (interest, k, excluded) => {
          const top = await reference.topK(interest, k, excluded);
          return { rows: top.rows, scores: top.scores.map((score, i) => (i === 1 ? Number.POSITIVE_INFINITY : score)) };
        },
      };
      await expect(createRecommender(deps({ space }))).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(/scores has Infinity at index 1/) as unknown,
      });
    }),
  );
});
