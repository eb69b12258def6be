// The builder's paged item space, read back through core's loadModel as the browser reads it: the
// layout and files in the manifest, codes of the vectors as stored, pages that hold the vectors
// file's rows exactly, every page verified, and the rule that decides when a model is paged.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/hash.ts';
import { MANIFEST_FILE } from '../../core/manifest.ts';
import { loadModel, type LoadedModel } from '../../core/model.ts';
import { decodeWithQuantiser, encodeWithQuantiser, PQ_CENTROIDS } from '../../core/product-quantiser.ts';
import { seededRandom } from '../../core/random.ts';
import { normalise } from '../../core/rank.ts';
import { SEQUENCE_FORMAT, SEQUENCE_FORMAT_VERSION } from '../../core/sequence-spec.ts';
import { thrownRecError } from '../../core/test-support.ts';
import { isPagedMatrix, type PagedItemMatrix } from '../../core/paged-matrix.ts';
import { PAGE_DIGEST_BYTES, type PagedLayout } from '../../core/vector-pages.ts';
import type { VectorDtype } from '../../core/vectors.ts';
import { trainProductQuantiser } from './train-pq.ts';
import { addSequenceModel, createFsModelSource, verifyModelDir, writeModel, type ModelItemInput, type WriteModelOptions } from './write-model.ts';
import { decodedBlocks, DEFAULT_PAGED_LAYOUT, PAGE_ABOVE_BYTES, pagedLayoutFor } from './write-pages.ts';

const COUNT = 700;
const DIM = 16;
const LAYOUT: PagedLayout = { subspaces: 4, rowsPerPage: 64, rerank: 50, hotRows: 0 };
/** 700 rows in pages of 64: ten full pages and one of 60. */
const PAGES = 11;

const items: ModelItemInput[] = Array.from({ length: COUNT }, (_, i) => ({ id: `p${i}`, title: `Item ${i}`, category: i % 2 === 0 ? 'Even' : 'Odd' }));
const random = seededRandom(7);
const vectors = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) vectors.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-pages-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes the items' model, paged in LAYOUT unless told otherwise ('default': the builder's rule), with any other options given. */
const write = (name: string, dtype: VectorDtype = 'int8', paged: PagedLayout | null | 'default' = LAYOUT, more: Pick<WriteModelOptions, 'search'> = {}) =>
  writeModel({
    ...more,
    outDir: join(root, name),
    catalogId: name,
    items,
    vectors,
    dim: DIM,
    dtype,
    encoder: { name: 't', version: '1' },
    ...(paged === 'default' ? {} : { paged }),
  });

/** The path of the page holding `row` in a written folder. */
async function pagePath(dir: string, row: number): Promise<string> {
  const list = new Uint8Array(await readFile(join(dir, 'vector-pages.bin')));
  const page = Math.floor(row / LAYOUT.rowsPerPage);
  return `vectors/${Buffer.from(list.subarray(page * PAGE_DIGEST_BYTES, (page + 1) * PAGE_DIGEST_BYTES)).toString('hex')}.bin`;
}

function pagedMatrix(model: LoadedModel): PagedItemMatrix {
  if (!isPagedMatrix(model.matrix)) throw new Error(`expected a paged matrix, found ${model.matrix.layout}`);
  return model.matrix;
}

