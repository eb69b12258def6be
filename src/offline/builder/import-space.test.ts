import { describe, expect, it } from 'vitest';
import { normalise, project } from '../../core/rank.ts';
import { seededRandom } from '../../core/random.ts';
import { gaussian } from '../lib/linalg.ts';
import { buildImportSpace, compose } from './import-space.ts';

const TEXT_DIM = 12;

function randomUnitRows(count: number, dim: number, random: () => number): Float32Array {
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) out.set(normalise(Float32Array.from({ length: dim }, () => gaussian(random))), i * dim);
  return out;
}

/** Text rows and imported rows that are an exact linear function of them, x_i = 3 · t_i M (not unit). */
function linearlyRelated(count: number, importedDim: number, seed: number): { text: Float32Array; imported: Float32Array; map: Float32Array } {
  const random = seededRandom(seed);
  const text = randomUnitRows(count, TEXT_DIM, random);
  const map = Float32Array.from({ length: TEXT_DIM * importedDim }, () => gaussian(random));
  const imported = new Float32Array(count * importedDim);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < importedDim; j++) {
      let sum = 0;
      for (let k = 0; k < TEXT_DIM; k++) sum += (text[i * TEXT_DIM + k] ?? 0) * (map[k * importedDim + j] ?? 0);
      imported[i * importedDim + j] = 3 * sum;
    }
  }
  return { text, imported, map };
}

const cosine = (a: Float32Array, b: Float32Array): number => {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
};

describe('buildImportSpace', () => {
  it('keeps each imported vector at unit length, and places an item without one where its text maps', () => {
    const count = 200;
    const { text, imported, map } = linearlyRelated(count, 8, 1);
    const has = new Uint8Array(count).fill(1);
    for (const row of [3, 50, 120]) {
      has[row] = 0;
      imported.fill(0, row * 8, (row + 1) * 8);
    }
    const space = buildImportSpace({ vectors: imported, dim: 8, has }, text, TEXT_DIM, 1);
    expect(space.dim).toBe(8);
    expect(space.stats).toMatchObject({ importedDim: 8, importSpaceDim: 8, importedItems: 197, fallbackItems: 3 });
    expect(Object.keys(space.stats)).toEqual(expect.arrayContaining(['textMapRidge', 'textMapRidgeTrainCosine']));
    expect(space.stats['ridge']).toBeUndefined();
    const row = (r: number): Float32Array => space.vectors.slice(r * 8, (r + 1) * 8);
    expect(Array.from(row(7))).toEqual(Array.from(normalise(imported.slice(7 * 8, 8 * 8))).map((v) => expect.closeTo(v, 6)));
    for (const r of [3, 50, 120]) {
      const truth = project(text.slice(r * TEXT_DIM, (r + 1) * TEXT_DIM), map, 8);
      // Not exact: the map is linear, the unit-length targets normalise(t M) are not.
      expect(cosine(row(r), truth)).toBeGreaterThan(0.98);
    }
  });

  it('reduces vectors wider than the encoder to its width, keeping their cosines when their rank allows', () => {
    const count = 150;
    // 40-d vectors that span only 12 dimensions (they are linear in 12-d text), reduced to 12.
    const { text, imported } = linearlyRelated(count, 40, 2);
    const space = buildImportSpace({ vectors: imported, dim: 40, has: new Uint8Array(count).fill(1) }, text, TEXT_DIM, 1);
    expect(space.dim).toBe(TEXT_DIM);
    expect(space.stats['reductionEnergyKept']).toBeCloseTo(1, 5);
    for (const [a, b] of [
      [0, 1],
      [10, 140],
    ] as const) {
      const reduced = cosine(space.vectors.slice(a * TEXT_DIM, (a + 1) * TEXT_DIM), space.vectors.slice(b * TEXT_DIM, (b + 1) * TEXT_DIM));
      expect(reduced).toBeCloseTo(cosine(imported.slice(a * 40, (a + 1) * 40), imported.slice(b * 40, (b + 1) * 40)), 4);
    }
  });

  it('refuses a catalogue where no item has an imported vector', () => {
    expect(() => buildImportSpace({ vectors: new Float32Array(8), dim: 4, has: new Uint8Array(2) }, new Float32Array(2 * TEXT_DIM), TEXT_DIM, 1)).toThrow(
      /no catalogue item has an imported vector/,
    );
  });
});

describe('compose', () => {
  it('takes a text vector through the map and then fusion in one projection', () => {
    const random = seededRandom(9);
    const fromText = Float64Array.from({ length: TEXT_DIM * 5 }, () => gaussian(random));
    const fused = Float32Array.from({ length: 5 * 3 }, () => gaussian(random));
    const both = compose(fromText, TEXT_DIM, fused, 5, 3);
    const t = randomUnitRows(1, TEXT_DIM, random);
    const stepwise = project(project(t, Float32Array.from(fromText), 5), fused, 3);
    expect(Array.from(project(t, both, 3))).toEqual(Array.from(stepwise).map((v) => expect.closeTo(v, 5)));
  });
});
