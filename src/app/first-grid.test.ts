// The grid painted before the engine is ready: a new shopper's is the recommender's own first grid
// (shop rules and diversity included) apart from the exploration slots, drawn per session; a
// returning shopper's is the last "for you" grid kept for this model and catalogue, and nothing is
// kept for a grid that is not personalised (after an erase).
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { createRecommender } from '../core/recommender.ts';
import { deps } from '../core/recommender-test-support.ts';
import { DEFAULT_SHOP_RULES } from '../core/shop-rules.ts';
import { createReferenceSpace, makeFixtureModel } from '../core/test-support.ts';
import { firstGrid, keepGrid, type GridStore } from './first-grid.ts';

const base = makeFixtureModel({ count: 120, dim: 16, categories: 6, popularity: true });
const items = base.items.map((item, row) => (row % 7 === 0 ? { ...item, inStock: false } : item));
// The shop's default rules (diversity, first-row cap) without exploration, which is drawn per session.
const model = { ...base, items, rules: { ...DEFAULT_SHOP_RULES, exploration: { ...DEFAULT_SHOP_RULES.exploration, share: 0 } } };
const source = { model, vectors: model.vectors, prior: model.popularity, priorWeight: DEFAULT_PRIOR_WEIGHT, gridSize: 12 };
const URL = '/models/fixture';
const itemId = (row: number) => {
  const item = base.items[row];
  if (item === undefined) throw new Error(`no item at row ${row}`);
  return item.id;
};

function memoryStore(): GridStore & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getItem: (key) => entries.get(key) ?? null,
    setItem: (key, value) => void entries.set(key, value),
    removeItem: (key) => void entries.delete(key),
  };
}

const recommender = () => createRecommender(deps({ model, space: createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT), gridSize: 12 }));

describe('firstGrid', () => {
  it("for a new shopper is the recommender's first grid, in stock only, marked as starting", async () => {
    const { contents, cartCount } = await firstGrid(source, memoryStore(), URL);
    const engine = (await recommender()).ranking();
    expect(contents.items.map((entry) => entry.item.id)).toEqual(engine.items.map((entry) => entry.item.id));
    expect(contents.items.map((entry) => entry.reason)).toEqual(engine.items.map((entry) => entry.reason));
    expect(contents.items.every((entry) => entry.item.inStock)).toBe(true);
    expect(contents).toMatchObject({ backend: 'starting', personalised: false, eventCount: 0, actionCount: 0 });
    expect(cartCount).toBe(0);
  });

  it('for a returning shopper is the last personalised grid kept, reasons and counts included, until the catalogue changes', async () => {
    const store = memoryStore();
    const shop = await recommender();
    await shop.record({ type: 'add_to_cart', item: itemId(3) });
    const ranking = await shop.record({ type: 'view', item: itemId(10) });
    keepGrid(store, URL, model, ranking, shop.cart().length);

    const { contents, cartCount } = await firstGrid(source, store, URL);
    expect(contents.items.map((entry) => entry.item)).toEqual(ranking.items.map((entry) => entry.item));
    expect(contents.items.map((entry) => entry.reason)).toEqual(ranking.items.map((entry) => entry.reason));
    expect(contents).toMatchObject({ backend: 'starting', personalised: true, eventCount: ranking.eventCount, actionCount: ranking.actionCount });
    expect(cartCount).toBe(1);

    const rebuilt = {
      ...model,
      manifest: { ...model.manifest, files: { ...model.manifest.files, catalog: { ...model.manifest.files.catalog, sha256: 'c'.repeat(64) } } },
    };
    expect((await firstGrid({ ...source, model: rebuilt }, store, URL)).contents.personalised).toBe(false);
    expect((await firstGrid(source, store, '/models/other')).contents.personalised).toBe(false);
  });

  it('forgets the kept grid when the grid shown is not personalised, and ignores a corrupt entry', async () => {
    const store = memoryStore();
    const shop = await recommender();
    keepGrid(store, URL, model, await shop.record({ type: 'view', item: itemId(10) }), 0);
    expect(store.entries.size).toBe(1);
    keepGrid(store, URL, model, await shop.erase(), 0);
    expect(store.entries.size).toBe(0);

    store.setItem(`vitrine.lastGrid.v1:${URL}`, '{"catalog": 3');
    expect((await firstGrid(source, store, URL)).contents.personalised).toBe(false);
  });
});
