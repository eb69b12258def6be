/**
 * Dense matrix products for the builder's fusion and ridge maps, fast in plain TypeScript and exact
 * to the bit against the one-row-at-a-time loops they replace.
 *
 * Why the bits hold: each output cell is one running float64 sum, started from the cell's value and
 * added to term by term along the shared index in increasing order — the order a rank-one update per
 * row (Σ_i x_iᵀ x_i) or a dot product per cell takes. Only the order in which cells are visited
 * changes. A skipped zero term (as the old loops skipped x = 0) changes nothing: a sum that starts at
 * +0 never becomes -0, and adding ±0 leaves any other value as it is.
 *
 * Why it is faster: cells are computed 4 x 4 at a time in locals, so each value read serves four
 * products, where a rank-one update read and wrote its whole output once per row. Rows gathered
 * from a Float32Array are copied into float64 blocks of BLOCK_ROWS first (exact).
 */

/** Rows gathered into one float64 block: 64 x 512 values, 256 KB, which stays in the L2 cache. */
export const BLOCK_ROWS = 64;

/** A matrix read through strides: element (i, k) is data[i * rowStride + k * colStride]. */
export interface StridedMatrix {
  readonly data: Float64Array;
  readonly rowStride: number;
  readonly colStride: number;
}

/**
 * c(i, j) += Σ_{k < depth} a(i, k) b(k, j) for i < m, j < n, each cell summed over k in order.
 * @param c row-major, `cStride` values per row.
 * @param cStride c's row stride.
 * @param a m x depth.
 * @param b depth x n.
 * @param m rows of c.
 * @param n columns of c.
 * @param depth the shared dimension.
 * @param upper when true (c square), only the cells on or above the diagonal are guaranteed: 4 x 4
 *   tiles wholly below it are skipped (a Gram matrix's lower triangle is copied from its upper one).
 */
export function addProduct(c: Float64Array, cStride: number, a: StridedMatrix, b: StridedMatrix, m: number, n: number, depth: number, upper = false): void {
  const tiledRows = m - (m % 4);
  const tiledColumns = n - (n % 4);
  for (let i = 0; i < tiledRows; i += 4) {
    for (let j = upper ? i : 0; j < tiledColumns; j += 4) addTile(c, cStride, a, b, i, j, depth);
  }
  for (let i = 0; i < m; i++) {
    for (let j = i < tiledRows ? tiledColumns : upper ? i : 0; j < n; j++) {
      let sum = c[i * cStride + j] ?? 0;
      for (let k = 0; k < depth; k++) sum += (a.data[i * a.rowStride + k * a.colStride] ?? 0) * (b.data[k * b.rowStride + j * b.colStride] ?? 0);
      c[i * cStride + j] = sum;
    }
  }
}

/** c[i..i+3][j..j+3] += a[i..i+3][:] b[:][j..j+3], one term at a time per cell. */
function addTile(c: Float64Array, cStride: number, a: StridedMatrix, b: StridedMatrix, i: number, j: number, depth: number): void {
  const { data: ad, rowStride: ar, colStride: ak } = a;
  const { data: bd, rowStride: bk, colStride: bj } = b;
  const c0 = i * cStride + j;
  const c1 = c0 + cStride;
  const c2 = c1 + cStride;
  const c3 = c2 + cStride;
  let s00 = c[c0] ?? 0, s01 = c[c0 + 1] ?? 0, s02 = c[c0 + 2] ?? 0, s03 = c[c0 + 3] ?? 0; // prettier-ignore
  let s10 = c[c1] ?? 0, s11 = c[c1 + 1] ?? 0, s12 = c[c1 + 2] ?? 0, s13 = c[c1 + 3] ?? 0; // prettier-ignore
  let s20 = c[c2] ?? 0, s21 = c[c2 + 1] ?? 0, s22 = c[c2 + 2] ?? 0, s23 = c[c2 + 3] ?? 0; // prettier-ignore
  let s30 = c[c3] ?? 0, s31 = c[c3 + 1] ?? 0, s32 = c[c3 + 2] ?? 0, s33 = c[c3 + 3] ?? 0; // prettier-ignore
  const a0 = i * ar;
  const a1 = a0 + ar;
  const a2 = a1 + ar;
  const a3 = a2 + ar;
  const b0 = j * bj;
  const b1 = b0 + bj;
  const b2 = b1 + bj;
  const b3 = b2 + bj;
  for (let k = 0; k < depth; k++) {
    const ka = k * ak;
    const kb = k * bk;
    const x0 = ad[a0 + ka] ?? 0, x1 = ad[a1 + ka] ?? 0, x2 = ad[a2 + ka] ?? 0, x3 = ad[a3 + ka] ?? 0; // prettier-ignore
    const y0 = bd[b0 + kb] ?? 0, y1 = bd[b1 + kb] ?? 0, y2 = bd[b2 + kb] ?? 0, y3 = bd[b3 + kb] ?? 0; // prettier-ignore
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3; // prettier-ignore
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3; // prettier-ignore
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3; // prettier-ignore
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3; // prettier-ignore
  }
  c[c0] = s00;
  c[c0 + 1] = s01;
  c[c0 + 2] = s02;
  c[c0 + 3] = s03; // prettier-ignore
  c[c1] = s10;
  c[c1 + 1] = s11;
  c[c1 + 2] = s12;
  c[c1 + 3] = s13; // prettier-ignore
  c[c2] = s20;
  c[c2 + 1] = s21;
  c[c2 + 2] = s22;
  c[c2 + 3] = s23; // prettier-ignore
  c[c3] = s30;
  c[c3 + 1] = s31;
  c[c3 + 2] = s32;
  c[c3 + 3] = s33; // prettier-ignore
}

