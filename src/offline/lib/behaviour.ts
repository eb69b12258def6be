/**
 * Behavioural item embeddings from interaction sequences (sessions, baskets, user histories):
 * items that are bought or viewed together get nearby vectors. Pure and deterministic for a seed;
 * the CLI turns its event log into `Sequence`s and fuses the result with the text vectors (fuse.ts).
 *
 * Method: a truncated eigen-decomposition of the shifted, smoothed positive PMI matrix of item
 * co-occurrences (Levy & Goldberg 2014, "Neural word embedding as implicit matrix factorization";
 * Levy, Goldberg & Dagan 2015 for the smoothing and eigenvalue weighting). Skip-gram with negative
 * sampling (item2vec) implicitly factorises the same matrix; doing it explicitly is deterministic,
 * needs no learning-rate schedule, and takes seconds on 10^4 items / 10^6 pairs on two cores.
 *
 * 1. Items seen fewer than `minCount` times (counting occurrences with a positive weight) are
 *    dropped from the sequences, as are elements with weight <= 0 (skips, removals: not evidence
 *    of co-occurrence); they get zero rows and hasEvents 0.
 * 2. Co-occurrence counts C (symmetric, zero diagonal). Each pair of elements (p, q) of a sequence
 *    adds  sqrt(w_p w_q) · k(p, q):
 *      - finite `window` W (ordered sequences): pairs at distance d <= h = min(W, maxContext) with
 *        k = (h - d + 1) / h, the expected weight of word2vec's dynamic window;
 *      - `window` = Infinity (default; baskets and sets): every pair in the sequence with
 *        k = 1 / (L - 1), so each occurrence spreads one unit over its basket and a 500-line
 *        wholesale invoice does not outweigh 500 small ones. A sequence longer than
 *        2·maxContext + 1 is shuffled (seeded) and each element pairs with the maxContext
 *        neighbours on either side on a circle (k = 1 / (2·maxContext)): a symmetric, unbiased
 *        subsample that bounds the work at L·maxContext pairs per sequence.
 * 3. With r_i = Σ_j C_ij, Z = Σ_i r_i^α and shift s, the symmetrised smoothed PMI
 *      PMI_ij = log C_ij - (1 + α)/2 · (log r_i + log r_j) + log Z - log s
 *    is the mean of Levy's context-smoothed PMI(i→j) and PMI(j→i) (α = 0.75 dampens the pull of
 *    rare items); M = max(PMI, 0) keeps only informative pairs and stays sparse.
 * 4. M ≈ V Λ Vᵀ by randomised subspace iteration (linalg.ts, topEigenSparse); an item's vector is
 *    its row of V · Λ^p (p = `eigenPower`, 0.5 = the symmetric U·sqrt(Σ)), L2-normalised.
 *    Items whose row of M is empty (no informative pair) get zero rows and hasEvents 0.
 */
import { cooccurrence, countOccurrences, flattenSequences, positivePmi } from './cooccurrence.ts';
import { topEigenSparse, type CsrMatrix } from './linalg.ts';
import { symmetricEigen } from './symmetric-eigen.ts';

/** One session, basket or user history: item row indices in order, with optional per-element weights (default 1). */
export interface Sequence {
  readonly rows: readonly number[];
  readonly weights?: readonly number[];
}

/** Item vectors learned from behaviour. */
export interface BehaviourEmbeddings {
  /** itemCount x dim, row-major; unit rows, zero rows for items that took no part in training. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** 1 where the item took part in training (its row is a learned unit vector), else 0. */
  readonly hasEvents: Uint8Array;
  /** Counts for build reports: sequences, items, pairs, matrix sizes, timings. */
  readonly stats?: Readonly<Record<string, number>>;
}

/** Options of `learnBehaviourEmbeddings`; only `dim` is required. */
export interface BehaviourOptions {
  /** Output dimension. */
  readonly dim: number;
  /** Context half-width along a sequence, or Infinity (default) to treat each sequence as a set. */
  readonly window?: number;
  /** Seed of the shuffles and of the randomised eigensolver (default 1). */
  readonly seed?: number;
  /** Fewer occurrences than this: no vector (default 2). */
  readonly minCount?: number;
  /** Told (done, total) as work proceeds; total is fixed for a run. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Most contexts per occurrence on each side (default 50): bounds the work on huge baskets. */
  readonly maxContext?: number;
  /** Context-distribution smoothing α (default 0.75). */
  readonly smoothing?: number;
  /** PMI shift s: keep pairs with PMI > log s (default 1, i.e. plain positive PMI). */
  readonly shift?: number;
  /** Eigenvalue weighting p in V·Λ^p (default 0.5). */
  readonly eigenPower?: number;
  /** Subspace iterations of the eigensolver (default 4). */
  readonly iterations?: number;
}

const DEFAULTS = { seed: 1, minCount: 2, maxContext: 50, smoothing: 0.75, shift: 1, eigenPower: 0.5, iterations: 4 } as const;

/** Below this many active items the matrix is decomposed densely (exact and fast at that size). */
const DENSE_LIMIT = 400;

/**
 * Learns one vector per item from co-occurrence in sequences (see the module header for the maths).
 * @param sequences sessions, baskets or user histories of item rows in [0, itemCount).
 * @param itemCount number of items (rows of the result).
 * @param options dimension, window, seed, minCount, progress callback and tuning knobs.
 * @returns unit rows for items that took part in training, zero rows elsewhere.
 * @throws RangeError naming the first bad option, row or weight.
 */
