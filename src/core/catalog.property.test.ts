// Property-based tests of the catalogue file's parsers (items and shop rules): any record gives
// items and rules or a RecError CATALOG_INVALID naming the field; a valid catalogue reads back as written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { parseCatalog, parseCatalogWithRows, type CatalogItem } from './catalog.ts';
import { RecError } from './errors.ts';
import { parseShopRules } from './shop-rules.ts';
import { attemptRead } from './test-support.ts';

const FILE = 'models/x/catalog.json';
const ITEM_FIELDS = ['id', 'title', 'category', 'description', 'price', 'image', 'group', 'inStock'] as const;

function expectNamedRefusal(error: RecError, field: RegExp): void {
  expect(error.code).toBe('CATALOG_INVALID');
  expect(error.location.file).toBe(FILE);
  expect(error.location.field).toMatch(field);
}

const text = fc.string({ unit: 'grapheme', maxLength: 30 });
const nonBlank = text.filter((s) => s.trim() !== '');
/** Text a shop might put in a title: markup and quotes included, which must stay characters. */
const title = fc.oneof(nonBlank, fc.constantFrom('<img src=x onerror=alert(1)>', '"quoted" & <b>bold</b>', '</script><script>x()</script>'));
const item = fc.record(
  {
    title,
    category: text,
    description: text,
    price: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: null }),
    image: fc.option(text, { nil: null }),
    group: fc.option(nonBlank, { nil: null }),
    inStock: fc.boolean(),
  },
  { requiredKeys: ['title'] },
);
const catalogue = fc
  .uniqueArray(nonBlank, { minLength: 1, maxLength: 8 })
  .chain((ids) => fc.tuple(fc.constant(ids), fc.array(item, { minLength: ids.length, maxLength: ids.length })))
  .map(([ids, records]) => records.map((record, i) => ({ id: ids[i] as string, ...record })));

describe('parseCatalog (property)', () => {
  it(
    'reads a valid catalogue back through JSON as written: ids, titles and every field',
    faultTest('Catalogue text and records', 'Any valid catalogue text: unicode, markup, empty optional fields (must read back as written)', async (fault) => {
      await fault.property(
        fc.property(catalogue, (items) => {
          const parsed = parseCatalog(JSON.parse(JSON.stringify({ items })), items.length, FILE);
          expect(parsed.map((row) => row.id)).toEqual(items.map((row) => row.id));
          expect(parsed.map((row) => row.title)).toEqual(items.map((row) => row.title));
          parsed.forEach((row: CatalogItem, i) => {
            const written = items[i];
            expect(row).toEqual({
              id: written?.id,
              title: written?.title,
              category: written?.category ?? '',
              description: written?.description ?? '',
              price: written?.price ?? null,
              image: written?.image ?? null,
              group: written?.group ?? null,
              inStock: written?.inStock ?? true,
            });
          });
        }),
        { numRuns: 150 },
      );
    }),
  );

  it(
    'gives any JSON value items or a RecError naming the field',
    faultTest('Catalogue text and records', 'Any JSON value as catalog.json', async (fault) => {
      const record = fc.dictionary(fc.constantFrom(...ITEM_FIELDS), fc.jsonValue({ maxDepth: 1 }));
      const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ items: fc.array(fc.oneof(record, fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 }) }));
      await fault.property(
        fc.property(value, fc.nat({ max: 4 }), (json, count) => {
          const result = attemptRead(() => parseCatalog(json, count, FILE));
          if (result instanceof RecError) expectNamedRefusal(result, /^(\(root\)|items(\[\d+\](\.\w+)?)?)$/);
          else {
            expect(result).toHaveLength(count);
            expect(new Set(result.map((row) => row.id)).size).toBe(count);
            for (const row of result) expect(row.title.trim()).not.toBe('');
          }
        }),
        { numRuns: 200 },
      );
    }),
  );

  it(
    'refuses a field of another JSON type in any item, naming that item and field',
    faultTest('Catalogue text and records', 'A catalogue item with one field of another JSON type', async (fault) => {
      const wrong = fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }));
      await fault.property(
        fc.property(catalogue, fc.nat(), fc.constantFrom(...ITEM_FIELDS), wrong, (items, pick, field, value) => {
          const at = pick % items.length;
          // The right type for price is a number and for inStock a boolean: skip those pairs.
          fc.pre(!(field === 'price' && typeof value === 'number') && !(field === 'inStock' && typeof value === 'boolean'));
          const changed = items.map((row, i) => (i === at ? { ...row, [field]: value } : row));
          const refused = attemptRead(() => parseCatalog({ items: changed }, items.length, FILE));
          expect(refused).toBeInstanceOf(RecError);
          expectNamedRefusal(refused as RecError, new RegExp(`^items\\[${at}\\]\\.${field}$`));
        }),
        { numRuns: 150 },
      );
    }),
  );
});

describe('parseCatalogWithRows (property)', () => {
  it('maps each item’s id to its row, in file order, and refuses a repeated id at its second row', () => {
    fc.assert(
      fc.property(catalogue, fc.nat(), fc.nat(), (items, from, to) => {
        const { items: parsed, rowOf } = parseCatalogWithRows({ items }, items.length, FILE);
        expect([...rowOf]).toEqual(parsed.map((item, row) => [item.id, row]));
        expect(parsed.map((item) => item.id)).toEqual(items.map((item) => item.id));
        fc.pre(items.length > 1);
        const [first, second] = [from % items.length, to % items.length].sort((a, b) => a - b) as [number, number];
        fc.pre(first !== second);
        const repeated = items.map((row, i) => (i === second ? { ...row, id: items[first]?.id } : row));
        const refused = attemptRead(() => parseCatalogWithRows({ items: repeated }, items.length, FILE));
        expect(refused).toBeInstanceOf(RecError);
        expectNamedRefusal(refused as RecError, new RegExp(`^items\\[${second}\\]\\.id$`));
        expect((refused as RecError).message).toContain('a unique id');
      }),
      { numRuns: 150 },
    );
  });
});

