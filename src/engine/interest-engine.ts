/**
 * The TF.js implementation of core's InterestEngine port. It owns two long-lived tensors on its
 * backend (chosen by backend.ts): the item matrix [N, D] and the shopper's interest vector [1, D]
 * (plus the scaled popularity prior [1, N] when the model has one). The math is core/rank.ts's reference
 * (`updateInterest`, `scoreAll`), run on the backend; unit tests hold the two together.
 *
 * Backend facts it is built around (measured on software WebGPU, see ENVIRONMENT.md):
 *  - scores are `matMul(u[1,D], items[N,D], false, true)`: 6-25x faster on webgpu than
 *    `matMul(items, u[D,1])`;
 *  - the N scores are read back and the best k chosen with core's `topK`, which is faster than
 *    `tf.topk` on webgpu and keeps core's deterministic tie-break;
 *  - everything is read back with `await data()`: `dataSync()` silently returns zeros on webgpu.
 * All TF.js work runs through backend.ts `onBackend()`, so it never interleaves with the text
 * encoder's work on another backend; `setInterest()` (synchronous in the port) only records the
 * vector, which the next update/topK uploads. Every intermediate tensor is freed (tf.tidy for the
 * synchronous math, dispose for the rest).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { RecError } from '../core/errors.ts';
import type { BackendName, InterestEngine } from '../core/ports.ts';
import { topK, type InterestTerm, type RankedRows } from '../core/rank.ts';
import { initBackend, onBackend, watchDeviceLoss, type WasmPaths } from './backend.ts';

/** Settings of createInterestEngine. */
export interface InterestEngineOptions {
  /**
   * The item matrix, row-major (count x dim), L2-normalised rows. It is uploaded as is: the cpu
   * and wasm backends may share the array rather than copy it, so do not mutate it afterwards.
   */
  readonly vectors: Float32Array;
  /** Values per item vector. */
  readonly dim: number;
  /** One popularity value per item (in [0, 1]), or null when the model has none. */
  readonly popularity: Float32Array | null;
  /** How much the popularity prior adds to the cosine score; DEFAULT_PRIOR_WEIGHT when omitted. */
  readonly priorWeight?: number;
  /** A backend to try first, or null for the default order (see backend.ts). */
  readonly backend: BackendName | null;
  /** Where the wasm backend's `.wasm` files are served, if it may be used in a browser. */
  readonly wasmPaths?: WasmPaths;
  /**
   * Told about each backend that was skipped while choosing one.
   * @param backend the skipped backend.
   * @param reason why.
   */
  readonly onBackendSkip?: (backend: BackendName, reason: string) => void;
}

/**
 * Below this L2 norm a vector counts as zero and stays zero (core/rank.ts `normalise`). To compare
 * against it without float32 underflow, the sum is first scaled by its largest |value|; a sum whose
 * largest |value| is below NEGLIGIBLE has a norm below sqrt(D) * NEGLIGIBLE, far under the threshold.
 */
const ZERO_NORM = 1e-12;
const NEGLIGIBLE = 1e-30;

/**
 * Activates a backend (backend.ts), uploads the item matrix and the prior, and starts from a zero
 * interest vector (until setInterest()).
 * @param options the model's vectors and prior, and the backend to prefer.
 * @returns the engine; call `dispose()` to free its backend memory.
 * @throws RecError MODEL_DIMENSION_MISMATCH when the arrays do not fit `dim`; BACKEND_UNAVAILABLE
 *   when no backend works.
 */
