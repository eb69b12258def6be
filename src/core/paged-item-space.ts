/**
 * The item space of a paged model (vector-pages.ts), in plain JavaScript on the main thread: every
 * item is scored from its codes, and the codes' best candidates exactly from their vector pages,
 * fetched as they are needed (compressed-ranking.ts), with every other row those pages hold: they
 * cost no more bytes, and as the builder writes similar items as neighbours (row-order.ts) they are
 * what the codes blurred (on the bench's million, recall@50 0.79 to 0.95 at the same pages). The
 * interest update and the similarities read the rows they name, whose pages are fetched first.
 * After a ranking, `readAhead` fetches in the background the pages of the rows the codes ranked
 * next, which the next click's candidates mostly come from. Nothing of it goes to a TF.js backend: at a million items the codes are 16 MB, and scoring them
 * is table look-ups, not matrix products; the engine gives a WebAssembly kernel for those look-ups
 * (its `scorer`), which holds the codes then.
 */
import { rankFromCodes } from './compressed-ranking.ts';
import type { ItemSpace } from './ports.ts';
import type { CodeScorer } from './product-quantiser.ts';
import { gramMatrix } from './rank.ts';
import { referenceUpdate } from './fold.ts';
import { isPagedMatrix, type PagedItemMatrix } from './paged-matrix.ts';
import type { LoadedModel } from './model.ts';
import type { PagedItems } from './vector-pages.ts';

/**
 * How many rows the codes rank below a ranking's candidates whose pages `readAhead` fetches: the
 * re-rank depth again. The next click's interest moves from this one, and its candidates come
 * largely from these. Simulated on the bench's million (8 sessions of 12 clicks on the grid's
 * items, as the bench clicks; a scratch script): a click after the first fetched a median of 6 pages
 * and 46 at the 90th percentile with nothing read ahead, 0 and 14 with 400 read ahead, 0 and 5 with
 * 800, for about 20 and 26 pages read ahead a click (116 and 187 after the first click, which
 * follows the popular grid).
 */
export const READ_AHEAD_ROWS = 400;

/**
 * At most this many pages read ahead after one ranking (about 1.1 MB with pages of 128 int8 rows of
 * 128 values): the pages of the likeliest rows first. It bounds what the first click after the popular grid adds
 * to the 3.5 MB it fetches itself; later clicks read ahead fewer.
 */
export const READ_AHEAD_PAGES = 64;

export interface PagedSpaceItems {
  readonly matrix: PagedItemMatrix;
  /** The codes and codebooks (the codes read at each use: a kernel may hold them, PagedItems.moveCodes), and the layout. */
  readonly paged: Pick<PagedItems, 'quantiser' | 'codes' | 'layout'>;
  readonly prior: Float32Array | null;
  readonly priorWeight: number;
  /** How many of the codes' best are re-scored from their pages. */
  readonly rerank: number;
  /** How many rows below those `readAhead` considers, and how many of their pages it fetches at most (READ_AHEAD_ROWS and READ_AHEAD_PAGES where the storefront makes it). */
  readonly readAhead: { readonly rows: number; readonly pages: number };
  /** Scores the codes with this prior and weight (the engine's WebAssembly kernel); without it, core's loop in JS. */
  readonly scorer?: CodeScorer;
}

/** @returns core's ItemSpace over a paged model; its backend is 'wasm' with a kernel scorer, else 'cpu' (this module's own loops). */
export function createPagedItemSpace(items: PagedSpaceItems): ItemSpace {
  const { matrix, paged, prior, priorWeight, rerank, scorer, readAhead } = items;
  const { quantiser } = paged;
  const compressed = {
    quantiser,
    get codes() {
      return paged.codes;
    },
    vectors: matrix,
    prior,
    priorWeight,
    rerank,
    ...(scorer === undefined ? {} : { scorer }),
    rescored: (candidates: readonly number[]) => matrix.fetchedWith(candidates),
  };
  const load = (rows: readonly number[]): Promise<void> => matrix.load(rows);
  // Loads the terms' pages first.
  const reference = referenceUpdate(matrix, matrix.dim);
  /** The rows the codes ranked below the last ranking's candidates, until read ahead. */
  let upcoming: readonly number[] = [];
  return {
    backend: scorer === undefined ? 'cpu' : 'wasm',
    update: async (interest, decay, terms) => reference(interest, decay, terms),
    async topK(interest, k, excludedRows) {
      const ranked = await rankFromCodes(compressed, interest, k, excludedRows, load, readAhead.rows);
      upcoming = ranked.upcoming;
      return { rows: ranked.rows, scores: ranked.scores };
    },
    readAhead() {
      const rows = firstPagesOf(upcoming, matrix, paged.layout.rowsPerPage, readAhead.pages);
      upcoming = [];
      return matrix.load(rows, { background: true });
    },
    async similarities(rows) {
      await load(rows);
      return gramMatrix(matrix, matrix.dim, rows);
    },
    memory: () => ({
      matrixBytes: matrix.heapBytes() + (prior?.byteLength ?? 0),
      tableBytes: (scorer === undefined ? paged.codes.byteLength : 0) + quantiser.codebooks.byteLength,
      backendBytes: scorer?.bytes ?? 0,
    }),
    dispose: () => {},
  };
}

/**
 * @param rows best first.
 * @returns one row of each page not on hand among the first `pages` such pages the rows fall in, in the rows' order.
 */
function firstPagesOf(rows: readonly number[], matrix: PagedItemMatrix, rowsPerPage: number, pages: number): number[] {
  const chosen = new Set<number>();
  const picked: number[] = [];
  for (const row of rows) {
    if (chosen.size === pages) break;
    const page = Math.floor(row / rowsPerPage);
    if (matrix.has(row) || chosen.has(page)) continue;
    chosen.add(page);
    picked.push(row);
  }
  return picked;
}

/** Why a paged model's space computes where it does, as the storefront says it. */
export function pagedSpaceReason(scorer: CodeScorer | undefined): string {
  const where = scorer === undefined ? 'in JavaScript' : 'in a WebAssembly kernel';
  return `a paged catalogue is scored from its codes (${where}), with its best candidates re-scored from their pages`;
}

/** @returns a model's paged matrix and its codes, or null for a model whose matrix is not paged. */
export function pagedPartsOf(model: Pick<LoadedModel, 'matrix' | 'paged'>): { matrix: PagedItemMatrix; paged: PagedItems } | null {
  const { matrix, paged } = model;
  return isPagedMatrix(matrix) && paged !== undefined && paged !== null ? { matrix, paged } : null;
}

/**
 * @param model a loaded model.
 * @param priorWeight how much the popularity prior adds to a score.
 * @param scorer scores the model's codes with its popularity and this weight (the engine's kernel), if any.
 * @returns its space when its matrix is paged (there is no whole matrix to upload to a backend, or
 *   to measure one with), or null for any other model.
 */
export function pagedSpaceOf(model: Pick<LoadedModel, 'matrix' | 'paged' | 'popularity'>, priorWeight: number, scorer?: CodeScorer): ItemSpace | null {
  const parts = pagedPartsOf(model);
  if (parts === null) return null;
  const { matrix, paged } = parts;
  return createPagedItemSpace({
    matrix,
    paged,
    rerank: paged.layout.rerank,
    readAhead: { rows: READ_AHEAD_ROWS, pages: READ_AHEAD_PAGES },
    prior: model.popularity,
    priorWeight,
    ...(scorer === undefined ? {} : { scorer }),
  });
}