describe('writeModel: a paged item space', () => {
  it('records the layout and its three files, with codes of the vectors as stored, and loads back by page', async () => {
    const written = await write('m');
    expect(written.manifest.paged).toEqual(LAYOUT);
    expect(written.manifest.files).toMatchObject({
      codes: { path: 'codes.pq.bin', bytes: COUNT * LAYOUT.subspaces },
      codebooks: { path: 'codebooks.f32', bytes: PQ_CENTROIDS * DIM * 4 },
      vectorPages: { path: 'vector-pages.bin', bytes: PAGES * PAGE_DIGEST_BYTES },
    });
    // The whole vectors file stays, for the offline tools.
    expect(written.manifest.files.vectors.path).toBe('vectors.int8.bin');
    expect(await readdir(join(written.dir, 'vectors'))).toHaveLength(PAGES);

    const whole = await loadModel(createFsModelSource(written.dir));
    const paged = await loadModel(createFsModelSource(written.dir), undefined, { pagedVectors: true });
    const pq = paged.paged?.quantiser;
    if (pq === undefined) throw new Error('the model was not read as paged');
    // Trained and encoded on the int8 values the pages hold, not on the floats the builder was given.
    expect(pq.codebooks).toEqual(trainProductQuantiser(whole.vectors, COUNT, DIM, { subspaces: LAYOUT.subspaces }).codebooks);
    expect(paged.paged?.codes).toEqual(encodeWithQuantiser(pq, whole.vectors, COUNT));
    expect(trainProductQuantiser(vectors, COUNT, DIM, { subspaces: LAYOUT.subspaces }).codebooks).not.toEqual(pq.codebooks);

    expect(paged.matrix.layout).toBe('paged');
    expect(paged.paged?.pages.map((page) => page.path)).toEqual(await Promise.all(Array.from({ length: PAGES }, (_, p) => pagePath(written.dir, p * 64))));
    const matrix = pagedMatrix(paged);
    await matrix.load([0, 699]);
    expect(Array.from(matrix.row(699))).toEqual(Array.from(whole.matrix.row(699)));
    expect(Array.from(matrix.row(640))).toEqual(Array.from(whole.matrix.row(640)));
    expect(Array.from(matrix.row(63))).toEqual(Array.from(whole.matrix.row(63)));
    expect(matrix.has(64)).toBe(false);
  });

  it('writes the rows in locality order (row-order.ts), each item with its own vector and popularity', async () => {
    const popularity = Float32Array.from({ length: COUNT }, (_, i) => i / COUNT);
    const written = await writeModel({
      outDir: join(root, 'o'),
      catalogId: 'o',
      items,
      vectors,
      popularity,
      dim: DIM,
      encoder: { name: 't', version: '1' },
      paged: LAYOUT,
    });
    const loaded = await verifyModelDir(written.dir);
    const ids = loaded.items.map((item) => item.id);
    expect(ids).not.toEqual(items.map((item) => item.id));
    expect([...ids].sort()).toEqual(items.map((item) => item.id).sort());
    ids.forEach((id, row) => {
      const was = Number(id.slice(1));
      expect(loaded.vectors.subarray(row * DIM, (row + 1) * DIM)).toEqual(vectors.subarray(was * DIM, (was + 1) * DIM));
      expect(loaded.popularity?.[row]).toBe(popularity[was]);
    });
  });

  it.each<VectorDtype>(['float32', 'float16'])('writes %s pages that verify against the whole file, and codes of the values as stored', async (dtype) => {
    const written = await write(dtype, dtype);
    const loaded = await verifyModelDir(written.dir);
    const pq = loaded.paged?.quantiser;
    if (pq === undefined) throw new Error('the model was not read as paged');
    expect(loaded.paged?.codes).toEqual(encodeWithQuantiser(pq, loaded.vectors, COUNT));
    const paged = await loadModel(createFsModelSource(written.dir), undefined, { pagedVectors: true });
    const matrix = pagedMatrix(paged);
    await matrix.load([699]);
    expect(Array.from(matrix.row(699))).toEqual(Array.from(loaded.matrix.row(699)));
  });

  it('refuses a page changed on disk, naming it, when the page is loaded and in verifyModelDir', async () => {
    const written = await write('m');
    const path = await pagePath(written.dir, 699);
    const bytes = new Uint8Array(await readFile(join(written.dir, path)));
    bytes[5] = (bytes[5] ?? 0) ^ 0x01;
    await writeFile(join(written.dir, path), bytes);
    const refusal = { code: 'MODEL_CHECKSUM_MISMATCH', location: { file: `${written.dir}/${path}` } };
    const paged = await loadModel(createFsModelSource(written.dir), undefined, { pagedVectors: true });
    await expect(pagedMatrix(paged).load([699])).rejects.toMatchObject(refusal);
    // Loaded whole, the model reads no page: the folder's check reads them all.
    await expect(loadModel(createFsModelSource(written.dir))).resolves.toBeDefined();
    await expect(verifyModelDir(written.dir)).rejects.toMatchObject(refusal);
  });

  it('refuses a page list whose checksums name another page of the same size', async () => {
    const written = await write('m');
    const second = await pagePath(written.dir, 64);
    const list = new Uint8Array(await readFile(join(written.dir, 'vector-pages.bin')));
    const swapped = list.slice();
    swapped.set(list.subarray(PAGE_DIGEST_BYTES, 2 * PAGE_DIGEST_BYTES), 0);
    swapped.set(list.subarray(0, PAGE_DIGEST_BYTES), PAGE_DIGEST_BYTES);
    await writeFile(join(written.dir, 'vector-pages.bin'), swapped);
    const manifest = JSON.parse(await readFile(join(written.dir, MANIFEST_FILE), 'utf8')) as { files: { vectorPages: { sha256: string } } };
    manifest.files.vectorPages.sha256 = await sha256Hex(swapped);
    await writeFile(join(written.dir, MANIFEST_FILE), JSON.stringify(manifest));
    await expect(verifyModelDir(written.dir)).rejects.toMatchObject({
      code: 'MODEL_VECTORS_INVALID',
      message: expect.stringContaining('page 0 does not hold rows 0-63 of vectors.int8.bin'),
      location: { file: `${written.dir}/${second}` },
    });
  });

  it('does not page a small model by default, and refuses a layout the items cannot take before touching the target', async () => {
    const small = await write('small', 'int8', 'default');
    expect(small.manifest.paged).toBeUndefined();
    expect(Object.keys(small.manifest.files).sort()).toEqual(['catalog', 'vectors']);
    expect(await readdir(small.dir)).not.toContain('vectors');
    await expect(write('bad', 'int8', { ...LAYOUT, subspaces: 5 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('paged.subspaces must divide the dimension 16, found 5'),
      location: { file: join(root, 'bad') },
    });
    expect(await readdir(root)).toEqual(['small']);
  });

  it('refuses to add a sequence model to a paged item space, leaving the folder as it was', async () => {
    const written = await write('m');
    const before = { files: (await readdir(written.dir)).sort(), manifest: await readFile(join(written.dir, MANIFEST_FILE), 'utf8') };
    const spec = {
      format: SEQUENCE_FORMAT,
      formatVersion: SEQUENCE_FORMAT_VERSION,
      architecture: { itemCount: COUNT, dim: DIM, maxLength: 4, blocks: 1, heads: 1, ffnDim: 4 },
      weightsManifest: [{ paths: ['sequence.bin'], weights: [] }],
      training: {},
    } as const;
    await expect(addSequenceModel(written.dir, spec, new Uint8Array(4))).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('a paged item space does not take a sequence model'),
      location: { file: written.dir },
    });
    expect({ files: (await readdir(written.dir)).sort(), manifest: await readFile(join(written.dir, MANIFEST_FILE), 'utf8') }).toEqual(before);
  });
});