describe('parseCatalog', () => {
  it.each([
    ['id', { id: ' ', title: 'Lamp' }],
    ['title', { id: 'p1', title: '\t ' }],
    ['group', { id: 'p1', title: 'Lamp', group: '' }],
  ])('refuses a blank %s, naming it', (field, record) => {
    const refused = attemptRead(() => parseCatalog({ items: [record] }, 1, FILE));
    expect(refused).toBeInstanceOf(RecError);
    expectNamedRefusal(refused as RecError, new RegExp(`^items\\[0\\]\\.${field}$`));
    expect((refused as RecError).message).toContain('a non-empty string');
  });
});

describe('parseShopRules (property)', () => {
  const items: CatalogItem[] = parseCatalog(
    {
      items: [
        { id: 'a', title: 'A', category: 'Garden' },
        { id: 'b', title: 'B', category: 'Books' },
        { id: 'c', title: 'C', category: 'Garden' },
      ],
    },
    3,
    FILE,
  );
  const RULE_NAMES = ['boost', 'pin', 'firstRow', 'repurchase', 'diversity', 'exploration', 'other'] as const;
  const target = fc.oneof(
    fc.record({ item: fc.constantFrom('a', 'b', 'c', 'z', '') }),
    fc.record({ category: fc.constantFrom('Garden', 'Books', 'Toys') }),
    fc.record({ item: fc.constant('a'), category: fc.constant('Garden') }),
    fc.jsonValue({ maxDepth: 1 }),
  );
  const entry = fc
    .tuple(
      target,
      fc.dictionary(fc.constantFrom('by', 'position', 'afterDays'), fc.oneof(fc.double(), fc.integer({ min: -5, max: 300 }), fc.jsonValue({ maxDepth: 0 }))),
    )
    .map(([t, extra]) => (typeof t === 'object' && t !== null && !Array.isArray(t) ? { ...t, ...extra } : t));
  const settings = fc.dictionary(
    fc.constantFrom('size', 'maxPerCategory', 'lambda', 'candidates', 'variantSimilarity', 'share', 'halfLife'),
    fc.oneof(fc.double(), fc.integer({ min: -5, max: 300 }), fc.jsonValue({ maxDepth: 0 })),
  );
  const rules = fc.dictionary(fc.constantFrom(...RULE_NAMES), fc.oneof(fc.array(entry, { maxLength: 4 }), settings, fc.jsonValue({ maxDepth: 1 })));

  it(
    'gives any rules object rules within their ranges, or a RecError naming the rule field',
    faultTest('Catalogue text and records', 'Any shop rules object: mistyped fields, values out of range', async (fault) => {
      await fault.property(
        fc.property(fc.oneof(rules, fc.jsonValue({ maxDepth: 2 })), (value) => {
          const result = attemptRead(() => parseShopRules({ items: [], rules: value }, items, FILE));
          if (result instanceof RecError) {
            expectNamedRefusal(result, /^rules(\..*)?$/su);
            return;
          }
          for (const boost of result.boosts) expect(Math.abs(boost.by)).toBeLessThanOrEqual(1);
          const positions = result.pins.map((pin) => pin.position);
          expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
          for (const rule of [...result.boosts, ...result.pins, ...result.repurchase]) {
            if (rule.target.kind === 'item') expect(items[rule.target.row]?.id).toBe(rule.target.item);
            else expect(items.some((row) => row.category === (rule.target.kind === 'category' ? rule.target.category : ''))).toBe(true);
          }
          expect(result.diversity.lambda).toBeGreaterThanOrEqual(0);
          expect(result.diversity.lambda).toBeLessThanOrEqual(1);
          if (result.diversity.variantSimilarity !== null) expect(result.diversity.variantSimilarity).toBeGreaterThan(0);
          expect(result.exploration.share).toBeLessThanOrEqual(0.5);
          expect(result.exploration.halfLife).toBeGreaterThan(0);
        }),
        { numRuns: 200 },
      );
    }),
  );

  it(
    'reads valid boosts and pins back: targets resolved to their rows, pins in position order',
    faultTest('Catalogue text and records', 'Any valid boosts and pins (must read back resolved, pins in position order)', async (fault) => {
      const boost = fc.record({ item: fc.constantFrom('a', 'b', 'c'), by: fc.double({ min: -1, max: 1, noNaN: true }) });
      await fault.property(
        fc.property(fc.array(boost, { maxLength: 5 }), fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { maxLength: 3 }), (boosts, positions) => {
          const pin = positions.map((position, i) => ({ item: ['a', 'b', 'c'][i] as string, position }));
          const parsed = parseShopRules({ items: [], rules: { boost: boosts, pin } }, items, FILE);
          expect(parsed.boosts.map((b) => [b.target.kind === 'item' ? b.target.row : -1, b.by])).toEqual(
            boosts.map((b) => [['a', 'b', 'c'].indexOf(b.item), b.by]),
          );
          expect(parsed.pins.map((p) => [p.position, p.target.kind === 'item' ? p.target.item : ''])).toEqual(
            [...pin].sort((x, y) => x.position - y.position).map((p) => [p.position, p.item]),
          );
        }),
        { numRuns: 100 },
      );
    }),
  );
});