export async function createInterestEngine(options: InterestEngineOptions): Promise<InterestEngine> {
  const { vectors, dim, popularity } = options;
  const priorWeight = options.priorWeight ?? DEFAULT_PRIOR_WEIGHT;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `dim must be a positive whole number, found ${dim}`, { field: 'dim' });
  }
  if (vectors.length % dim !== 0) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `the item matrix has ${vectors.length} values, not a multiple of dim ${dim}`, { field: 'vectors' });
  }
  const count = vectors.length / dim;
  if (popularity !== null && popularity.length !== count) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${count} popularity values (one per item), found ${popularity.length}`, { field: 'popularity' });
  }
  if (!Number.isFinite(priorWeight)) {
    throw new RecError('CONFIG_INVALID', `priorWeight must be a finite number, found ${priorWeight}`, { field: 'priorWeight' });
  }

  const backend = await initBackend({
    preferred: options.backend,
    ...(options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths }),
    ...(options.onBackendSkip === undefined ? {} : { onSkip: options.onBackendSkip }),
  });

  // Created outside any tidy: these live until dispose().
  const { items, prior } = await onBackend(backend, () => ({
    items: tf.tensor2d(vectors, [count, dim], 'float32'),
    prior: popularity === null || priorWeight === 0 ? null : tf.tensor2d(popularity.map((p) => priorWeight * p), [1, count], 'float32'),
  }));
  /** The interest on the backend; null until the first update/topK uploads it. */
  let interest: tf.Tensor2D | null = null;
  /** A vector from setInterest() not uploaded yet (uploaded inside onBackend, like all work). */
  let pending: Float32Array | null = null;
  let disposed = false;
  let lost: string | null = null;
  watchDeviceLoss(backend, (reason) => {
    lost = reason;
  });

  const lostError = (cause?: unknown): RecError =>
    new RecError('DEVICE_LOST', `the GPU device was lost (${lost ?? 'unknown'}); the engine must be created again`, {}, { cause });

  const assertLive = (method: string): void => {
    if (disposed) throw new RecError('INTERNAL', `InterestEngine.${method}() was called after dispose()`);
    if (lost !== null) throw lostError();
  };

  /** Runs `work` on the engine's backend; a failure caused by a lost device becomes DEVICE_LOST. */
  const run = <T>(method: string, work: () => Promise<T>): Promise<T> =>
    onBackend(backend, async () => {
      assertLive(method);
      try {
        return await work();
      } catch (error) {
        // A read fails as soon as the device goes; `lost` settles a moment later.
        if (backend === 'webgpu' && !(error instanceof RecError)) await new Promise((resolve) => setTimeout(resolve, 0));
        throw lost === null ? error : lostError(error);
      }
    });

  const checkVector = (vector: Float32Array, what: string): void => {
    if (vector.length !== dim) {
      throw new RecError('MODEL_DIMENSION_MISMATCH', `${what} has ${vector.length} values, the model has dim ${dim}`);
    }
  };

  const checkTerms = (terms: readonly InterestTerm[]): void => {
    terms.forEach((term, i) => {
      if (!Number.isFinite(term.weight)) throw new RecError('INTERNAL', `term ${i} has weight ${term.weight}, expected a finite number`);
      if (term.kind === 'vector') checkVector(term.vector, `term ${i}'s vector`);
      else if (!Number.isInteger(term.row) || term.row < 0 || term.row >= count) {
        throw new RecError('INTERNAL', `term ${i} names row ${term.row}, expected a whole number below ${count}`);
      }
    });
  };

  /** The current interest tensor, uploading a pending vector (or the first, zero one). Call inside onBackend. */
  const currentInterest = (): tf.Tensor2D => {
    if (pending !== null || interest === null) {
      interest?.dispose();
      interest = tf.tensor2d(pending ?? new Float32Array(dim), [1, dim], 'float32');
      pending = null;
    }
    return interest;
  };

  return {
    backend,

    setInterest(vector) {
      assertLive('setInterest');
      checkVector(vector, 'the interest vector');
      // Copied: the caller may reuse the array, and a cpu/wasm tensor may share it.
      pending = vector.slice();
    },

    async update(decay, terms) {
      assertLive('update');
      if (!Number.isFinite(decay)) throw new RecError('INTERNAL', `decay must be a finite number, found ${decay}`);
      checkTerms(terms);
      return run('update', async () => {
        const previous = currentInterest();
        const next = tf.tidy(() => combine(previous, decay, terms, items));
        previous.dispose();
        interest = next;
        // Copied: on cpu, data() hands out the tensor's own storage.
        return (await next.data<'float32'>()).slice();
      });
    },

    async topK(k, excludedRows): Promise<RankedRows> {
      assertLive('topK');
      if (!Number.isInteger(k) || k < 0) throw new RecError('INTERNAL', `k must be a whole number >= 0, found ${k}`);
      return run('topK', async () => {
        const user = currentInterest();
        const scores = tf.tidy(() => {
          const cosine = tf.matMul(user, items, false, true);
          return prior === null ? cosine : tf.add(cosine, prior);
        });
        try {
          return topK(await scores.data<'float32'>(), k, excludedRows);
        } finally {
          scores.dispose();
        }
      });
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      // Disposing needs no active backend: each tensor is freed on the backend it lives on.
      interest?.dispose();
      pending = null;
      items.dispose();
      prior?.dispose();
    },
  };
}

/**
 * core/rank.ts `updateInterest` on the backend: normalise(decay * u + sum of w * v), where v is an
 * item row (gathered from the matrix) or an outside vector. Call inside tf.tidy.
 * @param interest u, [1, D].
 * @param decay the factor for the past.
 * @param terms the checked contributions.
 * @param items the item matrix [N, D].
 */
function combine(interest: tf.Tensor2D, decay: number, terms: readonly InterestTerm[], items: tf.Tensor2D): tf.Tensor2D {
  const dim = interest.shape[1];
  const rows = terms.flatMap((term) => (term.kind === 'row' ? [term] : []));
  const outside = terms.flatMap((term) => (term.kind === 'vector' ? [term] : []));
  // Each weighted sum is one [1, K] x [K, D] product.
  let sum: tf.Tensor2D = tf.mul(interest, tf.scalar(decay));
  if (rows.length > 0) {
    const gathered = tf.gather(items, tf.tensor1d(rows.map((term) => term.row), 'int32'));
    sum = tf.add(sum, tf.matMul(tf.tensor2d(rows.map((term) => term.weight), [1, rows.length]), gathered));
  }
  if (outside.length > 0) {
    const stacked = new Float32Array(outside.length * dim);
    outside.forEach((term, i) => stacked.set(term.vector, i * dim));
    sum = tf.add(sum, tf.matMul(tf.tensor2d(outside.map((term) => term.weight), [1, outside.length]), tf.tensor2d(stacked, [outside.length, dim])));
  }
  return normaliseRow(sum);
}

/**
 * core/rank.ts `normalise` on the backend: x / |x|, or zeros when |x| < ZERO_NORM. Call inside
 * tf.tidy.
 */
function normaliseRow(sum: tf.Tensor2D): tf.Tensor2D {
  const largest = tf.maximum(tf.max(tf.abs(sum)), NEGLIGIBLE);
  const scaled = tf.div(sum, largest);
  const scaledNorm = tf.sqrt(tf.sum(tf.square(scaled)));
  const norm = tf.mul(scaledNorm, largest);
  return tf.where(tf.less(norm, ZERO_NORM), tf.zerosLike(sum), tf.div(scaled, scaledNorm));
}