describe('writeModel: the search calibration of what the browser scores', () => {
  it('calibrates a paged model on its codes as decoded, and a whole one on its vectors as stored', async () => {
    const seen = new Map<string, Float32Array>();
    const calibrate = (name: string) => (scored: Iterable<Float32Array>) => {
      seen.set(name, Float32Array.from([...scored].flatMap((block) => [...block])));
      return { semanticFloor: 0.5, calibration: `spy ${name}` };
    };
    const writeWith = (name: string, paged: PagedLayout | null) => write(name, 'int8', paged, { search: calibrate(name) });
    const paged = (await writeWith('paged', LAYOUT)).loaded;
    const whole = (await writeWith('whole', null)).loaded;
    expect(paged.manifest.search).toEqual({ semanticFloor: 0.5, calibration: 'spy paged' });
    expect(whole.manifest.search).toEqual({ semanticFloor: 0.5, calibration: 'spy whole' });
    const { quantiser, codes } = paged.paged ?? { quantiser: null, codes: new Uint8Array(0) };
    if (quantiser === null) throw new Error('the model is not paged');
    expect(seen.get('paged')).toEqual(decodeWithQuantiser(quantiser, codes, COUNT));
    // The int8 file's values, not the float32 vectors given.
    expect(seen.get('whole')).toEqual(whole.vectors);
    expect(seen.get('whole')).not.toEqual(vectors);
  });
});

