// The complements placement's steps (complements.ts) on hand-made vectors; the placement as a host
// gets it is in recommender-complements.test.ts.
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from './catalog.ts';
import { indexCatalog } from './catalog.ts';
import { goesWith, goesWithQuery, mergeComplements, substitutesOf, type Complement } from './complements.ts';
import { toItemId } from './ids.ts';
import { NEIGHBOUR_RECENCY_DECAY, NEIGHBOUR_RECENT } from './neighbours.ts';

const item = (row: number, category: string, group: string | null = null): CatalogItem => ({
  id: toItemId(`i${row}`),
  title: `Item ${row}`,
  category,
  description: '',
  price: null,
  image: null,
  group,
  inStock: true,
});
/** Row r of a 2-d space: the unit vector at angle r x 10 degrees. */
const DIM = 2;
const vectors = Float32Array.from({ length: 24 * DIM }, (_, i) => (i % 2 === 0 ? Math.cos : Math.sin)((Math.floor(i / 2) * 10 * Math.PI) / 180));

describe('substitutesOf', () => {
  it('is the anchors and every variant of one, not items without a group', () => {
    const items = [item(0, 'a', 'g'), item(1, 'a'), item(2, 'b', 'g'), item(3, 'a', 'h'), item(4, 'a')];
    expect([...substitutesOf([0, 4], indexCatalog(items))].sort()).toEqual([0, 2, 4]);
    expect([...substitutesOf([1], indexCatalog(items))]).toEqual([1]);
  });
});

describe('goesWithQuery', () => {
  it('sums the anchors, the newest weighing 1 and each older one less, and marks their categories', () => {
    const items = [item(0, 'a'), item(1, 'b'), item(2, 'a'), item(3, 'c'), item(4, '')];
    const made = goesWithQuery([1, 0], indexCatalog(items), vectors, DIM);
    expect([...(made?.query ?? [])].map((v) => v.toFixed(4))).toEqual(
      [Math.cos(Math.PI / 18) + NEIGHBOUR_RECENCY_DECAY, Math.sin(Math.PI / 18)].map((v) => v.toFixed(4)),
    );
    expect([...(made?.sameCategory ?? [])].sort()).toEqual([0, 1, 2]);
  });

  it('counts only the newest NEIGHBOUR_RECENT anchors', () => {
    const items = Array.from({ length: 24 }, (_, row) => item(row, 'a'));
    const anchors = Array.from({ length: NEIGHBOUR_RECENT + 1 }, () => 0);
    const expected = Array.from({ length: NEIGHBOUR_RECENT }, (_, i) => NEIGHBOUR_RECENCY_DECAY ** i).reduce((sum, w) => sum + w, 0);
    expect(goesWithQuery(anchors, indexCatalog(items), vectors, DIM)?.query[0]).toBeCloseTo(expected, 5);
  });

  it('is none when no anchor has a category (the catalogue does not say)', () => {
    expect(goesWithQuery([0, 1], indexCatalog([item(0, ''), item(1, ''), item(2, 'a')]), vectors, DIM)).toBeNull();
  });
});

describe('goesWith', () => {
  it('credits each found row to the anchor closest to it, keeping the found order and scores', () => {
    const listed = goesWith({ rows: [2, 17, 10], scores: [0.9, 0.8, 0.7] }, [0, 18], vectors, DIM);
    expect(listed).toEqual<Complement[]>([
      { row: 2, relevance: 0.9, with: 0, source: 'goes-with' },
      { row: 17, relevance: 0.8, with: 18, source: 'goes-with' },
      { row: 10, relevance: 0.7, with: 18, source: 'goes-with' },
    ]);
  });

  it('credits only the anchors that made the query (the newest NEIGHBOUR_RECENT)', () => {
    const anchors = [...Array.from({ length: NEIGHBOUR_RECENT }, () => 0), 5];
    expect(goesWith({ rows: [5], scores: [1] }, anchors, vectors, DIM)[0]?.with).toBe(0);
  });
});

describe('mergeComplements', () => {
  it('keeps the bought-together list first and adds the text rows it lacks, up to the limit', () => {
    const of = (row: number, source: Complement['source']): Complement => ({ row, relevance: 1, with: 0, source });
    const merged = mergeComplements([of(3, 'bought-together'), of(4, 'bought-together')], [of(4, 'goes-with'), of(5, 'goes-with'), of(6, 'goes-with')], 3);
    expect(merged.map(({ row, source }) => `${row}:${source}`)).toEqual(['3:bought-together', '4:bought-together', '5:goes-with']);
  });
});
