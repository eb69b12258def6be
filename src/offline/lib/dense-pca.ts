/**
 * The leading principal directions of a tall dense matrix whose width is too large for a full
 * eigen-decomposition in plain TypeScript (a shop's 4,096-d item embeddings: the 4,096² covariance
 * alone costs N·4,096² flops to form and its decomposition O(4,096³)). Randomised subspace
 * iteration on XᵀX without forming it (Halko, Martinsson & Tropp 2011, algorithms 4.4 + 5.3):
 *
 *   Z = orth(Ω)  (m x l Gaussian, l = k + OVERSAMPLING);  repeat POWER_STEPS + 1 times: Z = orth(Xᵀ (X Z))
 *   T = Zᵀ XᵀX Z = (X Z)ᵀ (X Z)  (l x l);  T = W Λ Wᵀ (symmetric-eigen.ts);  directions ≈ Z W, variances ≈ Λ.
 *
 * Cost: PRODUCTS = 2 (POWER_STEPS + 1) + 1 products of n x m by m x l.
 * Deterministic for a seed; each direction comes out with its largest-magnitude component positive.
 */
import { seededRandom } from '../../core/random.ts';
import { dot, gaussian, orthonormaliseColumns } from './linalg.ts';
import { fixSign, symmetricEigen } from './symmetric-eigen.ts';

/** Extra directions iterated beyond the k wanted: the subspace converges faster for its top k. */
const OVERSAMPLING = 16;
/** Power steps: the spectrum of embedding matrices decays slowly, so one plain pass is not enough. */
const POWER_STEPS = 2;

/** Products with X or Xᵀ: two per pass, and the last. */
export const PRODUCTS = 2 * (POWER_STEPS + 1) + 1;

/** The top directions: row j of `basis` (m values) is direction j; `variances` in descending order. */
export interface PrincipalDirections {
  readonly basis: Float64Array;
  readonly variances: Float64Array;
  /** Σ of the kept variances over the trace of XᵀX / n: the share of the (uncentred) energy kept. */
  readonly energyKept: number;
}

/**
 * @param x n x m, row-major.
 * @param n rows.
 * @param m columns.
 * @param k directions wanted (at most m).
 * @param seed the Gaussian start's seed.
 * @param onProgress called after each of the PRODUCTS products with X or Xᵀ (the whole cost, nearly).
 */
export function topPrincipalDirections(
  x: Float32Array,
  n: number,
  m: number,
  k: number,
  seed: number,
  onProgress: (done: number, total: number) => void = () => {},
): PrincipalDirections {
  if (x.length !== n * m) throw new RangeError(`topPrincipalDirections: expected ${n} x ${m} = ${n * m} values, found ${x.length}`);
  if (!(Number.isInteger(k) && k >= 1 && k <= m)) throw new RangeError(`topPrincipalDirections: k must be in 1..${m}, found ${k}`);
  const l = Math.min(m, k + OVERSAMPLING);
  const random = seededRandom(seed);
  let block: Float64Array[] = Array.from({ length: l }, () => Float64Array.from({ length: m }, () => gaussian(random)));
  orthonormaliseColumns(block, random);
  for (let step = 0; step <= POWER_STEPS; step++) {
    const forward = times(x, n, m, block);
    onProgress(2 * step + 1, PRODUCTS);
    block = transposeTimes(x, n, m, forward);
    onProgress(2 * step + 2, PRODUCTS);
    orthonormaliseColumns(block, random);
  }
  const projected = times(x, n, m, block); // X Z, n x l as l columns
  onProgress(PRODUCTS, PRODUCTS);
  const small = new Float64Array(l * l);
  for (let a = 0; a < l; a++) {
    for (let b = 0; b <= a; b++) {
      const value = dot(projected[a] as Float64Array, projected[b] as Float64Array) / Math.max(n, 1);
      small[a * l + b] = value;
      small[b * l + a] = value;
    }
  }
  const { values, vectors } = symmetricEigen(small, l);
  const basis = new Float64Array(k * m);
  for (let j = 0; j < k; j++) {
    const direction = basis.subarray(j * m, (j + 1) * m);
    for (let c = 0; c < l; c++) {
      const w = vectors[j * l + c] ?? 0;
      const column = block[c] as Float64Array;
      for (let i = 0; i < m; i++) direction[i] = (direction[i] ?? 0) + w * (column[i] ?? 0);
    }
    fixSign(direction);
  }
  let trace = 0;
  for (const value of x) trace += value * value;
  const variances = values.slice(0, k).map((value) => Math.max(value, 0));
  const kept = variances.reduce((sum, value) => sum + value, 0);
  return { basis, variances, energyKept: trace > 0 ? kept / (trace / Math.max(n, 1)) : 0 };
}

/** X Z for Z given as columns of length m: n-long columns. */
function times(x: Float32Array, n: number, m: number, columns: readonly Float64Array[]): Float64Array[] {
  const l = columns.length;
  const out = Array.from({ length: l }, () => new Float64Array(n));
  const rowMajor = toRowMajor(columns, m);
  const sums = new Float64Array(l);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let a = 0; a < m; a++) {
      const value = x[i * m + a] ?? 0;
      if (value === 0) continue;
      const base = a * l;
      for (let c = 0; c < l; c++) sums[c] = (sums[c] ?? 0) + value * (rowMajor[base + c] ?? 0);
    }
    for (let c = 0; c < l; c++) (out[c] as Float64Array)[i] = sums[c] ?? 0;
  }
  return out;
}

/** Xᵀ Y for Y given as columns of length n: m-long columns. */
function transposeTimes(x: Float32Array, n: number, m: number, columns: readonly Float64Array[]): Float64Array[] {
  const l = columns.length;
  const product = new Float64Array(m * l); // row-major m x l
  const row = new Float64Array(l);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < l; c++) row[c] = (columns[c] as Float64Array)[i] ?? 0;
    for (let a = 0; a < m; a++) {
      const value = x[i * m + a] ?? 0;
      if (value === 0) continue;
      const base = a * l;
      for (let c = 0; c < l; c++) product[base + c] = (product[base + c] ?? 0) + value * (row[c] ?? 0);
    }
  }
  return Array.from({ length: l }, (_, c) => Float64Array.from({ length: m }, (_, a) => product[a * l + c] ?? 0));
}

/** Columns (each m long) as one row-major m x l block, for a contiguous inner loop. */
function toRowMajor(columns: readonly Float64Array[], m: number): Float64Array {
  const l = columns.length;
  const out = new Float64Array(m * l);
  columns.forEach((column, c) => {
    for (let a = 0; a < m; a++) out[a * l + c] = column[a] ?? 0;
  });
  return out;
}
