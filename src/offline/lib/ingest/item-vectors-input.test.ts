import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { itemVectorsFormat, MAX_IMPORTED_DIM, readItemVectors } from './item-vectors-input.ts';
import { createProblemLog } from './problems.ts';
import { matrixRows, readTestVectors, TEST_ROW_OF } from './test-support.ts';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/item-vectors/${name}`, import.meta.url));
const jsonl = (...lines: string[]): Uint8Array => new TextEncoder().encode(lines.join('\n') + '\n');

describe('readItemVectors: the committed fixtures', () => {
  it.each([
    ['vectors.npy', 'npy', fixture('vectors.ids.txt')],
    ['vectors.parquet', 'parquet', undefined],
    ['vectors.arrow', 'arrow', undefined],
    ['vectors.jsonl', 'jsonl', undefined],
  ] as const)('%s reads back by catalogue row, the raw values kept', async (file, format, ids) => {
    const { input, summary } = await readTestVectors(file, fixture(file), ids === undefined ? {} : { ids });
    expect(input).toMatchObject({ file, format, dim: 4, records: 5, imported: 4 });
    expect([...input.has]).toEqual([1, 1, 1, 1, 0]);
    expect(input.vectors).toHaveLength(TEST_ROW_OF.size * 4);
    expect(matrixRows(input)).toEqual([
      [1, 0.25, -0.5, 3], // a2
      [0, 0, 1.5, -1], // b7
      [0.5, -1.25, 2, 0], // a1
      [-2, 4, 0.125, -0.75], // a3
      [0, 0, 0, 0], // c9: no vector, not this file's problem
    ]);
    expect(summary.byReason).toEqual({ 'unknown-item': 1 });
    expect(summary.examples['unknown-item']).toEqual([`${file}:5: item "zz" is not in the catalogue [unknown-item]`]);
  });
});

describe('readItemVectors: records it cannot use (JSON Lines)', () => {
  const first = '{"id": "a1", "vector": [1, 2, 3]}';
  it.each([
    ['bad-vector', '{"id": "a2", "vector": [1, "2", 3]}', 'v.jsonl:2: "vector"[1] is "2", not a finite float32 number'],
    ['bad-vector', '{"id": "a2", "vector": [1, 2, null]}', 'v.jsonl:2: "vector"[2] is null, not a finite float32 number'],
    ['bad-vector', '{"id": "a2", "vector": [1e39, 2, 3]}', 'v.jsonl:2: "vector"[0] is number 1e+39, not a finite float32 number'],
    ['bad-vector', '{"id": "a2", "vector": "1,2,3"}', 'v.jsonl:2: "vector" must be a list of numbers, found "1,2,3"'],
    ['bad-vector', '{"id": "a2"}', 'v.jsonl:2: "vector" must be a list of numbers, found nothing (missing)'],
    ['bad-vector', '{"id": "a2", "vector": []}', 'v.jsonl:2: "vector" is an empty list'],
    ['wrong-dimension', '{"id": "a2", "vector": [1, 2]}', 'v.jsonl:2: "vector" has 2 numbers; the file\'s vectors have 3'],
    ['zero-vector', '{"id": "a2", "vector": [0, -0, 0]}', 'v.jsonl:2: "vector" is all zeros (3 of them)'],
    ['missing-id', '{"id": "  ", "vector": [1, 2, 3]}', 'v.jsonl:2: "id" must be a non-empty string or an integer, found "  "'],
    ['missing-id', '{"id": 1.5, "vector": [1, 2, 3]}', 'v.jsonl:2: "id" must be a non-empty string or an integer, found number 1.5'],
    ['unknown-item', '{"id": "nope", "vector": [1, 2, 3]}', 'v.jsonl:2: item "nope" is not in the catalogue'],
    ['skipped-item', '{"id": "gone", "vector": [1, 2, 3]}', 'v.jsonl:2: item "gone" was skipped from the catalogue (see its catalogue problem)'],
    ['duplicate-id', '{"id": " a1 ", "vector": [4, 5, 6]}', 'v.jsonl:2: item "a1" already has a vector, from line 1 (the first is used)'],
    ['bad-json', '{"id": "a2", "vector": [1, 2, 3]', 'v.jsonl:2: '],
    ['not-an-object', '[1, 2, 3]', 'v.jsonl:2: expected a JSON object, found an array of 3'],
  ] as const)('%s: %s is counted, named by file:line and skipped', async (reason, line, example) => {
    const { input, summary } = await readTestVectors('v.jsonl', jsonl(first, line, '{"id": "a3", "vector": [7, 8, 9]}'));
    expect(summary.skipped).toBe(1);
    expect(summary.byReason).toEqual({ [reason]: 1 });
    expect(summary.examples[reason]?.[0]).toMatch(new RegExp(`^${example.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.* \\[${reason}\\]$`));
    expect(input).toMatchObject({ dim: 3, records: 3, imported: 2 });
    // The first vector for a1 wins over its duplicate; a2 got none.
    expect(matrixRows(input).slice(0, 4)).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [1, 2, 3],
      [7, 8, 9],
    ]);
  });

  it('counts a line that is not UTF-8 and passes blank lines over', async () => {
    const bytes = new Uint8Array([...jsonl('{"id": "a1", "vector": [1, 2]}', '', '  '), 0x7b, 0xff, 0x7d, 0x0a]);
    const { input, summary } = await readTestVectors('v.jsonl', bytes);
    expect(summary.byReason).toEqual({ 'invalid-utf8': 1 });
    expect(summary.examples['invalid-utf8']?.[0]).toMatch(/^v\.jsonl:4: invalid UTF-8 byte 0xff/);
    expect(input).toMatchObject({ records: 2, imported: 1 });
  });

  it('fixes the dimension by the first usable vector, not by a broken or all-zero one', async () => {
    const { input, summary } = await readTestVectors(
      'v.jsonl',
      jsonl('{"id": "a1", "vector": [1, "x"]}', '{"id": "a2", "vector": [0, 0]}', '{"id": "a3", "vector": [1, 2, 3]}', '{"id": "b7", "vector": [1, 2]}'),
    );
    expect(input.dim).toBe(3);
    expect(summary.byReason).toEqual({ 'bad-vector': 1, 'zero-vector': 1, 'wrong-dimension': 1 });
  });

  it('reads integer ids as the catalogue writes them, and other field names', async () => {
    const problems = createProblemLog('v.ndjson', { strict: false, code: 'ITEM_VECTORS_INVALID' });
    const input = await readItemVectors('v.ndjson', jsonl('{"sku": 42, "emb": [0.5, 1]}', '{"sku": "x", "vector": [1, 1]}'), {
      ids: null,
      itemCount: 2,
      rowOf: new Map([
        ['x', 0],
        ['42', 1],
      ]),
      skippedIds: new Set(),
      problems,
      idField: 'sku',
      vectorField: 'emb',
    });
    expect(input).toMatchObject({ format: 'jsonl', dim: 2, records: 2, imported: 1 });
    expect([...input.vectors]).toEqual([0, 0, 0.5, 1]);
    expect(problems.summary().examples['bad-vector']).toEqual(['v.ndjson:2: "emb" must be a list of numbers, found nothing (missing) [bad-vector]']);
  });

  it('throws at the first bad record in strict mode, naming the file and line', async () => {
    await expect(readTestVectors('v.jsonl', jsonl('{"id": "a1", "vector": [1, 2]}', '{"id": "a2", "vector": [0, 0]}'), { strict: true })).rejects.toMatchObject(
      {
        code: 'ITEM_VECTORS_INVALID',
        location: { file: 'v.jsonl', line: 2 },
        message: expect.stringContaining('[zero-vector]: "vector" is all zeros') as unknown,
      },
    );
  });
});

describe('readItemVectors: whole-file faults', () => {
  it(`takes dimension ${MAX_IMPORTED_DIM} and refuses ${MAX_IMPORTED_DIM + 1}, naming the file, line and limit`, async () => {
    const line = (dim: number): string => JSON.stringify({ id: 'a1', vector: Array.from({ length: dim }, (_, j) => j + 1) });
    expect((await readTestVectors('v.jsonl', jsonl(line(MAX_IMPORTED_DIM)))).input.dim).toBe(MAX_IMPORTED_DIM);
    await expect(readTestVectors('v.jsonl', jsonl(line(MAX_IMPORTED_DIM + 1)))).rejects.toMatchObject({
      code: 'ITEM_VECTORS_INVALID',
      location: { file: 'v.jsonl', line: 1 },
      message: expect.stringMatching(/dimension 4097; the builder imports dimensions 1 to 4096/) as unknown,
    });
  });

  it('refuses a file without one usable vector: its dimension is unknown', async () => {
    await expect(readTestVectors('v.jsonl', jsonl('{"id": "a1", "vector": [0, 0]}'))).rejects.toThrow(
      'v.jsonl: none of its 1 records has a usable vector, so its dimension is unknown',
    );
    await expect(readTestVectors('v.jsonl', new Uint8Array(0))).rejects.toThrow('v.jsonl: there are no vectors in the file');
  });

  it('refuses an ids file for a format that holds its own ids, and a .npy array without one', async () => {
    await expect(readTestVectors('v.jsonl', jsonl('{"id": "a1", "vector": [1]}'), { ids: 'a1\n' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'v.jsonl: an ids file (ids.txt) is only for .npy arrays; a jsonl file holds its ids in a column',
    });
    await expect(readTestVectors('vectors.npy', fixture('vectors.npy'))).rejects.toMatchObject({ code: 'CONFIG_INVALID', location: { file: 'vectors.npy' } });
  });
});

describe('itemVectorsFormat', () => {
  it('tells the format by the extension, in any case', () => {
    expect(['a.npy', 'b.PARQUET', 'c.arrow', 'd.feather', 'e.ipc', 'f.jsonl', 'dir.v2/g.ndjson'].map(itemVectorsFormat)).toEqual([
      'npy',
      'parquet',
      'arrow',
      'arrow',
      'arrow',
      'jsonl',
      'jsonl',
    ]);
  });

  it('refuses any other extension, naming the file and the accepted ones', () => {
    expect(() => itemVectorsFormat('vectors.csv')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: 'vectors.csv: item vectors are read from .npy (with an ids file), .parquet, .arrow/.feather/.ipc or .jsonl/.ndjson files, not ".csv"',
      }),
    );
    expect(() => itemVectorsFormat('dir.v2/vectors')).toThrow(/not a file without an extension/);
    expect(() => itemVectorsFormat('vectors.constructor')).toThrow(/not "\.constructor"/);
  });
});
