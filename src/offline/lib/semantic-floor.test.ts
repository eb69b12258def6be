import { describe, expect, it } from 'vitest';
import { project } from '../../core/rank.ts';
import { seededRandom } from '../../core/test-support.ts';
import { maxCosine, maxCosines, randomStrings, semanticFloor } from './semantic-floor.ts';
import { fakeEncoder, fakeVector } from './test-support.ts';

const DIM = 4;
// Five unit item rows, spread over the fake encoder's 4-d space.
const ITEMS = Float32Array.from(['kettle', 'teapot', 'hiking boots', 'lamp', 'sofa'].flatMap((text) => fakeVector(text, DIM)));

describe('randomStrings', () => {
  it('gives 1 to 4 words of 2 to 10 letters, digits or symbols, the same for the same seed', () => {
    const strings = randomStrings(256, 7);
    expect(strings).toHaveLength(256);
    expect(randomStrings(256, 7)).toEqual(strings);
    expect(randomStrings(256, 8)).not.toEqual(strings);
    for (const text of strings) {
      const words = text.split(' ');
      expect(words.length).toBeGreaterThanOrEqual(1);
      expect(words.length).toBeLessThanOrEqual(4);
      for (const word of words) expect(word).toMatch(/^[\x21-\x7e]{2,10}$/);
    }
    const all = strings.join('');
    expect(all).toMatch(/[a-z]/);
    expect(all).toMatch(/[0-9]/);
    expect(all).toMatch(/[^a-zA-Z0-9]/);
    expect(new Set(strings.map((text) => text.split(' ').length))).toEqual(new Set([1, 2, 3, 4]));
  });
});

describe('semanticFloor', () => {
  it('is just above the best cosine any random string reaches with any item, and the same for the same seed', async () => {
    const encoder = await fakeEncoder(DIM).load();
    const floor = await semanticFloor({ vectors: ITEMS, dim: DIM, projection: null, encoder, count: 64, seed: 3 });
    const strings = randomStrings(64, 3);
    const best = Math.max(...strings.map((text) => maxCosine(Float32Array.from(fakeVector(text, DIM)), ITEMS, DIM)));
    expect(floor.semanticFloor).toBeGreaterThan(best);
    expect(floor.semanticFloor - best).toBeLessThanOrEqual(1e-4);
    expect(floor.calibration).toBe('max cosine of 64 random-character strings');
    expect(await semanticFloor({ vectors: ITEMS, dim: DIM, projection: null, encoder, count: 64, seed: 3 })).toEqual(floor);
  });

  it('projects each string into the item space first, as a query is', async () => {
    const encoder = await fakeEncoder(DIM).load();
    // 4 -> 3 dimensions, over three items of the 3-d space.
    const projection = Float32Array.from([1, 0.5, 0, 0, 1, 0.3, 0.2, 0, 1, 0.1, -0.4, 0.1]);
    const items = Float32Array.from(['kettle', 'lamp', 'sofa'].flatMap((text) => fakeVector(text, 3)));
    const floor = await semanticFloor({ vectors: items, dim: 3, projection, encoder, count: 32, seed: 1 });
    const best = Math.max(...randomStrings(32, 1).map((text) => maxCosine(project(Float32Array.from(fakeVector(text, DIM)), projection, 3), items, 3)));
    expect(best).toBeLessThan(0.9999);
    expect(floor.semanticFloor).toBeGreaterThan(best);
    expect(floor.semanticFloor - best).toBeLessThanOrEqual(1e-4);
  });

  it("measures cosines, whatever the rows' lengths", () => {
    expect(maxCosine(Float32Array.from([2, 0]), Float32Array.from([0, 3, -5, 0]), 2)).toBe(0);
    expect(maxCosine(Float32Array.from([1, 1]), Float32Array.from([0, 3, -5, 0]), 2)).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('gives each query the bits of a loop over every item, over several blocks of items, with a zero item and a zero query', () => {
    const dim = 7;
    const random = seededRandom(9);
    const items = Float32Array.from({ length: 150 * dim }, (_, i) => (i < dim ? 0 : random() * 2 - 1));
    const queries = Array.from({ length: 6 }, (_, q) => Float32Array.from({ length: dim }, () => (q === 2 ? 0 : random() * 2 - 1)));
    const oneAtATime = queries.map((query) => {
      let queryNorm = 0;
      for (const v of query) queryNorm += v * v;
      let best = -1;
      for (let start = 0; start < items.length; start += dim) {
        let dot = 0;
        let norm = 0;
        for (let j = 0; j < dim; j++) {
          dot += (items[start + j] ?? 0) * (query[j] ?? 0);
          norm += (items[start + j] ?? 0) * (items[start + j] ?? 0);
        }
        if (norm > 0 && queryNorm > 0) best = Math.max(best, dot / Math.sqrt(norm * queryNorm));
      }
      return best;
    });
    expect(maxCosines(queries, items, dim)).toEqual(oneAtATime);
    expect(oneAtATime[2]).toBe(-1);
  });
});
