import { describe, expect, it } from 'vitest';
import type { CatalogItem } from './catalog.ts';
import { arrangeGrid, arrangeList, explorationSlots, intraListDiversity, type ArrangeInput } from './list-quality.ts';
import { gramMatrix, rowSimilarity, scoreAll, topK } from './rank.ts';
import { parseShopRules, type ShopRules } from './shop-rules.ts';
import { createReferenceSpace, makeFixtureModel, RELEVANCE_ONLY_RULES, seededRandom } from './test-support.ts';

// 90 items in 3 clustered categories (item i is in category c(i % 3)); the shopper likes c0.
const model = makeFixtureModel({ count: 90, dim: 16, categories: 3, seed: 7 });
const { vectors, manifest } = model;
const interest = vectors.slice(0, manifest.dim); // Item 0's vector: a c0 shopper.
const top = topK(scoreAll(vectors, manifest.dim, interest, null, 0), 60, new Set());

const rules = (json: unknown): ShopRules => ({ ...RELEVANCE_ONLY_RULES, ...parseShopRules({ items: [], rules: json }, model.items, 'catalog.json') });
function arrange(overrides: Partial<ArrangeInput> = {}, items: readonly CatalogItem[] = model.items): ReturnType<typeof arrangeList> {
  const candidates = overrides.candidates ?? top;
  return arrangeList({
    size: 12,
    candidates,
    similarity: gramMatrix(vectors, manifest.dim, candidates.rows),
    items,
    rules: RELEVANCE_ONLY_RULES,
    explorationSlots: 0,
    shown: new Set(),
    random: seededRandom(1),
    ...overrides,
  });
}
const categoriesOf = (list: ReturnType<typeof arrangeList>): string[] => list.map(({ row }) => model.items[row]?.category ?? '');

