/**
 * Fuses text vectors (from the sentence encoder) and behavioural vectors (behaviour.ts) into the one
 * item space the browser scores in, and derives the query projection that maps a text or search
 * query vector into that same space. Owns the cold-start rule: an item nobody interacted with gets
 * exactly the vector its text would get as a query, so new products rank by their text alone and
 * on-device search lands next to the items it describes.
 *
 * Notation: t_i ∈ R^T is item i's unit text vector (T = textDim), b_i ∈ R^B its unit behaviour vector
 * when hasEvents_i = 1, E the items with events; w = behaviourWeight, α = sqrt(1 - w), β = sqrt(w),
 * so α² + β² = 1; D = dim = D_t + B.
 *
 * 1. Text part (PCA without a bias term). Encoder vectors share a large common direction (all
 *    cosines are positive), which carries no information about which items are alike. With the
 *    mean μ of all t_i, û = μ / |μ| and Π = I - û ûᵀ, the rows t_i Π have mean exactly zero, so
 *      S = (1/N) Σ_i Π t_iᵀ t_i Π
 *    is their covariance; P = its top D_t eigenvectors (T x D_t; each is orthogonal to û, so
 *    t P = (t Π) P: centring costs no bias term and stays a plain linear map). The part is scaled by
 *    s = 1 / sqrt(Σ kept eigenvalues), so that its mean squared norm over the catalogue is 1.
 * 2. Behaviour part. A ridge regression from text to behaviour on the items with events,
 *      R = argmin Σ_{i∈E} |t_i R - b_i|² + λ |R|²_F = (X_Eᵀ X_E + λ I)⁻¹ X_Eᵀ B_E      (T x B),
 *    solved through the eigen-decomposition of X_Eᵀ X_E (so many λ cost one decomposition). λ is
 *    `ridge` times the mean eigenvalue |E| / T; unless given, it is chosen on a seeded 10% hold-out
 *    of E by mean squared error over a grid, then R is refitted on all of E. An item's behaviour
 *    part is b_i when it has events, else t_i R: the behaviour that its text predicts (shorter than a
 *    learned unit b_i when the prediction is uncertain, so its text part then weighs more).
 * 3. Fused vector f_i = normalise([α s t_i P , β b'_i]), b'_i as above.
 *    Query projection W = [α s P | β R] (T x D), stored as float32: for an item without events,
 *    f_i = normalise(t_i W) = core's project(t_i, W, D) (the rows are computed from the same float32
 *    W), and a search query q goes through the same maps: project(q, W, D).
 * 4. Rotation (on by default). Both f and W are multiplied by one seeded random orthogonal D x D
 *    matrix Q: f_i Q, W Q. Every dot product is unchanged (so every ranking, and the identity of
 *    step 3, since normalise(t W Q) = normalise(t W) Q), but each vector's energy is spread evenly
 *    over the coordinates instead of piling up in the first principal components. int8 files store
 *    x / (max_j |x_j| / 127) per row, so a smaller max |x_j| means finer steps: on Amazon Beauty
 *    (D = 128) the mean max |x_j| drops from 0.36 to 0.25 and int8 recall@50 rises from 0.990 to 0.993.
 * When no item has events (or w = 0) the behaviour part is dropped and the text part takes all D
 * dimensions.
 */
import { seededRandom } from '../../core/random.ts';
import { gram } from '../lib/dense-product.ts';
import { gaussian, orthonormaliseColumns } from '../lib/linalg.ts';
import { symmetricEigen } from '../lib/symmetric-eigen.ts';
import type { BehaviourEmbeddings } from '../lib/behaviour.ts';
import { fuseRows } from './fuse-rows.ts';
import { fitRidge } from './ridge.ts';

/** One vector per item in the fused space, plus the map from text/query vectors into it. */
export interface FusedEmbeddings {
  /** N x dim, row-major, each row L2-normalised. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** textDim x dim, row-major: maps a (unit) text or query vector into the fused space; normalise after (core's project()). */
  readonly projection: Float32Array;
  /** Sizes, the chosen ridge, hold-out fit and variance kept, for build reports. */
  readonly stats: Record<string, number>;
}

/** Options of `fuseEmbeddings`; only `dim` is required. */
export interface FuseOptions {
  /** Output dimension: text dimensions + behaviour.dim (or all of it when there is no behaviour). */
  readonly dim: number;
  /** Share w of the behaviour part in the squared norm, in [0, 1] (default 0.5). */
  readonly behaviourWeight?: number;
  /** Ridge strength relative to the mean eigenvalue of XᵀX; chosen on a hold-out when left out. */
  readonly ridge?: number;
  /** Seed of the hold-out split and of the rotation (default 1). */
  readonly seed?: number;
  /** Rotate the space by a random orthogonal matrix for finer int8 steps (default true; see the header). */
  readonly rotate?: boolean;
}

