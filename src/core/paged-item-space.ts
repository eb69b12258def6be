/**
 * The item space of a paged model (vector-pages.ts), in plain JavaScript on the main thread: every
 * item is scored from its codes, and the codes' best candidates exactly from their vector pages,
 * fetched as they are needed (compressed-ranking.ts), with every other row those pages hold: they
 * cost no more bytes, and as the builder writes similar items as neighbours (row-order.ts) they are
 * what the codes blurred (on the bench's million, recall@50 0.79 to 0.95 at the same pages). The
 * interest update and the similarities read the rows they name, whose pages are fetched first.
 * Nothing of it goes to a compute backend: at a million items the codes are 16 MB, and scoring them
 * is table look-ups, not matrix products.
 */
import { rankFromCodes } from './compressed-ranking.ts';
import type { ItemSpace } from './ports.ts';
import type { ProductQuantiser } from './product-quantiser.ts';
import { gramMatrix } from './rank.ts';
import { referenceUpdate } from './fold.ts';
import { isPagedMatrix, type PagedItemMatrix } from './paged-matrix.ts';
import type { LoadedModel } from './model.ts';

export interface PagedSpaceItems {
  readonly matrix: PagedItemMatrix;
  readonly quantiser: ProductQuantiser;
  /** itemCount × subspaces codes. */
  readonly codes: Uint8Array;
  readonly prior: Float32Array | null;
  readonly priorWeight: number;
  /** How many of the codes' best are re-scored from their pages. */
  readonly rerank: number;
}

/** @returns core's ItemSpace over a paged model; its backend is 'cpu' (this module's own loops). */
export function createPagedItemSpace(items: PagedSpaceItems): ItemSpace {
  const { matrix, quantiser, codes, prior } = items;
  const compressed = { ...items, vectors: matrix, rescored: (candidates: readonly number[]) => matrix.fetchedWith(candidates) };
  const load = (rows: readonly number[]): Promise<void> => matrix.load(rows);
  // Loads the terms' pages first.
  const reference = referenceUpdate(matrix, matrix.dim);
  return {
    backend: 'cpu',
    update: async (interest, decay, terms) => reference(interest, decay, terms),
    topK: (interest, k, excludedRows) => rankFromCodes(compressed, interest, k, excludedRows, load),
    async similarities(rows) {
      await load(rows);
      return gramMatrix(matrix, matrix.dim, rows);
    },
    memory: () => ({
      matrixBytes: matrix.heapBytes() + (prior?.byteLength ?? 0),
      tableBytes: codes.byteLength + quantiser.codebooks.byteLength,
      backendBytes: 0,
    }),
    dispose: () => {},
  };
}

/** Why a paged model's space computes where it does, as the storefront says it. */
export const PAGED_SPACE_REASON = 'a paged catalogue is scored from its codes, with its best candidates re-scored from their pages';

/**
 * @param model a loaded model.
 * @param priorWeight how much the popularity prior adds to a score.
 * @returns its space when its matrix is paged (there is no whole matrix to upload to a backend, or
 *   to measure one with), or null for any other model.
 */
export function pagedSpaceOf(model: Pick<LoadedModel, 'matrix' | 'paged' | 'popularity'>, priorWeight: number): ItemSpace | null {
  const { matrix, paged } = model;
  if (!isPagedMatrix(matrix) || paged === undefined || paged === null) return null;
  return createPagedItemSpace({ matrix, ...paged, rerank: paged.layout.rerank, prior: model.popularity, priorWeight });
}