describe('decodedBlocks', () => {
  it('decodes the codes a block of rows at a time, in row order, the last block holding the rest', () => {
    const quantiser = trainProductQuantiser(vectors, COUNT, DIM, { subspaces: 4, seed: 1 });
    const codes = encodeWithQuantiser(quantiser, vectors, COUNT);
    const blocks = [...decodedBlocks(quantiser, codes, 300)];
    expect(blocks.map((block) => block.length / DIM)).toEqual([300, 300, 100]);
    expect(Float32Array.from(blocks.flatMap((block) => [...block]))).toEqual(decodeWithQuantiser(quantiser, codes, COUNT));
  });
});

describe('pagedLayoutFor: when a model is paged', () => {
  it('keeps vectors of exactly PAGE_ABOVE_BYTES whole and pages a row more, with dim’s largest divisor up to 16 subspaces', () => {
    // 128-d float32 rows are 512 bytes; 124-d int8 rows 128 (124 values and a scale).
    expect(PAGE_ABOVE_BYTES / 512).toBe(65_536);
    expect(pagedLayoutFor(undefined, 65_536, 128, 'float32', 'm')).toBeNull();
    expect(pagedLayoutFor(undefined, 65_537, 128, 'float32', 'm')).toEqual(DEFAULT_PAGED_LAYOUT);
    expect(pagedLayoutFor(undefined, PAGE_ABOVE_BYTES / 128, 124, 'int8', 'm')).toBeNull();
    expect(pagedLayoutFor(undefined, PAGE_ABOVE_BYTES / 128 + 1, 124, 'int8', 'm')).toEqual({ ...DEFAULT_PAGED_LAYOUT, subspaces: 4 });
    expect(pagedLayoutFor(undefined, 1_000_000, 100, 'int8', 'm')?.subspaces).toBe(10);
    expect(DEFAULT_PAGED_LAYOUT).toEqual({ subspaces: 16, rowsPerPage: 128, rerank: 400, hotRows: 1024 });
  });

  it('never pages when told null, and always pages with a layout it is given', () => {
    expect(pagedLayoutFor(null, 1_000_000, 128, 'float32', 'm')).toBeNull();
    expect(pagedLayoutFor(LAYOUT, COUNT, DIM, 'int8', 'm')).toBe(LAYOUT);
  });

  it('refuses a layout the items cannot take, naming the field and the folder', () => {
    const refused = (layout: PagedLayout, count = COUNT) => thrownRecError(() => pagedLayoutFor(layout, count, DIM, 'int8', 'models/m'));
    expect(refused({ ...LAYOUT, subspaces: 0 }).message).toContain('paged.subspaces must divide the dimension 16, found 0');
    expect(refused({ ...LAYOUT, rowsPerPage: 0 }).message).toContain('paged.rowsPerPage must be a positive integer, found 0');
    expect(refused({ ...LAYOUT, rowsPerPage: 2.5 }).message).toContain('found 2.5');
    expect(refused({ ...LAYOUT, rerank: -1 }).message).toContain('paged.rerank must be a non-negative integer, found -1');
    expect(refused(LAYOUT, PQ_CENTROIDS - 1).message).toContain(`needs at least ${PQ_CENTROIDS} items (one per centroid), found ${PQ_CENTROIDS - 1}`);
    expect(refused(LAYOUT, PQ_CENTROIDS - 1)).toMatchObject({ code: 'CONFIG_INVALID', location: { file: 'models/m' } });
    expect(refused({ ...LAYOUT, subspaces: 1.5 }).message).toContain('paged.subspaces must divide the dimension 16, found 1.5');
    expect(refused({ ...LAYOUT, subspaces: 3 }).message).toContain('found 3');
    expect(refused({ ...LAYOUT, rerank: 0.5 }).message).toContain('paged.rerank must be a non-negative integer, found 0.5');
    expect(refused({ ...LAYOUT, hotRows: -1 }).message).toContain(`paged.hotRows must be a whole number from 0 to the ${COUNT} items, found -1`);
    expect(refused({ ...LAYOUT, hotRows: 2.5 }).message).toContain('found 2.5');
    expect(refused({ ...LAYOUT, hotRows: COUNT + 1 }).message).toContain(`found ${COUNT + 1}`);
  });

  it('takes every layout at the edges of what the items allow', () => {
    const edges: PagedLayout[] = [
      { subspaces: 1, rowsPerPage: 1, rerank: 0, hotRows: 0 },
      { subspaces: DIM, rowsPerPage: COUNT, rerank: COUNT, hotRows: COUNT },
    ];
    for (const layout of edges) expect(pagedLayoutFor(layout, COUNT, DIM, 'int8', 'm')).toBe(layout);
    expect(pagedLayoutFor(LAYOUT, PQ_CENTROIDS, DIM, 'int8', 'm')).toBe(LAYOUT);
  });
});

