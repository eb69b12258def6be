import { describe, expect, it } from 'vitest';
import {
  codeCosine,
  decodeWithQuantiser,
  dotTable,
  encodeWithQuantiser,
  nearestCentroid,
  PQ_CENTROIDS,
  scoreCodes,
  type ProductQuantiser,
} from './product-quantiser.ts';
import { seededRandom } from './random.ts';

/** Codebooks of `subspaces` slices of `width`, every value drawn from the seed. */
function randomQuantiser(dim: number, subspaces: number, seed: number): ProductQuantiser {
  const random = seededRandom(seed);
  return { dim, subspaces, codebooks: Float32Array.from({ length: PQ_CENTROIDS * dim }, () => random() * 2 - 1) };
}

/** The vector a row's codes stand for: its slices' centroids, end to end. */
function reconstruct(pq: ProductQuantiser, codes: Uint8Array, row: number): Float32Array {
  const width = pq.dim / pq.subspaces;
  const vector = new Float32Array(pq.dim);
  for (let s = 0; s < pq.subspaces; s++) {
    const code = codes[row * pq.subspaces + s] ?? 0;
    vector.set(pq.codebooks.subarray((s * PQ_CENTROIDS + code) * width, (s * PQ_CENTROIDS + code + 1) * width), s * width);
  }
  return vector;
}

describe('product quantiser', () => {
  it('encodes each slice as its nearest centroid of that slice’s codebook', () => {
    const pq = randomQuantiser(6, 3, 11);
    // Rows made from known centroids plus a little noise: slice s of row r is centroid (r·37 + s·91) % 256.
    const chosen = (row: number, s: number) => (row * 37 + s * 91) % PQ_CENTROIDS;
    const random = seededRandom(3);
    const vectors = new Float32Array(5 * 6);
    for (let row = 0; row < 5; row++)
      for (let s = 0; s < 3; s++)
        for (let j = 0; j < 2; j++) vectors[row * 6 + s * 2 + j] = (pq.codebooks[(s * PQ_CENTROIDS + chosen(row, s)) * 2 + j] ?? 0) + (random() - 0.5) * 1e-4;
    const codes = encodeWithQuantiser(pq, vectors, 5);
    expect([...codes]).toEqual(Array.from({ length: 15 }, (_, i) => chosen(Math.floor(i / 3), i % 3)));
  });

  it('decodes each row’s codes to the centroids they name, end to end', () => {
    const pq = randomQuantiser(6, 3, 2);
    const codes = Uint8Array.of(0, 255, 7, 3, 3, 3);
    const decoded = decodeWithQuantiser(pq, codes, 2);
    expect(decoded).toHaveLength(12);
    expect(decoded.subarray(0, 6)).toEqual(reconstruct(pq, codes, 0));
    expect(decoded.subarray(6, 12)).toEqual(reconstruct(pq, codes, 1));
    // Slice 1's centroid 255 starts at (256 + 255) · 2.
    expect([...decoded.subarray(2, 4)]).toEqual([...pq.codebooks.subarray(511 * 2, 512 * 2)]);
  });

  it('a tie goes to the lower centroid', () => {
    const centroids = new Float32Array(PQ_CENTROIDS * 2);
    centroids.set([1, 0], 7 * 2);
    centroids.set([1, 0], 9 * 2);
    centroids.fill(10, 10 * 2);
    // Centroids 0-6 and 8 sit at the origin, 7 and 9 at (1, 0): the point (1, 0) is nearest to 7 and 9.
    expect(nearestCentroid(centroids, 0, Float32Array.of(1, 0), 0, 2)).toBe(7);
    expect(nearestCentroid(centroids, 0, Float32Array.of(0.1, 0), 0, 2)).toBe(0);
  });

  it('scores each item as the interest’s dot product with the vector its codes stand for', () => {
    const pq = randomQuantiser(8, 4, 5);
    const random = seededRandom(9);
    const codes = Uint8Array.from({ length: 20 * 4 }, () => Math.floor(random() * PQ_CENTROIDS));
    const interest = Float32Array.from({ length: 8 }, () => random() - 0.5);
    const scores = scoreCodes(dotTable(pq, interest), codes, 4);
    expect(scores).toHaveLength(20);
    for (let row = 0; row < 20; row++) {
      const vector = reconstruct(pq, codes, row);
      expect(scores[row]).toBeCloseTo(
        vector.reduce((sum, value, j) => sum + value * (interest[j] ?? 0), 0),
        5,
      );
    }
    const prior = Float32Array.from({ length: 20 }, (_, row) => row / 20);
    const withPrior = scoreCodes(dotTable(pq, interest), codes, 4, prior, 0.5);
    for (let row = 0; row < 20; row++) expect(withPrior[row]).toBeCloseTo((scores[row] ?? 0) + 0.5 * (prior[row] ?? 0), 6);
  });

  it('scores 16 subspaces (written out) exactly as the loop over any count: the same look-ups, summed in the same order', () => {
    const random = seededRandom(10);
    const count = 50;
    const table = Float32Array.from({ length: 16 * PQ_CENTROIDS }, () => random() - 0.5);
    const codes = Uint8Array.from({ length: count * 16 }, () => Math.floor(random() * PQ_CENTROIDS));
    const prior = Float32Array.from({ length: count }, () => random());
    const inOrder = (row: number): number => {
      let score = 0;
      for (let s = 0; s < 16; s++) score += table[s * PQ_CENTROIDS + (codes[row * 16 + s] ?? 0)] ?? 0;
      return score;
    };
    expect(scoreCodes(table, codes, 16)).toEqual(Float32Array.from({ length: count }, (_, row) => inOrder(row)));
    expect(scoreCodes(table, codes, 16, prior, 0.3)).toEqual(Float32Array.from({ length: count }, (_, row) => inOrder(row) + 0.3 * (prior[row] ?? 0)));
  });

  it('gives each row’s cosine with a vector as the cosine with the centroids its codes name, and 0 for a zero vector', () => {
    const pq = randomQuantiser(8, 4, 21);
    const random = seededRandom(22);
    const codes = Uint8Array.from({ length: 30 * 4 }, () => Math.floor(random() * PQ_CENTROIDS));
    const vector = Float32Array.from({ length: 8 }, () => random() - 0.5);
    const cosine = codeCosine(pq, codes, vector);
    for (let row = 0; row < 30; row++) {
      const centroids = reconstruct(pq, codes, row);
      let dot = 0;
      for (let j = 0; j < 8; j++) dot += (centroids[j] ?? 0) * (vector[j] ?? 0);
      expect(cosine(row)).toBeCloseTo(dot / (Math.hypot(...centroids) * Math.hypot(...vector)), 6);
    }
    expect(codeCosine(pq, codes, new Float32Array(8))(3)).toBe(0);
  });
});
