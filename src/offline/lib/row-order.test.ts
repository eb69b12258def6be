import { describe, expect, it } from 'vitest';
import { EMPTY_NEIGHBOUR } from '../../core/neighbours.ts';
import { seededRandom, shuffledIndices } from '../../core/random.ts';
import { normalise } from '../../core/rank.ts';
import { localityOrder, reorderRows } from './row-order.ts';

const DIM = 8;

/** 8 clusters of 50 rows around distinct axes (±), the rows shuffled; cluster[row] says whose each row is. */
function shuffledClusters(): { vectors: Float32Array; cluster: number[]; count: number } {
  const random = seededRandom(3);
  const count = 400;
  const rows = shuffledIndices(count, random);
  const vectors = new Float32Array(count * DIM);
  const cluster: number[] = [];
  rows.forEach((row, i) => {
    const c = Math.floor(i / 50);
    cluster[row] = c;
    const centre = Float32Array.from({ length: DIM }, (_, j) => (j === c % DIM ? (c < DIM ? 1 : -1) : 0));
    vectors.set(normalise(centre.map((value) => value + 0.2 * (random() - 0.5))), row * DIM);
  });
  return { vectors, cluster, count };
}

describe('localityOrder', () => {
  it('writes every row once, each cluster’s rows together', () => {
    const { vectors, cluster, count } = shuffledClusters();
    const order = localityOrder(vectors, count, DIM, 25, 1);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, row) => row));
    for (let c = 0; c < 8; c++) {
      const places = [...order.keys()].filter((i) => cluster[order[i] ?? -1] === c);
      expect(places).toHaveLength(50);
      // Together: the 50 places are consecutive.
      expect((places.at(-1) ?? 0) - (places[0] ?? 0)).toBe(49);
    }
    // The input's order is not kept: the clusters were shuffled over the rows.
    expect(Array.from(order)).not.toEqual(Array.from({ length: count }, (_, row) => row));
  });

  it('keeps the rows’ own order within a cluster, and the same order for the same seed', () => {
    const { vectors, count } = shuffledClusters();
    const order = localityOrder(vectors, count, DIM, 400, 1);
    // One leaf of 400 rows a level: nothing to split, so the rows stay as they are.
    expect(Array.from(order)).toEqual(Array.from({ length: count }, (_, row) => row));
    expect(localityOrder(vectors, count, DIM, 25, 5)).toEqual(localityOrder(vectors, count, DIM, 25, 5));
  });
});

describe('reorderRows', () => {
  it('moves each item with its vector and popularity, and its neighbours and complements name the same items at their new rows', () => {
    const input = {
      items: ['a', 'b', 'c'],
      vectors: Float32Array.of(1, 0, 0, 1, 0.6, 0.8),
      popularity: Float32Array.of(0.1, 0.2, 0.3),
      // a's neighbours: c then b; b's: a and an empty slot; c's: none.
      neighbours: {
        perItem: 2,
        rows: Uint32Array.of(2, 1, 0, EMPTY_NEIGHBOUR, EMPTY_NEIGHBOUR, EMPTY_NEIGHBOUR),
        similarities: Float32Array.of(0.9, 0.5, 0.7, 0, 0, 0),
      },
      complements: { perItem: 1, rows: Uint32Array.of(1, 2, 0), similarities: Float32Array.of(0.4, 0.3, 0.2) },
      catalogId: 'kept',
    };
    const out = reorderRows(input, Uint32Array.of(2, 0, 1), 2);
    expect(out.items).toEqual(['c', 'a', 'b']);
    expect(Array.from(out.vectors)).toEqual([0.6000000238418579, 0.800000011920929, 1, 0, 0, 1]);
    expect(Array.from(out.popularity ?? [])).toEqual([0.30000001192092896, 0.10000000149011612, 0.20000000298023224]);
    // c (row 0): none; a (row 1): c (0) then b (2); b (row 2): a (1).
    expect(Array.from(out.neighbours?.rows ?? [])).toEqual([EMPTY_NEIGHBOUR, EMPTY_NEIGHBOUR, 0, 2, 1, EMPTY_NEIGHBOUR]);
    expect(Array.from(out.neighbours?.similarities ?? [])).toEqual([0, 0, 0.8999999761581421, 0.5, 0.699999988079071, 0]);
    // c's complement a (1), a's b (2), b's c (0).
    expect(Array.from(out.complements?.rows ?? [])).toEqual([1, 2, 0]);
    expect(out.catalogId).toBe('kept');
    expect(reorderRows({ ...input, popularity: null, neighbours: null, complements: null }, Uint32Array.of(1, 2, 0), 2)).toMatchObject({
      items: ['b', 'c', 'a'],
      popularity: null,
      neighbours: null,
      complements: null,
    });
  });
});
