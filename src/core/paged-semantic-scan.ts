/**
 * The semantic side of search over a paged model (vector-pages.ts), whose rows are not all on the
 * device: every cosine is read from the codes (codeCosine), and no page is fetched. A search's
 * meaning ranks a thousand candidates and orders the rows the words matched, mostly to break the
 * words' ties; fetching their pages cost 20 MB for one search at a million items (741 pages even
 * with the codes' candidates alone re-scored exactly, measured), where the codes give the order.
 */
import { checkQuery, euclideanNorm, type SemanticHit, type SemanticScan } from './semantic-scan.ts';
import { codeCosine, dotTable } from './product-quantiser.ts';
import { topK } from './rank.ts';
import type { PagedItems } from './vector-pages.ts';

/** Prepares a scan for one query. */
export type PreparedScan = (query: Float32Array, limit: number) => SemanticScan;

/**
 * @param paged the model's codes and codebooks; their dot products (a kernel's, once the codes moved there).
 * @returns a function preparing a scan for a query: its `limit` candidates are the rows the codes
 *   score highest, and every cosine it gives is the codes'.
 */
export function createPagedSemanticScan(paged: Pick<PagedItems, 'quantiser' | 'codes' | 'dotProducts'>): PreparedScan {
  const { quantiser } = paged;
  return (query, limit) => {
    // Read at each query: the codes may have moved into a scoring kernel's memory since (PagedItems.moveCodes).
    const { codes } = paged;
    checkQuery(query, quantiser.dim);
    if (euclideanNorm(query) === 0) return { above: () => [], among: () => [] };
    const cosine = codeCosine(quantiser, codes, query);
    const scored = (rows: Iterable<number>): SemanticHit[] =>
      Array.from(rows, (row) => ({ row, similarity: cosine(row) })).sort((a, b) => b.similarity - a.similarity || a.row - b.row);
    // The items are unit vectors, so their codes' dot products order them nearly as their cosines do.
    const candidates = scored(topK(paged.dotProducts(dotTable(quantiser, query)), limit, new Set()).rows);
    return {
      above: (_query, floor, atMost) => candidates.filter(({ similarity }) => similarity >= floor).slice(0, atMost),
      among: (_query, rows) => scored(rows),
    };
  };
}
