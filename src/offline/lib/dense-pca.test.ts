import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/random.ts';
import { topPrincipalDirections } from './dense-pca.ts';
import { gram } from './dense-product.ts';
import { gaussian, orthonormaliseColumns } from './linalg.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** n x m rows drawn in a known r-dimensional subspace with standard deviations `scales`. */
function lowRankRows(n: number, m: number, scales: readonly number[], seed: number): { x: Float32Array; directions: Float64Array[] } {
  const random = seededRandom(seed);
  const directions = scales.map(() => Float64Array.from({ length: m }, () => gaussian(random)));
  orthonormaliseColumns(directions, random);
  const x = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    scales.forEach((scale, d) => {
      const coefficient = scale * gaussian(random);
      const direction = directions[d] as Float64Array;
      for (let a = 0; a < m; a++) x[i * m + a] = (x[i * m + a] ?? 0) + coefficient * (direction[a] ?? 0);
    });
  }
  return { x, directions };
}

const overlap = (basis: Float64Array, j: number, m: number, direction: Float64Array): number => {
  let sum = 0;
  for (let a = 0; a < m; a++) sum += (basis[j * m + a] ?? 0) * (direction[a] ?? 0);
  return Math.abs(sum);
};

describe('topPrincipalDirections', () => {
  it('finds the top eigenvectors and eigenvalues of XᵀX / n, in order, as the full decomposition does', () => {
    const m = 150;
    const n = 600;
    const scales = [10, 6, 3, 1.5, 0.8, 0.4, 0.2];
    const { x } = lowRankRows(n, m, scales, 7);
    const steps: string[] = [];
    const found = topPrincipalDirections(x, n, m, 3, 1, (done, total) => steps.push(`${done}/${total}`));
    expect(steps).toEqual(['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7']);
    const exact = symmetricEigen(
      gram(
        x,
        m,
        Array.from({ length: n }, (_, i) => i),
      ).map((value) => value / n),
      m,
    );
    for (let j = 0; j < 3; j++) {
      expect(overlap(found.basis, j, m, exact.vectors.slice(j * m, (j + 1) * m))).toBeCloseTo(1, 6);
      expect(found.variances[j]).toBeCloseTo(exact.values[j] ?? 0, 6);
    }
    const trace = exact.values.reduce((sum, value) => sum + value, 0);
    expect(found.energyKept).toBeCloseTo(((exact.values[0] ?? 0) + (exact.values[1] ?? 0) + (exact.values[2] ?? 0)) / trace, 6);
  });

  it('keeps every direction of data whose rank is at most k, so projections keep every dot product', () => {
    const m = 120;
    const { x } = lowRankRows(200, m, [5, 4, 3, 2, 1], 3);
    const { basis, energyKept } = topPrincipalDirections(x, 200, m, 8, 2);
    expect(energyKept).toBeCloseTo(1, 6);
    const reduced = (row: number): number[] =>
      Array.from({ length: 8 }, (_, j) => {
        let sum = 0;
        for (let a = 0; a < m; a++) sum += (x[row * m + a] ?? 0) * (basis[j * m + a] ?? 0);
        return sum;
      });
    const direct = (a: number, b: number): number => {
      let sum = 0;
      for (let c = 0; c < m; c++) sum += (x[a * m + c] ?? 0) * (x[b * m + c] ?? 0);
      return sum;
    };
    for (const [a, b] of [
      [0, 1],
      [5, 99],
      [42, 42],
    ] as const) {
      const ra = reduced(a);
      const rb = reduced(b);
      expect(ra.reduce((sum, v, j) => sum + v * (rb[j] ?? 0), 0)).toBeCloseTo(direct(a, b), 3);
    }
  });

  it('refuses a k beyond the width and values that do not match the sizes', () => {
    expect(() => topPrincipalDirections(new Float32Array(12), 3, 4, 5, 1)).toThrow(/k must be in 1..4/);
    expect(() => topPrincipalDirections(new Float32Array(11), 3, 4, 2, 1)).toThrow(/expected 3 x 4 = 12 values, found 11/);
  });
});
