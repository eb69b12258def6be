// A sharded catalogue's catalog.json: every item's ranking fields from its columns, and each wrong
// column entry named by its field and row.
import { describe, expect, it } from 'vitest';
import { cardShardPath } from './card-shards.ts';
import { isShardedCatalog, parseCatalogColumns } from './catalog-columns.ts';
import { toItemId } from './ids.ts';
import { thrownRecError } from './test-support.ts';

const FILE = 'models/x/catalog.json';
const cards = { rowsPerShard: 2, shards: ['a', 'b'].map((d) => ({ path: cardShardPath(d.repeat(64)), bytes: 1, sha256: d.repeat(64) })) };
const noCards = () => ({ card: () => ({ title: 't', description: '', price: null, image: null }) });
const valid = {
  ids: ['p0', 'p1', 'p2', 'p3'],
  categories: ['Toys', ''],
  category: [0, 1, 0, 0],
  groups: ['shirt'],
  group: [-1, 0, 0, -1],
  outOfStock: [2],
  cards,
};

describe('parseCatalogColumns', () => {
  it('gives every item its id, category, group and stock, and the rows by id', () => {
    const { items, rowOf, shards } = parseCatalogColumns(valid, 4, FILE, noCards);
    expect(items.map(({ id, category, group, inStock }) => [id, category, group, inStock])).toEqual([
      ['p0', 'Toys', null, true],
      ['p1', '', 'shirt', true],
      ['p2', 'Toys', 'shirt', false],
      ['p3', 'Toys', null, true],
    ]);
    expect(rowOf.get(toItemId('p2'))).toBe(2);
    expect(shards.shards).toHaveLength(2);
  });

  it('takes an empty category name as the catalogue not saying', () => {
    const { items } = parseCatalogColumns({ ...valid, categories: ['', 'Toys'] }, 4, FILE, noCards);
    expect(items.map((item) => item.category)).toEqual(['', 'Toys', '', '']);
  });

  it('reads a catalogue without groups or stock columns as every item ungrouped and in stock', () => {
    const { items } = parseCatalogColumns({ ids: ['a', 'b', 'c'], categories: ['C'], category: [0, 0, 0], cards }, 3, FILE, noCards);
    expect(items.every((item) => item.group === null && item.inStock)).toBe(true);
  });

  it.each([
    ['a column of another length', { ...valid, category: [0, 0, 0] }, 'category', '4 entries'],
    ['a repeated id', { ...valid, ids: ['p0', 'p1', 'p0', 'p3'] }, 'ids[2]', 'a unique id'],
    ['a blank id', { ...valid, ids: ['p0', '', 'p2', 'p3'] }, 'ids[1]', 'non-empty'],
    ['a category index past the names', { ...valid, category: [0, 2, 0, 0] }, 'category[1]', 'from 0 to 1'],
    ['a group index with no group', { ...valid, group: [-1, 0, 1, -1] }, 'group[2]', 'from -1 to 0'],
    ['a fractional index', { ...valid, category: [0, 0.5, 0, 0] }, 'category[1]', 'an integer'],
    ['an out-of-stock row past the items', { ...valid, outOfStock: [4] }, 'outOfStock[0]', '4'],
    ['a blank group name', { ...valid, groups: [''] }, 'groups[0]', 'non-empty'],
    ['group indices without the group names', { ...valid, groups: undefined }, 'groups', 'an array'],
    ['group names without the indices', { ...valid, group: undefined }, 'group', 'an array'],
    ['categories that are not a list', { ...valid, categories: 'Toys' }, 'categories', 'an array'],
    ['a category name that is not text', { ...valid, categories: ['Toys', 3] }, 'categories[1]', 'a string'],
    ['a fractional out-of-stock row', { ...valid, outOfStock: [1.5] }, 'outOfStock[0]', 'an integer'],
    ['out-of-stock rows that are not a list', { ...valid, outOfStock: 2 }, 'outOfStock', 'an array'],
  ])('refuses %s, naming %s', (_, value, field, expected) => {
    const error = thrownRecError(() => parseCatalogColumns(value, 4, FILE, noCards));
    expect(error.code).toBe('CATALOG_INVALID');
    expect(error.location?.file).toBe(FILE);
    expect(error.message).toContain(field);
    expect(error.message).toContain(expected);
  });
});

describe('isShardedCatalog', () => {
  it('tells the sharded shape by its card list', () => {
    expect(isShardedCatalog(valid)).toBe(true);
    expect(isShardedCatalog({ items: [] })).toBe(false);
    expect(isShardedCatalog(null)).toBe(false);
  });
});
