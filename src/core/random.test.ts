import { describe, expect, it } from 'vitest';
import { seededRandom, shuffledIndices } from './random.ts';

describe('shuffledIndices', () => {
  it('is a Fisher-Yates permutation of 0..count-1 that follows the random source', () => {
    // With a source that always says 0, each step swaps the last unplaced index with the first.
    expect(Array.from(shuffledIndices(4, () => 0))).toEqual([1, 2, 3, 0]);
    // With one just under 1, every index swaps with itself.
    expect(Array.from(shuffledIndices(4, () => 0.999))).toEqual([0, 1, 2, 3]);
    const order = shuffledIndices(1000, seededRandom(5));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffledIndices(1000, seededRandom(5))).toEqual(order);
    expect(shuffledIndices(1000, seededRandom(6))).not.toEqual(order);
  });
});