/** Fewest items with events for which λ is chosen on a hold-out. */
const MIN_HOLDOUT_ITEMS = 50;
const HOLDOUT_SHARE = 0.1;

/**
 * Fuses text and behaviour vectors (see the module header for the maths).
 * @param text N x textDim, row-major, unit rows (the sentence encoder's item vectors).
 * @param textDim the encoder's dimension.
 * @param behaviour learned behaviour vectors for the same N items (zero rows where hasEvents is 0).
 * @param options output dimension, behaviour weight, ridge, seed, rotation.
 * @returns unit rows, the textDim x dim query projection and statistics.
 * @throws RangeError naming the first size or option that does not fit.
 */
export function fuseEmbeddings(text: Float32Array, textDim: number, behaviour: BehaviourEmbeddings, options: FuseOptions): FusedEmbeddings {
  const started = Date.now();
  const { dim } = options;
  const weight = options.behaviourWeight ?? 0.5;
  const seed = options.seed ?? 1;
  const count = behaviour.hasEvents.length;
  if (!Number.isInteger(textDim) || textDim < 1) throw new RangeError(`textDim must be an integer >= 1, found ${textDim}`);
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be an integer >= 1, found ${dim}`);
  if (text.length !== count * textDim) {
    throw new RangeError(`text has ${text.length} values, expected ${count} items x ${textDim} = ${count * textDim}`);
  }
  if (behaviour.vectors.length !== count * behaviour.dim) {
    throw new RangeError(`behaviour.vectors has ${behaviour.vectors.length} values, expected ${count} x ${behaviour.dim}`);
  }
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`behaviourWeight must be in [0, 1], found ${weight}`);
  if (options.ridge !== undefined && !(options.ridge > 0 && Number.isFinite(options.ridge))) {
    throw new RangeError(`ridge must be a finite number > 0, found ${options.ridge}`);
  }
  const withEvents: number[] = [];
  behaviour.hasEvents.forEach((flag, row) => {
    if (flag === 1) withEvents.push(row);
  });
  const useBehaviour = withEvents.length > 0 && weight > 0;
  const behaviourDim = useBehaviour ? behaviour.dim : 0;
  const textPartDim = dim - behaviourDim;
  if (textPartDim < 1) {
    throw new RangeError(
      `dim ${dim} leaves no room for text next to ${behaviourDim} behaviour dimensions: use dim > ${behaviourDim} or a smaller behaviour dim`,
    );
  }
  if (textPartDim > textDim) throw new RangeError(`dim ${dim} needs ${textPartDim} text dimensions, but the text vectors have only ${textDim}`);
  const alpha = useBehaviour ? Math.sqrt(1 - weight) : 1;
  const beta = useBehaviour ? Math.sqrt(weight) : 0;

  // Gram matrices of three disjoint item sets: ridge-train, ridge-hold-out, and items without events.
  const random = seededRandom(seed);
  const isHoldout = new Uint8Array(count);
  const chooseRidge = useBehaviour && options.ridge === undefined && withEvents.length >= MIN_HOLDOUT_ITEMS;
  if (chooseRidge) for (const row of withEvents) isHoldout[row] = random() < HOLDOUT_SHARE ? 1 : 0;
  const trainRows = withEvents.filter((row) => isHoldout[row] === 0);
  const holdoutRows = withEvents.filter((row) => isHoldout[row] === 1);
  const gramTrain = gram(text, textDim, trainRows);
  const gramHoldout = gram(text, textDim, holdoutRows);
  const gramCold = gram(text, textDim, coldRows(behaviour.hasEvents));
  const gramEvents = add(gramTrain, gramHoldout);

  // 1. Text part: PCA of the catalogue's text vectors with the mean direction projected out.
  const pca = textPca(text, textDim, count, add(gramEvents, gramCold), textPartDim);

  // 2. Behaviour part: ridge regression text -> behaviour.
  const ridge = useBehaviour ? fitRidge(text, textDim, behaviour, trainRows, holdoutRows, withEvents, gramTrain, gramEvents, options.ridge) : null;

  // 3. + 4. The projection W Q = [α s P | β R] Q (float32), then every row: cold rows from it.
  const rotation = options.rotate === false ? null : randomRotation(dim, seed);
  const unrotated = new Float64Array(textDim * dim);
  for (let k = 0; k < textDim; k++) {
    for (let j = 0; j < textPartDim; j++) unrotated[k * dim + j] = alpha * pca.scale * (pca.basis[j * textDim + k] ?? 0);
    if (ridge !== null) for (let j = 0; j < behaviourDim; j++) unrotated[k * dim + textPartDim + j] = beta * (ridge.weights[k * behaviourDim + j] ?? 0);
  }
  const projection = Float32Array.from(rotation === null ? unrotated : rotate(unrotated, textDim, rotation, dim));
  const warm = (i: number): boolean => useBehaviour && behaviour.hasEvents[i] === 1;
  const rows = fuseRows(text, textDim, count, warm, { unrotated, projection, rotation, behaviour, beta, textPartDim, dim });
  const { vectors, coldCount, maxAbsSum } = rows;
  return {
    vectors,
    dim,
    projection,
    stats: {
      items: count,
      itemsWithEvents: useBehaviour ? withEvents.length : 0,
      coldItems: coldCount,
      textDim,
      textPartDim,
      behaviourPartDim: behaviourDim,
      behaviourWeight: useBehaviour ? weight : 0,
      textVarianceKept: pca.varianceKept,
      textMeanNorm: pca.meanNorm,
      rotated: rotation === null ? 0 : 1,
      meanMaxAbs: count > 0 ? maxAbsSum / count : 0,
      ...(ridge === null ? {} : ridge.stats),
      fuseMs: Date.now() - started,
    },
  };
}

/** A seeded random orthogonal matrix (d x d, row-major): Gram-Schmidt on Gaussian columns. */
function randomRotation(d: number, seed: number): Float64Array {
  const random = seededRandom(seed ^ 0x2545f491);
  const columns = Array.from({ length: d }, () => Float64Array.from({ length: d }, () => gaussian(random)));
  orthonormaliseColumns(columns, random);
  const q = new Float64Array(d * d);
  columns.forEach((column, c) => column.forEach((x, r) => (q[r * d + c] = x)));
  return q;
}

/** rows x d times the d x d matrix q. */
function rotate(a: Float64Array, rows: number, q: Float64Array, d: number): Float64Array {
  const out = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < d; k++) {
      const x = a[r * d + k] ?? 0;
      if (x === 0) continue;
      for (let j = 0; j < d; j++) out[r * d + j] = (out[r * d + j] ?? 0) + x * (q[k * d + j] ?? 0);
    }
  }
  return out;
}

function coldRows(hasEvents: Uint8Array): number[] {
  const rows: number[] = [];
  hasEvents.forEach((flag, row) => {
    if (flag !== 1) rows.push(row);
  });
  return rows;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((x, i) => x + (b[i] ?? 0));
}

/** The top `k` principal directions of the text vectors with their mean direction projected out. */
function textPca(
  text: Float32Array,
  d: number,
  count: number,
  gramAll: Float64Array,
  k: number,
): { basis: Float64Array; scale: number; varianceKept: number; meanNorm: number } {
  const mean = new Float64Array(d);
  for (let i = 0; i < count; i++) for (let a = 0; a < d; a++) mean[a] = (mean[a] ?? 0) + (text[i * d + a] ?? 0) / count;
  const meanNorm = Math.hypot(...mean);
  const s = gramAll.map((x) => x / Math.max(count, 1));
  if (meanNorm > 1e-9) {
    // S <- Π S Π with Π = I - û ûᵀ:  S - û (Sû)ᵀ - (Sû) ûᵀ + (ûᵀ S û) û ûᵀ.
    const u = mean.map((x) => x / meanNorm);
    const su = new Float64Array(d);
    for (let a = 0; a < d; a++) {
      let sum = 0;
      for (let b = 0; b < d; b++) sum += (s[a * d + b] ?? 0) * (u[b] ?? 0);
      su[a] = sum;
    }
    let usu = 0;
    for (let a = 0; a < d; a++) usu += (u[a] ?? 0) * (su[a] ?? 0);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const ua = u[a] ?? 0;
        const ub = u[b] ?? 0;
        s[a * d + b] = (s[a * d + b] ?? 0) - ua * (su[b] ?? 0) - (su[a] ?? 0) * ub + usu * ua * ub;
      }
    }
  }
  const { values, vectors } = symmetricEigen(s, d);
  let total = 0;
  let kept = 0;
  values.forEach((value, j) => {
    const positive = Math.max(value, 0);
    total += positive;
    if (j < k) kept += positive;
  });
  return {
    basis: vectors.slice(0, k * d),
    scale: kept > 1e-12 ? 1 / Math.sqrt(kept) : 1,
    varianceKept: total > 0 ? kept / total : 0,
    meanNorm,
  };
}
