import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faultTest } from '../../core/fault-test-support.ts';
import { sha256Hex } from '../../core/hash.ts';
import { MANIFEST_FILE, parseManifest } from '../../core/manifest.ts';
import { loadModel } from '../../core/model.ts';
import type { VectorDtype } from '../../core/vectors.ts';
import { createFsModelSource, verifyModelDir, writeModel, type ModelItemInput } from './write-model.ts';

const COUNT = 20;
const DIM = 8;

/** Deterministic unit-length rows from a small LCG. */
function fakeVectors(count: number, dim: number, seed = 1): Float32Array {
  let state = seed;
  const next = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  const out = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const v = next();
      out[row * dim + j] = v;
      sum += v * v;
    }
    for (let j = 0; j < dim; j++) out[row * dim + j] = (out[row * dim + j] ?? 0) / Math.sqrt(sum);
  }
  return out;
}

const items: ModelItemInput[] = Array.from({ length: COUNT }, (_, i) => ({
  id: `t${i}`,
  title: `Item ${i}`,
  category: i % 2 === 0 ? 'Even' : 'Odd',
  description: i % 3 === 0 ? null : `Description of item ${i}`,
  price: i % 4 === 0 ? null : i + 0.99,
  image: i % 5 === 0 ? null : `images/t${i}.svg`,
}));
const vectors = fakeVectors(COUNT, DIM);
const popularity = Float32Array.from({ length: COUNT }, (_, i) => 1 / (i + 1));
const encoder = { name: 'fake-encoder', version: 'fake@1' };

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-write-model-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeModel contents', () => {
  it('round-trips through core loadModel with correct checksums', async () => {
    const outDir = join(root, 'tiny');
    const written = await writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: DIM, popularity, encoder, createdAt: new Date('2024-01-02T03:04:05Z') });

    const manifest = parseManifest(JSON.parse(await readFile(join(outDir, MANIFEST_FILE), 'utf8')));
    expect(manifest).toEqual(written.manifest);
    expect(manifest).toMatchObject({ catalogId: 'tiny', itemCount: COUNT, dim: DIM, dtype: 'float32', encoder, createdAt: '2024-01-02T03:04:05.000Z' });
    expect(Object.keys(manifest.files).sort()).toEqual(['catalog', 'popularity', 'vectors']);
    // Beside the manifest's files, an empty availability file for the shop to rewrite between builds.
    expect((await readdir(outDir)).sort()).toEqual(['availability.json', 'catalog.json', 'manifest.json', 'popularity.f32', 'vectors.float32.bin']);
    expect(JSON.parse(await readFile(join(outDir, 'availability.json'), 'utf8'))).toEqual([]);
    for (const file of Object.values(manifest.files)) {
      const bytes = new Uint8Array(await readFile(join(outDir, file.path)));
      expect(bytes.byteLength).toBe(file.bytes);
      expect(await sha256Hex(bytes)).toBe(file.sha256);
    }
    expect(manifest.files.vectors.path).toBe('vectors.float32.bin');
    expect(manifest.files.popularity?.path).toBe('popularity.f32');

    const loaded = await loadModel(createFsModelSource(outDir));
    expect(Array.from(loaded.vectors)).toEqual(Array.from(vectors));
    expect(Array.from(loaded.popularity ?? [])).toEqual(Array.from(popularity));
    expect(loaded.items.map((item) => item.id)).toEqual(items.map((item) => item.id));
    expect(loaded.items[3]).toEqual({
      id: 't3',
      title: 'Item 3',
      category: 'Odd',
      description: '',
      price: 3.99,
      image: 'images/t3.svg',
      group: null,
      inStock: true,
    });
    expect(loaded.items[0]).toMatchObject({ price: null, image: null });
    expect(await readdir(root)).toEqual(['tiny']);
  });

  it('writes variant groups, stock and shop rules that core loads back, and refuses rules that name no item', async () => {
    const shop = items.map((item, i) => (i < 2 ? { ...item, group: 'pair' } : i === 2 ? { ...item, inStock: false } : item));
    const rules = { pin: [{ item: 't4', position: 1 }], firstRow: { size: 4, maxPerCategory: 2 } };
    const written = await writeModel({ outDir: join(root, 'shop'), catalogId: 'shop', items: shop, vectors, dim: DIM, encoder, rules });
    expect(written.loaded.items.slice(0, 4).map((item) => [item.group, item.inStock])).toEqual([
      ['pair', true],
      ['pair', true],
      [null, false],
      [null, true],
    ]);
    expect(written.loaded.rules.pins).toEqual([{ target: { kind: 'item', item: 't4', row: 4 }, position: 1 }]);
    expect(written.loaded.rules.firstRow).toEqual({ size: 4, maxPerCategory: 2 });
    await expect(
      writeModel({ outDir: join(root, 'bad'), catalogId: 'bad', items, vectors, dim: DIM, encoder, rules: { pin: [{ item: 'nope', position: 1 }] } }),
    ).rejects.toMatchObject({
      code: 'CATALOG_INVALID',
      location: { field: 'rules.pin[0].item' },
    });
  });

  it('rejects a corrupted byte with MODEL_CHECKSUM_MISMATCH', async () => {
    const outDir = join(root, 'tiny');
    const { manifest } = await writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: DIM, encoder });
    const path = join(outDir, manifest.files.vectors.path);
    const bytes = new Uint8Array(await readFile(path));
    bytes[17] = (bytes[17] ?? 0) ^ 0x01;
    await writeFile(path, bytes);
    await expect(verifyModelDir(outDir)).rejects.toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH' });
  });

  it('rejects a truncated catalogue with MODEL_FILE_SIZE_MISMATCH', async () => {
    const outDir = join(root, 'tiny');
    await writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: DIM, encoder });
    const path = join(outDir, 'catalog.json');
    await writeFile(path, (await readFile(path)).subarray(0, 100));
    await expect(verifyModelDir(outDir)).rejects.toMatchObject({ code: 'MODEL_FILE_SIZE_MISMATCH' });
  });

  it.each([
    ['neighbours', 'neighbour'],
    ['complements', 'complement'],
  ] as const)('writes the %s as a .bin file, which loads back as given, and refuses a count that is not per item', async (role, slot) => {
    const slots = { perItem: 1, rows: Uint32Array.from({ length: COUNT }, (_, i) => (i + 1) % COUNT), similarities: new Float32Array(COUNT).fill(0.5) };
    const written = await writeModel({ outDir: join(root, role), catalogId: 'nb', items, vectors, dim: DIM, encoder, [role]: slots });
    expect(written.manifest.files[role]).toMatchObject({ path: `${role}.bin`, bytes: COUNT * 8 });
    const loaded = await verifyModelDir(join(root, role));
    expect(loaded[role]).toEqual(slots);
    expect(loaded[role === 'neighbours' ? 'complements' : 'neighbours']).toBeNull();
    const short = { ...slots, rows: slots.rows.subarray(1), similarities: slots.similarities.subarray(1) };
    await expect(writeModel({ outDir: join(root, `short-${role}`), catalogId: 'nb', items, vectors, dim: DIM, encoder, [role]: short })).rejects.toMatchObject({
      message: expect.stringContaining(`expected ${COUNT} x 1 ${slot} slots, found ${COUNT - 1}`),
    });
  });

  it.each<VectorDtype>(['float16', 'int8'])('writes %s vectors that decode close to the input', async (dtype) => {
    const outDir = join(root, dtype);
    const written = await writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: DIM, dtype, encoder });
    expect(written.manifest.files.vectors.path).toBe(`vectors.${dtype}.bin`);
    const loaded = await verifyModelDir(outDir);
    loaded.vectors.forEach((value, i) => expect(value).toBeCloseTo(vectors[i] ?? Number.NaN, 1));
  });
});

