import { Float32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { arrowBytes, matrixRows, parquetBytes, readTestVectors, type VectorTable } from './test-support.ts';

/** One of each per-record problem a table can hold, after a good first row. */
const MIXED: VectorTable = {
  ids: ['a1', 'a2', null, 'nope', 'gone', 'a1', 'b7'],
  vectors: [
    [0.5, 1, -1],
    [1, null, 3],
    [1, 1, 1],
    [1, 1, 1],
    [1, 1, 1],
    [2, 2, 2],
    [0, 0, 0],
  ],
};
const MIXED_REASONS = { 'bad-vector': 1, 'missing-id': 1, 'unknown-item': 1, 'skipped-item': 1, 'duplicate-id': 1, 'zero-vector': 1 };

describe('readItemVectors: Parquet', () => {
  it('reports each bad row by its 1-based row number and keeps the first vector of an id', async () => {
    const { input, summary } = await readTestVectors('v.parquet', parquetBytes(MIXED));
    expect(summary.byReason).toEqual(MIXED_REASONS);
    expect(summary.examples['bad-vector']).toEqual(['v.parquet:2: "vector"[1] is null, not a finite float32 number [bad-vector]']);
    expect(summary.examples['missing-id']).toEqual(['v.parquet:3: "id" must be a non-empty string or an integer, found null [missing-id]']);
    expect(summary.examples['duplicate-id']).toEqual(['v.parquet:6: item "a1" already has a vector, from row 1 (the first is used) [duplicate-id]']);
    expect(input).toMatchObject({ format: 'parquet', dim: 3, records: 7, imported: 1 });
    expect(matrixRows(input)[2]).toEqual([0.5, 1, -1]);
  });

  it('reads integer ids as decimal text, a null vector as bad, and other column names', async () => {
    const bytes = parquetBytes({ ids: [7n, 3n], vectors: [[1, 2], null], idName: 'sku', vectorName: 'emb' });
    const problems = await readTestVectors('v.parquet', bytes, { idField: 'sku', vectorField: 'emb' });
    // Neither 7 nor 3 is in the test catalogue: what matters is that they arrive as "7" and "3".
    expect(problems.summary.examples).toEqual({
      'unknown-item': ['v.parquet:1: item "7" is not in the catalogue [unknown-item]'],
      'bad-vector': ['v.parquet:2: "emb" must be a list of numbers, found null [bad-vector]'],
    });
  });

  it('refuses a missing column, naming it and the columns found', async () => {
    await expect(readTestVectors('v.parquet', parquetBytes({ ...MIXED, vectorName: 'embedding' }))).rejects.toMatchObject({
      code: 'ITEM_VECTORS_INVALID',
      message: 'v.parquet: there is no column "vector"; the columns found are "id", "embedding"',
    });
    await expect(readTestVectors('v.parquet', parquetBytes(MIXED), { idField: 'sku' })).rejects.toThrow(
      'there is no column "sku"; the columns found are "id", "vector"',
    );
  });

  it('refuses a vector column of single values, and a file that is not Parquet', async () => {
    const flat = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: ['a1'], type: 'STRING' },
          { name: 'vector', data: [0.5], type: 'FLOAT' },
        ],
      }),
    );
    await expect(readTestVectors('v.parquet', flat)).rejects.toThrow('v.parquet: column "vector" holds single values (FLOAT), not lists of numbers');
    await expect(readTestVectors('v.parquet', new TextEncoder().encode('id,vector\n'))).rejects.toMatchObject({
      code: 'ITEM_VECTORS_INVALID',
      message: expect.stringMatching(/^v\.parquet: not a readable Parquet file: /) as unknown,
    });
  });
});

describe('readItemVectors: Arrow IPC', () => {
  it('reports each bad row by its 1-based row number, a null element as bad', async () => {
    const { input, summary } = await readTestVectors('v.arrow', arrowBytes(MIXED));
    expect(summary.byReason).toEqual(MIXED_REASONS);
    expect(summary.examples['bad-vector']).toEqual(['v.arrow:2: "vector"[1] is null, not a finite float32 number [bad-vector]']);
    expect(summary.examples['skipped-item']).toEqual(['v.arrow:5: item "gone" was skipped from the catalogue (see its catalogue problem) [skipped-item]']);
    expect(input).toMatchObject({ format: 'arrow', dim: 3, records: 7, imported: 1 });
    expect(matrixRows(input)[2]).toEqual([0.5, 1, -1]);
  });

  it('reads the stream format, a variable list of float64 and integer ids', async () => {
    const table: VectorTable = {
      ids: [3n, 2n],
      vectors: [
        [0.25, -8],
        [1, 2, 3],
      ],
    };
    const problems = await readTestVectors('v.feather', arrowBytes(table, { list: 'variable', float64: true, format: 'stream' }));
    expect(problems.summary.examples).toEqual({
      'unknown-item': ['v.feather:1: item "3" is not in the catalogue [unknown-item]'],
      'wrong-dimension': ['v.feather:2: "vector" has 3 numbers; the file\'s vectors have 2 [wrong-dimension]'],
    });
    const { input } = await readTestVectors('v.ipc', arrowBytes({ ids: ['a3'], vectors: [[0.25, -8]] }, { list: 'variable', float64: true }));
    expect(matrixRows(input)[3]).toEqual([0.25, -8]);
  });

  it("takes a fixed-size list's size as the dimension, refusing 4097 before any row", async () => {
    await expect(readTestVectors('v.arrow', arrowBytes({ ids: ['a1'], vectors: [Array.from({ length: 4097 }, () => 1)] }))).rejects.toThrow(
      'v.arrow: column "vector" of type FixedSizeList[4097]<Float32> gives vectors of dimension 4097; the builder imports dimensions 1 to 4096',
    );
    // The size holds even when no row is usable.
    const { input } = await readTestVectors('v.arrow', arrowBytes({ ids: ['nope'], vectors: [[0, 0, 0, 0, 0]] }));
    expect(input).toMatchObject({ dim: 5, imported: 0 });
    expect(input.vectors).toHaveLength(25);
  });

  it('refuses a missing column naming the columns found, a vector column that is no list, and a file that is not Arrow', async () => {
    await expect(readTestVectors('v.arrow', arrowBytes({ ...MIXED, idName: 'item_id' }))).rejects.toMatchObject({
      code: 'ITEM_VECTORS_INVALID',
      message: 'v.arrow: there is no column "id"; the columns found are "item_id", "vector"',
    });
    const flat = tableToIPC(new Table({ id: vectorFromArray(['a1'], new Utf8()), vector: vectorFromArray([0.5], new Float32()) }));
    await expect(readTestVectors('v.arrow', flat)).rejects.toThrow('v.arrow: column "vector" is of type Float32, not a list of numbers');
    await expect(readTestVectors('v.arrow', new TextEncoder().encode('not an arrow file at all'))).rejects.toThrow(
      /^v\.arrow: not a readable Arrow IPC file: /,
    );
  });
});
