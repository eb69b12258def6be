// A paged model as the browser loads it: its vectors by page, as rows are asked for, each page
// verified; and the manifest's paged layout checked against its files.
import { describe, expect, it } from 'vitest';
import { RecError } from './errors.ts';
import { sha256Hex } from './hash.ts';
import { loadModel } from './model.ts';
import { pagedAndWhole, pagedModelFiles } from './paged-test-support.ts';
import { memoryModelSource } from './test-support.ts';
import { isPagedMatrix, loadVectorRows } from './paged-matrix.ts';
import { decodeHotRows, decodePageList, encodeHotRows, encodePageList, rowsFetchedWith } from './vector-pages.ts';
import { dotTable, scoreCodes } from './product-quantiser.ts';
import { encodeVectors } from './vectors.ts';

const LAYOUT = { subspaces: 4, rowsPerPage: 16, rerank: 40, hotRows: 0 };

async function rejection(promise: Promise<unknown>): Promise<RecError> {
  const error: unknown = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof RecError)) throw new Error(`expected a RecError, got ${String(error)}`);
  return error;
}

describe('the page list', () => {
  it('names each page by its sha256 and sizes the last page by the rows left', async () => {
    const digests = await Promise.all([1, 2, 3].map((n) => sha256Hex(Uint8Array.of(n))));
    const pages = decodePageList(encodePageList(digests), 35, LAYOUT, 8, 'int8');
    expect(pages.map((page) => page.sha256)).toEqual(digests);
    expect(pages.map((page) => page.path)).toEqual(digests.map((sha256) => `vectors/${sha256}.bin`));
    // 16, 16 and 3 rows of 8 int8 values and a float32 scale.
    expect(pages.map((page) => page.bytes)).toEqual([16 * 12, 16 * 12, 3 * 12]);
  });
});