describe('writeModel publishing', () => {
  it('replaces an existing model atomically and writes assets', async () => {
    const outDir = join(root, 'tiny');
    await writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: DIM, encoder, assets: [{ path: 'images/old.svg', data: '<svg/>' }] });
    const second = await writeModel({
      outDir,
      catalogId: 'tiny',
      items,
      vectors: fakeVectors(COUNT, DIM, 2),
      dim: DIM,
      encoder,
      assets: [{ path: 'images/t1.svg', data: '<svg/>' }],
    });
    expect((await verifyModelDir(outDir)).manifest).toEqual(second.manifest);
    expect(await readdir(join(outDir, 'images'))).toEqual(['t1.svg']);
    expect(await readdir(root)).toEqual(['tiny']);
  });

  it(
    'cleans up temporary folders left by an interrupted earlier build, and only those',
    faultTest('Builder output', 'Temporary folders left by an interrupted build, beside other folders', async () => {
      await mkdir(join(root, '.tiny.tmp-999999999-1', 'images'), { recursive: true });
      await writeFile(join(root, '.tiny.tmp-999999999-1', '.vitrine-build-temp'), '');
      await mkdir(join(root, '.tiny.old-999999999-2'));
      await mkdir(join(root, '.other.tmp-999999999-1'));
      // Named like a leftover but not the builder's: no mark, no manifest, not empty.
      await mkdir(join(root, '.tiny.tmp-999999999-3'));
      await writeFile(join(root, '.tiny.tmp-999999999-3', 'notes.txt'), 'mine');
      // A leftover of a build that is still running (this test's parent process) is in use.
      await mkdir(join(root, `.tiny.tmp-${process.ppid}-4`));
      await writeModel({ outDir: join(root, 'tiny'), catalogId: 'tiny', items, vectors, dim: DIM, encoder });
      expect((await readdir(root)).sort()).toEqual(['.other.tmp-999999999-1', '.tiny.tmp-999999999-3', `.tiny.tmp-${process.ppid}-4`, 'tiny'].sort());
      expect(await readdir(join(root, 'tiny'))).not.toContain('.vitrine-build-temp');
    }),
  );

  it('replaces only a missing or empty folder or a model folder, and refuses anything else naming the path and what is there', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    await writeModel({ outDir: empty, catalogId: 'empty', items, vectors, dim: DIM, encoder });
    await writeModel({ outDir: empty, catalogId: 'empty', items, vectors, dim: DIM, encoder });

    const shelf = join(root, 'shelf');
    await mkdir(join(shelf, 'other-model'), { recursive: true });
    await writeFile(join(shelf, 'keep.txt'), 'unrelated');
    await expect(writeModel({ outDir: shelf, catalogId: 'shelf', items, vectors, dim: DIM, encoder })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`${shelf}: --out is a folder that is not a model (it holds keep.txt, other-model)`),
    });
    expect((await readdir(shelf)).sort()).toEqual(['keep.txt', 'other-model']);

    const notAModel = join(root, 'not-a-model');
    await mkdir(notAModel);
    await writeFile(join(notAModel, MANIFEST_FILE), '{"format":"something-else"}');
    await expect(writeModel({ outDir: notAModel, catalogId: 'x', items, vectors, dim: DIM, encoder })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(await readFile(join(notAModel, MANIFEST_FILE), 'utf8')).toBe('{"format":"something-else"}');

    const file = join(root, 'plain');
    await writeFile(file, 'data');
    await expect(writeModel({ outDir: file, catalogId: 'plain', items, vectors, dim: DIM, encoder })).rejects.toMatchObject({
      message: expect.stringContaining(`${file}: --out is a file (4 bytes)`),
    });
    expect(await readFile(file, 'utf8')).toBe('data');
    expect((await readdir(root)).sort()).toEqual(['empty', 'not-a-model', 'plain', 'shelf']);
  });

  it('refuses inconsistent inputs before touching the target, leaving no temp folder', async () => {
    const outDir = join(root, 'tiny');
    await expect(writeModel({ outDir, catalogId: 'tiny', items, vectors: vectors.subarray(8), dim: DIM, encoder })).rejects.toMatchObject({
      code: 'MODEL_DIMENSION_MISMATCH',
    });
    await expect(writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: DIM, encoder, popularity: new Float32Array(3) })).rejects.toMatchObject({
      code: 'MANIFEST_INVALID',
    });
    await expect(writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: DIM, encoder, assets: [{ path: '../x', data: '' }] })).rejects.toMatchObject({
      code: 'MANIFEST_INVALID',
    });
    expect(await readdir(root)).toEqual([]);
  });

  it('does not publish a model that fails verification (non-unit vectors), keeping the old one', async () => {
    const outDir = join(root, 'tiny');
    const first = await writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: DIM, encoder });
    const bad = vectors.map((v) => v * 3);
    await expect(writeModel({ outDir, catalogId: 'tiny', items, vectors: bad, dim: DIM, encoder })).rejects.toMatchObject({ code: 'MODEL_VECTORS_INVALID' });
    expect((await verifyModelDir(outDir)).manifest).toEqual(first.manifest);
    expect(await readdir(root)).toEqual(['tiny']);
  });

  it('writes a query projection (encoder.dim x dim) that core loads back, and records encoder.dim', async () => {
    const outDir = join(root, 'fused');
    const projection = Float32Array.from({ length: 16 * DIM }, (_, i) => ((i * 7) % 11) / 11 - 0.5);
    const written = await writeModel({ outDir, catalogId: 'fused', items, vectors, dim: DIM, dtype: 'int8', encoder: { ...encoder, dim: 16 }, projection });
    expect(written.manifest.encoder).toEqual({ ...encoder, dim: 16 });
    expect(written.manifest.files.projection).toMatchObject({ path: 'projection.f32', bytes: 16 * DIM * 4 });
    const loaded = await verifyModelDir(outDir);
    expect(Array.from(loaded.projection ?? [])).toEqual(Array.from(projection));
    expect(loaded.manifest.encoder.dim).toBe(16);
  });

  it('refuses reduced vectors without a projection, or a projection of the wrong size', async () => {
    const outDir = join(root, 'fused');
    await expect(writeModel({ outDir, catalogId: 'fused', items, vectors, dim: DIM, encoder: { ...encoder, dim: 16 } })).rejects.toMatchObject({
      code: 'MODEL_DIMENSION_MISMATCH',
      message: expect.stringMatching(/a projection \(16 x 8\) is required/),
    });
    await expect(
      writeModel({ outDir, catalogId: 'fused', items, vectors, dim: DIM, encoder: { ...encoder, dim: 16 }, projection: new Float32Array(10) }),
    ).rejects.toMatchObject({
      code: 'MODEL_DIMENSION_MISMATCH',
    });
    expect(await readdir(root)).toEqual([]);
  });
});
