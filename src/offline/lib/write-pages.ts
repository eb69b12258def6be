/**
 * A paged item space's files (core/vector-pages.ts), written beside the whole vectors file when that
 * file is too large for every shopper to download: every item's product-quantisation codes, their
 * codebooks, one file per page of consecutive rows, and the list of the pages' checksums. By default
 * a model is paged when its whole vectors file would be over PAGE_ABOVE_BYTES, as a catalogue is
 * sharded over write-catalog.ts's SHARD_ABOVE_BYTES. Checked on the read-back by verifyPages.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RecError } from '../../core/errors.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { ModelFile } from '../../core/manifest.ts';
import { readVerifiedFile, type LoadedModel, type ModelSource } from '../../core/model.ts';
import { decodeWithQuantiser, encodeWithQuantiser, PQ_CENTROIDS, type ProductQuantiser } from '../../core/product-quantiser.ts';
import { encodeHotRows, encodePageList, pageCount, VECTOR_PAGE_FOLDER, vectorPagePath, type PagedLayout } from '../../core/vector-pages.ts';
import { float32Matrix, int8Matrix, isInt8Matrix, type ItemMatrix } from '../../core/item-matrix.ts';
import { decodeMatrix, decodeVectors, encodeVectors, vectorFileBytes, type VectorDtype } from '../../core/vectors.ts';
import { trainProductQuantiser } from './train-pq.ts';
import type { WriteFile } from './write-catalog.ts';

/** A model whose whole vectors file would be larger than this is paged unless the builder is told otherwise. */
export const PAGE_ABOVE_BYTES = 32 * 1024 * 1024;

/**
 * The layout of a model paged by default (docs/decisions/compressed-item-space.md, "Page size"). 16
 * subspaces: 16 MB of codes at a million items. The re-rank scores every row of the pages fetched
 * for the codes' best candidates, so the page and the re-rank were chosen together, on validation
 * sessions of the bench's million (seed 11, not the reported seed 7): 128 rows a page (16.9 kB of
 * int8 128-d rows) and 400 candidates kept 0.962 of the exact top 50 in about 210 pages (3.6 MB) a
 * first click, against 0.965 in 660 pages (2.8 MB) at 32 rows and 1,000 candidates: a third of the
 * requests, which set a click's time there. The 1,024 most popular rows are on hand from the start
 * (135 kB at 128-d int8): a new shopper's grid weighs its best 200 candidates' similarities (the
 * shop rules' default), which scattered over the pages would be 200 requests on the first visit.
 */
export const DEFAULT_PAGED_LAYOUT: PagedLayout = { subspaces: 16, rowsPerPage: 128, rerank: 400, hotRows: 1024 };

/** The files a paged item space adds to the manifest (the pages' entries are in the list). */
export interface PagedFiles {
  readonly codes: ModelFile;
  readonly codebooks: ModelFile;
  readonly vectorPages: ModelFile;
  readonly hotRows: ModelFile;
}

/** What writePages wrote: the manifest's entries, and the vectors the browser's search scores (its codes, decoded). */
export interface WrittenPages {
  readonly files: PagedFiles;
  /**
   * Each item as the centroids its codes name, whose cosines the browser's search reads
   * (core/paged-semantic-scan.ts), in blocks of DECODED_BLOCK_ROWS rows x dim: at a million 128-d
   * items the whole would be 512 MB more in the build's most crowded step.
   */
  decodedCodes(): Iterable<Float32Array>;
}

/** Rows a block of decoded codes holds (32 MB at 128-d). */
const DECODED_BLOCK_ROWS = 65_536;

/**
 * @param option the builder's choice: a layout (always paged), null (never) or undefined (paged when
 *   the whole vectors file would be over PAGE_ABOVE_BYTES, in DEFAULT_PAGED_LAYOUT with its subspaces,
 *   or the largest divisor of dim below them when they do not divide it).
 * @param where the model folder, for messages.
 * @returns the layout to write, or null for a model whose vectors are downloaded whole.
 * @throws RecError CONFIG_INVALID for a layout the items cannot take, naming what is wrong.
 */
