/**
 * Reads a NumPy .npy array of item vectors with its ids file (row i is the id on line i + 1).
 * The format is a fixed preamble, a Python dict literal for a header and the raw values, so it is
 * read here by hand: versions 1.0 to 3.0, a 2-D C-ordered array of little-endian float16, float32 or
 * float64. Anything else (Fortran order, big-endian, other dtypes, a pickled object array) is refused
 * whole with what was found, since its rows cannot be told apart.
 */
import { RecError } from '../../../core/errors.ts';
import type { VectorCollector } from './item-vectors-records.ts';
import type { ProblemLog } from './problems.ts';
import { forEachLine, MAX_LINE_BYTES } from './text-lines.ts';

/** The dtypes read, with their sizes in bytes. */
const DTYPES: ReadonlyMap<string, 2 | 4 | 8> = new Map([
  ['<f2', 2],
  ['<f4', 4],
  ['<f8', 8],
]);
const MAGIC = [0x93, ...new TextEncoder().encode('NUMPY')];

/** A .npy header, read. */
export interface NpyHeader {
  readonly size: 2 | 4 | 8;
  readonly rows: number;
  readonly dim: number;
  /** Where the values start. */
  readonly offset: number;
}

/**
 * @param file the .npy file, as named in messages.
 * @param bytes its contents.
 * @returns the dtype's size, the shape and where the values start.
 * @throws RecError ITEM_VECTORS_INVALID for anything but a whole 2-D C-ordered little-endian float array.
 */
export function readNpyHeader(file: string, bytes: Uint8Array): NpyHeader {
  function fail(message: string): never {
    throw new RecError('ITEM_VECTORS_INVALID', message, { file });
  }
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) fail('not a .npy file: it does not start with "\\x93NUMPY"');
  const major = bytes[6] ?? 0;
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${bytes[7] ?? 0} is not read (1.0, 2.0 and 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) fail(`the header is truncated: the file is ${bytes.length} bytes long`);
  const length = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + length > bytes.length)
    fail(`the header is truncated: it declares ${length} bytes, the file has ${Math.max(0, bytes.length - start)} after the preamble`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + length));
  const entry = (key: string, value: string): string => {
    const found = new RegExp(`['"]${key}['"]\\s*:\\s*${value}`).exec(header)?.[1];
    return found ?? fail(`the header has no readable '${key}': ${header.trim()}`);
  };
  const descr = entry('descr', `['"]([^'"]*)['"]`);
  const fortran = entry('fortran_order', '(True|False)');
  const shapeText = entry('shape', '\\(([^)]*)\\)');
  const size = DTYPES.get(descr);
  if (size === undefined)
    fail(
      descr.startsWith('>')
        ? `dtype '${descr}' is big-endian; only little-endian floats are read (numpy: array.astype('<f4'))`
        : `dtype '${descr}' is not read; the vectors must be floats: '<f4', '<f8' or '<f2'`,
    );
  if (fortran === 'True') fail('the array is in Fortran (column) order; save a C-ordered array (numpy: np.ascontiguousarray(array))');
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (shape.length !== 2 || !shape.every((part) => /^\d+$/.test(part))) fail(`the array's shape is (${shapeText}); a 2-D array of items x dimension is needed`);
  const [rows, dim] = shape.map(Number) as [number, number];
  const need = rows * dim * size;
  const have = bytes.length - start - length;
  if (have < need) fail(`the data is truncated: a (${rows}, ${dim}) array of '${descr}' needs ${need} bytes, the file holds ${have}`);
  if (have > need) fail(`the file holds ${have} bytes of data, more than the ${need} a (${rows}, ${dim}) array of '${descr}' needs`);
  return { size, rows, dim, offset: start + length };
}

/**
 * Reads the ids file, then gives the collector each row with its id.
 * @param file the .npy file, as named in messages.
 * @param bytes its contents.
 * @param ids the ids file: one id per line.
 * @param collector where the records go (it checks them).
 * @param problems the ledger for ids lines that are not UTF-8.
 * @returns the number of rows (records).
 * @throws RecError ITEM_VECTORS_INVALID when the ids file does not have one line per row.
 */
export function readNpyVectors(
  file: string,
  bytes: Uint8Array,
  ids: { readonly file: string; readonly bytes: Uint8Array },
  collector: VectorCollector,
  problems: ProblemLog,
): number {
  const header = readNpyHeader(file, bytes);
  const lines: (string | null)[] = [];
  const invalid = new Map<number, string>();
  const count = forEachLine(ids.bytes, {
    line: (text, line) => (lines[line - 1] = text),
    blank: (text, line) => (lines[line - 1] = text),
    invalid(line, message) {
      lines[line - 1] = null;
      invalid.set(line, message);
    },
    tooLong(line, length) {
      return problems.refuse(line, `line ${line} of ${ids.file} is ${length} bytes long, over the limit of ${MAX_LINE_BYTES} bytes per line`);
    },
  });
  if (count !== header.rows)
    throw new RecError('ITEM_VECTORS_INVALID', `${ids.file} has ${count} lines but ${file} has ${header.rows} rows; the ids file needs one id per row`, {
      file,
    });
  collector.declareDim(header.dim, `the array's shape (${header.rows}, ${header.dim})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.offset, header.rows * header.dim * header.size);
  const row = new Float64Array(header.dim);
  for (let i = 0; i < header.rows; i++) {
    const id = lines[i] ?? null;
    if (id === null) {
      problems.report('invalid-utf8', i + 1, `${ids.file}: ${invalid.get(i + 1) ?? ''}`);
      continue;
    }
    for (let j = 0; j < header.dim; j++) {
      const at = (i * header.dim + j) * header.size;
      row[j] = header.size === 4 ? view.getFloat32(at, true) : header.size === 8 ? view.getFloat64(at, true) : halfToNumber(view.getUint16(at, true));
    }
    collector.add(i + 1, id, row);
  }
  return header.rows;
}

/** @param bits an IEEE 754 half-precision float's bits; @returns its value (Node 20 has no DataView.getFloat16). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
