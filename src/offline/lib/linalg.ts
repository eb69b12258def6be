/**
 * Small, deterministic linear algebra for the offline builder, in plain TypeScript on
 * Float64Arrays (no TF.js: the builder's maths must give the same bits on every run and machine
 * with the same Node, and the matrices here are small or sparse).
 *
 * Owns:
 *  - `gaussian`: Box-Muller normals from core's seeded PRNG (`seededRandom`).
 *  - `CsrMatrix`, `csrMultiply`: a sparse symmetric matrix times a block of dense columns.
 *  - `orthonormaliseColumns`: classical Gram-Schmidt applied twice (CGS2), which is as accurate as
 *    Householder QR for the well-conditioned blocks met here; collapsed columns are replaced.
 *  - `topEigenSparse`: the leading eigenpairs of a sparse symmetric matrix by randomised subspace
 *    iteration with a Rayleigh-Ritz step (Halko, Martinsson & Tropp 2011, algorithms 4.4 + 5.3):
 *      Y = M Ω (Ω: n x l Gaussian, l = k + oversampling);  repeat q times: Y = M orth(Y)
 *      Q = orth(Y);  T = Qᵀ M Q (l x l);  T = W Λ Wᵀ (symmetric-eigen.ts);  eigenvectors ≈ Q W, eigenvalues ≈ Λ.
 *    Cost: (q + 2) sparse products of nnz x l, plus O(n l²) for orthonormalisation.
 *
 * Every eigenvector comes out with a fixed sign (its largest-magnitude component positive) so the
 * results do not depend on the solver's arbitrary sign choices.
 */
import { seededRandom } from '../../core/random.ts';
import { fixSign, symmetricEigen } from './symmetric-eigen.ts';

/**
 * One standard normal sample (Box-Muller), from a uniform source.
 * @param random uniform numbers in [0, 1).
 */
export function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log stays finite
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A sparse square matrix in compressed sparse row form. */
export interface CsrMatrix {
  readonly n: number;
  /** n + 1 offsets into `cols`/`values`. */
  readonly rowStart: Float64Array;
  readonly cols: Int32Array;
  readonly values: Float64Array;
}

/**
 * Columns multiplied in one pass over the matrix: each stored value is read once per this many
 * columns, and their entries for one row sit side by side (a row-major slice of the block, 16 x 8
 * bytes per row), where one column at a time read the whole matrix once per column and gathered
 * from scattered rows.
 */
const COLUMNS_PER_PASS = 16;

/**
 * y_c = M x_c for every column c of a block. Each y_c[i] is summed over row i's stored values in
 * their order, as a column-at-a-time product would, so the result is the same to the bit.
 * @param m the sparse matrix.
 * @param block columns of length m.n.
 */
export function csrMultiply(m: CsrMatrix, block: readonly Float64Array[]): Float64Array[] {
  const { n, rowStart, cols, values } = m;
  const out = block.map(() => new Float64Array(n));
  // One buffer for every group of columns (n x 16 doubles: 128 MB at a million rows).
  const slice = new Float64Array(n * Math.min(COLUMNS_PER_PASS, block.length));
  for (let first = 0; first < block.length; first += COLUMNS_PER_PASS) {
    const width = Math.min(COLUMNS_PER_PASS, block.length - first);
    for (let c = 0; c < width; c++) {
      const column = block[first + c] as Float64Array;
      for (let j = 0; j < n; j++) slice[j * width + c] = column[j] ?? 0;
    }
    const sums = new Float64Array(width);
    for (let i = 0; i < n; i++) {
      sums.fill(0);
      const end = rowStart[i + 1] ?? 0;
      for (let p = rowStart[i] ?? 0; p < end; p++) {
        const value = values[p] ?? 0;
        const base = (cols[p] ?? 0) * width;
        for (let c = 0; c < width; c++) sums[c] = (sums[c] ?? 0) + value * (slice[base + c] ?? 0);
      }
      for (let c = 0; c < width; c++) (out[first + c] as Float64Array)[i] = sums[c] ?? 0;
    }
  }
  return out;
}

