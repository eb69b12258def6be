import { describe, expect, it } from 'vitest';
import { createSemanticScan, semanticRanking } from './semantic-scan.ts';

describe('createSemanticScan', () => {
  // Rows: along x (length 2), along y, 45 degrees between, and a zero row.
  const vectors = Float32Array.of(2, 0, 0, 1, 1, 1, 0, 0);
  const scan = createSemanticScan(vectors, 2);

  it('returns cosines (not dot products) at or above the floor, best first, at most limit', () => {
    const hits = scan.above(Float32Array.of(1, 0), 0.5, 10);
    expect(hits.map((h) => h.row)).toEqual([0, 2]);
    expect(hits[0]?.similarity).toBeCloseTo(1, 6);
    expect(hits[1]?.similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(scan.above(Float32Array.of(1, 0), 0.5, 1).map((h) => h.row)).toEqual([0]);
    expect(scan.above(Float32Array.of(1, 0), 0.71, 10).map((h) => h.row)).toEqual([0]);
  });

  it('ranks given rows by cosine whatever it is', () => {
    expect(scan.among(Float32Array.of(1, 0), [1, 2, 3]).map((h) => h.row)).toEqual([2, 1]);
  });

  it('finds nothing for a zero query and refuses a query of another dimension', () => {
    expect(scan.above(Float32Array.of(0, 0), -1, 10)).toEqual([]);
    expect(() => scan.above(Float32Array.of(1, 0, 0), 0, 10)).toThrow(/3 values, the item space 2/);
  });
});

describe('semanticRanking', () => {
  const vectors = Float32Array.of(1, 0, 0, 1, 0.8, 0.6, 0.6, 0.8);
  const scan = createSemanticScan(vectors, 2);

  it('ranks the rows the words matched whatever their cosine, and adds only other rows above the floor', () => {
    const ranking = semanticRanking(scan, Float32Array.of(1, 0), 0.7, [{ row: 1, score: 3, coverage: 0.5 }]);
    expect(ranking.map((h) => h.row)).toEqual([0, 2, 1]);
  });

  it('is the rows above the floor alone when the words matched nothing', () => {
    expect(semanticRanking(scan, Float32Array.of(1, 0), 0.7, []).map((h) => h.row)).toEqual([0, 2]);
  });
});
