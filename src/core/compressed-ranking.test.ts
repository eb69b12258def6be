import { describe, expect, it } from 'vitest';
import { rankFromCodes, withCompressedRanking } from './compressed-ranking.ts';
import type { ItemSpace } from './ports.ts';
import { PQ_CENTROIDS, type ProductQuantiser } from './product-quantiser.ts';
import { scoreAll, topK } from './rank.ts';

// Four 2-d items; one slice of 2 with only centroids 0 (0, 0) and 1 (1, 0): the codes see items 0
// and 1 as (1, 0) and items 2 and 3 as (0, 0), so from the codes alone 0 and 1 tie, as do 2 and 3.
const VECTORS = Float32Array.of(0.9, 0.1, 1, 0, 0.2, 0.9, 0.1, -0.9);
const QUANTISER: ProductQuantiser = {
  dim: 2,
  subspaces: 1,
  codebooks: (() => {
    const codebooks = new Float32Array(PQ_CENTROIDS * 2);
    codebooks.set([1, 0], 2);
    return codebooks;
  })(),
};
const CODES = Uint8Array.of(1, 1, 0, 0);

/** An exact space whose topK must not be used, with update and similarities that say they were called. */
const exactSpace = (): ItemSpace & { calls: string[] } => {
  const calls: string[] = [];
  return {
    calls,
    backend: 'cpu',
    update: () => (calls.push('update'), Promise.resolve(Float32Array.of(1, 0))),
    similarities: () => (calls.push('similarities'), Promise.resolve(new Float32Array(1))),
    topK: () => Promise.reject(new Error('the exact topK was used')),
    memory: () => ({ matrixBytes: 16, tableBytes: 8, backendBytes: 4 }),
    dispose: () => void calls.push('dispose'),
  };
};

describe('withCompressedRanking', () => {
  const interest = Float32Array.of(0.6, 0.8);

  it('re-scores the codes’ best candidates exactly, so the order among them is the exact one', async () => {
    const space = withCompressedRanking(exactSpace(), { quantiser: QUANTISER, codes: CODES, vectors: VECTORS, prior: null, priorWeight: 0, rerank: 2 });
    // Codes: items 0 and 1 (0.6 each) lead; exactly, 0 scores .62 and 1 .60.
    const top = await space.topK(interest, 2, new Set());
    expect(top.rows).toEqual([0, 1]);
    expect(top.scores[0]).toBeCloseTo(0.62, 6);
    expect(top.scores[1]).toBeCloseTo(0.6, 6);
  });

  it('finds an item the codes rank low only when the re-rank reaches it', async () => {
    // Exactly, item 2 (.84) is the best; the codes give it 0, below items 0 and 1.
    const exact = topK(scoreAll(VECTORS, 2, interest, null, 0), 1, new Set()).rows;
    expect(exact).toEqual([2]);
    const shallow = withCompressedRanking(exactSpace(), { quantiser: QUANTISER, codes: CODES, vectors: VECTORS, prior: null, priorWeight: 0, rerank: 2 });
    expect((await shallow.topK(interest, 1, new Set())).rows).toEqual([0]);
    const deep = withCompressedRanking(exactSpace(), { quantiser: QUANTISER, codes: CODES, vectors: VECTORS, prior: null, priorWeight: 0, rerank: 4 });
    expect((await deep.topK(interest, 1, new Set())).rows).toEqual([2]);
  });

  it('adds the prior in both stages and never returns an excluded row', async () => {
    const prior = Float32Array.of(0, 0, 0, 1);
    const space = withCompressedRanking(exactSpace(), { quantiser: QUANTISER, codes: CODES, vectors: VECTORS, prior, priorWeight: 2, rerank: 2 });
    // Item 3: codes 0 + 2 = 2, exact -0.66 + 2 = 1.34: first in both stages.
    const top = await space.topK(interest, 2, new Set([0]));
    expect(top.rows).toEqual([3, 1]);
    expect(top.scores[0]).toBeCloseTo(1.34, 5);
  });

  it('re-scores the rows `rescored` adds to the candidates, never an excluded one', async () => {
    // The codes' best 2 are items 0 and 1; their "page" brings items 2 and 3, and item 2 is the best exactly (.84).
    const page = (): number[] => [0, 1, 2, 3];
    const items = { quantiser: QUANTISER, codes: CODES, vectors: VECTORS, prior: null, priorWeight: 0, rerank: 2, rescored: page };
    const space = withCompressedRanking(exactSpace(), items);
    expect((await space.topK(interest, 1, new Set())).rows).toEqual([2]);
    expect((await space.topK(interest, 2, new Set([2]))).rows).toEqual([0, 1]);
  });

  it('keeps the exact space’s update, similarities, backend and dispose', async () => {
    const exact = exactSpace();
    const space = withCompressedRanking(exact, { quantiser: QUANTISER, codes: CODES, vectors: VECTORS, prior: null, priorWeight: 0, rerank: 2 });
    await space.update(interest, 0.5, []);
    await space.similarities([0, 1]);
    space.dispose();
    expect(space.backend).toBe('cpu');
    expect(exact.calls).toEqual(['update', 'similarities', 'dispose']);
  });

  it('counts its codes and codebooks among its tables, beside what the exact space holds', () => {
    const space = withCompressedRanking(exactSpace(), { quantiser: QUANTISER, codes: CODES, vectors: VECTORS, prior: null, priorWeight: 0, rerank: 2 });
    // 4 one-byte codes; 256 centroids of 2 float32 values.
    expect(space.memory()).toEqual({ matrixBytes: 16, tableBytes: 8 + 4 + PQ_CENTROIDS * 2 * 4, backendBytes: 4 });
  });
});

describe('rankFromCodes: the rows below its candidates', () => {
  const items = { quantiser: QUANTISER, codes: CODES, vectors: VECTORS, prior: null, priorWeight: 0, rerank: 1 };

  it('names the codes’ next rows after the candidates as upcoming, never an excluded one, and none without an interest', async () => {
    // Codes: items 0 and 1 score 0.6 (0 first: ties go to the lower row), 2 and 3 score 0.
    const interest = Float32Array.of(0.6, 0.8);
    expect((await rankFromCodes(items, interest, 1, new Set(), undefined, 2)).upcoming).toEqual([1, 2]);
    expect((await rankFromCodes(items, interest, 1, new Set([1]), undefined, 2)).upcoming).toEqual([2, 3]);
    expect((await rankFromCodes(items, interest, 1, new Set(), undefined, 0)).upcoming).toEqual([]);
    expect((await rankFromCodes(items, new Float32Array(2), 1, new Set(), undefined, 2)).upcoming).toEqual([]);
  });
});
