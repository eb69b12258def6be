/**
 * Item vectors a shop made with its own model (any dimension up to 4,096) turned into the space
 * fusion reads as its text input, so that they take the text half of the fused vectors (fuse.ts)
 * while behaviour stays as it is.
 *
 * Notation: x_i ∈ R^M an item's imported vector, t_i ∈ R^T its text vector from the built-in
 * encoder (T = 512), I the items with an imported vector.
 *
 * 1. Every x_i is scaled to unit length: embedding pipelines compare by cosine, so the length
 *    carries no meaning fusion should see.
 * 2. Wider than T: reduced to the top T principal directions V of {x_i : i ∈ I} (dense-pca.ts) and
 *    renormalised, y_i = normalise(x_i Vᵀ). Fusion's PCA then keeps the top of these (the nested top
 *    directions of the same data), so this is the same reduction in two steps, the first one cheap.
 *    Otherwise y_i = x_i (K = M).
 * 3. The map from the encoder's space: a ridge regression A (T x K) from t_i to y_i over I, its λ
 *    chosen on a seeded hold-out (ridge.ts, the map fusion already uses for behaviour). It serves
 *    twice: an item without an imported vector gets y_i = normalise(t_i A) (the fallback: what its
 *    text predicts the shop's model would say), and a search query q, embedded by the same encoder in
 *    the browser, reaches the fused space through A W, W being fusion's projection (compose()).
 */
import { project } from '../../core/rank.ts';
import { seededRandom } from '../../core/random.ts';
import { topPrincipalDirections } from '../lib/dense-pca.ts';
import { gram } from '../lib/dense-product.ts';
import { fitRidge } from './ridge.ts';

/** Fewest imported items for which the map's λ is chosen on a hold-out (else ridge.ts's default). */
const MIN_HOLDOUT_ITEMS = 50;
const HOLDOUT_SHARE = 0.1;

/** What the builder read from the shop's file (item-vectors-input.ts), in catalogue row order. */
export interface ImportedVectors {
  /** count x dim, row-major, zero rows where `has` is 0. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** Per catalogue row: 1 with an imported vector. */
  readonly has: Uint8Array;
}

/** The imported vectors in the space fusion reads, and the map into it from the encoder's space. */
export interface ImportSpace {
  /** count x dim, unit rows: the imported vector (reduced), or for rows without one the fallback t_i A. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** textDim x dim, row-major: A, from the encoder's space into this one. */
  readonly fromText: Float64Array;
  readonly has: Uint8Array;
  /** For the build report: sizes, the reduction's kept energy, the map's λ and fit. */
  readonly stats: Record<string, number>;
}

/**
 * @param imported the shop's vectors.
 * @param text count x textDim unit rows from the built-in encoder.
 * @param textDim the encoder's dimension: the widest import space kept.
 * @param seed the reduction's and the hold-out's seed.
 * @param onProgress the reduction's progress (dense-pca.ts), when there is one.
 * @throws RangeError when no row has an imported vector or the sizes disagree.
 */
export function buildImportSpace(
  imported: ImportedVectors,
  text: Float32Array,
  textDim: number,
  seed: number,
  onProgress?: (done: number, total: number) => void,
): ImportSpace {
  const count = imported.has.length;
  if (imported.vectors.length !== count * imported.dim) throw new RangeError(`imported vectors: expected ${count} x ${imported.dim} values`);
  if (text.length !== count * textDim) throw new RangeError(`text vectors: expected ${count} x ${textDim} values`);
  const rows = rowsWith(imported.has);
  if (rows.length === 0) throw new RangeError('no catalogue item has an imported vector');
  const unit = unitRows(imported.vectors, imported.dim, rows);
  const reduced = imported.dim > textDim ? reduce(unit, imported.dim, rows, textDim, seed, onProgress) : { vectors: unit, dim: imported.dim, energyKept: 1 };
  const map = fitTextMap(text, textDim, reduced.vectors, reduced.dim, imported.has, rows, seed);
  const vectors = reduced.vectors;
  const k = reduced.dim;
  for (let i = 0; i < count; i++) {
    if (imported.has[i] === 1) continue;
    vectors.set(mapRow(text.subarray(i * textDim, (i + 1) * textDim), map.weights, k), i * k);
  }
  return {
    vectors,
    dim: k,
    fromText: map.weights,
    has: imported.has,
    stats: {
      importedDim: imported.dim,
      importSpaceDim: k,
      importedItems: rows.length,
      fallbackItems: count - rows.length,
      reductionEnergyKept: reduced.energyKept,
      // Prefixed: fusion reports its own ridge (text to behaviour) under the plain names.
      ...Object.fromEntries(Object.entries(map.stats).map(([name, value]) => [`textMap${name.charAt(0).toUpperCase()}${name.slice(1)}`, value])),
    },
  };
}

