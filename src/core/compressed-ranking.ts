/**
 * Ranking over a product-quantised item space (product-quantiser.ts): every item is scored from
 * its codes (plus the popularity prior), and the best `rerank` candidates are scored again exactly
 * from their full vectors, which fixes the order the codes blur. With `rerank` in the hundreds this
 * keeps the exact top 50 on the measured catalogues (docs/decisions/compressed-item-space.md) while
 * only the codes (16 bytes an item at 16 subspaces) need be resident for every item.
 */
import type { ItemRows } from './item-matrix.ts';
import type { ItemSpace } from './ports.ts';
import { dotTable, scoreCodes, type CodeScorer, type ProductQuantiser } from './product-quantiser.ts';
import { scoreRows, topK, type RankedRows } from './rank.ts';

export interface CompressedItems {
  readonly quantiser: ProductQuantiser;
  /** itemCount × subspaces codes. */
  readonly codes: Uint8Array;
  /** itemCount × dim, the vectors the candidates are re-scored from. */
  readonly vectors: ItemRows;
  readonly prior: Float32Array | null;
  readonly priorWeight: number;
  /** How many of the codes' best are re-scored exactly (at least the k asked for). */
  readonly rerank: number;
  /**
   * The rows re-scored for these candidates, the candidates among them: with a paged matrix, every
   * row their pages bring (paged-matrix.ts `fetchedWith`). Without it, the candidates alone.
   */
  readonly rescored?: (candidates: readonly number[]) => readonly number[];
  /** Scores the codes with this prior and weight in a kernel; without it, core's scoreCodes in JS. */
  readonly scorer?: CodeScorer;
}

const NONE: ReadonlySet<number> = new Set();

/** rankFromCodes' answer: the best rows, and the rows the codes rank just below its candidates. */
export interface CodesRanking extends RankedRows {
  /** The codes' next `ahead` rows after the candidates, best first (none for a ranking without an interest). */
  readonly upcoming: readonly number[];
}

/**
 * The best k rows for an interest: the codes' best `rerank` candidates (and the rows `rescored` adds
 * to them), re-scored exactly.
 * @param items the codes, the vectors and the prior.
 * @param loadRows makes the candidates' vectors readable first (a paged matrix fetches their pages).
 * @param ahead how many rows below the candidates to name as `upcoming` (a paged space reads their pages ahead).
 */
export async function rankFromCodes(
  items: CompressedItems,
  interest: Float32Array,
  k: number,
  excludedRows: ReadonlySet<number>,
  loadRows: (rows: readonly number[]) => Promise<void> = () => Promise.resolve(),
  ahead = 0,
): Promise<CodesRanking> {
  const { quantiser, codes, prior, priorWeight, rerank, scorer } = items;
  const table = dotTable(quantiser, interest);
  // Read before any await below: a kernel's scores live until its next call.
  const approximate = scorer === undefined ? scoreCodes(table, codes, quantiser.subspaces, prior, priorWeight) : scorer.score(table);
  // No interest (a new shopper): every code scores exactly 0, so the codes' ranking is the exact one.
  if (table.every((value) => value === 0)) return { ...topK(approximate, k, excludedRows), upcoming: [] };
  const depth = Math.max(k, rerank);
  const ranked = topK(approximate, depth + ahead, excludedRows).rows;
  const candidates = ranked.slice(0, depth);
  await loadRows(candidates);
  return { ...rerankExactly(items, interest, k, candidates, excludedRows), upcoming: ranked.slice(depth) };
}

/**
 * The second stage of rankFromCodes: the best k of the candidates (and the rows `rescored` adds) by
 * exact score.
 * @param candidates rows whose vectors are readable, none of them excluded.
 */
export function rerankExactly(
  items: Pick<CompressedItems, 'vectors' | 'quantiser' | 'prior' | 'priorWeight' | 'rescored'>,
  interest: Float32Array,
  k: number,
  candidates: readonly number[],
  excludedRows: ReadonlySet<number>,
): RankedRows {
  const { quantiser, prior, priorWeight, rescored } = items;
  const rows = rescored === undefined ? candidates : rescored(candidates).filter((row) => !excludedRows.has(row));
  const exact = scoreRows(items.vectors, quantiser.dim, interest, prior, priorWeight, rows);
  const best = topK(exact, k, NONE);
  return { rows: best.rows.map((i) => rows[i] ?? -1), scores: best.scores };
}

/**
 * @param space the exact item space (its update, similarities and backend are kept).
 * @param items the codes, the full vectors and the prior.
 * @returns the same space with topK from the codes and an exact re-rank.
 */
export function withCompressedRanking(space: ItemSpace, items: CompressedItems): ItemSpace {
  const { quantiser, codes } = items;
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
    topK: (interest, k, excludedRows) => rankFromCodes(items, interest, k, excludedRows),
  };
}