/** The dot product of two equally long vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/**
 * Orthonormalises columns in place (CGS2: classical Gram-Schmidt, twice). A column that collapses
 * (the block is rank-deficient) is replaced by a fresh Gaussian column orthogonal to the others.
 * @param columns the block, each of the same length.
 * @param random source for replacement columns.
 */
export function orthonormaliseColumns(columns: Float64Array[], random: () => number): void {
  columns.forEach((column, c) => {
    const original = Math.sqrt(dot(column, column));
    for (let attempt = 0; attempt < 3; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        // Each projection's subtraction and the next one's dot product share one pass over the
        // column: the same operations in the same order as two passes, so the same bits.
        let r = c > 0 ? dot(columns[0] as Float64Array, column) : 0;
        for (let b = 0; b < c; b++) {
          const basis = columns[b] as Float64Array;
          const next = b + 1 < c ? (columns[b + 1] as Float64Array) : null;
          let nextR = 0;
          for (let i = 0; i < column.length; i++) {
            const value = (column[i] ?? 0) - r * (basis[i] ?? 0);
            column[i] = value;
            if (next !== null) nextR += (next[i] ?? 0) * value;
          }
          r = nextR;
        }
      }
      const norm = Math.sqrt(dot(column, column));
      if (norm > 1e-10 * Math.max(original, 1e-300) && norm > 1e-300) {
        for (let i = 0; i < column.length; i++) column[i] = (column[i] ?? 0) / norm;
        return;
      }
      for (let i = 0; i < column.length; i++) column[i] = gaussian(random);
    }
    column.fill(0); // only when the block is wider than the space: the caller keeps a zero column
  });
}

/** Options of `topEigenSparse`. */
export interface TopEigenOptions {
  readonly seed: number;
  /** Extra columns beyond k (default max(10, k/2)). */
  readonly oversampling?: number;
  /** Subspace iterations q (default 4). */
  readonly iterations?: number;
  /** Told after each sparse product (done, total). */
  readonly onStep?: (done: number, total: number) => void;
}

/**
 * The k algebraically largest eigenpairs (approximately) of a sparse symmetric matrix.
 * @param m the matrix (must be symmetric).
 * @param k how many eigenpairs.
 * @param options seed, oversampling, iterations.
 * @returns values (descending, length k) and vectors as k columns of length n.
 */
export function topEigenSparse(m: CsrMatrix, k: number, options: TopEigenOptions): { values: Float64Array; columns: Float64Array[] } {
  const { n } = m;
  const l = Math.min(n, k + (options.oversampling ?? Math.max(10, Math.ceil(k / 2))));
  const iterations = options.iterations ?? 4;
  const random = seededRandom(options.seed);
  const total = iterations + 2;
  let block: Float64Array[] = Array.from({ length: l }, () => Float64Array.from({ length: n }, () => gaussian(random)));
  block = csrMultiply(m, block);
  options.onStep?.(1, total);
  for (let q = 0; q < iterations; q++) {
    orthonormaliseColumns(block, random);
    block = csrMultiply(m, block);
    options.onStep?.(q + 2, total);
  }
  orthonormaliseColumns(block, random);
  const mq = csrMultiply(m, block);
  options.onStep?.(total, total);
  const t = new Float64Array(l * l);
  for (let a = 0; a < l; a++) {
    for (let b = 0; b <= a; b++) {
      const x = (dot(block[a] as Float64Array, mq[b] as Float64Array) + dot(block[b] as Float64Array, mq[a] as Float64Array)) / 2;
      t[a * l + b] = x;
      t[b * l + a] = x;
    }
  }
  const small = symmetricEigen(t, l);
  const kept = Math.min(k, l);
  const columns: Float64Array[] = [];
  for (let j = 0; j < kept; j++) {
    const column = new Float64Array(n);
    for (let a = 0; a < l; a++) {
      const w = small.vectors[j * l + a] ?? 0;
      if (w === 0) continue;
      const basis = block[a] as Float64Array;
      for (let i = 0; i < n; i++) column[i] = (column[i] ?? 0) + w * (basis[i] ?? 0);
    }
    fixSign(column);
    columns.push(column);
  }
  return { values: small.values.slice(0, kept), columns };
}
