import { describe, expect, it } from 'vitest';
import { EMPTY_NEIGHBOUR, type ItemNeighbours } from '../../core/neighbours.ts';
import { basketComplements } from './complements.ts';

/** Row `row`'s complements, best first, with their cosines rounded to 3 places. */
const partners = (file: ItemNeighbours | null, row: number): [number, number][] => {
  if (file === null) return [];
  const slots = [...file.rows.subarray(row * file.perItem, (row + 1) * file.perItem)];
  return slots.flatMap((partner, slot) =>
    partner === EMPTY_NEIGHBOUR ? [] : [[partner, Math.round((file.similarities[row * file.perItem + slot] ?? 0) * 1000) / 1000] as [number, number]],
  );
};
const noGroups = (count: number) => Array<string | null>(count).fill(null);

describe('basketComplements', () => {
  it('scores items bought in one basket by the cosine of their basket occurrences', () => {
    // 0 is in three baskets, 1 in two (both with 0), 2 in one (with 0).
    const file = basketComplements([{ rows: [0, 1] }, { rows: [0, 1, 2] }, { rows: [0, 3] }], noGroups(4), Number.POSITIVE_INFINITY);
    expect(partners(file, 0)).toEqual([
      [1, Math.round((2 / Math.sqrt(3 * 2)) * 1000) / 1000],
      [2, Math.round((1 / Math.sqrt(3)) * 1000) / 1000],
      [3, Math.round((1 / Math.sqrt(3)) * 1000) / 1000],
    ]);
    expect(partners(file, 3)).toEqual([[0, Math.round((1 / Math.sqrt(3)) * 1000) / 1000]]);
  });

  it('leaves out events lighter than a cart (views, clicks), keeping carts and purchases', () => {
    const file = basketComplements([{ rows: [0, 1, 2, 3], weights: [0.2, 0.5, 1, 0.2] }], noGroups(4), Number.POSITIVE_INFINITY);
    expect(partners(file, 1)).toEqual([[2, 1]]);
    expect(partners(file, 0)).toEqual([]);
    expect(partners(file, 3)).toEqual([]);
  });

  it('never pairs two variants of one product', () => {
    const file = basketComplements([{ rows: [0, 1, 2] }], ['shirt', 'shirt', null], Number.POSITIVE_INFINITY);
    expect(partners(file, 0).map(([row]) => row)).toEqual([2]);
    expect(partners(file, 2).map(([row]) => row)).toEqual([0, 1]);
  });

  it('in a history without baskets, pairs only purchases within the window', () => {
    const file = basketComplements([{ rows: [0, 1, 2, 3] }], noGroups(4), 1);
    expect(partners(file, 0).map(([row]) => row)).toEqual([1]);
    expect(partners(file, 1).map(([row]) => row)).toEqual([0, 2]);
  });

  it('writes no file when nothing was ever bought together', () => {
    expect(basketComplements([{ rows: [0] }, { rows: [1, 2], weights: [1, 0.2] }], noGroups(3), Number.POSITIVE_INFINITY)).toBeNull();
    expect(basketComplements([{ rows: [0, 1] }], ['a', 'a'], Number.POSITIVE_INFINITY)).toBeNull();
  });
});
