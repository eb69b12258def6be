/**
 * Reads item vectors from a column table: Parquet (with hyparquet) or Arrow IPC, file or stream
 * format (with apache-arrow). The id column holds strings or integers; the vector column a list of
 * numbers (pyarrow writes list<float>) or, in Arrow, a fixed-size list, whose size is then the
 * file's dimension before any row is read. Each row goes to the collector, numbered from 1.
 */
import { DataType, tableFromIPC, Vector, type Table } from 'apache-arrow';
import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData } from 'hyparquet';
import { RecError } from '../../../core/errors.ts';
import type { VectorCollector } from './item-vectors-records.ts';

/** The id and vector columns' names. */
export interface VectorColumns {
  readonly id: string;
  readonly vector: string;
}

/**
 * @param file the .parquet file, as named in messages.
 * @param bytes its contents.
 * @param columns the id and vector columns.
 * @param collector where the rows go.
 * @returns the number of rows.
 * @throws RecError ITEM_VECTORS_INVALID for a file hyparquet cannot read, a missing column or a vector column that is no list.
 */
export async function readParquetVectors(file: string, bytes: Uint8Array, columns: VectorColumns, collector: VectorCollector): Promise<number> {
  // A copy: hyparquet reads an ArrayBuffer, and a Node Buffer's may be a shared pool holding other data.
  const buffer = new Uint8Array(bytes).buffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(buffer);
  } catch (error) {
    throw unreadable(file, 'Parquet', error);
  }
  const found = parquetSchema(metadata).children;
  const column = (name: string) =>
    found.find((child) => child.element.name === name) ??
    missingColumn(
      file,
      name,
      found.map((child) => child.element.name),
    );
  column(columns.id);
  const vector = column(columns.vector);
  if (vector.children.length === 0)
    throw new RecError('ITEM_VECTORS_INVALID', `column "${columns.vector}" holds single values (${vector.element.type ?? 'no type'}), not lists of numbers`, {
      file,
    });
  let rows: readonly Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: buffer, metadata, columns: [columns.id, columns.vector] });
  } catch (error) {
    throw unreadable(file, 'Parquet', error);
  }
  rows.forEach((row, i) => collector.add(i + 1, row[columns.id], row[columns.vector]));
  return rows.length;
}

/**
 * @param file the .arrow/.feather/.ipc file, as named in messages.
 * @param bytes its contents.
 * @param columns the id and vector columns.
 * @param collector where the rows go.
 * @returns the number of rows.
 * @throws RecError ITEM_VECTORS_INVALID for a file apache-arrow cannot read, a missing column or a vector column that is no list.
 */
export function readArrowVectors(file: string, bytes: Uint8Array, columns: VectorColumns, collector: VectorCollector): number {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw unreadable(file, 'Arrow IPC', error);
  }
  const column = (name: string) =>
    table.getChild(name) ??
    missingColumn(
      file,
      name,
      table.schema.fields.map((field) => field.name),
    );
  const ids = column(columns.id);
  const vectors = column(columns.vector);
  const type: DataType = vectors.type;
  if (DataType.isFixedSizeList(type)) collector.declareDim(type.listSize, `column "${columns.vector}" of type ${String(type)}`);
  else if (!DataType.isList(type) && !DataType.isLargeList(type))
    throw new RecError('ITEM_VECTORS_INVALID', `column "${columns.vector}" is of type ${String(type)}, not a list of numbers`, { file });
  for (let i = 0; i < table.numRows; i++) {
    const cell: unknown = vectors.get(i);
    collector.add(i + 1, ids.get(i), cell instanceof Vector ? valuesOf(cell) : cell);
  }
  return table.numRows;
}

/** @returns a list's values: its typed array, or its elements with nulls kept when it has any (a typed array would show them as 0). */
function valuesOf(list: Vector): unknown {
  return list.nullCount > 0 ? [...list] : list.toArray();
}

function missingColumn(file: string, name: string, found: readonly string[]): never {
  const list = found.length === 0 ? 'none' : found.map((column) => `"${column}"`).join(', ');
  throw new RecError('ITEM_VECTORS_INVALID', `there is no column "${name}"; the columns found are ${list}`, { file });
}

function unreadable(file: string, format: string, error: unknown): RecError {
  return new RecError(
    'ITEM_VECTORS_INVALID',
    `not a readable ${format} file: ${error instanceof Error ? error.message : String(error)}`,
    { file },
    { cause: error },
  );
}
