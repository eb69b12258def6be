/**
 * The item matrix of a paged model (vector-pages.ts): a row is read from its page once the page is
 * fetched, or from the hot rows on hand from the start.
 */
import { RecError } from './errors.ts';
import type { ItemMatrix, ItemRows } from './item-matrix.ts';
import type { ModelFile } from './model-file.ts';
import type { ReadOptions } from './model-file.ts';
import { createRowShards, type RowShards } from './row-shards.ts';
import { rowsFetchedWith, type PagedItems } from './vector-pages.ts';
import { decodeMatrix, type VectorDtype } from './vectors.ts';

/** The item matrix of a paged model: a row can be read once its page is loaded. */
export interface PagedItemMatrix extends ItemMatrix {
  readonly layout: 'paged';
  /** Whether the row's page is on hand. */
  has(row: number): boolean;
  /**
   * Fetches, verifies and keeps the pages of these rows that are not on hand.
   * @param options `background`: nothing waits on them yet (read ahead).
   * @throws RecError as the model's files are refused (fetch failed, size, checksum, a row not unit length).
   */
  load(rows: Iterable<number>, options?: ReadOptions): Promise<void>;
  /** The rows that loading these rows makes readable (rowsFetchedWith): their pages' rows, or a hot row alone. */
  fetchedWith(rows: Iterable<number>): number[];
}

/** @returns whether the matrix reads its rows from pages fetched on demand. */
export function isPagedMatrix(matrix: ItemMatrix): matrix is PagedItemMatrix {
  return matrix.layout === 'paged';
}

/**
 * @param paged the pages' entries (decodePageList), the layout and the hot rows.
 * @param shape the model's rows, dimension and stored type.
 * @param readVerified reads a page file, its size and sha256 verified.
 * @param location the model folder, for messages.
 */
export function createPagedMatrix(
  paged: Pick<PagedItems, 'pages' | 'layout' | 'hot'>,
  shape: { readonly itemCount: number; readonly dim: number; readonly dtype: VectorDtype },
  readVerified: (file: ModelFile, options: ReadOptions) => Promise<Uint8Array>,
  location: string,
): PagedItemMatrix {
  const { pages, layout, hot } = paged;
  const { itemCount, dim, dtype } = shape;
  const store: RowShards<ItemMatrix> = createRowShards(pages, layout.rowsPerPage, itemCount, readVerified, (bytes, file, rows) =>
    decodeMatrix(bytes, rows, dim, dtype, `${location}/${file.path}`),
  );
  const held = (row: number): { readonly shard: ItemMatrix; readonly index: number } => {
    const hotIndex = hot.indexOf.get(row);
    if (hotIndex !== undefined) return { shard: hot.matrix, index: hotIndex };
    const page = row >= 0 && row < itemCount ? store.held(row) : null;
    if (page === null) throw new RecError('INTERNAL', `the vector of row ${row} was read before its page was loaded`);
    return page;
  };
  return {
    count: itemCount,
    dim,
    layout: 'paged',
    dot(row, vector) {
      const { shard, index } = held(row);
      return shard.dot(index, vector);
    },
    dotRows(rows, vector, out) {
      // A run of rows held together (a page's, as rowsFetchedWith lists them, or hot ones) is one
      // call to their matrix's own dotRows; the run's first row is read as dot reads one, so a row
      // not on hand throws the same error.
      const indices = new Int32Array(rows.length);
      let start = 0;
      while (start < rows.length) {
        const first = rows[start] ?? -1;
        const { shard } = held(first);
        const inHot = hot.indexOf.has(first);
        const pageStart = first - (first % layout.rowsPerPage);
        let end = start;
        for (; end < rows.length; end++) {
          const row = rows[end] ?? -1;
          const hotIndex = hot.indexOf.get(row);
          const together = inHot
            ? hotIndex !== undefined
            : hotIndex === undefined && row >= pageStart && row < Math.min(itemCount, pageStart + layout.rowsPerPage);
          if (!together) break;
          indices[end - start] = hotIndex ?? row - pageStart;
        }
        shard.dotRows(indices.subarray(0, end - start), vector, out.subarray(start, end));
        start = end;
      }
    },
    row(row) {
      const { shard, index } = held(row);
      return shard.row(index).slice();
    },
    readRow(row, out, at) {
      const { shard, index } = held(row);
      shard.readRow(index, out, at);
    },
    toFloat32() {
      throw new RecError('INTERNAL', `a paged item matrix (${itemCount} rows) is never whole on the device`);
    },
    heapBytes() {
      let bytes = hot.matrix.heapBytes();
      for (const page of store.loaded()) bytes += page.heapBytes();
      return bytes;
    },
    has: (row) => hot.indexOf.has(row) || store.has(row),
    load: (rows, options) =>
      store.load(
        Array.from(rows).filter((row) => !hot.indexOf.has(row)),
        options,
      ),
    fetchedWith: (rows) => rowsFetchedWith(rows, layout.rowsPerPage, itemCount, (row) => hot.indexOf.has(row)),
  };
}

/**
 * Makes rows of an item matrix readable: a paged matrix fetches their pages; any other has every row.
 * @param matrix the matrix, or float32 rows.
 * @param rows the rows about to be read.
 */
export function loadVectorRows(matrix: ItemRows, rows: Iterable<number>): Promise<void> {
  return !(matrix instanceof Float32Array) && isPagedMatrix(matrix) ? matrix.load(rows) : Promise.resolve();
}