describe('arrangeList', () => {
  it('with lambda 1 and no rules is the score order', () => {
    const list = arrange();
    expect(list.map((entry) => entry.row)).toEqual(top.rows.slice(0, 12));
    expect(list.every((entry) => entry.source === 'ranked')).toBe(true);
    expect(new Set(categoriesOf(list))).toEqual(new Set(['c0']));
  });

  it('trades relevance for variety as lambda falls (maximal marginal relevance)', () => {
    const diverse = (lambda: number) => arrange({ rules: { ...RELEVANCE_ONLY_RULES, diversity: { ...RELEVANCE_ONLY_RULES.diversity, lambda } } });
    const similarity = (a: number, b: number) => rowSimilarity(vectors, manifest.dim, a, b);
    const ild = [1, 0.7, 0.3].map((lambda) =>
      intraListDiversity(
        diverse(lambda).map((entry) => entry.row),
        similarity,
      ),
    );
    expect(ild[1]).toBeGreaterThan(ild[0] ?? 1);
    expect(ild[2]).toBeGreaterThan(ild[1] ?? 1);
    expect(new Set(categoriesOf(diverse(0.3))).size).toBeGreaterThanOrEqual(2);
    // The first card is still the most relevant one.
    expect(diverse(0.3)[0]?.row).toBe(top.rows[0]);
  });

  it('never shows two variants of one product: a shared group, or vectors above variantSimilarity', () => {
    // Rows 0, 3 and 6 (all c0, all near the top) are one product in three colours.
    const grouped = model.items.map((item, row) => (row === 0 || row === 3 || row === 6 ? { ...item, group: 'mug' } : item));
    const list = arrange({}, grouped);
    expect(list.filter(({ row }) => grouped[row]?.group === 'mug')).toHaveLength(1);
    expect(list).toHaveLength(12);

    // Just below the closest pair of the plain top 12, so that pair counts as variants.
    const plain = top.rows.slice(0, 12);
    const threshold = Math.max(...plain.flatMap((a) => plain.filter((b) => b !== a).map((b) => rowSimilarity(vectors, manifest.dim, a, b)))) - 1e-4;
    const bySimilarity = arrange({ rules: { ...RELEVANCE_ONLY_RULES, diversity: { ...RELEVANCE_ONLY_RULES.diversity, variantSimilarity: threshold } } });
    const rows = bySimilarity.map((entry) => entry.row);
    for (const a of rows) for (const b of rows) if (a !== b) expect(rowSimilarity(vectors, manifest.dim, a, b)).toBeLessThan(threshold);
    expect(rows).not.toEqual(plain);
    expect(rows).toHaveLength(12);
  });

  it('holds pinned items and categories in their positions', () => {
    const list = arrange({
      rules: rules({
        pin: [
          { item: 'i1', position: 2 },
          { category: 'c2', position: 0 },
        ],
      }),
    });
    // i1 (c1) scores low for a c0 shopper: it is not among the 60 candidates, so the caller appends it.
    expect(top.rows).not.toContain(1);
    const withPin = arrange({
      candidates: { rows: [...top.rows, 1], scores: [...top.scores, 0] },
      rules: rules({
        pin: [
          { item: 'i1', position: 2 },
          { category: 'c2', position: 0 },
        ],
      }),
    });
    expect(withPin[2]).toMatchObject({ row: 1, source: 'pinned' });
    expect(withPin[0]?.source).toBe('pinned');
    expect(model.items[withPin[0]?.row ?? 0]?.category).toBe('c2');
    // Without the row among the candidates (unavailable: out of stock, bought), the slot is ranked.
    expect(list[2]?.source).toBe('ranked');
  });

  it('caps one category in the first row, and lets the cap give way only when nothing else is left', () => {
    const capped = arrange({ rules: rules({ firstRow: { size: 4, maxPerCategory: 2 } }) });
    expect(
      categoriesOf(capped)
        .slice(0, 4)
        .filter((c) => c === 'c0'),
    ).toHaveLength(2);
    expect(categoriesOf(capped).slice(4)).toEqual(new Array(8).fill('c0'));
    const onlyC0 = top.rows.flatMap((row, i) => (model.items[row]?.category === 'c0' ? [{ row, score: top.scores[i] ?? 0 }] : []));
    const alone = arrange({
      candidates: { rows: onlyC0.map((c) => c.row), scores: onlyC0.map((c) => c.score) },
      rules: rules({ firstRow: { size: 4, maxPerCategory: 2 } }),
    });
    expect(alone).toHaveLength(12);
  });

  it('gives exploration slots, outside the first row, to relevant candidates not yet shown; the same seed, the same grid', () => {
    const shown = new Set(top.rows.slice(0, 30));
    const explore = (seed: number) =>
      arrange({ explorationSlots: 3, shown, random: seededRandom(seed), rules: rules({ firstRow: { size: 4, maxPerCategory: 4 } }) });
    const list = explore(42);
    const explored = list.flatMap((entry, position) => (entry.source === 'explore' ? [{ ...entry, position }] : []));
    expect(explored).toHaveLength(3);
    for (const { row, position } of explored) {
      expect(position).toBeGreaterThanOrEqual(4);
      expect(shown.has(row)).toBe(false);
      expect(top.rows).toContain(row);
    }
    expect(explore(42)).toEqual(list);
    expect(explore(43)).not.toEqual(list);
  });

  it('shrinks the exploration share as the session grows', () => {
    const settings = { share: 0.125, halfLife: 12 };
    expect([0, 12, 36, 200].map((n) => explorationSlots(24, n, settings))).toEqual([3, 2, 1, 0]);
    expect(explorationSlots(24, 0, { ...settings, share: 0 })).toBe(0);
  });
});

