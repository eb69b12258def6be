/**
 * The semantic side of search over a paged model (vector-pages.ts), whose rows are not all on the
 * device: the query's candidates are the codes' best (compressed-ranking.ts, re-ranked exactly from
 * their pages), and the rows the words matched have their pages fetched too; the scan then reads
 * only those rows, with the cosines semantic-scan.ts gives a whole model.
 */
import { rankFromCodes } from './compressed-ranking.ts';
import type { PagedItemMatrix } from './paged-matrix.ts';
import { checkQuery, cosineHits, euclideanNorm, type SemanticScan } from './semantic-scan.ts';
import type { PagedItems } from './vector-pages.ts';

/** Prepares a scan for one query: fetches what it will read. */
export type PreparedScan = (query: Float32Array, wordRows: readonly number[], limit: number) => Promise<SemanticScan>;

/**
 * @param matrix the paged matrix; @param paged its codes and layout.
 * @returns a function preparing a scan for a query and the rows its words matched.
 */
export function createPagedSemanticScan(matrix: PagedItemMatrix, paged: PagedItems): PreparedScan {
  // Each row's length, computed when it is first read: a float32, as the whole model's scan keeps them.
  const norms = new Map<number, number>();
  const values = new Float32Array(matrix.dim);
  const norm = (row: number): number => {
    let length = norms.get(row);
    if (length === undefined) {
      matrix.readRow(row, values, 0);
      length = Math.fround(euclideanNorm(values));
      norms.set(row, length);
    }
    return length;
  };
  const load = (rows: readonly number[]): Promise<void> => matrix.load(rows);
  const items = { quantiser: paged.quantiser, codes: paged.codes, vectors: matrix, prior: null, priorWeight: 0, rerank: paged.layout.rerank };
  return async (query, wordRows, limit) => {
    checkQuery(query, matrix.dim);
    const candidates = euclideanNorm(query) === 0 ? [] : (await rankFromCodes(items, query, limit, new Set(), load)).rows;
    await load(wordRows);
    return {
      above: (_query, floor, atMost) => cosineHits(matrix, norm, query, candidates, floor).slice(0, atMost),
      among: (_query, rows) => cosineHits(matrix, norm, query, rows, Number.NEGATIVE_INFINITY),
    };
  };
}
