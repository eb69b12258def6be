/**
 * Test support for the item-vectors readers (never imported by builder code): the bytes of small
 * .npy, Arrow IPC and Parquet files built from plain lists, so a test states its input next to its
 * assertions. The fixture generator writes the committed fixtures with the same builders.
 */
import { Field, FixedSizeList, Float32, Float64, Int64, List, Table, tableToIPC, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readItemVectors, type ItemVectorsInput } from './item-vectors-input.ts';
import { createProblemLog, type ProblemSummary } from './problems.ts';

/** The tests' catalogue: its rows in another order than the fixtures' lines, and "c9" with no vector. */
export const TEST_ROW_OF: ReadonlyMap<string, number> = new Map([
  ['a2', 0],
  ['b7', 1],
  ['a1', 2],
  ['a3', 3],
  ['c9', 4],
]);

/** A catalogue id whose line the builder skipped. */
export const SKIPPED_ID = 'gone';

/**
 * Reads a vectors file against the tests' catalogue.
 * @param file the file name (its extension selects the format).
 * @param bytes its contents.
 * @param options an ids file's text or bytes (named ids.txt), strict mode and column names.
 * @returns what was read and the file's problems.
 */
export async function readTestVectors(
  file: string,
  bytes: Uint8Array,
  options: { readonly ids?: string | Uint8Array; readonly strict?: boolean; readonly idField?: string; readonly vectorField?: string } = {},
): Promise<{ input: ItemVectorsInput; summary: ProblemSummary }> {
  const problems = createProblemLog(file, { strict: options.strict ?? false, code: 'ITEM_VECTORS_INVALID' });
  const ids =
    options.ids === undefined ? null : { file: 'ids.txt', bytes: typeof options.ids === 'string' ? new TextEncoder().encode(options.ids) : options.ids };
  const input = await readItemVectors(file, bytes, {
    ids,
    itemCount: TEST_ROW_OF.size,
    rowOf: TEST_ROW_OF,
    skippedIds: new Set([SKIPPED_ID]),
    problems,
    ...(options.idField === undefined ? {} : { idField: options.idField }),
    ...(options.vectorField === undefined ? {} : { vectorField: options.vectorField }),
  });
  return { input, summary: problems.summary() };
}

/** @returns the matrix as one plain list per catalogue row. */
export function matrixRows(input: ItemVectorsInput): number[][] {
  return Array.from({ length: input.has.length }, (_, row) => [...input.vectors.subarray(row * input.dim, (row + 1) * input.dim)]);
}

/** How a test .npy file differs from a plain version 1.0 C-ordered '<f4' one. */
export interface NpyOptions {
  readonly descr?: string;
  readonly fortranOrder?: boolean;
  readonly major?: 1 | 2 | 3;
  /** The shape as written in the header, e.g. '(3,)'; by default (rows, first row's length). */
  readonly shape?: string;
}

/**
 * @param rows the values, row by row, written as the descr says (2, 4, 8 bytes: half, single, double float; 1: a byte).
 * @param options the header's fields.
 * @returns the .npy file's bytes, its header padded as numpy pads it (to a multiple of 64, ending in a newline).
 */
export function npyBytes(rows: readonly (readonly number[])[], options: NpyOptions = {}): Uint8Array {
  const descr = options.descr ?? '<f4';
  const major = options.major ?? 1;
  const shape = options.shape ?? `(${rows.length}, ${rows[0]?.length ?? 0})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${options.fortranOrder === true ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const preamble = major === 1 ? 10 : 12;
  const header = new TextEncoder().encode(dict + ' '.repeat((64 - ((preamble + dict.length + 1) % 64)) % 64) + '\n');
  const size = Number(descr.slice(-1));
  const values = rows.flat();
  const bytes = new Uint8Array(preamble + header.length + values.length * size);
  bytes.set([0x93, ...new TextEncoder().encode('NUMPY'), major, 0]);
  const view = new DataView(bytes.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  bytes.set(header, preamble);
  const little = !descr.startsWith('>');
  values.forEach((value, i) => {
    const at = preamble + header.length + i * size;
    if (size === 2) view.setUint16(at, halfBits(value), little);
    else if (size === 8) view.setFloat64(at, value, little);
    else if (size === 4) view.setFloat32(at, value, little);
    else view.setUint8(at, value);
  });
  return bytes;
}

/** @returns the half-precision bits of a value that half precision holds exactly (or NaN, ±Infinity). */
export function halfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) return sign | 0x7c00;
  if (magnitude < 2 ** -14) return sign | Math.round(magnitude / 2 ** -24);
  const exponent = Math.floor(Math.log2(magnitude));
  return sign | ((exponent + 15) << 10) | Math.round((magnitude / 2 ** exponent - 1) * 1024);
}

/** A column table's content: ids (strings, or integers) and vectors (a vector may be null). */
export interface VectorTable {
  readonly ids: readonly (string | bigint | null)[];
  readonly vectors: readonly (readonly (number | null)[] | null)[];
  readonly idName?: string;
  readonly vectorName?: string;
}

/**
 * @param table the ids and vectors.
 * @param options the vector column's type (a fixed-size list of the first vector's length, or a list) and element type, and the IPC format.
 * @returns the Arrow IPC bytes.
 */
export function arrowBytes(
  table: VectorTable,
  options: { readonly list?: 'fixed' | 'variable'; readonly float64?: boolean; readonly format?: 'file' | 'stream' } = {},
): Uint8Array {
  const element = new Field('item', options.float64 === true ? new Float64() : new Float32(), true);
  const dim = table.vectors.find((vector) => vector !== null)?.length ?? 0;
  const type: DataType = options.list === 'variable' ? new List(element) : new FixedSizeList(dim, element);
  const integerIds = table.ids.some((id) => typeof id === 'bigint');
  return tableToIPC(
    new Table({
      [table.idName ?? 'id']: vectorFromArray(table.ids, integerIds ? new Int64() : new Utf8()),
      [table.vectorName ?? 'vector']: vectorFromArray(table.vectors, type),
    }),
    options.format ?? 'file',
  );
}

/**
 * @param table the ids and vectors.
 * @returns the bytes of a Parquet file with the schema pyarrow writes for them: an id column (UTF8, or INT64 for integers) and a list<float> column.
 */
export function parquetBytes(table: VectorTable): Uint8Array {
  const idName = table.idName ?? 'id';
  const vectorName = table.vectorName ?? 'vector';
  const integerIds = table.ids.some((id) => typeof id === 'bigint');
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: idName, data: [...table.ids] },
      { name: vectorName, data: table.vectors.map((vector) => (vector === null ? null : [...vector])) },
    ],
    schema: [
      { name: 'root', num_children: 2 },
      integerIds
        ? { name: idName, type: 'INT64', repetition_type: 'OPTIONAL' }
        : { name: idName, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: vectorName, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'FLOAT', repetition_type: 'OPTIONAL' },
    ],
  });
  return new Uint8Array(buffer);
}
