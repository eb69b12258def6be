/**
 * The full eigen-decomposition of a dense symmetric n x n matrix by Householder tridiagonalisation
 * + implicit QL (EISPACK tred2/tql2, as in JAMA), O(n^3) with a small constant: 512 x 512 (a text
 * encoder's covariance) takes well under a second. Plain TypeScript on Float64Arrays, deterministic
 * (see linalg.ts); every eigenvector comes out with its largest-magnitude component positive.
 */

/** Eigenpairs, largest eigenvalue first; `vectors` holds eigenvector j in row j (`vectors[j*n + i]`). */
export interface EigenDecomposition {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

/**
 * All eigenvalues and eigenvectors of a symmetric matrix (only the lower triangle is read).
 * @param matrix n x n, row-major; not modified.
 * @param n the order.
 * @returns eigenvalues in descending order; eigenvector j is row j of `vectors` (unit length).
 */
export function symmetricEigen(matrix: Float64Array, n: number): EigenDecomposition {
  if (matrix.length !== n * n) throw new RangeError(`symmetricEigen: expected ${n * n} values for ${n} x ${n}, found ${matrix.length}`);
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  // V[i][j] = v[i*n + j]; the lower triangle is mirrored so callers may pass either triangle's twin.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = matrix[i * n + j] ?? 0;
      v[i * n + j] = x;
      v[j * n + i] = x;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(v, d, e, n);
  // tql2 rotates pairs of eigenvector columns; working on the transpose makes those rows contiguous.
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[j * n + i] = v[i * n + j] ?? 0;
  tql2(w, d, e, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (d[b] ?? 0) - (d[a] ?? 0) || a - b);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = d[from] ?? 0;
    vectors.set(w.subarray(from * n, from * n + n), to * n);
    fixSign(vectors.subarray(to * n, to * n + n));
  });
  return { values, vectors };
}

/** Householder reduction to tridiagonal form (EISPACK tred2, after JAMA). */
function tred2(v: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  const at = (i: number, j: number): number => v[i * n + j] ?? 0;
  for (let j = 0; j < n; j++) d[j] = at(n - 1, j);
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] ?? 0);
    if (scale === 0) {
      e[i] = d[i - 1] ?? 0;
      for (let j = 0; j < i; j++) {
        d[j] = at(i - 1, j);
        v[i * n + j] = 0;
        v[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        const dk = (d[k] ?? 0) / scale;
        d[k] = dk;
        h += dk * dk;
      }
      let f = d[i - 1] ?? 0;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j] ?? 0;
        v[j * n + i] = f;
        g = (e[j] ?? 0) + at(j, j) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += at(k, j) * (d[k] ?? 0);
          e[k] = (e[k] ?? 0) + at(k, j) * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const ej = (e[j] ?? 0) / h;
        e[j] = ej;
        f += ej * (d[j] ?? 0);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = (e[j] ?? 0) - hh * (d[j] ?? 0);
      for (let j = 0; j < i; j++) {
        f = d[j] ?? 0;
        g = e[j] ?? 0;
        for (let k = j; k <= i - 1; k++) v[k * n + j] = at(k, j) - (f * (e[k] ?? 0) + g * (d[k] ?? 0));
        d[j] = at(i - 1, j);
        v[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[(n - 1) * n + i] = at(i, i);
    v[i * n + i] = 1;
    const h = d[i + 1] ?? 0;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = at(k, i + 1) / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += at(k, i + 1) * at(k, j);
        for (let k = 0; k <= i; k++) v[k * n + j] = at(k, j) - g * (d[k] ?? 0);
      }
    }
    for (let k = 0; k <= i; k++) v[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = at(n - 1, j);
    v[(n - 1) * n + j] = 0;
  }
  v[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal form (EISPACK tql2, after JAMA); `w` holds eigenvectors as rows. */
function tql2(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i] ?? 0;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l] ?? 0) + Math.abs(e[l] ?? 0));
    let m = l;
    while (m < n - 1 && Math.abs(e[m] ?? 0) > eps * tst1) m++;
    if (m > l) {
      for (let iter = 0; iter < 200 && Math.abs(e[l] ?? 0) > eps * tst1; iter++) {
        let g = d[l] ?? 0;
        const el = e[l] ?? 0;
        let p = ((d[l + 1] ?? 0) - g) / (2 * el);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = el / (p + r);
        d[l + 1] = el * (p + r);
        const dl1 = d[l + 1] ?? 0;
        let h = g - (d[l] ?? 0);
        for (let i = l + 2; i < n; i++) d[i] = (d[i] ?? 0) - h;
        f += h;
        p = d[m] ?? 0;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] ?? 0;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = e[i] ?? 0;
          const di = d[i] ?? 0;
          g = c * ei;
          h = c * p;
          r = Math.hypot(p, ei);
          e[i + 1] = s * r;
          s = ei / r;
          c = p / r;
          p = c * di - s * g;
          d[i + 1] = h + s * (c * g + s * di);
          const a = i * n;
          const b = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const wb = w[b + k] ?? 0;
            const wa = w[a + k] ?? 0;
            w[b + k] = s * wa + c * wb;
            w[a + k] = c * wa - s * wb;
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] ?? 0)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      }
    }
    d[l] = (d[l] ?? 0) + f;
    e[l] = 0;
  }
}

/**
 * Flips a vector in place so that its largest-magnitude component is positive, so results do not
 * depend on a solver's arbitrary sign choices.
 * @param vector the eigenvector, changed in place.
 */
export function fixSign(vector: Float64Array): void {
  let best = 0;
  for (const x of vector) if (Math.abs(x) > Math.abs(best)) best = x;
  if (best < 0) for (let i = 0; i < vector.length; i++) vector[i] = -(vector[i] ?? 0);
}
