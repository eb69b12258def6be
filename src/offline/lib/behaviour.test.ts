import { describe, expect, it } from 'vitest';
import { rowSimilarity } from '../../core/rank.ts';
import { seededRandom } from '../../core/test-support.ts';
import { learnBehaviourEmbeddings, type BehaviourEmbeddings, type Sequence } from './behaviour.ts';

/** Sessions that stay inside one of `groups` groups of `size` items (item i is in group floor(i / size)). */
function groupSessions(groups: number, size: number, sessions: number, seed: number): Sequence[] {
  const random = seededRandom(seed);
  return Array.from({ length: sessions }, () => {
    const group = Math.floor(random() * groups);
    const length = 2 + Math.floor(random() * 6);
    return { rows: Array.from({ length }, () => group * size + Math.floor(random() * size)) };
  });
}

function nearest(embeddings: BehaviourEmbeddings, row: number): number {
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let other = 0; other < embeddings.hasEvents.length; other++) {
    if (other === row || embeddings.hasEvents[other] !== 1) continue;
    const score = rowSimilarity(embeddings.vectors, embeddings.dim, row, other);
    if (score > bestScore) {
      bestScore = score;
      best = other;
    }
  }
  return best;
}

function norm(embeddings: BehaviourEmbeddings, row: number): number {
  return Math.sqrt(rowSimilarity(embeddings.vectors, embeddings.dim, row, row));
}

