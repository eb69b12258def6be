/**
 * Reads a shop's own item embeddings ("bring your own item embeddings") into a matrix by catalogue
 * row, for the builder to use instead of, or fused with, the text encoder's vectors. Four formats,
 * told apart by the file's extension: a NumPy .npy array with an ids file (one id per line), Parquet
 * and Arrow IPC tables with an id and a vector column, and JSON Lines with an id and a vector field.
 *
 * The file is validated as the builder validates every input: a record it cannot use (no id, a
 * vector that is not a list of finite numbers, of another dimension than the file's, all zeros, an id
 * not in the catalogue or already given a vector) is reported to the file's ProblemLog with its line
 * or row, and skipped. What makes the whole file unusable (an unreadable file, a missing column, a
 * dimension over MAX_IMPORTED_DIM, a .npy array of another kind) is a RecError. Catalogue items the
 * file has no vector for are not its problem: their `has` stays 0 and the caller decides.
 */
import { extname } from 'node:path';
import { RecError } from '../../../core/errors.ts';
import { readNpyVectors } from './item-vectors-npy.ts';
import { collectVectors, MAX_IMPORTED_DIM, type VectorCollector } from './item-vectors-records.ts';
import { readArrowVectors, readParquetVectors, type VectorColumns } from './item-vectors-table.ts';
import type { ProblemLog } from './problems.ts';
import { forEachJsonObject } from './json-lines.ts';

export { MAX_IMPORTED_DIM };

/** The formats read. */
export type ItemVectorsFormat = 'npy' | 'parquet' | 'arrow' | 'jsonl';

export interface ItemVectorsReadOptions {
  /**
   * For .npy only (required there, refused for other formats): the ids file, one id per line
   * (UTF-8, trailing newline optional, CRLF accepted); row i of the array is line i + 1.
   */
  readonly ids: { readonly file: string; readonly bytes: Uint8Array } | null;
  /** The catalogue's item count: the matrix has this many rows. */
  readonly itemCount: number;
  /** Catalogue id -> catalogue row (each below itemCount). */
  readonly rowOf: ReadonlyMap<string, number>;
  /** Ids of catalogue lines the builder skipped: a vector for one is reported 'skipped-item', not 'unknown-item'. */
  readonly skippedIds: ReadonlySet<string>;
  /** The file's problem ledger (its strict mode throws at the first bad record). */
  readonly problems: ProblemLog;
  /** The id column or field of parquet, arrow and jsonl files (default 'id'). */
  readonly idField?: string;
  /** The vector column or field of parquet, arrow and jsonl files (default 'vector'). */
  readonly vectorField?: string;
}

export interface ItemVectorsInput {
  readonly file: string;
  readonly format: ItemVectorsFormat;
  /** The vectors' dimension (1..MAX_IMPORTED_DIM). */
  readonly dim: number;
  /** Vectors (records, rows) in the file, used or not. */
  readonly records: number;
  /** itemCount x dim, row-major by catalogue row: the raw values as float32 (not normalised), zero where `has` is 0. */
  readonly vectors: Float32Array;
  /** Per catalogue row: 1 when an imported vector was used. */
  readonly has: Uint8Array;
  /** Rows with a vector (the sum of `has`). */
  readonly imported: number;
}

const FORMAT_OF: Readonly<Record<string, ItemVectorsFormat>> = {
  '.npy': 'npy',
  '.parquet': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/**
 * @param file a vectors file's name or path.
 * @returns its format, by extension (case ignored).
 * @throws RecError CONFIG_INVALID for any other extension, naming the accepted ones.
 */
export function itemVectorsFormat(file: string): ItemVectorsFormat {
  const extension = extname(file).toLowerCase();
  const format = Object.hasOwn(FORMAT_OF, extension) ? FORMAT_OF[extension] : undefined;
  if (format === undefined)
    throw new RecError(
      'CONFIG_INVALID',
      `item vectors are read from .npy (with an ids file), .parquet, .arrow/.feather/.ipc or .jsonl/.ndjson files, not ${extension === '' ? 'a file without an extension' : `"${extension}"`}`,
      { file },
    );
  return format;
}

/**
 * @param file the vectors file, as named in messages (its extension selects the format).
 * @param bytes its contents.
 * @param options the ids file (.npy), the catalogue, the problem log and the column names.
 * @returns the used vectors by catalogue row, with the file's dimension and counts.
 * @throws RecError ITEM_VECTORS_INVALID for file-level faults (or CONFIG_INVALID for a bad option),
 * and the problem log's RecError in strict mode.
 */
export async function readItemVectors(file: string, bytes: Uint8Array, options: ItemVectorsReadOptions): Promise<ItemVectorsInput> {
  const format = itemVectorsFormat(file);
  const { ids, problems } = options;
  if (format === 'npy' && ids === null)
    throw new RecError('CONFIG_INVALID', 'a .npy array has no ids: name an ids file with one id per line (line i + 1 for row i)', { file });
  if (format !== 'npy' && ids !== null)
    throw new RecError('CONFIG_INVALID', `an ids file (${ids.file}) is only for .npy arrays; a ${format} file holds its ids in a column`, { file });
  const columns: VectorColumns = { id: options.idField ?? 'id', vector: options.vectorField ?? 'vector' };
  const collector = collectVectors(
    { file, itemCount: options.itemCount, rowOf: options.rowOf, skippedIds: options.skippedIds, problems },
    ids !== null
      ? { id: `the id on this line of ${ids.file}`, vector: 'the vector', unit: 'line' }
      : { id: `"${columns.id}"`, vector: `"${columns.vector}"`, unit: format === 'jsonl' ? 'line' : 'row' },
  );
  let records: number;
  if (ids !== null) records = readNpyVectors(file, bytes, ids, collector, problems);
  else if (format === 'parquet') records = await readParquetVectors(file, bytes, columns, collector);
  else if (format === 'arrow') records = readArrowVectors(file, bytes, columns, collector);
  else records = readJsonlVectors(bytes, columns, collector, problems);
  const { dim, vectors, has, imported } = collector.collected();
  if (dim === 0)
    throw new RecError(
      'ITEM_VECTORS_INVALID',
      records === 0 ? 'there are no vectors in the file' : `none of its ${records} records has a usable vector, so its dimension is unknown`,
      { file },
    );
  return { file, format, dim, records, vectors, has, imported };
}

/** @returns the number of records (non-blank lines). */
function readJsonlVectors(bytes: Uint8Array, fields: VectorColumns, collector: VectorCollector, problems: ProblemLog): number {
  return forEachJsonObject(bytes, problems, (record, line) => collector.add(line, record[fields.id], record[fields.vector]));
}
