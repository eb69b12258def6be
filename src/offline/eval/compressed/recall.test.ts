import { describe, expect, it } from 'vitest';
import { encodeWithQuantiser } from '../../../core/product-quantiser.ts';
import { normalise } from '../../../core/rank.ts';
import { seededRandom } from '../../../core/random.ts';
import { trainProductQuantiser } from '../../lib/train-pq.ts';
import { compressedTop, exactScores, meanRecall, recall, sessionInterest, type ItemVectors } from './recall.ts';

const random = seededRandom(8);
const DIM = 8;
const COUNT = 600;
const space: ItemVectors = {
  vectors: (() => {
    const vectors = new Float32Array(COUNT * DIM);
    for (let row = 0; row < COUNT; row++) vectors.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);
    return vectors;
  })(),
  count: COUNT,
  dim: DIM,
};
const sessions = Array.from({ length: 12 }, (_, i) => [i * 7, i * 7 + 1, i * 7 + 3]);

describe('compressed recall', () => {
  it('recall is the share of the expected rows found, in any order', () => {
    expect(recall([1, 2, 3, 4], [4, 9, 1, 8])).toBe(0.5);
    expect(recall([1, 2], [2, 1])).toBe(1);
    expect(recall([], [5])).toBe(1);
  });

  it('a session’s interest weighs each earlier item 0.8 of the next, at unit length', () => {
    const axes: ItemVectors = { vectors: Float32Array.of(1, 0, 0, 1), count: 2, dim: 2 };
    const interest = sessionInterest(axes, [0, 1]);
    expect(interest[0]).toBeCloseTo(0.8 / Math.hypot(0.8, 1), 6);
    expect(interest[1]).toBeCloseTo(1 / Math.hypot(0.8, 1), 6);
  });

  it('exact scores are each row’s dot product with the interest', () => {
    const interest = sessionInterest(space, [3]);
    const scores = exactScores(space, interest);
    // Row 3 with itself: 1, and no other row closer.
    expect(scores[3]).toBeCloseTo(1, 5);
    expect(Math.max(...scores)).toBeCloseTo(1, 5);
    expect(scores[10]).toBeCloseTo(
      space.vectors.subarray(80, 88).reduce((sum, value, j) => sum + value * (interest[j] ?? 0), 0),
      6,
    );
  });

  it('coarse codes miss part of the exact top 20; re-ranking all rows exactly finds all of it', () => {
    const pq = trainProductQuantiser(space.vectors, COUNT, DIM, { subspaces: 2, iterations: 4 });
    const codes = encodeWithQuantiser(pq, space.vectors, COUNT);
    const [codesOnly, rerankSome, rerankAll] = meanRecall(space, sessions, 20, [0, 60, COUNT], (interest, k, rerank) =>
      compressedTop(space, pq, codes, interest, k, rerank),
    );
    expect(codesOnly).toBeLessThan(0.95);
    expect(rerankSome).toBeGreaterThan(codesOnly ?? 1);
    expect(rerankAll).toBe(1);
  });

  it('re-ranks the rows `rescored` brings with the candidates: bringing every row gives the exact top', () => {
    const pq = trainProductQuantiser(space.vectors, COUNT, DIM, { subspaces: 2, iterations: 2 });
    const codes = encodeWithQuantiser(pq, space.vectors, COUNT);
    const interest = sessionInterest(space, [5, 9]);
    const exact = exactScores(space, interest);
    const expected = [...exact.keys()].sort((a, b) => (exact[b] ?? 0) - (exact[a] ?? 0)).slice(0, 10);
    expect(compressedTop(space, pq, codes, interest, 10, 11)).not.toEqual(expected);
    expect(compressedTop(space, pq, codes, interest, 10, 11, () => [...exact.keys()])).toEqual(expected);
  });

  it('with a re-rank, returns the exact order of the candidates, best first', () => {
    const pq = trainProductQuantiser(space.vectors, COUNT, DIM, { subspaces: 2, iterations: 2 });
    const codes = encodeWithQuantiser(pq, space.vectors, COUNT);
    const interest = sessionInterest(space, [5, 9]);
    const exact = exactScores(space, interest);
    const top = compressedTop(space, pq, codes, interest, 10, COUNT);
    const expected = [...exact.keys()].sort((a, b) => (exact[b] ?? 0) - (exact[a] ?? 0)).slice(0, 10);
    expect(top).toEqual(expected);
  });
});