describe('writeModel: the hot rows of a paged item space', () => {
  it('keeps the most popular rows’ vectors on hand from the start, ties to the lower row, and checks them against the whole file', async () => {
    // Item p5 most popular, then p9 and p3 tied (the lower row first), then the rest at 0 in row order.
    const popularity = Float32Array.from({ length: COUNT }, (_, row) => (row === 5 ? 1 : row === 9 || row === 3 ? 0.5 : 0));
    const written = await writeModel({
      outDir: join(root, 'hot'),
      catalogId: 'hot',
      items,
      vectors,
      dim: DIM,
      dtype: 'int8',
      popularity,
      encoder: { name: 't', version: '1' },
      paged: { ...LAYOUT, hotRows: 5 },
    });
    const paged = await loadModel(createFsModelSource(written.dir), undefined, { pagedVectors: true });
    const whole = await loadModel(createFsModelSource(written.dir));
    // The rows were written in locality order: where each item went.
    const rowOf = new Map<string, number>(whole.items.map((item, row) => [item.id, row]));
    const [five, three, nine] = ['p5', 'p3', 'p9'].map((id) => rowOf.get(id) ?? -1);
    const zeros = [0, 1, 2, 3, 4].filter((row) => ![five, three, nine].includes(row)).slice(0, 2);
    const hot = [five, Math.min(three ?? -1, nine ?? -1), Math.max(three ?? -1, nine ?? -1), ...zeros];
    expect([...(paged.paged?.hot.indexOf.keys() ?? [])]).toEqual(hot);
    const matrix = pagedMatrix(paged);
    // On hand without a page: no page is loaded.
    for (const row of hot) expect(Array.from(matrix.row(row ?? -1))).toEqual(Array.from(whole.matrix.row(row ?? -1)));
    const cold = [0, 1, 2, 3, 4, 5, 6, 7].find((row) => !hot.includes(row)) ?? -1;
    expect(() => matrix.row(cold)).toThrow(`row ${cold} was read before its page was loaded`);

    // A hot row whose vector differs from the whole file's is refused by the read-back.
    const file = join(written.dir, 'hot-rows.bin');
    const bytes = new Uint8Array(await readFile(file));
    // The first row's first int8 value (after 5 uint32 rows), changed.
    bytes[5 * 4] = (bytes[5 * 4] ?? 0) ^ 1;
    await writeFile(file, bytes);
    const manifestFile = join(written.dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { files: { hotRows: { sha256: string } } };
    manifest.files.hotRows.sha256 = await sha256Hex(bytes);
    await writeFile(manifestFile, JSON.stringify(manifest));
    const error = await verifyModelDir(written.dir).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({
      code: 'MODEL_VECTORS_INVALID',
      message: expect.stringContaining(`hot row 0 (row ${five}) differs from row ${five} of vectors.int8.bin`),
    });
  });
});
