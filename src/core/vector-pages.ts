/**
 * A paged item space: a catalogue whose vectors are too many for every shopper to download (a
 * million 128-d items are 132 MB as int8). The model then also holds
 *  - `codes`: every item's product-quantisation codes (product-quantiser.ts), `subspaces` bytes an
 *    item, and `codebooks`: what the codes name. Every item is scored from these, on the device.
 *  - `vectorPages`: the list of vector pages, 32 bytes (a sha256) per page. Page p holds rows
 *    [p * rowsPerPage, (p + 1) * rowsPerPage) in the vectors file's own layout (vectors.ts), and is
 *    the file `vectors/<sha256>.bin`: named by its content, so caches keep it for good and a rebuild
 *    changes only the pages whose rows changed. The manifest's checksum of the list covers every page.
 *  - `hotRows`: the most popular rows and their vectors, on hand from the start.
 * The browser fetches the pages of the rows it needs exactly (the best candidates of the codes, to
 * re-rank them; the items the shopper acts on; the items shown), verifies each as any model file,
 * and keeps it for the visit (paged-matrix.ts). The whole vectors file stays in the folder for the
 * offline tools.
 */
import { RecError } from './errors.ts';
import type { ItemMatrix } from './item-matrix.ts';
import type { ModelManifest } from './manifest.ts';
import { parseModelFile, type ModelFile } from './model-file.ts';
import { PQ_CENTROIDS, scoreCodes, type ProductQuantiser } from './product-quantiser.ts';
import { fail, readNumber, readRecord, type Reader } from './validate.ts';
import { decodeMatrix, vectorFileBytes, type VectorDtype } from './vectors.ts';

/** The folder of a model that holds its vector pages. */
export const VECTOR_PAGE_FOLDER = 'vectors';
/** Bytes a page's entry takes in the list: its sha256. */
export const PAGE_DIGEST_BYTES = 32;

/** How a paged model's item space is laid out and served (the manifest's `paged`). */
export interface PagedLayout {
  /** Product-quantisation slices per item (divides dim): the codes file holds that many bytes an item. */
  readonly subspaces: number;
  /** Rows a vector page holds. */
  readonly rowsPerPage: number;
  /** How many of the codes' best candidates are re-scored from their pages (docs/decisions/compressed-item-space.md). */
  readonly rerank: number;
  /**
   * How many of the most popular rows the `hotRows` file holds: a new shopper's grid is drawn from
   * them and reads their vectors (for its diversity), which would otherwise be a page each.
   */
  readonly hotRows: number;
}

/**
 * Validates the manifest's `paged` layout and its four files, all or none; each file's size is
 * checked against the layout.
 * @param value the manifest's `paged`; @param filesRecord its `files`.
 * @throws RecError MANIFEST_INVALID, or MODEL_DIMENSION_MISMATCH for a file of the wrong size, naming the field.
 */
export function parsePaged(
  reader: Reader,
  value: unknown,
  filesRecord: Record<string, unknown>,
  itemCount: number,
  dim: number,
  dtype: VectorDtype,
): { layout: PagedLayout; files: { codes: ModelFile; codebooks: ModelFile; vectorPages: ModelFile; hotRows: ModelFile } } | undefined {
  const roles = ['codes', 'codebooks', 'vectorPages', 'hotRows'] as const;
  if (value === undefined) {
    const stray = roles.find((role) => filesRecord[role] !== undefined);
    if (stray !== undefined) fail(reader, 'paged', `a paged layout beside files.${stray}`, undefined);
    return undefined;
  }
  const record = readRecord(reader, value, 'paged');
  const subspaces = readNumber(reader, record['subspaces'], 'paged.subspaces', { integer: true, min: 1, max: dim });
  if (dim % subspaces !== 0) fail(reader, 'paged.subspaces', `a divisor of dim ${dim}`, subspaces);
  const layout: PagedLayout = {
    subspaces,
    rowsPerPage: readNumber(reader, record['rowsPerPage'], 'paged.rowsPerPage', { integer: true, min: 1 }),
    rerank: readNumber(reader, record['rerank'], 'paged.rerank', { integer: true, min: 0 }),
    hotRows: readNumber(reader, record['hotRows'], 'paged.hotRows', { integer: true, min: 0, max: itemCount }),
  };
  if (filesRecord['sequence'] !== undefined) fail(reader, 'files.sequence', 'no sequence model beside a paged item space (not supported)', 'a sequence model');
  const sized = (role: (typeof roles)[number], bytes: number, what: string): ModelFile => {
    const file = parseModelFile(reader, filesRecord[role], `files.${role}`);
    if (file.bytes !== bytes) fail({ ...reader, code: 'MODEL_DIMENSION_MISMATCH' }, `files.${role}.bytes`, `${bytes} (${what})`, file.bytes);
    return file;
  };
  return {
    layout,
    files: {
      codes: sized('codes', itemCount * subspaces, `${itemCount} items x ${subspaces} codes`),
      codebooks: sized('codebooks', PQ_CENTROIDS * dim * 4, `${PQ_CENTROIDS} centroids x ${dim} float32`),
      vectorPages: sized('vectorPages', pageCount(itemCount, layout.rowsPerPage) * PAGE_DIGEST_BYTES, 'one sha256 per page'),
      hotRows: sized('hotRows', hotRowsBytes(layout.hotRows, dim, dtype), `${layout.hotRows} rows and their vectors`),
    },
  };
}

