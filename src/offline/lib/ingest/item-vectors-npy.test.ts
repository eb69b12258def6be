import { describe, expect, it } from 'vitest';
import { faultTest } from '../../../core/fault-test-support.ts';
import { halfToNumber } from './item-vectors-npy.ts';
import { halfBits, matrixRows, npyBytes, readTestVectors } from './test-support.ts';

const ROWS = [
  [0.5, -1.25, 2],
  [1, 0.25, -0.5],
  [-2, 4, 0.125],
];
const IDS = 'a1\na2\na3\n';

describe('readItemVectors: .npy', () => {
  it.each([
    ['<f4', 1],
    ['<f8', 2],
    ['<f2', 3],
  ] as const)('reads %s, format version %i.0, as float32 by catalogue row', async (descr, major) => {
    const { input, summary } = await readTestVectors('v.npy', npyBytes(ROWS, { descr, major }), { ids: IDS });
    expect(input).toMatchObject({ format: 'npy', dim: 3, records: 3, imported: 3 });
    expect(matrixRows(input).slice(0, 4)).toEqual([ROWS[1], [0, 0, 0], ROWS[0], ROWS[2]]);
    expect(summary.skipped).toBe(0);
  });

  it('accepts an ids file with CRLF endings and no final newline; row i is line i + 1', async () => {
    const { input } = await readTestVectors('v.npy', npyBytes(ROWS), { ids: 'a3\r\nb7\r\na1' });
    expect(matrixRows(input).slice(1, 4)).toEqual([ROWS[1], ROWS[2], ROWS[0]]);
  });

  it(
    'reports a value float32 cannot hold, Infinity, NaN, an empty or bad id line, by its line in the ids file',
    faultTest('Builder input files', 'Item vectors a shop brings with Infinity, NaN, values float32 cannot hold or bad id lines', async () => {
      const rows = [
        [1, 2, 3],
        [1e39, 0, 0],
        [1, Infinity, 0],
        [1, 2, NaN],
        [1, 1, 1],
        [2, 2, 2],
      ];
      const ids = new Uint8Array([...new TextEncoder().encode('a1\na2\na3\nb7\n\n'), 0x63, 0xff, 0x0a]);
      const { input, summary } = await readTestVectors('v.npy', npyBytes(rows, { descr: '<f8' }), { ids });
      expect(summary.byReason).toEqual({ 'bad-vector': 3, 'missing-id': 1, 'invalid-utf8': 1 });
      expect(summary.examples['bad-vector']).toEqual([
        'v.npy:2: the vector[0] is number 1e+39, not a finite float32 number [bad-vector]',
        'v.npy:3: the vector[1] is number Infinity, not a finite float32 number [bad-vector]',
        'v.npy:4: the vector[2] is number NaN, not a finite float32 number [bad-vector]',
      ]);
      expect(summary.examples['missing-id']).toEqual([
        'v.npy:5: the id on this line of ids.txt must be a non-empty string or an integer, found "" [missing-id]',
      ]);
      expect(summary.examples['invalid-utf8']?.[0]).toMatch(/^v\.npy:6: ids\.txt: invalid UTF-8 byte 0xff/);
      expect(input.imported).toBe(1);
    }),
  );

  it('refuses an ids file with another count of lines than rows, naming both files and counts', async () => {
    await expect(readTestVectors('v.npy', npyBytes(ROWS), { ids: 'a1\na2\n' })).rejects.toMatchObject({
      code: 'ITEM_VECTORS_INVALID',
      message: 'v.npy: ids.txt has 2 lines but v.npy has 3 rows; the ids file needs one id per row',
    });
    await expect(readTestVectors('v.npy', npyBytes(ROWS), { ids: IDS + '\n' })).rejects.toThrow('ids.txt has 4 lines but v.npy has 3 rows');
  });

  it.each([
    ['big-endian', npyBytes(ROWS, { descr: '>f4' }), /dtype '>f4' is big-endian; only little-endian floats are read/],
    ['integers', npyBytes(ROWS, { descr: '<i4' }), /dtype '<i4' is not read; the vectors must be floats: '<f4', '<f8' or '<f2'/],
    ['bytes', npyBytes(ROWS, { descr: '|u1' }), /dtype '\|u1' is not read/],
    ['Fortran order', npyBytes(ROWS, { fortranOrder: true }), /the array is in Fortran \(column\) order/],
    ['1-D', npyBytes([ROWS.flat()], { shape: '(9,)' }), /the array's shape is \(9,\); a 2-D array of items x dimension is needed/],
    ['3-D', npyBytes(ROWS, { shape: '(3, 1, 3)' }), /shape is \(3, 1, 3\)/],
    ['truncated', npyBytes(ROWS).subarray(0, -1), /the data is truncated: a \(3, 3\) array of '<f4' needs 36 bytes, the file holds 35/],
    ['longer than its shape', new Uint8Array([...npyBytes(ROWS), 0, 0, 0, 0]), /holds 40 bytes of data, more than the 36/],
    ['not .npy', new TextEncoder().encode('a1,0.5,1\na2,1,2\n'), /not a \.npy file: it does not start with "\\x93NUMPY"/],
    ['version 4', npyBytes(ROWS).map((byte, i) => (i === 6 ? 4 : byte)), /\.npy format version 4\.0 is not read/],
    ['a truncated header', npyBytes(ROWS).subarray(0, 40), /the header is truncated: it declares 118 bytes, the file has 30/],
    [
      'dimension 0',
      npyBytes([[], [], []], { shape: '(3, 0)' }),
      /the array's shape \(3, 0\) gives vectors of dimension 0; the builder imports dimensions 1 to 4096/,
    ],
  ])('refuses %s, naming the file and what it found', async (_name, bytes, message) => {
    const read = readTestVectors('v.npy', bytes, { ids: IDS });
    await expect(read).rejects.toMatchObject({ code: 'ITEM_VECTORS_INVALID', location: { file: 'v.npy' } });
    await expect(read).rejects.toThrow(message);
  });

  it('refuses dimension 4097 by the shape, before reading a row', async () => {
    await expect(readTestVectors('v.npy', npyBytes([Array.from({ length: 4097 }, () => 1)]), { ids: 'a1' })).rejects.toThrow(
      "v.npy: the array's shape (1, 4097) gives vectors of dimension 4097; the builder imports dimensions 1 to 4096",
    );
  });
});

describe('halfToNumber', () => {
  it('decodes normal, subnormal, signed zero, infinite and NaN half floats', () => {
    expect([0x3c00, 0xbd00, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00, 0xfc00].map(halfToNumber)).toEqual([
      1,
      -1.25,
      65504,
      2 ** -24,
      2 ** -14,
      -0,
      Infinity,
      -Infinity,
    ]);
    expect(halfToNumber(0x7e00)).toBeNaN();
    // Round trip with the test-support encoder over values half precision holds exactly.
    for (const value of [0.5, -0.75, 3, 1000.5, 2 ** -20, -(2 ** 15)]) expect(halfToNumber(halfBits(value))).toBe(value);
  });
});
