import { describe, expect, it } from 'vitest';
import { normalise } from '../../core/rank.ts';
import { seededRandom } from '../../core/random.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { gaussian } from '../lib/linalg.ts';
import { buildImportSpace } from './import-space.ts';
import { measureImportMap } from './import-map-quality.ts';

const TEXT_DIM = 16;
const COUNT = 400;

function unitRows(count: number, dim: number, random: () => number): Float32Array {
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) out.set(normalise(Float32Array.from({ length: dim }, () => gaussian(random))), i * dim);
  return out;
}

/** An encoder that embeds "title i" as row i of `vectors`: the titles carry the text's meaning. */
function lookupEncoder(vectors: Float32Array): SentenceEncoder {
  return {
    dim: TEXT_DIM,
    embed: (texts) => Promise.resolve(Float32Array.from(texts.flatMap((title) => Array.from(rowOf(vectors, Number(title.split(' ')[1])))))),
    dispose: () => {},
  };
}

const rowOf = (vectors: Float32Array, row: number): Float32Array => vectors.slice(row * TEXT_DIM, (row + 1) * TEXT_DIM);
const titles = Array.from({ length: COUNT }, (_, i) => `title ${i}`);

describe('measureImportMap', () => {
  const random = seededRandom(4);
  const text = unitRows(COUNT, TEXT_DIM, random);

  it('finds nearly every held-out item when the imported vectors are a linear function of the texts', async () => {
    const map = Float32Array.from({ length: TEXT_DIM * 24 }, () => gaussian(random));
    const imported = new Float32Array(COUNT * 24);
    for (let i = 0; i < COUNT; i++) {
      for (let j = 0; j < 24; j++) {
        let sum = 0;
        for (let k = 0; k < TEXT_DIM; k++) sum += (text[i * TEXT_DIM + k] ?? 0) * (map[k * 24 + j] ?? 0);
        imported[i * 24 + j] = sum;
      }
    }
    const space = buildImportSpace({ vectors: imported, dim: 24, has: new Uint8Array(COUNT).fill(1) }, text, TEXT_DIM, 1);
    const quality = await measureImportMap(space, text, TEXT_DIM, titles, lookupEncoder(text), 1);
    expect(quality?.candidates).toBe(COUNT);
    expect(quality?.evaluatedItems).toBeGreaterThan(20);
    expect(quality?.evaluatedItems).toBeLessThan(60);
    expect(quality?.titleRecallAt10).toBe(1);
    expect(quality?.fallbackRecallAt10).toBe(1);
    expect(quality?.fallbackMeanCosine).toBeGreaterThan(0.95);
  });

  it('scores near chance when the imported vectors have nothing to do with the texts', async () => {
    const imported = unitRows(COUNT, 24, random);
    const space = buildImportSpace({ vectors: imported, dim: 24, has: new Uint8Array(COUNT).fill(1) }, text, TEXT_DIM, 1);
    const quality = await measureImportMap(space, text, TEXT_DIM, titles, lookupEncoder(text), 1);
    // Chance is 10 / 400 = 0.025; a map fitted on unrelated pairs does no better.
    expect(quality?.titleRecallAt10).toBeLessThan(0.15);
    expect(quality?.fallbackMeanCosine).toBeLessThan(0.3);
  });

  it('measures nothing with fewer than 50 imported items', async () => {
    const has = new Uint8Array(COUNT);
    has.fill(1, 0, 49);
    const space = buildImportSpace({ vectors: unitRows(COUNT, 24, random), dim: 24, has }, text, TEXT_DIM, 1);
    expect(await measureImportMap(space, text, TEXT_DIM, titles, lookupEncoder(text), 1)).toBeNull();
  });
});