describe('rowsFetchedWith', () => {
  it('brings every row of a row’s page once, a hot row alone, and the last page only as far as the rows go', () => {
    const hot = new Set([19]);
    // Pages of 8 over 19 rows: 0-7, 8-15, 16-18. Row 19, past the last row of the last page read, is
    // not among that page's rows: hot rows are never fetched by page.
    const rows = rowsFetchedWith([9, 17, 12, 19], 8, 19, (row) => hot.has(row));
    expect(rows).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('does not bring a hot row’s page', () => {
    expect(rowsFetchedWith([3], 4, 12, (row) => row === 3)).toEqual([3]);
    expect(rowsFetchedWith([3], 4, 12, () => false)).toEqual([0, 1, 2, 3]);
  });

  it('lists a hot row once, whether it is given again or its page comes before or after it', () => {
    const hot = new Set([2, 5]);
    const isHot = (row: number) => hot.has(row);
    // Row 2 given twice, then its page brought by row 1; row 5 given after its page came with row 4.
    expect(rowsFetchedWith([2, 2, 1, 4, 5], 4, 12, isHot)).toEqual([2, 0, 1, 3, 4, 5, 6, 7]);
  });
});

describe('the hot rows file', () => {
  const vectors = encodeVectors(Float32Array.of(1, 0, 0, 1), 2, 2, 'float32');
  it('gives each listed row’s vector, and refuses a row out of range or listed twice, naming it', () => {
    const hot = decodeHotRows(encodeHotRows([7, 2], vectors), 2, 10, 2, 'float32', 'hot-rows.bin');
    expect([...hot.indexOf]).toEqual([
      [7, 0],
      [2, 1],
    ]);
    expect(Array.from(hot.matrix.row(1))).toEqual([0, 1]);
    expect(() => decodeHotRows(encodeHotRows([7, 10], vectors), 2, 10, 2, 'float32', 'hot-rows.bin')).toThrow(
      /hot-rows\.bin: hot row 1 is 10, expected a row below 10 not listed before/,
    );
    expect(() => decodeHotRows(encodeHotRows([7, 7], vectors), 2, 10, 2, 'float32', 'hot-rows.bin')).toThrow(/hot row 1 is 7/);
  });
});

describe('loadModel with pagedVectors', () => {
  it('reads the codes and the page list, not the whole vectors file, and no page before one is asked for', async () => {
    const { files } = await pagedModelFiles({ count: 50, dim: 8, layout: LAYOUT });
    const { paged, reads } = await pagedAndWhole(files);
    expect(reads).not.toContain('vectors.bin');
    expect(reads).toEqual(expect.arrayContaining(['codes.pq.bin', 'codebooks.f32', 'vector-pages.bin']));
    expect(reads.filter((path) => path.startsWith('vectors/'))).toEqual([]);
    expect(paged.paged?.codes.length).toBe(50 * LAYOUT.subspaces);
  });

  it('refuses to read a row before its page is loaded, naming the row', async () => {
    const { files } = await pagedModelFiles({ count: 50, dim: 8, layout: LAYOUT });
    const { paged } = await pagedAndWhole(files);
    expect(() => paged.matrix.row(17)).toThrow(/row 17 was read before its page was loaded/);
  });

  it('reads a loaded page’s rows exactly as the whole file holds them, fetching each page once', async () => {
    const { files, pagePaths } = await pagedModelFiles({ count: 50, dim: 8, layout: LAYOUT });
    const { paged, whole, reads } = await pagedAndWhole(files);
    await Promise.all([loadVectorRows(paged.matrix, [17, 20]), loadVectorRows(paged.matrix, [31, 49])]);
    // Rows 17, 20 and 31 are on page 1; row 49 on page 3 (of 2 rows).
    expect(reads.filter((path) => path.startsWith('vectors/'))).toEqual([pagePaths[1], pagePaths[3]]);
    for (const row of [16, 17, 31, 48, 49]) expect(paged.matrix.row(row)).toEqual(whole.matrix.row(row));
    expect(isPagedMatrix(paged.matrix) && paged.matrix.has(32)).toBe(false);
    expect(paged.matrix.heapBytes()).toBe((16 + 2) * 8 * 4);
  });

  it('refuses a damaged page, naming it and the list that holds its checksum, and fetches it again on the next load', async () => {
    const { files, pagePaths } = await pagedModelFiles({ count: 50, dim: 8, layout: LAYOUT });
    const path = pagePaths[2] as string;
    const good = files.get(path) as Uint8Array;
    const damaged = good.slice();
    damaged[5] = (damaged[5] ?? 0) ^ 1;
    files.set(path, damaged);
    const { paged } = await pagedAndWhole(files);
    const error = await rejection(loadVectorRows(paged.matrix, [40]));
    expect(error.code).toBe('MODEL_CHECKSUM_MISMATCH');
    expect(error.location.file).toBe(`models/fixture/${path}`);
    expect(error.message).toContain('(vector-pages.bin)');
    files.set(path, good);
    await loadVectorRows(paged.matrix, [40]);
    expect(paged.matrix.row(40)).toHaveLength(8);
  });

  it('reads the hot rows without a page, and fetches only the pages of the other rows asked for', async () => {
    const { files, pagePaths } = await pagedModelFiles({ count: 50, dim: 8, layout: { ...LAYOUT, hotRows: 3 } });
    const { paged, whole, reads } = await pagedAndWhole(files);
    const hot = [...(paged.paged?.hot.indexOf.keys() ?? [])];
    expect(hot).toHaveLength(3);
    const matrix = paged.matrix;
    if (!isPagedMatrix(matrix)) throw new Error('not paged');
    for (const row of hot) {
      expect(matrix.has(row)).toBe(true);
      expect(matrix.row(row)).toEqual(whole.matrix.row(row));
    }
    await loadVectorRows(matrix, hot);
    expect(reads.filter((path) => path.startsWith('vectors/'))).toEqual([]);
    const cold = [0, 1, 2, 3].find((row) => !hot.includes(row)) ?? -1;
    expect(matrix.has(cold)).toBe(false);
    await loadVectorRows(matrix, [cold]);
    expect(reads.filter((path) => path.startsWith('vectors/'))).toEqual([pagePaths[0]]);
    expect(matrix.heapBytes()).toBe((3 + 16) * 8 * 4);
  });

  it('gives many rows’ dot products as the whole file’s rows give them, across pages and hot rows, and refuses a row not on hand', async () => {
    const { files } = await pagedModelFiles({ count: 50, dim: 8, layout: { ...LAYOUT, hotRows: 3 } });
    const { paged, whole } = await pagedAndWhole(files);
    const matrix = paged.matrix;
    if (!isPagedMatrix(matrix)) throw new Error('not paged');
    const hot = [...(paged.paged?.hot.indexOf.keys() ?? [])];
    // Pages 0, 1 and 3 (every row of them, so a hot row among them cannot leave its page unfetched).
    await loadVectorRows(matrix, [...Array.from({ length: 32 }, (_, row) => row), 48, 49]);
    // Runs of one page, hot rows between them, a page's rows out of order and the last, short page.
    const rows = [...hot, 15, 0, 1, 16, 31, 17, hot[0] ?? -1, 48, 49, 2];
    const vector = Float32Array.from({ length: 8 }, (_, j) => j / 8 - 0.4);
    const out = new Float64Array(rows.length);
    matrix.dotRows(rows, vector, out);
    expect([...out]).toEqual(rows.map((row) => whole.matrix.dot(row, vector)));
    expect(() => matrix.dotRows([16, 33], vector, new Float64Array(2))).toThrow(/row 33 was read before its page was loaded/);
  });

  it('refuses to read outside the catalogue or to hand over every row at once', async () => {
    const { files } = await pagedModelFiles({ count: 50, dim: 8, layout: LAYOUT });
    const { paged } = await pagedAndWhole(files);
    await loadVectorRows(paged.matrix, [49]);
    expect(() => paged.matrix.row(50)).toThrow(/row 50 was read before its page was loaded/);
    expect(() => paged.matrix.row(-1)).toThrow(/row -1 was read before its page was loaded/);
    expect(() => paged.matrix.toFloat32()).toThrow(/a paged item matrix \(50 rows\) is never whole on the device/);
    // A row read is the reader's own: changing it leaves the page as it was.
    const row = paged.matrix.row(49);
    row[0] = 123;
    expect(paged.matrix.row(49)[0]).not.toBe(123);
  });

  it('reads the whole vectors file when not asked for pages, as the offline tools need', async () => {
    const { files } = await pagedModelFiles({ count: 50, dim: 8, layout: LAYOUT });
    const { whole } = await pagedAndWhole(files);
    expect(whole.matrix.layout).toBe('float32');
    expect(whole.paged?.layout).toEqual(LAYOUT);
  });
});

describe('moving the codes', () => {
  it('reads the codes from the copy they moved to and their dot products from its kernel, and refuses a copy of another length', async () => {
    const { files } = await pagedModelFiles({ count: 40, dim: 8, layout: LAYOUT });
    const model = await loadModel(memoryModelSource(files), undefined, { pagedVectors: true });
    const paged = model.paged;
    if (paged === undefined || paged === null) throw new Error('the fixture is not paged');
    const table = dotTable(
      paged.quantiser,
      Float32Array.from({ length: 8 }, (_, i) => i - 3.5),
    );
    expect(paged.dotProducts(table)).toEqual(scoreCodes(table, paged.codes, paged.quantiser.subspaces));
    const copy = paged.codes.slice();
    const fromKernel = new Float32Array(40).fill(7);
    expect(() => paged.moveCodes(copy.subarray(1), () => fromKernel)).toThrow(/moving 160 codes, found a copy of 159/);
    expect(paged.dotProducts(table)).not.toBe(fromKernel);
    paged.moveCodes(copy, () => fromKernel);
    expect(paged.codes).toBe(copy);
    expect(paged.dotProducts(table)).toBe(fromKernel);
  });
});

describe('the manifest’s paged layout', () => {
  const withManifest = async (change: (manifest: Record<string, unknown>) => void): Promise<RecError> => {
    const { files } = await pagedModelFiles({ count: 50, dim: 8, layout: LAYOUT });
    const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as Record<string, unknown>;
    change(manifest);
    files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
    return rejection(loadModel(memoryModelSource(files), undefined, { pagedVectors: true }));
  };
  const filesOf = (manifest: Record<string, unknown>) => manifest['files'] as Record<string, { bytes: number }>;

  it('refuses the paged files without a layout', async () => {
    const error = await withManifest((manifest) => delete manifest['paged']);
    expect(error.message).toMatch(/manifest\.json: paged: expected a paged layout beside files\.codes/);
  });

  it('refuses a layout whose subspaces do not divide the dimension', async () => {
    const error = await withManifest((manifest) => (manifest['paged'] = { ...LAYOUT, subspaces: 3 }));
    expect(error.message).toMatch(/manifest\.json: paged\.subspaces: expected a divisor of dim 8/);
  });

  it('refuses a codes file of the wrong size, naming the sizes', async () => {
    const error = await withManifest((manifest) => (filesOf(manifest)['codes'] = { ...filesOf(manifest)['codes'], bytes: 199 } as { bytes: number }));
    expect(error.code).toBe('MODEL_DIMENSION_MISMATCH');
    expect(error.message).toMatch(/manifest\.json: files\.codes\.bytes: expected 200 \(50 items x 4 codes\)/);
  });

  it('refuses a page list that does not hold one checksum per page', async () => {
    const error = await withManifest((manifest) => (manifest['paged'] = { ...LAYOUT, rowsPerPage: 10 }));
    expect(error.message).toMatch(/manifest\.json: files\.vectorPages\.bytes: expected 160 \(one sha256 per page\)/);
  });

  it('refuses each layout field out of its range, naming it', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ subspaces: 0 }, /paged\.subspaces: expected a number in \[1, 8\], found number 0/],
      [{ subspaces: 16 }, /paged\.subspaces: expected a number in \[1, 8\], found number 16/],
      [{ subspaces: 2.5 }, /paged\.subspaces: expected an integer/],
      [{ rowsPerPage: 0 }, /paged\.rowsPerPage: expected a number in \[1, Infinity\]/],
      [{ rowsPerPage: 1.5 }, /paged\.rowsPerPage: expected an integer/],
      [{ rerank: -1 }, /paged\.rerank: expected a number in \[0, Infinity\]/],
      [{ rerank: 0.5 }, /paged\.rerank: expected an integer/],
      [{ hotRows: 51 }, /paged\.hotRows: expected a number in \[0, 50\]/],
      [{ hotRows: 1.5 }, /paged\.hotRows: expected an integer/],
    ];
    for (const [change, message] of cases) {
      const error = await withManifest((manifest) => (manifest['paged'] = { ...LAYOUT, ...change }));
      expect(error.code, JSON.stringify(change)).toBe('MANIFEST_INVALID');
      expect(error.message, JSON.stringify(change)).toMatch(message);
    }
  });

  it('refuses a sequence model beside a paged item space', async () => {
    const error = await withManifest((manifest) =>
      Object.assign(filesOf(manifest), {
        sequence: { path: 's.json', bytes: 1, sha256: 'c'.repeat(64) },
        sequenceWeights: { path: 's.bin', bytes: 1, sha256: 'd'.repeat(64) },
      }),
    );
    expect(error.message).toMatch(/manifest\.json: files\.sequence: expected no sequence model beside a paged item space/);
  });
});