/**
 * The ridge map A from text vectors to import-space rows, fitted on `rows` (a seeded tenth of them
 * chooses λ when there are enough).
 * @param target count x dim import-space rows (only `rows` are read).
 * @param has per row: 1 where the target is a real imported vector.
 */
export function fitTextMap(
  text: Float32Array,
  textDim: number,
  target: Float32Array,
  dim: number,
  has: Uint8Array,
  rows: readonly number[],
  seed: number,
): { weights: Float64Array; stats: Record<string, number> } {
  const random = seededRandom(seed + 1);
  const choose = rows.length >= MIN_HOLDOUT_ITEMS;
  const holdout = choose ? rows.filter(() => random() < HOLDOUT_SHARE) : [];
  const held = new Set(holdout);
  const train = rows.filter((row) => !held.has(row));
  const gramTrain = gram(text, textDim, train);
  const gramAll = gram(text, textDim, rows);
  return fitRidge(text, textDim, { vectors: target, dim, hasEvents: has }, train, holdout, rows, gramTrain, gramAll, undefined);
}

/**
 * The query projection of a model built on imported vectors: A W (textDim x dim, float32), so that
 * core's project(q, A W, dim) takes an encoder vector straight into the fused space.
 * @param fromText A, textDim x k.
 * @param fused W, fusion's projection, k x dim.
 */
export function compose(fromText: Float64Array, textDim: number, fused: Float32Array, k: number, dim: number): Float32Array {
  const out = new Float32Array(textDim * dim);
  const row = new Float64Array(dim);
  for (let t = 0; t < textDim; t++) {
    row.fill(0);
    for (let a = 0; a < k; a++) {
      const w = fromText[t * k + a] ?? 0;
      if (w === 0) continue;
      for (let j = 0; j < dim; j++) row[j] = (row[j] ?? 0) + w * (fused[a * dim + j] ?? 0);
    }
    out.set(row, t * dim);
  }
  return out;
}

/** normalise(t A) for one text row. */
export function mapRow(text: Float32Array, weights: Float64Array, k: number): Float32Array {
  return project(text, Float32Array.from(weights), k);
}

/** @returns the rows whose flag is 1, ascending. */
export function rowsWith(flags: Uint8Array): number[] {
  const rows: number[] = [];
  flags.forEach((flag, row) => {
    if (flag === 1) rows.push(row);
  });
  return rows;
}

function unitRows(vectors: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(vectors.length);
  for (const row of rows) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += (vectors[row * dim + j] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[row * dim + j] = (vectors[row * dim + j] ?? 0) / norm;
  }
  return out;
}

/** Step 2 of the header: the rows in I onto the top `k` principal directions, renormalised. */
function reduce(
  unit: Float32Array,
  m: number,
  rows: readonly number[],
  k: number,
  seed: number,
  onProgress?: (done: number, total: number) => void,
): { vectors: Float32Array; dim: number; energyKept: number } {
  const count = unit.length / m;
  const compact = new Float32Array(rows.length * m);
  rows.forEach((row, i) => compact.set(unit.subarray(row * m, (row + 1) * m), i * m));
  const directions = topPrincipalDirections(compact, rows.length, m, k, seed, onProgress);
  const basisT = new Float32Array(m * k); // Vᵀ, m x k, for core's project()
  for (let j = 0; j < k; j++) for (let a = 0; a < m; a++) basisT[a * k + j] = directions.basis[j * m + a] ?? 0;
  const vectors = new Float32Array(count * k);
  for (const row of rows) vectors.set(project(unit.subarray(row * m, (row + 1) * m), basisT, k), row * k);
  return { vectors, dim: k, energyKept: directions.energyKept };
}