/** @returns the size of a hot rows file: the rows (uint32 each), then their vectors in the vectors file's layout. */
export function hotRowsBytes(count: number, dim: number, dtype: VectorDtype): number {
  return count * 4 + vectorFileBytes(count, dim, dtype);
}

/** The most popular rows' vectors, on hand from the start (PagedLayout.hotRows). */
export interface HotRows {
  /** Each row's index in `matrix`. */
  readonly indexOf: ReadonlyMap<number, number>;
  readonly matrix: ItemMatrix;
}

/** @param rows the rows, in the file's order. @param vectors their vectors. @returns the hot rows file's bytes. */
export function encodeHotRows(rows: readonly number[], vectors: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(rows.length * 4 + vectors.byteLength);
  const view = new DataView(bytes.buffer);
  rows.forEach((row, i) => view.setUint32(i * 4, row, true));
  bytes.set(vectors, rows.length * 4);
  return bytes;
}

/**
 * @param bytes the hot rows file (verified against the manifest, which fixed its length).
 * @param file where it came from, for messages.
 * @throws RecError MODEL_VECTORS_INVALID naming a row out of range or listed twice, or a vector not unit length.
 */
export function decodeHotRows(bytes: Uint8Array, count: number, itemCount: number, dim: number, dtype: VectorDtype, file: string): HotRows {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const indexOf = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const row = view.getUint32(i * 4, true);
    if (row >= itemCount || indexOf.has(row)) {
      throw new RecError('MODEL_VECTORS_INVALID', `hot row ${i} is ${row}, expected a row below ${itemCount} not listed before`, { file });
    }
    indexOf.set(row, i);
  }
  return { indexOf, matrix: decodeMatrix(bytes.subarray(count * 4), count, dim, dtype, file) };
}

/** @param sha256 the page's checksum. @returns its path in the model folder. */
export function vectorPagePath(sha256: string): string {
  return `${VECTOR_PAGE_FOLDER}/${sha256}.bin`;
}

/** @returns how many pages hold `itemCount` rows. */
export function pageCount(itemCount: number, rowsPerPage: number): number {
  return Math.ceil(itemCount / rowsPerPage);
}

/**
 * The rows whose vectors come with these rows': every row of the page of a row that is not hot (its
 * page is fetched whole), a hot row alone (it is on hand without its page). The re-rank scores them
 * all: a page's other rows cost no more bytes, and where the builder wrote similar items as
 * neighbours they are the candidates' likeliest rivals.
 * @param rows the rows read (each below itemCount).
 * @param rowsPerPage the layout's page size; @param itemCount the model's rows.
 * @param isHot whether a row is among the hot rows.
 * @returns each such row once, the pages in the order their first row was given.
 */
export function rowsFetchedWith(rows: Iterable<number>, rowsPerPage: number, itemCount: number, isHot: (row: number) => boolean): number[] {
  // Sets of the pages and of the hot rows given, not of every row found: a click's tens of thousands
  // of rows then cost an array's pushes.
  const found: number[] = [];
  const pages = new Set<number>();
  const hotGiven = new Set<number>();
  for (const row of rows) {
    const page = Math.floor(row / rowsPerPage);
    if (isHot(row)) {
      const listed = hotGiven.has(row) || (pages.has(page) && row < itemCount);
      if (!listed) found.push(row);
      hotGiven.add(row);
      continue;
    }
    if (pages.has(page)) continue;
    pages.add(page);
    for (let next = page * rowsPerPage; next < Math.min(itemCount, (page + 1) * rowsPerPage); next++) if (!hotGiven.has(next)) found.push(next);
  }
  return found;
}

