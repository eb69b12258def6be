/**
 * Ranking over a product-quantised item space (product-quantiser.ts): every item is scored from
 * its codes (plus the popularity prior), and the best `rerank` candidates are scored again exactly
 * from their full vectors, which fixes the order the codes blur. The interest update and the
 * similarities stay the exact space's. With `rerank` in the hundreds this keeps the exact top 50
 * on the measured catalogues (docs/decisions/compressed-item-space.md) while only the codes (16
 * bytes an item at 16 subspaces) need be resident for every item.
 */
import type { ItemSpace } from './ports.ts';
import { dotTable, scoreCodes, type ProductQuantiser } from './product-quantiser.ts';
import { scoreRow, topK } from './rank.ts';

export interface CompressedItems {
  readonly quantiser: ProductQuantiser;
  /** itemCount × subspaces codes. */
  readonly codes: Uint8Array;
  /** itemCount × dim, the vectors the candidates are re-scored from. */
  readonly vectors: Float32Array;
  readonly prior: Float32Array | null;
  readonly priorWeight: number;
  /** How many of the codes' best are re-scored exactly (at least the k asked for). */
  readonly rerank: number;
}

const NONE: ReadonlySet<number> = new Set();

/**
 * @param space the exact item space (its update, similarities and backend are kept).
 * @param items the codes, the full vectors and the prior.
 * @returns the same space with topK from the codes and an exact re-rank.
 */
export function withCompressedRanking(space: ItemSpace, items: CompressedItems): ItemSpace {
  const { quantiser, codes, vectors, prior, priorWeight, rerank } = items;
  return {
    get backend() {
      return space.backend;
    },
    update: (interest, decay, terms) => space.update(interest, decay, terms),
    similarities: (rows) => space.similarities(rows),
    memory() {
      const exact = space.memory();
      return { ...exact, tableBytes: exact.tableBytes + codes.byteLength + quantiser.codebooks.byteLength };
    },
    dispose: () => space.dispose(),
    topK(interest, k, excludedRows) {
      const approximate = scoreCodes(dotTable(quantiser, interest), codes, quantiser.subspaces);
      if (prior !== null) for (let row = 0; row < approximate.length; row++) approximate[row] = (approximate[row] ?? 0) + priorWeight * (prior[row] ?? 0);
      const candidates = topK(approximate, Math.max(k, rerank), excludedRows).rows;
      const exact = Float32Array.from(candidates, (row) => scoreRow(vectors, quantiser.dim, interest, prior, priorWeight, row));
      const best = topK(exact, k, NONE);
      return Promise.resolve({ rows: best.rows.map((i) => candidates[i] ?? -1), scores: best.scores });
    },
  };
}