export function pagedLayoutFor(option: PagedLayout | null | undefined, count: number, dim: number, dtype: VectorDtype, where: string): PagedLayout | null {
  if (option === null) return null;
  if (option !== undefined) return checkLayout(option, count, dim, where);
  if (vectorFileBytes(count, dim, dtype) <= PAGE_ABOVE_BYTES) return null;
  return checkLayout(defaultPagedLayout(count, dim), count, dim, where);
}

/** @returns DEFAULT_PAGED_LAYOUT fitted to a catalogue: the most subspaces up to its own that divide dim, no more hot rows than items. */
export function defaultPagedLayout(count: number, dim: number): PagedLayout {
  let subspaces = DEFAULT_PAGED_LAYOUT.subspaces;
  while (dim % subspaces !== 0) subspaces--;
  return { ...DEFAULT_PAGED_LAYOUT, subspaces, hotRows: Math.min(DEFAULT_PAGED_LAYOUT.hotRows, count) };
}

function checkLayout(layout: PagedLayout, count: number, dim: number, where: string): PagedLayout {
  const bad = (message: string): never => {
    throw new RecError('CONFIG_INVALID', message, { file: where });
  };
  const { subspaces, rowsPerPage, rerank } = layout;
  if (!Number.isInteger(subspaces) || subspaces < 1 || dim % subspaces !== 0) bad(`paged.subspaces must divide the dimension ${dim}, found ${subspaces}`);
  if (!Number.isInteger(rowsPerPage) || rowsPerPage < 1) bad(`paged.rowsPerPage must be a positive integer, found ${rowsPerPage}`);
  if (!Number.isInteger(rerank) || rerank < 0) bad(`paged.rerank must be a non-negative integer, found ${rerank}`);
  if (!Number.isInteger(layout.hotRows) || layout.hotRows < 0 || layout.hotRows > count)
    bad(`paged.hotRows must be a whole number from 0 to the ${count} items, found ${layout.hotRows}`);
  if (count < PQ_CENTROIDS) bad(`a paged item space needs at least ${PQ_CENTROIDS} items (one per centroid), found ${count}`);
  return layout;
}

/**
 * Trains the quantiser, encodes every item and writes the codes, codebooks, pages and page list.
 * @param dir the model folder being written.
 * @param vectors count x dim, row-major, as the builder was given them.
 * @param file the vectors file as written: its path and bytes (encodeVectors of `vectors`).
 * @param write writes a file into `dir` and returns its manifest entry.
 * @param popularity the prior that orders a new shopper's grid (its best rows are the hot rows), or null: the first rows.
 */
export async function writePages(
  dir: string,
  vectors: Float32Array,
  file: { readonly path: string; readonly bytes: Uint8Array },
  dim: number,
  dtype: VectorDtype,
  layout: PagedLayout,
  write: WriteFile,
  popularity: Float32Array | null,
): Promise<WrittenPages> {
  const count = vectors.length / dim;
  // The codes stand for the vectors the pages hold, rounded as stored, not as they were given.
  const stored = dtype === 'float32' ? vectors : decodeVectors(file.bytes, count, dim, dtype, join(dir, file.path));
  const quantiser = trainProductQuantiser(stored, count, dim, { subspaces: layout.subspaces });
  const itemCodes = encodeWithQuantiser(quantiser, stored, count);
  const codes = await write('codes.pq.bin', itemCodes);
  const codebooks = await write('codebooks.f32', encodeVectors(quantiser.codebooks, 1, quantiser.codebooks.length, 'float32'));
  await mkdir(join(dir, VECTOR_PAGE_FOLDER), { recursive: true });
  const digests: string[] = [];
  for (let page = 0; page < pageCount(count, layout.rowsPerPage); page++) {
    const first = page * layout.rowsPerPage;
    const rows = Math.min(layout.rowsPerPage, count - first);
    // Each row is encoded on its own, so these are the vectors file's bytes of the page's rows.
    const bytes = encodeVectors(vectors.subarray(first * dim, (first + rows) * dim), rows, dim, dtype);
    digests.push((await write(vectorPagePath(await sha256Hex(bytes)), bytes)).sha256);
  }
  const hot = hottestRows(popularity, count, layout.hotRows);
  const hotVectors = new Float32Array(hot.length * dim);
  hot.forEach((row, i) => hotVectors.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim));
  return {
    files: {
      codes,
      codebooks,
      vectorPages: await write('vector-pages.bin', encodePageList(digests)),
      hotRows: await write('hot-rows.bin', encodeHotRows(hot, encodeVectors(hotVectors, hot.length, dim, dtype))),
    },
    decodedCodes: () => decodedBlocks(quantiser, itemCodes, DECODED_BLOCK_ROWS),
  };
}