/** @param digests each page's sha256 (hex), in row order. @returns the list file's bytes. */
export function encodePageList(digests: readonly string[]): Uint8Array {
  const bytes = new Uint8Array(digests.length * PAGE_DIGEST_BYTES);
  digests.forEach((hex, page) => {
    for (let i = 0; i < PAGE_DIGEST_BYTES; i++) bytes[page * PAGE_DIGEST_BYTES + i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  });
  return bytes;
}

/**
 * @param bytes the list file (verified against the manifest, which fixed its length).
 * @param itemCount rows in all; @param layout the manifest's; @param dim and @param dtype the vectors'.
 * @returns each page's entry, as a model file to read and verify.
 */
export function decodePageList(bytes: Uint8Array, itemCount: number, layout: PagedLayout, dim: number, dtype: VectorDtype): ModelFile[] {
  return Array.from({ length: pageCount(itemCount, layout.rowsPerPage) }, (_, page) => {
    let sha256 = '';
    for (let i = 0; i < PAGE_DIGEST_BYTES; i++) sha256 += (bytes[page * PAGE_DIGEST_BYTES + i] ?? 0).toString(16).padStart(2, '0');
    const rows = Math.min(layout.rowsPerPage, itemCount - page * layout.rowsPerPage);
    return { path: vectorPagePath(sha256), bytes: vectorFileBytes(rows, dim, dtype), sha256 };
  });
}

/**
 * @param bytes the codebooks file (its length checked by the manifest).
 * @param file where it came from, for messages.
 * @throws RecError MODEL_VECTORS_INVALID naming the first value that is not finite.
 */
export function decodeCodebooks(bytes: Uint8Array, dim: number, subspaces: number, file: string): ProductQuantiser {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const codebooks = new Float32Array(PQ_CENTROIDS * dim);
  for (let i = 0; i < codebooks.length; i++) {
    const value = view.getFloat32(i * 4, true);
    if (!Number.isFinite(value)) throw new RecError('MODEL_VECTORS_INVALID', `codebook value ${i} is ${value}, expected a finite number`, { file });
    codebooks[i] = value;
  }
  return { dim, subspaces, codebooks };
}

/** What a paged model adds: every item's codes, and where its vector pages are. */
export interface PagedItems {
  readonly layout: PagedLayout;
  readonly quantiser: ProductQuantiser;
  /** itemCount x layout.subspaces codes. Read here at each use: a scoring kernel may take them (moveCodes). */
  readonly codes: Uint8Array;
  /**
   * Every item's dot product with a vector as its codes give it (scoreCodes without a prior): core's
   * loop, or the kernel the codes moved to.
   * @param table dotTable's output for the vector.
   * @returns one value per item, valid until the next call (it may be a kernel's memory).
   */
  dotProducts(table: Float32Array): Float32Array;
  /**
   * Reads the codes from now on from a copy of them kept elsewhere (a scoring kernel's memory), so
   * the item space holds them once, and has that kernel give dotProducts.
   * @param copy the same bytes as `codes`.
   * @param dotProducts the kernel's dotProducts over the copy (the same values as core's loop).
   * @throws RecError INTERNAL when the copy has the wrong length.
   */
  moveCodes(copy: Uint8Array, dotProducts: (table: Float32Array) => Float32Array): void;
  /** Each page's entry, in row order. */
  readonly pages: readonly ModelFile[];
  readonly hot: HotRows;
}

/** @returns the paged items over these parts, their codes movable (PagedItems.moveCodes). */
export function pagedItems(parts: Omit<PagedItems, 'moveCodes' | 'dotProducts'>): PagedItems {
  const { layout, quantiser, pages, hot } = parts;
  let codes = parts.codes;
  let dotProducts = (table: Float32Array): Float32Array => scoreCodes(table, codes, quantiser.subspaces);
  return {
    layout,
    quantiser,
    pages,
    hot,
    get codes() {
      return codes;
    },
    dotProducts: (table) => dotProducts(table),
    moveCodes(copy, kernel) {
      if (copy.length !== codes.length) throw new RecError('INTERNAL', `moving ${codes.length} codes, found a copy of ${copy.length}`);
      codes = copy;
      dotProducts = kernel;
    },
  };
}

/** A paged model's codes, codebooks and page list, decoded; null for a model without them. */
export function readPagedItems(manifest: ModelManifest, bytesOf: (file: ModelFile) => Uint8Array, where: (file: ModelFile) => string): PagedItems | null {
  const { paged: layout, files } = manifest;
  if (layout === undefined || files.codes === undefined || files.codebooks === undefined || files.vectorPages === undefined || files.hotRows === undefined)
    return null;
  return pagedItems({
    layout,
    quantiser: decodeCodebooks(bytesOf(files.codebooks), manifest.dim, layout.subspaces, where(files.codebooks)),
    codes: bytesOf(files.codes),
    pages: decodePageList(bytesOf(files.vectorPages), manifest.itemCount, layout, manifest.dim, manifest.dtype),
    hot: decodeHotRows(bytesOf(files.hotRows), layout.hotRows, manifest.itemCount, manifest.dim, manifest.dtype, where(files.hotRows)),
  });
}