/** A row-major block (rows x width) read as a matrix, or transposed (width x rows). */
export function rowMajor(data: Float64Array, width: number): StridedMatrix {
  return { data, rowStride: width, colStride: 1 };
}

/** The transpose of a row-major block of the given width. */
export function transposed(data: Float64Array, width: number): StridedMatrix {
  return { data, rowStride: 1, colStride: width };
}

/**
 * Copies the chosen rows of a row-major matrix into a float64 block, one after another.
 * @param source row-major, `width` values per row.
 * @param width values per row.
 * @param rows row numbers in source; rows[first..first+count) are copied.
 * @param first the first of them.
 * @param count how many (the block holds at least count x width values).
 * @param block where they go.
 */
export function gatherRows(source: Float32Array, width: number, rows: readonly number[], first: number, count: number, block: Float64Array): void {
  for (let r = 0; r < count; r++) {
    const from = (rows[first + r] ?? 0) * width;
    for (let k = 0; k < width; k++) block[r * width + k] = source[from + k] ?? 0;
  }
}

/**
 * Σ_i x_iᵀ y_i over the given rows (dx x dy, row-major); with y = x it is Σ_i x_iᵀ x_i.
 * @param x row-major vectors, dx per row.
 * @param dx x's dimension.
 * @param y row-major vectors, dy per row, for the same rows.
 * @param dy y's dimension.
 * @param rows the rows summed, in this order.
 */
export function crossProduct(x: Float32Array, dx: number, y: Float32Array, dy: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(dx * dy);
  const xBlock = new Float64Array(BLOCK_ROWS * dx);
  const yBlock = new Float64Array(BLOCK_ROWS * dy);
  for (let first = 0; first < rows.length; first += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, rows.length - first);
    gatherRows(x, dx, rows, first, count, xBlock);
    gatherRows(y, dy, rows, first, count, yBlock);
    addProduct(out, dy, transposed(xBlock, dx), rowMajor(yBlock, dy), dx, dy, count);
  }
  return out;
}

/**
 * Σ_i x_iᵀ x_i over the given rows (d x d, both triangles filled).
 * @param x row-major vectors, d per row.
 * @param d the dimension.
 * @param rows the rows summed, in this order.
 */
export function gram(x: Float32Array, d: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(d * d);
  const block = new Float64Array(BLOCK_ROWS * d);
  for (let first = 0; first < rows.length; first += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, rows.length - first);
    gatherRows(x, d, rows, first, count, block);
    addProduct(out, d, transposed(block, d), rowMajor(block, d), d, d, count, true);
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) out[a * d + b] = out[b * d + a] ?? 0;
  return out;
}

/**
 * The dot product of every row of a row-major matrix with each of a few vectors (queries,
 * interests), a block of rows at a time: each summed over the coordinates in order, as a loop per
 * row and vector would. One pass over the rows serves every vector.
 * @param matrix count x dim, row-major.
 * @param dim values per row.
 * @param vectors dim values each.
 * @param onBlock given the first row's number, the block's row count, the rows as float64
 *   (count x dim) and their dot products (count x vectors.length); both are reused for the next block.
 */
export function forEachRowBlockProduct(
  matrix: Float32Array,
  dim: number,
  vectors: readonly Float32Array[],
  onBlock: (first: number, count: number, rows: Float64Array, dots: Float64Array) => void,
): void {
  const width = vectors.length;
  const columns = new Float64Array(dim * width); // dim x width: column c is vectors[c]
  vectors.forEach((vector, c) => {
    for (let j = 0; j < dim; j++) columns[j * width + c] = vector[j] ?? 0;
  });
  const total = Math.floor(matrix.length / dim);
  const block = new Float64Array(BLOCK_ROWS * dim);
  const dots = new Float64Array(BLOCK_ROWS * width);
  const inOrder = Array.from({ length: BLOCK_ROWS }, (_, r) => r);
  for (let first = 0; first < total; first += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, total - first);
    gatherRows(matrix.subarray(first * dim), dim, inOrder, 0, count, block);
    dots.fill(0);
    addProduct(dots, width, rowMajor(block, dim), rowMajor(columns, width), count, width, dim);
    onBlock(first, count, block, dots);
  }
}
