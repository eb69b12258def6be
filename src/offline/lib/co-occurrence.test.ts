import { describe, expect, it } from 'vitest';
import { EMPTY_NEIGHBOUR } from '../../core/neighbours.ts';
import { seededRandom } from '../../core/test-support.ts';
import type { Sequence } from './behaviour.ts';
import { behaviourNeighbours, coOccurrence, NEIGHBOURS_PER_ITEM, topCoOccurring } from './co-occurrence.ts';

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
    // Weight 0 exactly is left out too.
    const zero = coOccurrence([{ rows: [0, 1, 2], weights: [1, 0, 1] }], 3, 1);
    expect(zero[0]?.has(1)).toBe(false);
    expect(zero[0]?.get(2)).toBe(1);
  });
});

/** The pair-at-a-time count the row-at-a-time one replaced: a Map per item, both directions per pair. */
function coOccurrenceByPairs(sequences: readonly Sequence[], itemCount: number, window: number): Map<number, number>[] {
  const neighbours: Map<number, number>[] = Array.from({ length: itemCount }, () => new Map());
  const occurrences = new Float64Array(itemCount);
  for (const { rows: all, weights } of sequences) {
    const rows = weights === undefined ? all : all.filter((_, i) => (weights[i] ?? 1) > 0);
    for (let i = 0; i < rows.length; i++) {
      const a = rows[i] as number;
      occurrences[a] = (occurrences[a] ?? 0) + 1;
      for (let j = i + 1; j < Math.min(rows.length, i + 1 + window); j++) {
        const b = rows[j] as number;
        if (a === b) continue;
        (neighbours[a] as Map<number, number>).set(b, ((neighbours[a] as Map<number, number>).get(b) ?? 0) + 1);
        (neighbours[b] as Map<number, number>).set(a, ((neighbours[b] as Map<number, number>).get(a) ?? 0) + 1);
      }
    }
  }
  for (const [a, list] of neighbours.entries()) {
    for (const [b, count] of list) list.set(b, count / Math.sqrt((occurrences[a] ?? 1) * (occurrences[b] ?? 1)));
  }
  return neighbours;
}

function randomSequences(count: number, itemCount: number, seed: number): Sequence[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(random() * 12);
    const rows = Array.from({ length }, () => Math.floor(random() * itemCount));
    return { rows, weights: rows.map(() => (random() < 0.15 ? -1 : 1)) };
  });
}

describe('topCoOccurring', () => {
  it('keeps the best per item in order, ties to the lower row, padding with empty slots and capping at 1', () => {
    // Window 1. 0 and 3 each co-occur once with 2 (0.5 each: n_2 = 4); 1 sits between two 2s, so
    // their count 2 over sqrt(1 x 4) is exactly 1; 4 sits between two 5s: 2 / sqrt(1 x 2) > 1, capped.
    const sequences = [{ rows: [0, 2] }, { rows: [3, 2] }, { rows: [2, 1, 2] }, { rows: [5, 4, 5] }];
    const { neighbours, pairs } = topCoOccurring(sequences, 6, 1, 2);
    expect(neighbours.perItem).toBe(2);
    expect([...neighbours.rows]).toEqual([2, EMPTY_NEIGHBOUR, 2, EMPTY_NEIGHBOUR, 1, 0, 2, EMPTY_NEIGHBOUR, 5, EMPTY_NEIGHBOUR, 4, EMPTY_NEIGHBOUR]);
    expect([...neighbours.similarities]).toEqual([0.5, 0, 1, 0, 1, 0.5, 0.5, 0, 1, 0, 1, 0]);
    expect(pairs).toBe(8); // 0-2, 1-2, 3-2, 4-5, each both ways (2 has three partners, cut to 2)
  });

  it("writes no more than perItem partners, so a long list does not spill into the next item's slots", () => {
    // Window 1: 0 sits between 1 and 2 (both kept for 0, cut to one); 1's only partner is refused.
    const { neighbours } = topCoOccurring([{ rows: [1, 0, 2] }], 3, 1, 1, (row) => row !== 1);
    expect([...neighbours.rows]).toEqual([1, EMPTY_NEIGHBOUR, 0]);
  });

  it('lists only the pairs keep() admits, and counts only those', () => {
    const { neighbours, pairs } = topCoOccurring([{ rows: [0, 1, 2] }], 3, 2, 2, (row, other) => row + other !== 1);
    expect([...neighbours.rows]).toEqual([2, EMPTY_NEIGHBOUR, 2, EMPTY_NEIGHBOUR, 0, 1]);
    expect(pairs).toBe(4);
  });

  it.each([1, 3, Number.POSITIVE_INFINITY])('gives the lists and similarities of the pair-at-a-time count (window %s)', (window) => {
    const sequences = randomSequences(300, 40, 11);
    const byPairs = coOccurrenceByPairs(sequences, 40, window);
    const expected = byPairs.map((list) => [...list.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5));
    const { neighbours, pairs } = topCoOccurring(sequences, 40, window, 5);
    expect(pairs).toBe(byPairs.reduce((sum, list) => sum + list.size, 0));
    expected.forEach((list, row) => {
      expect([...neighbours.rows.subarray(row * 5, row * 5 + list.length)]).toEqual(list.map(([other]) => other));
      expect([...neighbours.similarities.subarray(row * 5, row * 5 + list.length)]).toEqual(list.map(([, similarity]) => Math.min(1, Math.fround(similarity))));
    });
    const maps = coOccurrence(sequences, 40, window);
    maps.forEach((list, row) => expect(new Map([...list].sort((a, b) => a[0] - b[0]))).toEqual(new Map([...(byPairs[row] ?? [])].sort((a, b) => a[0] - b[0]))));
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