describe('learnBehaviourEmbeddings', () => {
  // 60 items: the dense eigensolver; 900 items: the randomised sparse one.
  it.each([
    { size: 20, sessions: 600, dim: 8 },
    { size: 300, sessions: 6000, dim: 16 },
  ])('puts items that co-occur in sessions next to each other ($size items per group)', ({ size, sessions, dim }) => {
    const itemCount = 3 * size;
    const embeddings = learnBehaviourEmbeddings(groupSessions(3, size, sessions, 5), itemCount, { dim, seed: 3 });
    expect(embeddings.vectors).toHaveLength(itemCount * dim);
    let inGroup = 0;
    for (let row = 0; row < itemCount; row++) {
      expect(embeddings.hasEvents[row]).toBe(1);
      expect(norm(embeddings, row)).toBeCloseTo(1, 5);
      if (Math.floor(nearest(embeddings, row) / size) === Math.floor(row / size)) inGroup++;
    }
    expect(inGroup).toBe(itemCount);
  });

  it('gives zero rows and hasEvents 0 to unseen, rare and never-positively-weighted items', () => {
    const sequences: Sequence[] = [
      ...groupSessions(2, 10, 200, 8),
      { rows: [0, 20] }, // 20 is seen once: below minCount 2
      { rows: [1, 21, 2], weights: [1, -0.5, 1] }, // 21 only with a negative weight
      { rows: [22] }, // 22 twice, but never with another item
      { rows: [22] },
    ];
    const embeddings = learnBehaviourEmbeddings(sequences, 24, { dim: 4, minCount: 2 });
    for (const row of [20, 21, 22, 23]) {
      expect(embeddings.hasEvents[row]).toBe(0);
      expect([...embeddings.vectors.subarray(row * 4, row * 4 + 4)]).toEqual([0, 0, 0, 0]);
    }
    expect(embeddings.hasEvents.slice(0, 20).every((flag) => flag === 1)).toBe(true);
    expect(embeddings.stats?.['trainedItems']).toBe(20);
  });

  it('is deterministic for a seed, with and without shuffled huge baskets', () => {
    const sequences = [...groupSessions(3, 200, 3000, 2), { rows: Array.from({ length: 500 }, (_, i) => i) }];
    const options = { dim: 8, seed: 7, maxContext: 10 };
    const a = learnBehaviourEmbeddings(sequences, 600, options);
    const b = learnBehaviourEmbeddings(sequences, 600, options);
    expect(a.vectors).toEqual(b.vectors);
    expect(a.hasEvents).toEqual(b.hasEvents);
    const windowed = learnBehaviourEmbeddings(sequences, 600, { ...options, window: 3 });
    expect(windowed.vectors).toEqual(learnBehaviourEmbeddings(sequences, 600, { ...options, window: 3 }).vectors);
  });

  it('is not swamped by huge baskets that mix every group (each occurrence spreads one unit)', () => {
    const everything = { rows: Array.from({ length: 60 }, (_, i) => i) };
    const sequences = [...groupSessions(3, 20, 600, 5), ...Array.from({ length: 20 }, () => everything)];
    const embeddings = learnBehaviourEmbeddings(sequences, 60, { dim: 8, maxContext: 10 });
    for (let row = 0; row < 60; row++) expect(Math.floor(nearest(embeddings, row) / 20)).toBe(Math.floor(row / 20));
  });

  it('pairs elements within the window, all pairs of a set, and a circular sample of huge sets', () => {
    const chain = [{ rows: [0, 1, 2, 3, 4] }, { rows: [0, 1, 2, 3, 4] }];
    expect(learnBehaviourEmbeddings(chain, 5, { dim: 2, window: 1 }).stats?.['pairs']).toBe(4);
    expect(learnBehaviourEmbeddings(chain, 5, { dim: 2, window: 2 }).stats?.['pairs']).toBe(7);
    expect(learnBehaviourEmbeddings(chain, 5, { dim: 2 }).stats?.['pairs']).toBe(10);
    const basket = { rows: Array.from({ length: 101 }, (_, i) => i) };
    expect(learnBehaviourEmbeddings([basket, basket], 101, { dim: 2, maxContext: 10 }).stats?.['pairs']).toBeGreaterThan(101 * 10);
    expect(learnBehaviourEmbeddings([basket], 101, { dim: 2, maxContext: 10, minCount: 1 }).stats?.['pairs']).toBe(101 * 10);
  });

  it('with a finite window, places items next to their neighbours in sequences', () => {
    // 80 items on a ring; each sequence walks along it, so with window 2 neighbours are ring neighbours.
    const random = seededRandom(12);
    const sequences = Array.from({ length: 3000 }, () => {
      const start = Math.floor(random() * 80);
      return { rows: Array.from({ length: 12 }, (_, i) => (start + i) % 80) };
    });
    const embeddings = learnBehaviourEmbeddings(sequences, 80, { dim: 24, window: 2 });
    for (let row = 0; row < 80; row++) {
      const other = nearest(embeddings, row);
      const distance = Math.min((other - row + 80) % 80, (row - other + 80) % 80);
      expect(distance).toBeLessThanOrEqual(2);
    }
  });

  it('weights pairs by their event weights', () => {
    // Item 40 appears as often with group A (0-19) as with group B (20-39), but as a purchase (weight 3)
    // with B and as an impression-like view (weight 0.1) with A.
    const random = seededRandom(4);
    const sequences: Sequence[] = [...groupSessions(2, 20, 800, 9)];
    for (let i = 0; i < 60; i++) {
      sequences.push({ rows: [Math.floor(random() * 20), 40], weights: [1, 0.1] });
      sequences.push({ rows: [20 + Math.floor(random() * 20), 40], weights: [1, 3] });
    }
    const embeddings = learnBehaviourEmbeddings(sequences, 41, { dim: 6 });
    expect(nearest(embeddings, 40)).toBeGreaterThanOrEqual(20);
  });

  it('reports monotone progress ending at the total', () => {
    const calls: [number, number][] = [];
    learnBehaviourEmbeddings(groupSessions(3, 200, 2000, 1), 600, { dim: 8, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.length).toBeLessThan(300);
    const total = calls[0]?.[1] ?? 0;
    calls.forEach(([done, t], i) => {
      expect(t).toBe(total);
      if (i > 0) expect(done).toBeGreaterThanOrEqual(calls[i - 1]?.[0] ?? 0);
    });
    expect(calls.at(-1)).toEqual([total, total]);
  });

  it('copes with no sequences and with dim larger than the items', () => {
    const empty = learnBehaviourEmbeddings([], 5, { dim: 3 });
    expect(empty.vectors).toEqual(new Float32Array(15));
    expect(empty.hasEvents).toEqual(new Uint8Array(5));
    const tiny = learnBehaviourEmbeddings([{ rows: [0, 1] }, { rows: [0, 1] }, { rows: [1, 2] }, { rows: [1, 2] }], 3, { dim: 10 });
    expect([...tiny.hasEvents]).toEqual([1, 1, 1]);
    for (let row = 0; row < 3; row++) expect(norm(tiny, row)).toBeCloseTo(1, 5);
  });

  it('names the bad input', () => {
    expect(() => learnBehaviourEmbeddings([{ rows: [0, 5] }], 5, { dim: 2 })).toThrow(/sequence 0 position 1: row 5 is not an integer in \[0, 5\)/);
    expect(() => learnBehaviourEmbeddings([{ rows: [0, 1], weights: [1] }], 5, { dim: 2 })).toThrow(/sequence 0: 1 weights for 2 rows/);
    expect(() => learnBehaviourEmbeddings([{ rows: [0, 1], weights: [1, Number.NaN] }], 5, { dim: 2 })).toThrow(/weight NaN is not finite/);
    expect(() => learnBehaviourEmbeddings([], 5, { dim: 0 })).toThrow(/dim must be an integer >= 1, found 0/);
    expect(() => learnBehaviourEmbeddings([], 5, { dim: 2, window: 0 })).toThrow(/window must be >= 1 or Infinity, found 0/);
    expect(() => learnBehaviourEmbeddings([], 5, { dim: 2, smoothing: 2 })).toThrow(/smoothing must be in \(0, 1\], found 2/);
  });
});
