import { describe, expect, it } from 'vitest';
import type { CatalogItem } from './catalog.ts';
import { RecError } from './errors.ts';
import { toItemId } from './ids.ts';
import { outOfStockRows, repurchaseDue, unavailableRows } from './availability.ts';
import { boostOf, DEFAULT_SHOP_RULES, parseShopRules } from './shop-rules.ts';
import { makeFixtureModel } from './test-support.ts';

const { items, rowOf } = makeFixtureModel({ count: 12, dim: 4, categories: 3 });
const parse = (rules: unknown) => parseShopRules({ items: [], rules }, items, 'catalog.json');
const DAY = 24 * 60 * 60 * 1000;
const item = (row: number): CatalogItem => items[row] as CatalogItem;

describe('parseShopRules', () => {
  it('gives the defaults when the catalogue has no rules', () => {
    expect(parseShopRules({ items: [] }, items, 'catalog.json')).toBe(DEFAULT_SHOP_RULES);
  });

  it('reads every rule, resolving item ids to rows and sorting pins by position', () => {
    const rules = parse({
      boost: [
        { category: 'c1', by: 0.1 },
        { item: 'i4', by: -0.05 },
      ],
      pin: [
        { item: 'i7', position: 5 },
        { category: 'c2', position: 0 },
      ],
      firstRow: { size: 4, maxPerCategory: 2 },
      repurchase: [{ category: 'c0', afterDays: 14 }],
      diversity: { lambda: 0.6, variantSimilarity: null },
      exploration: { share: 0.2 },
    });
    expect(rules.pins.map((pin) => pin.position)).toEqual([0, 5]);
    expect(rules.pins[1]?.target).toEqual({ kind: 'item', item: 'i7', row: 7 });
    expect(rules.firstRow).toEqual({ size: 4, maxPerCategory: 2 });
    expect(rules.diversity).toEqual({ lambda: 0.6, candidates: DEFAULT_SHOP_RULES.diversity.candidates, variantSimilarity: null });
    expect(rules.exploration).toEqual({ share: 0.2, halfLife: DEFAULT_SHOP_RULES.exploration.halfLife });
    // i4 is in c1: both boosts apply to it.
    expect(boostOf(rules, item(4), 4)).toBeCloseTo(0.05);
    expect(boostOf(rules, item(1), 1)).toBeCloseTo(0.1);
    expect(boostOf(rules, item(0), 0)).toBe(0);
  });

  it.each([
    ['rules.pins', { pins: [] }],
    ['rules.pin[0].item', { pin: [{ item: 'nope', position: 1 }] }],
    ['rules.pin[0]', { pin: [{ item: 'i1', category: 'c1', position: 1 }] }],
    [
      'rules.pin[1].position',
      {
        pin: [
          { item: 'i1', position: 1 },
          { item: 'i2', position: 1 },
        ],
      },
    ],
    [
      'rules.pin[1].item',
      {
        pin: [
          { item: 'i1', position: 1 },
          { item: 'i1', position: 2 },
        ],
      },
    ],
    ['rules.pin[0].position', { pin: [{ item: 'i1', position: 1.5 }] }],
    ['rules.boost[0].category', { boost: [{ category: 'Nowhere', by: 0.1 }] }],
    ['rules.boost[0].by', { boost: [{ category: 'c1', by: 'a lot' }] }],
    ['rules.firstRow.maxPerCategory', { firstRow: { size: 4 } }],
    ['rules.repurchase[0].afterDays', { repurchase: [{ item: 'i1', afterDays: -1 }] }],
    ['rules.diversity.lambda', { diversity: { lambda: 1.5 } }],
    ['rules.diversity.variantSimilarity', { diversity: { variantSimilarity: 0 } }],
    ['rules.exploration.share', { exploration: { share: 0.9 } }],
    ['rules', ['pin']],
  ])('rejects a bad %s with CATALOG_INVALID naming it', (field, rules) => {
    let error: unknown;
    try {
      parse(rules);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecError);
    expect(error).toMatchObject({ code: 'CATALOG_INVALID', location: { file: 'catalog.json', field } });
  });
});

describe('unavailableRows', () => {
  const outOfStock = items.map((item, row) => (row === 3 ? { ...item, inStock: false } : item));

  it('holds out-of-stock items, and bought durables forever', () => {
    const purchased = [{ item: toItemId('i5'), time: 0 }];
    expect([...unavailableRows(outOfStockRows(outOfStock), outOfStock, DEFAULT_SHOP_RULES, purchased, rowOf, 1000 * DAY)].sort()).toEqual([3, 5]);
  });

  it('lets consumables back once their interval has passed since the latest purchase; an item rule beats its category', () => {
    const rules = parse({
      repurchase: [
        { category: 'c2', afterDays: 30 },
        { item: 'i8', afterDays: 7 },
      ],
    });
    // i5 and i8 are in c2; i8 has its own, shorter interval.
    const purchased = [
      { item: toItemId('i5'), time: 0 },
      { item: toItemId('i8'), time: 0 },
    ];
    expect([...unavailableRows(outOfStockRows(items), items, rules, purchased, rowOf, 6 * DAY)].sort()).toEqual([5, 8]);
    expect([...unavailableRows(outOfStockRows(items), items, rules, purchased, rowOf, 7 * DAY)]).toEqual([5]);
    expect([...unavailableRows(outOfStockRows(items), items, rules, purchased, rowOf, 30 * DAY)]).toEqual([]);
  });
});

describe('repurchaseDue', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const item = { ...(makeFixtureModel({ count: 1, dim: 2, categories: 1 }).items[0] as CatalogItem), category: 'Tea' };
  const rules = {
    ...DEFAULT_SHOP_RULES,
    repurchase: [
      { target: { kind: 'category', category: 'Tea' } as const, afterDays: 10 },
      { target: { kind: 'item', item: item.id, row: 0 } as const, afterDays: 4 },
    ],
  };

  it('is null for a durable, and the time since the purchase over the interval for a consumable, the item’s rule first', () => {
    expect(repurchaseDue(DEFAULT_SHOP_RULES, item, 0, 0, 30 * DAY)).toBeNull();
    expect(repurchaseDue(rules, item, 0, 0, 2 * DAY)).toBe(0.5);
    expect(repurchaseDue(rules, item, 1, 0, 2 * DAY)).toBe(0.2);
  });

  it('makes an item with a zero interval due at once, but not before its purchase', () => {
    const now = { ...rules, repurchase: [{ target: { kind: 'category', category: 'Tea' } as const, afterDays: 0 }] };
    expect(repurchaseDue(now, item, 0, 5, 5)).toBe(Number.POSITIVE_INFINITY);
    expect(repurchaseDue(now, item, 0, 5, 4)).toBe(0);
  });
});
