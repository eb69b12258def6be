/**
 * The semantic side of search over a paged model (vector-pages.ts), whose rows are not all on the
 * device: the query's candidates are the codes' best (compressed-ranking.ts, re-ranked exactly from
 * their pages), and the rows the words matched have their pages fetched too; the scan then reads
 * only those rows, exactly as semantic-scan.ts reads every row of a whole model.
 */
import { rankFromCodes } from './compressed-ranking.ts';
import { RecError } from './errors.ts';
import { euclideanNorm, type SemanticHit, type SemanticScan } from './semantic-scan.ts';
import type { PagedItemMatrix } from './paged-matrix.ts';
import type { PagedItems } from './vector-pages.ts';

/** Prepares a scan for one query: fetches what it will read. */
export type PreparedScan = (query: Float32Array, wordRows: readonly number[], limit: number) => Promise<SemanticScan>;

/**
 * @param matrix the paged matrix; @param paged its codes and layout.
 * @returns a function preparing a scan for a query and the rows its words matched.
 */
export function createPagedSemanticScan(matrix: PagedItemMatrix, paged: PagedItems): PreparedScan {
  const norms = new Map<number, number>();
  const values = new Float32Array(matrix.dim);
  const normOf = (row: number): number => {
    let norm = norms.get(row);
    if (norm === undefined) {
      matrix.readRow(row, values, 0);
      // A float32, as the whole model's scan keeps its norms.
      norm = Math.fround(euclideanNorm(values));
      norms.set(row, norm);
    }
    return norm;
  };
  const load = (rows: readonly number[]): Promise<void> => matrix.load(rows);
  return async (query, wordRows, limit) => {
    if (query.length !== matrix.dim) throw new RecError('INTERNAL', `the query vector has ${query.length} values, the item space ${matrix.dim}`);
    const queryNorm = euclideanNorm(query);
    const items = { quantiser: paged.quantiser, codes: paged.codes, vectors: matrix, prior: null, priorWeight: 0, rerank: paged.layout.rerank };
    const candidates = queryNorm === 0 ? [] : (await rankFromCodes(items, query, limit, new Set(), load)).rows;
    await load(wordRows);
    const cosines = (rows: readonly number[], floor: number): SemanticHit[] => {
      if (queryNorm === 0) return [];
      const hits = rows.flatMap((row) => {
        const norm = normOf(row);
        const similarity = norm === 0 ? Number.NaN : matrix.dot(row, query) / (norm * queryNorm);
        return similarity >= floor ? [{ row, similarity }] : [];
      });
      return hits.sort((a, b) => b.similarity - a.similarity || a.row - b.row);
    };
    return {
      above: (_query, floor, atMost) => cosines(candidates, floor).slice(0, atMost),
      among: (_query, rows) => cosines(rows, Number.NEGATIVE_INFINITY),
    };
  };
}
