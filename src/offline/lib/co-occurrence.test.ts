import { describe, expect, it } from 'vitest';
import { EMPTY_NEIGHBOUR } from '../../core/neighbours.ts';
import { behaviourNeighbours, coOccurrence, NEIGHBOURS_PER_ITEM, topNeighbours } from './co-occurrence.ts';

describe('coOccurrence', () => {
  it('counts pairs within the window once per occurrence, as the cosine of occurrence vectors', () => {
    // 0 occurs 3 times, 1 twice, 2 once, 3 once; window 1: neighbours only.
    const similarity = coOccurrence([{ rows: [0, 1, 2] }, { rows: [1, 0] }, { rows: [0, 3] }], 4, 1);
    expect(similarity[0]?.get(1)).toBeCloseTo(2 / Math.sqrt(3 * 2), 12);
    expect(similarity[1]?.get(0)).toBeCloseTo(2 / Math.sqrt(3 * 2), 12);
    expect(similarity[0]?.has(2)).toBe(false);
    expect(similarity[1]?.get(2)).toBeCloseTo(1 / Math.sqrt(2), 12);
    expect(similarity[3]?.get(0)).toBeCloseTo(1 / Math.sqrt(3), 12);
    // A wider window reaches two positions on.
    expect(coOccurrence([{ rows: [0, 1, 2] }], 3, 2)[0]?.get(2)).toBe(1);
  });

  it('leaves out elements weighted 0 or less (skips), and an item paired with itself', () => {
    const similarity = coOccurrence([{ rows: [0, 1, 2, 0], weights: [1, -1, 1, 1] }], 3, 2);
    expect(similarity[0]?.has(1)).toBe(false);
    expect(similarity[0]?.get(2)).toBeCloseTo(2 / Math.sqrt(2 * 1), 12);
    expect(similarity[0]?.has(0)).toBe(false);
  });
});

describe('topNeighbours', () => {
  it('keeps the best per item in order, ties to the lower row, padding with empty slots and capping at 1', () => {
    const lists = [
      new Map([
        [3, 0.5],
        [1, 0.5],
        [2, 0.9],
      ]),
      new Map([[0, 1.0000001]]),
      new Map<number, number>(),
      new Map([[0, 0.25]]),
    ];
    const top = topNeighbours(lists, 2);
    expect(top.perItem).toBe(2);
    expect([...top.rows]).toEqual([2, 1, 0, EMPTY_NEIGHBOUR, EMPTY_NEIGHBOUR, EMPTY_NEIGHBOUR, 0, EMPTY_NEIGHBOUR]);
    expect([...top.similarities]).toEqual([Math.fround(0.9), 0.5, 1, 0, 0, 0, 0.25, 0]);
  });
});

describe('behaviourNeighbours', () => {
  it('writes no file without training sequences, and NEIGHBOURS_PER_ITEM slots per item with them', () => {
    expect(behaviourNeighbours([], 3, 1)).toBeNull();
    const neighbours = behaviourNeighbours([{ rows: [0, 1] }], 3, 1);
    expect(NEIGHBOURS_PER_ITEM).toBe(20);
    expect(neighbours?.perItem).toBe(20);
    expect([...(neighbours?.rows ?? []).slice(0, 2)]).toEqual([1, EMPTY_NEIGHBOUR]);
    expect(neighbours?.rows.length).toBe(60);
  });
});