export function learnBehaviourEmbeddings(sequences: readonly Sequence[], itemCount: number, options: BehaviourOptions): BehaviourEmbeddings {
  const { dim } = options;
  const window = options.window ?? Number.POSITIVE_INFINITY;
  const seed = options.seed ?? DEFAULTS.seed;
  const minCount = options.minCount ?? DEFAULTS.minCount;
  const maxContext = options.maxContext ?? DEFAULTS.maxContext;
  const smoothing = options.smoothing ?? DEFAULTS.smoothing;
  const shift = options.shift ?? DEFAULTS.shift;
  const eigenPower = options.eigenPower ?? DEFAULTS.eigenPower;
  const iterations = options.iterations ?? DEFAULTS.iterations;
  requireInteger('itemCount', itemCount, 0);
  requireInteger('dim', dim, 1);
  requireInteger('maxContext', maxContext, 1);
  requireInteger('iterations', iterations, 0);
  if (!(window >= 1)) throw new RangeError(`window must be >= 1 or Infinity, found ${window}`);
  if (window !== Number.POSITIVE_INFINITY) requireInteger('window', window, 1);
  if (!Number.isFinite(minCount) || minCount < 0) throw new RangeError(`minCount must be a finite number >= 0, found ${minCount}`);
  if (!(smoothing > 0 && smoothing <= 1)) throw new RangeError(`smoothing must be in (0, 1], found ${smoothing}`);
  if (!(shift > 0 && Number.isFinite(shift))) throw new RangeError(`shift must be a finite number > 0, found ${shift}`);
  if (!Number.isFinite(eigenPower) || eigenPower < 0) throw new RangeError(`eigenPower must be a finite number >= 0, found ${eigenPower}`);

  const started = Date.now();
  const counts = countOccurrences(sequences, itemCount);
  const flat = flattenSequences(sequences, counts, itemCount, minCount, window, maxContext, seed);
  const activeCount = flat.itemOfActive.length;
  const vectors = new Float32Array(itemCount * dim);
  const hasEvents = new Uint8Array(itemCount);
  const progressTotal = 2 * Math.max(activeCount, 1);
  const report = throttle(options.onProgress, progressTotal);

  // The co-occurrence matrix is garbage once its PMI exists: keep only the latter referenced.
  const { ppmi, pairs } = ((): { ppmi: CsrMatrix; pairs: number } => {
    const cooc = cooccurrence(flat, window, maxContext, (done) => report(done));
    return { ppmi: positivePmi(cooc, smoothing, shift), pairs: cooc.cols.length / 2 };
  })();
  const counted = Date.now();

  const { values, columns } = decompose(ppmi, dim, seed, iterations, (done, total) => report(activeCount + Math.round((done / total) * activeCount)));
  const weights = Array.from(values, (value) => (value > 0 ? value ** eigenPower : 0));
  const row = new Float64Array(dim);
  let trained = 0;
  for (let a = 0; a < activeCount; a++) {
    if ((ppmi.rowStart[a + 1] ?? 0) === (ppmi.rowStart[a] ?? 0)) continue;
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      const x = (columns[j]?.[a] ?? 0) * (weights[j] ?? 0);
      row[j] = x;
      norm += x * x;
    }
    if (!(norm > 1e-24)) continue;
    const item = flat.itemOfActive[a] ?? 0;
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) vectors[item * dim + j] = (row[j] ?? 0) * scale;
    hasEvents[item] = 1;
    trained++;
  }
  report(progressTotal, true);
  const positive = values.filter((value) => value > 0);
  return {
    vectors,
    dim,
    hasEvents,
    stats: {
      sequences: sequences.length,
      sequencesUsed: flat.sequenceCount,
      elementsUsed: flat.items.length,
      activeItems: activeCount,
      trainedItems: trained,
      pairs,
      ppmiNonZeros: ppmi.cols.length,
      positiveEigenvalues: positive.length,
      topEigenvalue: values[0] ?? 0,
      lastEigenvalue: values[values.length - 1] ?? 0,
      countingMs: counted - started,
      decompositionMs: Date.now() - counted,
    },
  };
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, found ${value}`);
}

/** Calls onProgress at most ~200 times per run, always with the final value. */
function throttle(onProgress: ((done: number, total: number) => void) | undefined, total: number): (done: number, force?: boolean) => void {
  const step = Math.max(1, Math.floor(total / 200));
  let last = -1;
  return (done, force = false) => {
    if (onProgress === undefined) return;
    if (force || done - last >= step) {
      last = done;
      onProgress(Math.min(done, total), total);
    }
  };
}

/** The top `dim` eigenpairs: dense and exact for small matrices, randomised otherwise. */
function decompose(
  m: CsrMatrix,
  dim: number,
  seed: number,
  iterations: number,
  onStep: (done: number, total: number) => void,
): { values: Float64Array; columns: Float64Array[] } {
  const { n } = m;
  if (n === 0) return { values: new Float64Array(0), columns: [] };
  if (n <= DENSE_LIMIT) {
    const dense = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let p = m.rowStart[a] ?? 0; p < (m.rowStart[a + 1] ?? 0); p++) dense[a * n + (m.cols[p] ?? 0)] = m.values[p] ?? 0;
    }
    const { values, vectors } = symmetricEigen(dense, n);
    const kept = Math.min(dim, n);
    onStep(1, 1);
    return { values: values.slice(0, kept), columns: Array.from({ length: kept }, (_, j) => vectors.slice(j * n, j * n + n)) };
  }
  return topEigenSparse(m, dim, { seed, iterations, onStep });
}