describe('arrangeGrid', () => {
  it('scores in the item space, appends a pinned item that scored below the candidates so it holds its slot, and never shows an excluded one', async () => {
    const space = createReferenceSpace(model, 0);
    const few = { ...rules({ pin: [{ item: 'i1', position: 2 }] }), diversity: { ...RELEVANCE_ONLY_RULES.diversity, candidates: 20 } };
    const request = { size: 12, items: model.items, rules: few, explorationSlots: 0, shown: new Set<number>(), random: seededRandom(1) };
    const { grid, candidates } = await arrangeGrid(space, interest, { ...request, excluded: new Set([top.rows[0] ?? 0]) });
    expect(candidates.rows).toHaveLength(21); // 20 best + the pinned one
    expect(grid[2]).toMatchObject({ row: 1, source: 'pinned', score: 0 });
    expect(grid.map((entry) => entry.row)).not.toContain(top.rows[0]);
    const withoutPin = await arrangeGrid(space, interest, { ...request, excluded: new Set([1]) });
    expect(withoutPin.grid.map((entry) => entry.row)).not.toContain(1);
    expect(withoutPin.candidates.rows).toHaveLength(20);
  });
});

describe('intraListDiversity', () => {
  it('is the mean pairwise 1 - cosine, 0 for fewer than two items', () => {
    const similarity = (a: number, b: number) => (a === b ? 1 : 0.5);
    expect(intraListDiversity([1, 2, 3], similarity)).toBeCloseTo(0.5);
    expect(intraListDiversity([1], similarity)).toBe(0);
  });
});

describe('arrangeList: boosts and pins at the edges', () => {
  it('lets a boost lift a lower-scored candidate above a higher one', () => {
    const [first, second] = top.rows;
    const boosted = rules({ boost: [{ item: `i${second}`, by: 1 }] });
    expect(
      arrange({ rules: { ...RELEVANCE_ONLY_RULES, boosts: boosted.boosts } })
        .map((entry) => entry.row)
        .slice(0, 2),
    ).toEqual([second, first]);
  });

  it('ignores a pin at the grid size (one past the last position)', () => {
    const far = top.rows[40] ?? -1;
    const list = arrange({ size: 4, rules: { ...RELEVANCE_ONLY_RULES, pins: rules({ pin: [{ item: `i${far}`, position: 4 }] }).pins } });
    expect(list.map((entry) => entry.row)).toEqual(top.rows.slice(0, 4));
  });
});

describe('arrangeList: the first row shows what the shopper has not just seen', () => {
  const [a, b, c, d, e, f, g] = top.rows;
  const rowsOf = (list: ReturnType<typeof arrangeList>): number[] => list.map((entry) => entry.row);

  it('keeps demoted rows out of the first four positions when the rules name no first row, and ranks them right after', () => {
    const list = rowsOf(arrange({ demoted: new Set([a ?? -1, c ?? -1]) }));
    expect(list.slice(0, 4)).toEqual([b, d, e, f]);
    expect(list.slice(4, 6)).toEqual([a, c]);
    expect(list).toHaveLength(12);
  });

  it("uses the shop's first-row size", () => {
    const wide = { ...RELEVANCE_ONLY_RULES, firstRow: { size: 5, maxPerCategory: 5 } };
    const list = rowsOf(arrange({ rules: wide, demoted: new Set([a ?? -1]) }));
    expect(list.slice(0, 6)).toEqual([b, c, d, e, f, a]);
  });

  it("leaves an item pin in its slot (the shop placed it), and gives a category pin its category's best not just seen", () => {
    const pinned = rules({ pin: [{ item: `i${b}`, position: 0 }] });
    expect(rowsOf(arrange({ rules: { ...RELEVANCE_ONLY_RULES, pins: pinned.pins }, demoted: new Set([b ?? -1]) }))[0]).toBe(b);
    const byCategory = rules({ pin: [{ category: 'c0', position: 1 }] });
    const list = rowsOf(arrange({ rules: { ...RELEVANCE_ONLY_RULES, pins: byCategory.pins }, demoted: new Set([a ?? -1]) }));
    expect(list.slice(0, 4)).toEqual([c, b, d, e]);
  });

  it('fills the first row with demoted rows only when nothing else is left', () => {
    const candidates = { rows: [a, b, c, d, e, f, g].map((row) => row ?? -1), scores: top.scores.slice(0, 7) };
    const list = rowsOf(arrange({ candidates, demoted: new Set([a ?? -1, b ?? -1, c ?? -1, d ?? -1, e ?? -1]) }));
    expect(list).toEqual([f, g, a, b, c, d, e]);
  });
});
