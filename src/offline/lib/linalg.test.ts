import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../core/test-support.ts';
import { csrMultiply, gaussian, orthonormaliseColumns, topEigenSparse, type CsrMatrix } from './linalg.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

function randomSymmetric(n: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = random() * 2 - 1;
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return a;
}

function toCsr(dense: Float64Array, n: number): CsrMatrix {
  const rowStart = new Float64Array(n + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = dense[i * n + j] ?? 0;
      if (x !== 0) {
        cols.push(j);
        values.push(x);
      }
    }
    rowStart[i + 1] = cols.length;
  }
  return { n, rowStart, cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

describe('symmetricEigen', () => {
  it('decomposes a random symmetric matrix: A v = λ v, orthonormal vectors, descending values', () => {
    const n = 30;
    const a = randomSymmetric(n, 3);
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 0; j < n; j++) {
      if (j > 0) expect(values[j]).toBeLessThanOrEqual(values[j - 1] ?? 0);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += (a[i * n + k] ?? 0) * (vectors[j * n + k] ?? 0);
        expect(av).toBeCloseTo((values[j] ?? 0) * (vectors[j * n + i] ?? 0), 10);
      }
      for (let m = 0; m <= j; m++) {
        let dot = 0;
        for (let k = 0; k < n; k++) dot += (vectors[j * n + k] ?? 0) * (vectors[m * n + k] ?? 0);
        expect(dot).toBeCloseTo(m === j ? 1 : 0, 10);
      }
    }
  });

  it('handles diagonal, repeated, zero and 1 x 1 matrices, and fixes each sign', () => {
    expect([...symmetricEigen(Float64Array.from([3, 0, 0, 0, -1, 0, 0, 0, 5]), 3).values]).toEqual([5, 3, -1]);
    const repeated = symmetricEigen(Float64Array.from([2, 0, 0, 2]), 2);
    expect([...repeated.values]).toEqual([2, 2]);
    expect(symmetricEigen(new Float64Array(4), 2).values).toEqual(new Float64Array(2));
    expect([...symmetricEigen(Float64Array.from([-4]), 1).vectors]).toEqual([1]);
    const { vectors } = symmetricEigen(randomSymmetric(8, 5), 8);
    for (let j = 0; j < 8; j++) {
      const row = [...vectors.subarray(j * 8, j * 8 + 8)];
      const largest = row.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(/expected 4 values for 2 x 2, found 5/);
  });
});

describe('randomised sparse eigensolver', () => {
  it('finds the top eigenpairs of a sparse symmetric matrix (as the dense solver does)', () => {
    // A block-diagonal matrix of 40 blocks: clear gaps between the leading eigenvalues.
    const n = 200;
    const dense = new Float64Array(n * n);
    const random = seededRandom(11);
    for (let block = 0; block < 40; block++) {
      const strength = 100 * 0.8 ** block;
      for (let i = block * 5; i < block * 5 + 5; i++) {
        for (let j = block * 5; j <= i; j++) {
          const x = strength * (0.5 + random());
          dense[i * n + j] = x;
          dense[j * n + i] = x;
        }
      }
    }
    const exact = symmetricEigen(dense, n);
    const k = 6;
    const { values, columns } = topEigenSparse(toCsr(dense, n), k, { seed: 2, iterations: 6 });
    expect(values).toHaveLength(k);
    for (let j = 0; j < k; j++) {
      expect(values[j]).toBeCloseTo(exact.values[j] ?? 0, 6);
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (columns[j]?.[i] ?? 0) * (exact.vectors[j * n + i] ?? 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 6);
    }
    expect(topEigenSparse(toCsr(dense, n), k, { seed: 2 }).values).toEqual(topEigenSparse(toCsr(dense, n), k, { seed: 2 }).values);
  });

  it('multiplies a CSR matrix by a block of columns', () => {
    const dense = Float64Array.from([0, 2, 0, 2, 0, 1, 0, 1, 3]);
    const [y] = csrMultiply(toCsr(dense, 3), [Float64Array.from([1, 2, 3])]);
    expect([...(y ?? [])]).toEqual([4, 5, 11]);
  });

  it('multiplies a block wider than one pass (16 columns) as one column at a time does, to the bit', () => {
    const n = 40;
    const random = seededRandom(6);
    const dense = randomSymmetric(n, 7).map((x) => (random() < 0.3 ? x : 0));
    const m = toCsr(dense, n);
    const block = Array.from({ length: 21 }, () => Float64Array.from({ length: n }, () => gaussian(random)));
    const product = csrMultiply(m, block);
    block.forEach((x, c) => {
      // Row i's sum in the order of its stored values, as the reference.
      const expected = Array.from({ length: n }, (_, i) => {
        let sum = 0;
        for (let p = m.rowStart[i] ?? 0; p < (m.rowStart[i + 1] ?? 0); p++) sum += (m.values[p] ?? 0) * (x[m.cols[p] ?? 0] ?? 0);
        return sum;
      });
      expect([...(product[c] ?? [])]).toEqual(expected);
    });
  });
});

describe('orthonormaliseColumns', () => {
  it('returns orthonormal columns, replacing ones that collapse', () => {
    const random = seededRandom(4);
    const a = Float64Array.from({ length: 50 }, () => gaussian(random));
    const columns = [a.slice(), a.map((x) => 2 * x), Float64Array.from({ length: 50 }, () => gaussian(random))];
    orthonormaliseColumns(columns, random);
    for (let p = 0; p < 3; p++) {
      for (let q = 0; q <= p; q++) {
        let dot = 0;
        for (let i = 0; i < 50; i++) dot += (columns[p]?.[i] ?? 0) * (columns[q]?.[i] ?? 0);
        expect(dot).toBeCloseTo(p === q ? 1 : 0, 10);
      }
    }
  });

  it('subtracts each earlier column in turn, twice, as modified Gram-Schmidt does, to the bit', () => {
    const random = seededRandom(8);
    const columns = Array.from({ length: 5 }, () => Float64Array.from({ length: 30 }, () => gaussian(random)));
    const expected = columns.map((column) => column.slice());
    expected.forEach((column, c) => {
      for (let pass = 0; pass < 2; pass++) {
        for (const basis of expected.slice(0, c)) {
          const r = basis.reduce((sum, x, i) => sum + x * (column[i] ?? 0), 0);
          column.forEach((x, i) => (column[i] = x - r * (basis[i] ?? 0)));
        }
      }
      const norm = Math.sqrt(column.reduce((sum, x) => sum + x * x, 0));
      column.forEach((x, i) => (column[i] = x / norm));
    });
    orthonormaliseColumns(columns, random);
    expect(columns.map((column) => [...column])).toEqual(expected.map((column) => [...column]));
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed and gives standard normals', () => {
    const a = seededRandom(9);
    const b = seededRandom(9);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    const random = seededRandom(1);
    const samples = Array.from({ length: 20000 }, () => gaussian(random));
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const variance = samples.reduce((s, x) => s + (x - mean) ** 2, 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeCloseTo(1, 1);
  });
});
