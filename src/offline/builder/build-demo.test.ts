import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { BUILD_INFO_FILE, buildDemo, DEMO_QUANTISATION, demoInputHash, type BuildDemoOptions } from './build-demo.ts';
import { generateDemoCatalog } from './demo-catalog.ts';
import { DEMO_IMAGE_PX } from './demo-raster.ts';
import { semanticFloor } from '../lib/semantic-floor.ts';
import { fakeEncoder } from '../lib/test-support.ts';
import { verifyModelDir } from '../lib/write-model.ts';

const DIM = 8;

/** A fake encoder (one-hot-ish rows by department) that counts how often it is loaded. */
function fakeLoader(): { loads: number; load: () => Promise<SentenceEncoder> } {
  const state = {
    loads: 0,
    load: async (): Promise<SentenceEncoder> => {
      state.loads++;
      return {
        dim: DIM,
        async embed(texts) {
          const out = new Float32Array(texts.length * DIM);
          texts.forEach((text, row) => {
            out[row * DIM + (text.length % DIM)] = 1;
          });
          return out;
        },
        dispose() {},
      };
    },
  };
  return state;
}

/** Channels per pixel of each PNG colour type (grey, RGB, palette, grey + alpha, RGBA). */
const PNG_CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Checks a PNG of px x px: the 8-byte signature, then IHDR first (width, height, bit depth, colour
 * type), and image data that inflates to exactly one filter byte plus one row of pixels per row.
 */
function expectPng(file: Buffer, px: number): void {
  expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(file.toString('latin1', 12, 16)).toBe('IHDR');
  expect([file.readUInt32BE(16), file.readUInt32BE(20)]).toEqual([px, px]);
  const bitsPerPixel = (file[24] ?? 0) * (PNG_CHANNELS[file[25] ?? -1] ?? 0);
  const data: Buffer[] = [];
  let at = 8;
  while (at < file.length) {
    const length = file.readUInt32BE(at);
    if (file.toString('latin1', at + 4, at + 8) === 'IDAT') data.push(file.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  expect(inflateSync(Buffer.concat(data)).length).toBe(px * (1 + Math.ceil((px * bitsPerPixel) / 8)));
}

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-build-demo-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('buildDemo', () => {
  const options = (loader: ReturnType<typeof fakeLoader>, extra: Partial<BuildDemoOptions> = {}): BuildDemoOptions => ({
    outDir: join(root, 'demo'),
    catalog: { count: 60 },
    cacheDir: join(root, 'cache'),
    loadEncoder: loader.load,
    loadQueryEncoder: () => fakeEncoder(DIM).load(),
    encoder: { name: 'fake', version: 'fake@1' },
    log: () => {},
    quiet: true,
    ...extra,
  });

  it('builds once, then reports up to date without loading the encoder', async () => {
    const loader = fakeLoader();
    const first = await buildDemo(options(loader));
    expect(first).toMatchObject({ status: 'built', itemCount: 60, embedded: 60, cached: 0 });
    const model = await verifyModelDir(join(root, 'demo'));
    expect(model.manifest).toMatchObject({ catalogId: 'demo', itemCount: 60, dim: DIM, encoder: { name: 'fake', version: 'fake@1' } });
    expect(model.popularity?.length).toBe(60);
    // The floor calibrated with the query encoder over the model's own vectors.
    const floor = await semanticFloor({ vectors: model.vectors, dim: DIM, projection: null, encoder: await fakeEncoder(DIM).load() });
    expect(floor.semanticFloor).toBeLessThan(1);
    expect(model.manifest.search).toEqual(floor);
    expect((await readdir(join(root, 'demo', 'images'))).length).toBe(60);
    const image = await readFile(join(root, 'demo', 'images', 'p0001.png'));
    expectPng(image, DEMO_IMAGE_PX);
    // Each product's own picture (its own hue), not one picture for all.
    expect(image.equals(await readFile(join(root, 'demo', 'images', 'p0002.png')))).toBe(false);
    const info = JSON.parse(await readFile(join(root, 'demo', BUILD_INFO_FILE), 'utf8')) as { inputHash: string };
    expect(info.inputHash).toBe(first.inputHash);

    const again = fakeLoader();
    const second = await buildDemo(options(again));
    expect(second.status).toBe('up-to-date');
    expect(again.loads).toBe(0);
  });

  it('rebuilds when the input changes (catalogue or encoder version)', async () => {
    const first = await buildDemo(options(fakeLoader()));
    const seeded = await buildDemo(options(fakeLoader(), { catalog: { count: 60, seed: 5 } }));
    expect(seeded.status).toBe('built');
    expect(seeded.inputHash).not.toBe(first.inputHash);
    const upgraded = fakeLoader();
    expect(await buildDemo(options(upgraded, { encoder: { name: 'fake', version: 'fake@2' } }))).toMatchObject({ status: 'built', embedded: 60 });
    expect(upgraded.loads).toBe(1);
  });

  it('stores the smallest type whose measured recall holds, records it, and hashes how it is chosen', async () => {
    await buildDemo(options(fakeLoader()));
    const model = await verifyModelDir(join(root, 'demo'));
    const info = JSON.parse(await readFile(join(root, 'demo', BUILD_INFO_FILE), 'utf8')) as {
      quantisation: { dtype: string; k: number; recall: { float16: number; int8: number }; minRecall: number };
    };
    // One-hot rows survive int8 exactly: its recall is 1, so the smallest type is chosen.
    expect(info.quantisation).toMatchObject({ dtype: 'int8', k: 50, recall: { float16: 1, int8: 1 }, minRecall: DEMO_QUANTISATION.minRecall });
    expect(model.manifest.dtype).toBe('int8');
    const catalog = generateDemoCatalog({ count: 60 });
    const hash = demoInputHash(catalog, 'fake@1');
    expect(demoInputHash(catalog, 'fake@1', { ...DEMO_QUANTISATION, dtype: 'float32' })).not.toBe(hash);
    expect(demoInputHash(catalog, 'fake@1', { ...DEMO_QUANTISATION, minRecall: 0.999 })).not.toBe(hash);
  });

  it('rebuilds a corrupted model', async () => {
    await buildDemo(options(fakeLoader()));
    const path = join(root, 'demo', 'catalog.json');
    await writeFile(path, (await readFile(path, 'utf8')).replace('"p0001"', '"p000X"'));
    const loader = fakeLoader();
    const result = await buildDemo(options(loader));
    expect(result).toMatchObject({ status: 'built', embedded: 0, cached: 60 });
    expect(loader.loads).toBe(0);
    await verifyModelDir(join(root, 'demo'));
  });

  it('rebuilds with force even when up to date', async () => {
    await buildDemo(options(fakeLoader()));
    expect((await buildDemo(options(fakeLoader(), { force: true }))).status).toBe('built');
  });
});
