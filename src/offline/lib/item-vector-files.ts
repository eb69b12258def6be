/**
 * Writes item vectors in every format `build:models --item-vectors` reads: .npy (its ids in a text
 * file beside it), Parquet (the schema pyarrow writes: an id column and a list<float> column), Arrow
 * IPC (a FixedSizeList<Float32> column) and JSON Lines. `npm run vectors:example` writes its
 * stand-in for a shop's embeddings with it; the readers' tests and fixtures write the odd files
 * (other float types, Fortran order, null vectors) through the same functions' options.
 */
import { writeFile } from 'node:fs/promises';
import { Field, FixedSizeList, Float32, Float64, Int64, List, Table, tableToIPC, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { RecError } from '../../core/errors.ts';
import { itemVectorsFormat } from './ingest/item-vectors-input.ts';

/**
 * Writes one file of ids and vectors, the format chosen by the extension as the builder reads it.
 * @param file the path; an .npy array gets its ids as `<file>.ids.txt`.
 * @param ids one per vector.
 * @param vectors the vectors, all of one length.
 * @returns the paths written.
 * @throws RecError CONFIG_INVALID for an extension the builder does not read.
 */
export async function writeItemVectorFile(file: string, ids: readonly string[], vectors: readonly Float32Array[]): Promise<string[]> {
  const rows = vectors.map((vector) => [...vector]);
  const format = itemVectorsFormat(file);
  if (format === 'npy') {
    const idsFile = `${file}.ids.txt`;
    await writeFile(file, npyBytes(rows));
    await writeFile(idsFile, `${ids.join('\n')}\n`);
    return [file, idsFile];
  }
  if (format === 'jsonl') await writeFile(file, `${ids.map((id, i) => JSON.stringify({ id, vector: rows[i] })).join('\n')}\n`);
  else if (format === 'arrow') await writeFile(file, arrowBytes({ ids, vectors: rows }));
  else if (format === 'parquet') await writeFile(file, parquetBytes({ ids, vectors: rows }));
  else throw new RecError('CONFIG_INVALID', `cannot write ${file}`);
  return [file];
}

/** How an .npy file differs from a plain version 1.0 C-ordered '<f4' one (tests write odd ones). */
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
