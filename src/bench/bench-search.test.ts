import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../core/catalog.ts';
import { toItemId } from '../core/ids.ts';
import { syntheticCatalogue, timeKeystrokes } from './bench-search.ts';

const base: CatalogItem[] = ['a', 'b', 'c'].map((id) => ({
  id: toItemId(id),
  title: `Title ${id}`,
  category: 'Kitchen',
  description: 'one two three four',
  price: 1,
  image: null,
  group: 'g',
  inStock: true,
}));

describe('syntheticCatalogue', () => {
  it('keeps the base items, then adds distinct copies with a variant word and one description word fewer', () => {
    const items = syntheticCatalogue(base, 8, 1);
    expect(items).toHaveLength(8);
    expect(items.slice(0, 3)).toEqual(base);
    expect(new Set(items.map((item) => item.id)).size).toBe(8);
    for (const [row, copy] of items.slice(3).entries()) {
      const original = base[(row + 3) % 3];
      expect(copy.title.startsWith(`${original?.title} `)).toBe(true);
      expect(copy.description.split(' ')).toHaveLength(3);
      expect(copy.category).toBe('Kitchen');
      expect(copy.group).toBeNull();
    }
  });

  it('is the same for the same seed and differs for another', () => {
    expect(syntheticCatalogue(base, 30, 5)).toEqual(syntheticCatalogue(base, 30, 5));
    expect(syntheticCatalogue(base, 30, 5)).not.toEqual(syntheticCatalogue(base, 30, 6));
    expect(syntheticCatalogue([], 30, 5)).toEqual([]);
  });
});

describe('timeKeystrokes', () => {
  it('types every prefix of every query, round after round, and times each', () => {
    const typed: string[] = [];
    const times = timeKeystrokes(['ab', 'xyz'], 2, (text) => typed.push(text));
    expect(typed).toEqual(['a', 'ab', 'x', 'xy', 'xyz', 'a', 'ab', 'x', 'xy', 'xyz']);
    expect(times).toHaveLength(10);
    for (const ms of times) expect(ms).toBeGreaterThanOrEqual(0);
  });
});