/**
 * @param quantiser the codebooks; @param codes count x subspaces.
 * @param blockRows rows a block holds (the last holds the rest).
 * @returns the codes decoded (decodeWithQuantiser), a block of rows at a time, in row order.
 */
export function* decodedBlocks(quantiser: ProductQuantiser, codes: Uint8Array, blockRows: number): Generator<Float32Array> {
  const count = codes.length / quantiser.subspaces;
  for (let first = 0; first < count; first += blockRows) {
    const rows = Math.min(blockRows, count - first);
    yield decodeWithQuantiser(quantiser, codes.subarray(first * quantiser.subspaces, (first + rows) * quantiser.subspaces), rows);
  }
}

/** The `count` rows a new shopper's grid ranks first: by the prior, the lower row first among equals (core/rank.ts topK's order). */
function hottestRows(popularity: Float32Array | null, itemCount: number, count: number): number[] {
  const rows = Array.from({ length: itemCount }, (_, row) => row);
  if (popularity !== null) rows.sort((a, b) => (popularity[b] ?? 0) - (popularity[a] ?? 0) || a - b);
  return rows.slice(0, count);
}

/**
 * Checks that every page of a paged model, read and verified through `source`, holds exactly the
 * rows of the whole vectors file it stands for. One page at a time: at a million items, 31,250 of 4 kB.
 * @param model the model as loadModel read it whole (its matrix is the whole vectors file).
 * @throws RecError as a page is refused (missing, size, checksum, values), or MODEL_VECTORS_INVALID
 *   naming a page whose rows differ from the vectors file's.
 */
export async function verifyPages(source: ModelSource, model: LoadedModel): Promise<void> {
  const { paged, matrix, manifest } = model;
  if (paged === null || paged === undefined) return;
  for (const [row, index] of paged.hot.indexOf) {
    if (!sameRows(rowOf(paged.hot.matrix, index), matrix, row)) {
      throw new RecError('MODEL_VECTORS_INVALID', `hot row ${index} (row ${row}) differs from row ${row} of ${manifest.files.vectors.path}`, {
        file: `${source.location}/${manifest.files.hotRows?.path ?? ''}`,
      });
    }
  }
  for (const [index, file] of paged.pages.entries()) {
    const first = index * paged.layout.rowsPerPage;
    const rows = Math.min(paged.layout.rowsPerPage, manifest.itemCount - first);
    const where = `${source.location}/${file.path}`;
    const page = decodeMatrix(await readVerifiedFile(source, file, manifest.files.vectorPages?.path), rows, manifest.dim, manifest.dtype, where);
    if (!sameRows(page, matrix, first)) {
      throw new RecError('MODEL_VECTORS_INVALID', `page ${index} does not hold rows ${first}-${first + rows - 1} of ${manifest.files.vectors.path}`, {
        file: where,
      });
    }
  }
}

/** One row of a matrix as a matrix of its own, stored as it is. */
function rowOf(matrix: ItemMatrix, row: number): ItemMatrix {
  if (!isInt8Matrix(matrix)) return float32Matrix(matrix.row(row), matrix.dim);
  return int8Matrix(matrix.values().subarray(row * matrix.dim, (row + 1) * matrix.dim), matrix.scales().subarray(row, row + 1), matrix.dim);
}

/** Whether the page's rows are the whole matrix's from row `first` on, as stored: bit for bit. */
function sameRows(page: ItemMatrix, whole: ItemMatrix, first: number): boolean {
  const { count, dim } = page;
  if (isInt8Matrix(page) && isInt8Matrix(whole)) {
    return (
      equalBytes(page.values(), whole.values().subarray(first * dim, (first + count) * dim)) &&
      equalBytes(page.scales(), whole.scales().subarray(first, first + count))
    );
  }
  // Decoding float16 to float32 is one-to-one, so equal float32 bits are equal file bytes.
  return equalBytes(page.toFloat32(), whole.toFloat32().subarray(first * dim, (first + count) * dim));
}

function equalBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
