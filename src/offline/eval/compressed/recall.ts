/**
 * How much of the exact ranking a compressed item space keeps: recall@k of the product-quantised
 * scores (core/product-quantiser.ts) against exact dot products over the same vectors, for
 * interests made the way a shopper's session makes them (a few related items, newest weighing
 * most), with and without an exact re-rank of the best `rerank` candidates (the fuller vectors of
 * a few hundred items, fetched on demand in the browser).
 */
import { rerankExactly, type CompressedItems } from '../../../core/compressed-ranking.ts';
import { dotTable, scoreCodes, type ProductQuantiser } from '../../../core/product-quantiser.ts';
import { normalise, topK } from '../../../core/rank.ts';

/** An item space: count × dim float32, row-major. */
export interface ItemVectors {
  readonly vectors: Float32Array;
  readonly count: number;
  readonly dim: number;
}

/** How much older each earlier item of a session weighs than the next one. */
const SESSION_DECAY = 0.8;
const NONE: ReadonlySet<number> = new Set();

/**
 * @param space the items; @param rows a session's items, oldest first.
 * @returns the unit-length decay-weighted sum of their vectors.
 */
export function sessionInterest(space: ItemVectors, rows: readonly number[]): Float32Array {
  const interest = new Float32Array(space.dim);
  rows.forEach((row, i) => {
    const weight = SESSION_DECAY ** (rows.length - 1 - i);
    for (let j = 0; j < space.dim; j++) interest[j] = (interest[j] ?? 0) + weight * (space.vectors[row * space.dim + j] ?? 0);
  });
  return normalise(interest);
}

/** Every row's exact dot product with the interest. */
export function exactScores(space: ItemVectors, interest: Float32Array): Float32Array {
  const scores = new Float32Array(space.count);
  for (let row = 0; row < space.count; row++) {
    let dot = 0;
    for (let j = 0; j < space.dim; j++) dot += (space.vectors[row * space.dim + j] ?? 0) * (interest[j] ?? 0);
    scores[row] = dot;
  }
  return scores;
}

/** The share of `expected` found in `found`. */
export function recall(expected: readonly number[], found: readonly number[]): number {
  const kept = new Set(found);
  return expected.length === 0 ? 1 : expected.filter((row) => kept.has(row)).length / expected.length;
}

/**
 * The k best rows by the codes' scores, or, with `rerank` > 0, the k best by exact score among the
 * codes' best `rerank` (and the rows `rescored` adds to them: a paged model's pages, as served).
 */
export function compressedTop(
  space: ItemVectors,
  pq: ProductQuantiser,
  codes: Uint8Array,
  interest: Float32Array,
  k: number,
  rerank: number,
  rescored?: CompressedItems['rescored'],
): readonly number[] {
  const approximate = scoreCodes(dotTable(pq, interest), codes, pq.subspaces);
  if (rerank <= k) return topK(approximate, k, NONE).rows;
  const candidates = topK(approximate, rerank, NONE).rows;
  const items = { quantiser: pq, vectors: space.vectors, prior: null, priorWeight: 0, ...(rescored === undefined ? {} : { rescored }) };
  return rerankExactly(items, interest, k, candidates, NONE).rows;
}

/** A compressed ranking: the k best rows for an interest, re-ranking the best `rerank` (0: none). */
export type CompressedTop = (interest: Float32Array, k: number, rerank: number) => readonly number[];

/**
 * @param space the items; @param sessions each a few rows, oldest first.
 * @param k the recall's depth; @param reranks the re-rank depths to measure (0: none).
 * @param top the compressed ranking measured.
 * @returns the mean recall@k for each re-rank depth, in order.
 */
export function meanRecall(space: ItemVectors, sessions: readonly (readonly number[])[], k: number, reranks: readonly number[], top: CompressedTop): number[] {
  const sums = reranks.map(() => 0);
  for (const session of sessions) {
    const interest = sessionInterest(space, session);
    const expected = topK(exactScores(space, interest), k, NONE).rows;
    reranks.forEach((rerank, i) => (sums[i] = (sums[i] ?? 0) + recall(expected, top(interest, k, rerank))));
  }
  return sums.map((sum) => sum / Math.max(1, sessions.length));
}
