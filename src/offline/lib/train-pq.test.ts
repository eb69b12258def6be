import { describe, expect, it } from 'vitest';
import { encodeWithQuantiser, PQ_CENTROIDS, type ProductQuantiser } from '../../core/product-quantiser.ts';
import { seededRandom } from '../../core/random.ts';
import { trainProductQuantiser } from './train-pq.ts';

/** Mean squared distance between each row and the vector its codes stand for. */
function reconstructionError(pq: ProductQuantiser, vectors: Float32Array, count: number): number {
  const codes = encodeWithQuantiser(pq, vectors, count);
  const width = pq.dim / pq.subspaces;
  let sum = 0;
  for (let row = 0; row < count; row++)
    for (let s = 0; s < pq.subspaces; s++)
      for (let j = 0; j < width; j++) {
        const d = (vectors[row * pq.dim + s * width + j] ?? 0) - (pq.codebooks[(s * PQ_CENTROIDS + (codes[row * pq.subspaces + s] ?? 0)) * width + j] ?? 0);
        sum += d * d;
      }
  return sum / count;
}

const random = seededRandom(21);
const COUNT = 1200;
const DIM = 8;
const vectors = Float32Array.from({ length: COUNT * DIM }, () => random() - 0.5);

describe('trainProductQuantiser', () => {
  it('Lloyd’s iterations bring the codebooks closer to the rows than the sampled starting points', () => {
    const start = trainProductQuantiser(vectors, COUNT, DIM, { subspaces: 4, iterations: 0 });
    const trained = trainProductQuantiser(vectors, COUNT, DIM, { subspaces: 4, iterations: 10 });
    expect(trained.codebooks).toHaveLength(4 * PQ_CENTROIDS * 2);
    expect(reconstructionError(trained, vectors, COUNT)).toBeLessThan(0.8 * reconstructionError(start, vectors, COUNT));
  });

  it('starts from distinct sampled rows, so 256 distinct rows are each their own centroid', () => {
    const pq = trainProductQuantiser(vectors, 256, DIM, { subspaces: 2, iterations: 3 });
    expect(reconstructionError(pq, vectors, 256)).toBe(0);
  });

  it('gives the same codebooks for the same seed, and others for another', () => {
    const options = { subspaces: 2, iterations: 2, sample: 600 };
    expect(trainProductQuantiser(vectors, COUNT, DIM, { ...options, seed: 4 }).codebooks).toEqual(
      trainProductQuantiser(vectors, COUNT, DIM, { ...options, seed: 4 }).codebooks,
    );
    expect(trainProductQuantiser(vectors, COUNT, DIM, { ...options, seed: 4 }).codebooks).not.toEqual(
      trainProductQuantiser(vectors, COUNT, DIM, { ...options, seed: 5 }).codebooks,
    );
  });

  it('refuses a number of subspaces that does not divide the dimension, and fewer rows than centroids', () => {
    expect(() => trainProductQuantiser(vectors, COUNT, DIM, { subspaces: 3 })).toThrow('subspaces must divide the dimension 8, found 3');
    expect(() => trainProductQuantiser(vectors, COUNT, DIM, { subspaces: 0 })).toThrow('found 0');
    // Each divides its dimension with no remainder, and neither is a number of subspaces.
    expect(() => trainProductQuantiser(vectors, COUNT, DIM, { subspaces: -2 })).toThrow('found -2');
    expect(() => trainProductQuantiser(new Float32Array(COUNT * 6), COUNT, 6, { subspaces: 1.5 })).toThrow('subspaces must divide the dimension 6, found 1.5');
    expect(() => trainProductQuantiser(vectors, 255, DIM, { subspaces: 2 })).toThrow('needs at least 256 rows, found 255');
  });
});
