/**
 * A second product-quantiser code for each item, of what the first leaves (the vector minus the
 * centroids its first code names), as a resident alternative to re-ranking from the full vectors:
 * the best `rerank` candidates by the first code are re-scored from both codes.
 */
import { decodeWithQuantiser, dotTable, encodeWithQuantiser, PQ_CENTROIDS, scoreCodes, type ProductQuantiser } from '../../../core/product-quantiser.ts';
import { topK } from '../../../core/rank.ts';
import { trainProductQuantiser } from '../../lib/train-pq.ts';
import type { ItemVectors } from './recall.ts';

/** Two levels of codes: the vectors', then their residuals'. */
export interface ResidualCodes {
  readonly first: { readonly quantiser: ProductQuantiser; readonly codes: Uint8Array };
  readonly second: { readonly quantiser: ProductQuantiser; readonly codes: Uint8Array };
}

const NONE: ReadonlySet<number> = new Set();

/** Adds to a first level of codes a second, with as many subspaces, trained on its residuals. */
export function withResidualCodes(space: ItemVectors, first: ResidualCodes['first'], seed: number): ResidualCodes {
  const { vectors, count, dim } = space;
  const residuals = decodeWithQuantiser(first.quantiser, first.codes, count).map((value, i) => (vectors[i] ?? 0) - value);
  const quantiser = trainProductQuantiser(residuals, count, dim, { subspaces: first.quantiser.subspaces, seed });
  return { first, second: { quantiser, codes: encodeWithQuantiser(quantiser, residuals, count) } };
}

/** The k best by both codes among the first code's best `rerank` (the first code's alone when rerank ≤ k). */
export function residualTop(levels: ResidualCodes, interest: Float32Array, k: number, rerank: number): readonly number[] {
  const { first, second } = levels;
  const approximate = scoreCodes(dotTable(first.quantiser, interest), first.codes, first.quantiser.subspaces);
  if (rerank <= k) return topK(approximate, k, NONE).rows;
  const candidates = topK(approximate, rerank, NONE).rows;
  const table = dotTable(second.quantiser, interest);
  const m = second.quantiser.subspaces;
  const refined = Float32Array.from(candidates, (row) => {
    let score = approximate[row] ?? 0;
    for (let s = 0; s < m; s++) score += table[s * PQ_CENTROIDS + (second.codes[row * m + s] ?? 0)] ?? 0;
    return score;
  });
  return topK(refined, k, NONE).rows.map((i) => candidates[i] ?? -1);
}
