import { describe, expect, it } from 'vitest';
import { parseCatalog, type CatalogItem } from '../../core/catalog.ts';
import { parseShopRules } from '../../core/shop-rules.ts';
import { DEMO_ITEM_COUNT, DEMO_OUT_OF_STOCK_EVERY, DEMO_PINNED, escapeXml, generateDemoCatalog } from './demo-catalog.ts';
import { DEMO_DEPARTMENTS } from './demo-vocab.ts';

describe('generateDemoCatalog', () => {
  const catalog = generateDemoCatalog();

  it('is deterministic: same output twice', () => {
    const again = generateDemoCatalog();
    expect(again.items).toEqual(catalog.items);
    expect(again.images).toEqual(catalog.images);
    expect(Array.from(again.popularity)).toEqual(Array.from(catalog.popularity));
  });

  it('changes with the seed', () => {
    expect(generateDemoCatalog({ seed: 7, count: 50 }).items).not.toEqual(generateDemoCatalog({ count: 50 }).items);
  });

  it('meets the counts: >= 2000 items over >= 12 departments, unique ids and titles', () => {
    expect(catalog.items.length).toBe(DEMO_ITEM_COUNT);
    expect(catalog.items.length).toBeGreaterThanOrEqual(2000);
    const departments = new Set(catalog.items.map((item) => item.category));
    expect(departments.size).toBe(14);
    expect(departments.size).toBeGreaterThanOrEqual(12);
    expect(new Set(catalog.items.map((item) => item.id)).size).toBe(catalog.items.length);
    expect(new Set(catalog.items.map((item) => item.title)).size).toBe(catalog.items.length);
    for (const name of departments) {
      expect(catalog.items.filter((item) => item.category === name).length).toBeGreaterThanOrEqual(Math.floor(DEMO_ITEM_COUNT / 14));
    }
  });

  it('passes core parseCatalog with every field present', () => {
    const parsed = parseCatalog(JSON.parse(JSON.stringify({ items: catalog.items })), catalog.items.length, 'demo');
    expect(parsed.map((item) => item.id)).toEqual(catalog.items.map((item) => item.id));
    for (const item of parsed) {
      expect(item.id).toMatch(/^p\d{4}$/);
      expect(item.title.length).toBeGreaterThan(5);
      expect(item.description.split(/\s+/).length).toBeGreaterThanOrEqual(10);
      expect(item.description.split(/\s+/).length).toBeLessThanOrEqual(35);
      expect(item.price).not.toBeNull();
      expect(item.price as number).toBeGreaterThan(0);
      expect(Math.round((item.price as number) * 100) / 100).toBe(item.price);
      expect(item.image).toBe(`images/${item.id}.png`);
    }
  });

  it('carries variant groups, out-of-stock products and shop rules that core accepts', () => {
    const json = JSON.parse(JSON.stringify({ items: catalog.items, rules: catalog.rules })) as unknown;
    const items = parseCatalog(json, catalog.items.length, 'demo');
    const rules = parseShopRules(json, items, 'demo');
    const groups = new Map<string, CatalogItem[]>();
    for (const item of items) if (item.group !== null) groups.set(item.group, [...(groups.get(item.group) ?? []), item]);
    expect(groups.size).toBeGreaterThanOrEqual(100);
    for (const members of groups.values()) {
      expect(members.length).toBeGreaterThanOrEqual(2);
      expect(new Set(members.map((item) => item.category)).size).toBe(1); // one product, one department
      const [first, ...variants] = members;
      for (const variant of variants) expect(variant.title.startsWith(first?.title ?? '?')).toBe(true);
    }
    expect(items.filter((item) => !item.inStock).length).toBe(DEMO_ITEM_COUNT / DEMO_OUT_OF_STOCK_EVERY);
    const pinned = items.find((item) => item.id === DEMO_PINNED.item);
    expect(pinned).toMatchObject({ inStock: true });
    expect(rules.pins).toEqual([
      { target: { kind: 'item', item: DEMO_PINNED.item, row: items.indexOf(pinned as CatalogItem) }, position: DEMO_PINNED.position },
    ]);
    expect(rules.repurchase.map((rule) => rule.target)).toEqual([
      { kind: 'category', category: 'Grocery' },
      { kind: 'category', category: 'Pet Supplies' },
    ]);
    // A small catalogue gets only the rules that name what it has.
    const small = generateDemoCatalog({ count: 20 });
    expect(() => parseShopRules({ items: small.items, rules: small.rules }, parseCatalog({ items: small.items }, 20, 'small'), 'small')).not.toThrow();
  });

  it('keeps titles department-coherent: each title names a noun of its own department', () => {
    for (const item of catalog.items) {
      const department = DEMO_DEPARTMENTS.find((d) => d.name === item.category);
      expect(department).toBeDefined();
      expect(department?.nouns.some((noun) => item.title.includes(noun.noun) && item.description.toLowerCase().includes(noun.noun.toLowerCase()))).toBe(true);
    }
  });

  it('prices each noun within its range', () => {
    const kettles = catalog.items.filter((item) => item.title.includes('Electric Kettle'));
    expect(kettles.length).toBeGreaterThan(0);
    for (const item of kettles) expect(item.price).toBeGreaterThanOrEqual(19);
    for (const item of kettles) expect(item.price).toBeLessThanOrEqual(130);
  });

  it('draws one small, well-formed SVG per item (the source of its PNG)', () => {
    expect(catalog.images.map((image) => image.path)).toEqual(catalog.items.map((item) => item.image));
    for (const image of catalog.images) {
      expect(image.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(image.svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(image.svg.length).toBeLessThan(2500);
      // The product type's icon is drawn (its shapes in a stroked group), not letters.
      expect(image.svg).toMatch(/<g transform="[^"]+" fill="none" stroke="hsl\([^"]+\)"[^>]*>\n<(path|circle|rect|line|polyline|polygon|ellipse) /);
      // Every & starts an entity: text was escaped.
      expect(image.svg).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
      const opened = (image.svg.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).length;
      const closed = (image.svg.match(/<\/[a-z]+>/g) ?? []).length;
      expect(opened).toBe(closed);
    }
    expect(escapeXml(`Chef's <Knife> & "Co"`)).toBe('Chef&apos;s &lt;Knife&gt; &amp; &quot;Co&quot;');
  });

  it('gives a Zipf-like popularity in (0, 1] whose top items mix departments', () => {
    const values = Array.from(catalog.popularity);
    expect(values.length).toBe(catalog.items.length);
    expect(Math.max(...values)).toBe(1);
    expect(Math.min(...values)).toBeGreaterThan(0);
    const order = values.map((value, row) => ({ value, row })).sort((a, b) => b.value - a.value);
    const top = order.slice(0, 24).map(({ row }) => catalog.items[row]?.category);
    expect(new Set(top).size).toBeGreaterThanOrEqual(6);
    // Heavy head, long tail.
    expect(order[0]?.value ?? 0).toBeGreaterThan(10 * (order[order.length / 2]?.value ?? 1));
  });
});
