/**
 * The TF.js implementation of core's InterestEngine port. It owns two long-lived tensors on its
 * backend (chosen by backend.ts): the item matrix [N, D] and the shopper's interest vector [1, D]
 * (plus the scaled popularity prior [1, N] when the model has one). The math is core/rank.ts's reference
 * (`updateInterest`, `scoreAll`), run on the backend; unit tests hold the two together.
 *
 * Backend facts it is built around (measured on software WebGPU, see ENVIRONMENT.md):
 *  - scores are `matMul(u[1,D], items[N,D], false, true)`: 6-25x faster on webgpu than
 *    `matMul(items, u[D,1])`;
 *  - on webgpu, scoring + top-K is one dedicated kernel (kernels/score-top-k-webgpu.ts) that
 *    reads back only the k best rows, over the item matrix stored as `itemDtype` (float32, or the
 *    model's float16/int8 layout, unpacked in the shader); on webgl and cpu (and on webgpu when dim
 *    is not a multiple of 4, on wasm when not of 16) the N scores are read back and the best k
 *    chosen with core's `topK`, which keeps core's deterministic tie-break;
 *  - on wasm (dim a multiple of 16), scoring + top-K is kernels/wasm-scorer.ts: a hand-written
 *    WebAssembly SIMD pass over an int8 copy of the matrix (a quarter of float32's bytes), then an
 *    exact re-rank of the rows that can still be among the best, so the ranking is core's exactly;
 *    it takes the CPU copy of the interest vector, which core's `updateInterest` updates there (for
 *    one vector a TF.js dispatch costs more than the math), and similarities are one TF.js matMul
 *    of the candidates' rows (`unitGram`): the engine then keeps no TF.js tensor (a `ScorerResident`);
 *  - everything is read back with `await data()`: `dataSync()` silently returns zeros on webgpu.
 * All TF.js work runs through backend.ts `onBackend()`, so it never interleaves with the text
 * encoder's work on another backend; `setInterest()` (synchronous in the port) only records the
 * vector, which the next update/topK uploads. Every intermediate tensor is freed (tf.tidy for the
 * synchronous math, dispose for the rest).
 *
 * A lost GPU device (a driver reset, the browser reclaiming the GPU, or the e2e test hook's
 * GPUDevice.destroy()) takes every tensor on it. The engine keeps the interest vector on the CPU
 * too (it reads it back after every update anyway), so it can rebuild itself: when the device's
 * `lost` promise settles, or a call fails because of it, it frees what is left, has backend.ts
 * forget the dead backend, and uploads the items, the prior and that vector again on the first
 * backend that works (a new WebGPU device first, then the usual order). The call that met the
 * loss runs again on the rebuilt engine; `backend` is a getter, so core's rankings name the new
 * backend. Core and the UI need not know: to them the next interaction simply re-ranks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { encodeVectors, matrixRowCount, type VectorDtype } from '../core/vectors.ts';
import { RecError } from '../core/errors.ts';
import type { BackendName, InterestEngine } from '../core/ports.ts';
import { normalise, topK, updateInterest, type InterestTerm, type RankedRows } from '../core/rank.ts';
import { initBackend, onBackend, resetBackend, watchDeviceLoss, type WasmPaths } from './backend.ts';
import { kernelSupportsDim, packForKernel } from './kernels/kernel-layout.ts';
import type * as ScoringKernel from './kernels/score-top-k-webgpu.ts';
import { createWasmScorer, wasmScorerSupportsDim, type WasmScorer } from './kernels/wasm-scorer.ts';

/** Settings of createInterestEngine. */
export interface InterestEngineOptions {
  /**
   * The item matrix, row-major (count x dim): L2-normalised rows, or a sequence model's trained
   * item table (scored against its interest as is). It is uploaded as is: the cpu
   * and wasm backends may share the array rather than copy it, so do not mutate it afterwards.
   */
  readonly vectors: Float32Array;
  /** Values per item vector. */
  readonly dim: number;
  /** One popularity value per item (in [0, 1]; a sequence model's item bias), or null when the model has none. */
  readonly popularity: Float32Array | null;
  /** How much the popularity prior adds to the cosine score; DEFAULT_PRIOR_WEIGHT when omitted. */
  readonly priorWeight?: number;
  /** A backend to try first, or null for the default order (see backend.ts). */
  readonly backend: BackendName | null;
  /** The backends that may be used at all (default: every one); calibration tries one at a time. */
  readonly allowedBackends?: readonly BackendName[];
  /**
   * How the scoring kernels store the item matrix (default float32): float16 and int8 (the model
   * file layouts, core/vectors.ts) take 1/2 and 1/4 of the memory and bandwidth, and score the
   * quantised values. Only the WebGPU kernel reads it (the other backends score the float32
   * `vectors`, exactly). Pass the model's own dtype: its decoded vectors then quantise back to
   * exactly the file's values, and the kernel's scores match core's reference.
   */
  readonly itemDtype?: VectorDtype;
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
  const itemDtype = options.itemDtype ?? 'float32';
  const count = matrixRowCount(vectors, dim, popularity);
  if (!Number.isFinite(priorWeight)) {
    throw new RecError('CONFIG_INVALID', `priorWeight must be a finite number, found ${priorWeight}`, { field: 'priorWeight' });
  }

  const choose = (preferred: BackendName | null): Promise<BackendName> =>
    initBackend({
      preferred,
      ...(options.allowedBackends === undefined ? {} : { allowed: options.allowedBackends }),
      ...(options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths }),
      ...(options.onBackendSkip === undefined ? {} : { onSkip: options.onBackendSkip }),
    });

  /**
   * Puts the item matrix and the prior on `backend` and watches its device. On wasm the wasm scorer
   * holds them instead (no TF.js tensors: they would copy the whole matrix into TF.js's heap for
   * nothing), unless it cannot run there.
   */
  const upload = async (backend: BackendName): Promise<Resident> => {
    const scorer = backend === 'wasm' && wasmScorerSupportsDim(dim) ? await createWasmScorer({ vectors, dim, popularity, priorWeight }) : null;
    if (scorer !== null) return { kind: 'wasm-scorer', backend, scorer, lost: null };
    const weightedPrior = popularity === null || priorWeight === 0 ? null : popularity.map((p) => priorWeight * p);
    const kernel = backend === 'webgpu' && kernelSupportsDim(dim) ? await import('./kernels/score-top-k-webgpu.ts') : null;
    // Created outside any tidy: these live until released.
    const tensors = await onBackend(backend, () => ({
      items: tf.tensor2d(vectors, [count, dim], 'float32'),
      prior: weightedPrior === null ? null : tf.tensor2d(weightedPrior, [1, count], 'float32'),
      kernelItems: kernel === null ? null : kernel.uploadKernelItems(packForKernel(encodeVectors(vectors, count, dim, itemDtype), count, dim, itemDtype), weightedPrior),
    }));
    const created: TensorResident = { kind: 'tensors', backend, ...tensors, kernel, interest: null, lost: null };
    watchDeviceLoss(backend, (reason) => {
      created.lost = reason;
      // Rebuild right away, so the shopper's next interaction does not wait for it. A failed
      // rebuild is retried by that interaction (run), which reports it.
      void Promise.resolve()
        .then(() => recover(created))
        .catch(() => undefined);
    });
    return created;
  };

  let resident = await upload(await choose(options.backend));
  /**
   * The interest vector as last set or read back: the CPU copy a rebuilt engine starts from. The
   * backend's copy (`resident.interest`) is derived from it; `stale` says it must be uploaded again.
   */
  let current: Float32Array = new Float32Array(dim);
  let stale = true;
  let disposed = false;
  /** The rebuild under way after a device loss, if any. */
  let recovering: Promise<void> | null = null;

  const release = (r: Resident): void => {
    if (r.kind === 'wasm-scorer') {
      // Garbage once no longer referenced: a module's memory has no explicit free.
      r.scorer = null;
      return;
    }
    // Disposing needs no active backend: each tensor is freed on the backend it lives on.
    r.interest?.dispose();
    r.interest = null;
    r.items.dispose();
    r.prior?.dispose();
    if (r.kernelItems !== null) r.kernel?.disposeKernelItems(r.kernelItems);
  };

  /**
   * Replaces a resident whose device was lost: frees its tensors, forgets the dead backend, and
   * builds the engine again on the first backend that works (the same one first, e.g. a new WebGPU
   * device, then the rest of the usual order), with the same items, prior and interest vector.
   */
  const recover = (lostResident: Resident): Promise<void> => {
    if (resident !== lostResident) return recovering ?? Promise.resolve();
    recovering ??= (async () => {
      release(lostResident);
      await resetBackend(lostResident.backend);
      const rebuilt = await upload(await choose(lostResident.backend));
      if (disposed) {
        release(rebuilt);
        return;
      }
      resident = rebuilt;
      stale = true;
    })().finally(() => {
      recovering = null;
    });
    return recovering;
  };

  const assertLive = (method: string): void => {
    if (disposed) throw new RecError('INTERNAL', `InterestEngine.${method}() was called after dispose()`);
  };

  /** Runs `work` once on the current resident's backend; a failure due to device loss becomes DeviceLost. */
  const attempt = async <T>(method: string, work: (r: Resident) => Promise<T>): Promise<T> => {
    if (recovering !== null) await recovering;
    const r = resident;
    try {
      return await onBackend(r.backend, async () => {
        assertLive(method);
        if (r.lost !== null) throw new DeviceLost(r.lost, null);
        try {
          return await work(r);
        } catch (error) {
          // `device.lost` settles a moment after the failed read that revealed it.
          if (r.backend === 'webgpu' && !(error instanceof RecError)) await new Promise((resolve) => setTimeout(resolve, 0));
          if (r.lost !== null) throw new DeviceLost(r.lost, error);
          throw error;
        }
      });
    } catch (error) {
      // The dead backend may already be gone from TF.js (a rebuild is under way), so it cannot
      // even be activated: that is the same loss.
      if (r.lost !== null && !disposed && !(error instanceof DeviceLost)) throw new DeviceLost(r.lost, error);
      throw error;
    }
  };

  /**
   * Runs `work` on the engine's backend. If the device is lost before or during it, the engine is
   * rebuilt (recover) and `work` runs once more from the same CPU-side interest vector; a second
   * loss in a row is reported as DEVICE_LOST.
   */
  const run = async <T>(method: string, work: (r: Resident) => Promise<T>): Promise<T> => {
    try {
      return await attempt(method, work);
    } catch (error) {
      if (!(error instanceof DeviceLost)) throw error;
      const lostResident = resident;
      try {
        await recover(lostResident);
        return await attempt(method, work);
      } catch (again) {
        if (again instanceof RecError) throw again;
        const reason = again instanceof DeviceLost ? again.reason : error.reason;
        throw new RecError('DEVICE_LOST', `the GPU device was lost (${reason}) and the engine could not be rebuilt`, {}, { cause: again });
      }
    }
  };

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

  /** The interest tensor on `r`'s backend, uploading `current` when stale. Call inside onBackend. */
  const interestOn = (r: TensorResident): tf.Tensor2D => {
    if (stale || r.interest === null) {
      r.interest?.dispose();
      r.interest = tf.tensor2d(current, [1, dim], 'float32');
      stale = false;
    }
    return r.interest;
  };

  return {
    // A getter: after a device loss the engine may live on another backend.
    get backend() {
      return resident.backend;
    },

    setInterest(vector) {
      assertLive('setInterest');
      checkVector(vector, 'the interest vector');
      // Copied: the caller may reuse the array, and a cpu/wasm tensor may share it. Uploaded by the
      // next update/topK, inside onBackend like all TF.js work.
      current = vector.slice();
      stale = true;
    },

    async update(decay, terms) {
      assertLive('update');
      if (!Number.isFinite(decay)) throw new RecError('INTERNAL', `decay must be a finite number, found ${decay}`);
      checkTerms(terms);
      return run('update', async (r) => {
        if (r.kind === 'wasm-scorer') {
          // The wasm scorer takes the CPU copy of the interest, and for one vector a TF.js dispatch
          // costs more than the math: core's reference update, in JS.
          current = updateInterest(current, decay, terms, vectors, dim);
          return current.slice();
        }
        const previous = interestOn(r);
        const next = tf.tidy(() => combine(previous, decay, terms, r.items));
        let values: Float32Array;
        try {
          // Copied: on cpu, data() hands out the tensor's own storage.
          values = (await next.data<'float32'>()).slice();
        } catch (error) {
          // Keep `previous` (and `current`) so a retry starts from the same interest.
          next.dispose();
          throw error;
        }
        previous.dispose();
        r.interest = next;
        current = values;
        return values.slice();
      });
    },

    async topK(k, excludedRows): Promise<RankedRows> {
      assertLive('topK');
      if (!Number.isInteger(k) || k < 0) throw new RecError('INTERNAL', `k must be a whole number >= 0, found ${k}`);
      return run('topK', async (r) => {
        if (r.kind === 'wasm-scorer') return scorerOf(r).topK(current, k, excludedRows);
        const user = interestOn(r);
        if (r.kernel !== null && r.kernelItems !== null) {
          const ranked = await r.kernel.kernelTopK(r.kernelItems, user, k, excludedRows);
          if (ranked !== null) return ranked;
        }
        const scores = tf.tidy(() => {
          const cosine = tf.matMul(user, r.items, false, true);
          return r.prior === null ? cosine : tf.add(cosine, r.prior);
        });
        try {
          return topK(await scores.data<'float32'>(), k, excludedRows);
        } finally {
          scores.dispose();
        }
      });
    },

    async similarities(rows): Promise<Float32Array> {
      assertLive('similarities');
      rows.forEach((row, i) => {
        if (!Number.isInteger(row) || row < 0 || row >= count) throw new RecError('INTERNAL', `row ${i} is ${row}, expected a whole number below ${count}`);
      });
      if (rows.length === 0) return new Float32Array(0);
      return run('similarities', async (r) => {
        if (r.kind === 'wasm-scorer') return unitGram(vectors, dim, rows);
        // core/rank.ts `gramMatrix`: the candidates' rows, scaled to unit length (a sequence
        // model's item table is not), times themselves, [K, D] x [D, K]; a zero row stays zero.
        const gram = tf.tidy(() => {
          const gathered = tf.gather(r.items, tf.tensor1d([...rows], 'int32'));
          const unit = tf.div(gathered, tf.maximum(tf.norm(gathered, 'euclidean', 1, true), NEGLIGIBLE));
          return tf.matMul(unit, unit, false, true);
        });
        try {
          // Copied: on cpu, data() hands out the tensor's own storage.
          return (await gram.data<'float32'>()).slice();
        } finally {
          gram.dispose();
        }
      });
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      release(resident);
    },
  };
}

/**
 * A failure caused by a lost device (a read fails as soon as the device goes). Internal: `run`
 * turns it into a rebuild and a retry, or into RecError DEVICE_LOST.
 */
class DeviceLost extends Error {
  readonly reason: string;
  constructor(reason: string, cause: unknown) {
    super(`the GPU device was lost (${reason})`, { cause });
    this.reason = reason;
  }
}

/** What the engine keeps on one backend; replaced as a whole when its device is lost. */
type Resident = TensorResident | ScorerResident;

/** The engine on TF.js tensors (and on webgpu, the scoring kernel's). */
interface TensorResident {
  readonly kind: 'tensors';
  readonly backend: BackendName;
  /** The item matrix [N, D]. */
  readonly items: tf.Tensor2D;
  /** The scaled popularity prior [1, N], or null. */
  readonly prior: tf.Tensor2D | null;
  /** On webgpu: the scoring kernel's module and its copy of the items (in itemDtype) and prior. */
  readonly kernel: typeof ScoringKernel | null;
  readonly kernelItems: ScoringKernel.KernelItems | null;
  /** The interest [1, D]; null until first uploaded from the CPU copy. */
  interest: tf.Tensor2D | null;
  /** Why the device was lost, once it has been. */
  lost: string | null;
}

/**
 * The engine on wasm: the wasm scorer holds the items (int8 in its module's memory; the float32
 * `vectors` for the exact re-rank) and the prior; updates are core's math on `vectors`, and
 * similarities a matMul of the candidates' rows only (`unitGram`). No resident TF.js tensors.
 */
interface ScorerResident {
  readonly kind: 'wasm-scorer';
  readonly backend: BackendName;
  /** Null once released. */
  scorer: WasmScorer | null;
  /** Never set: no device to lose; here so that `run` treats both kinds alike. */
  lost: string | null;
}

/** The scorer of a live resident (calls after dispose() were refused before they got here). */
function scorerOf(r: ScorerResident): WasmScorer {
  if (r.scorer === null) throw new RecError('INTERNAL', 'the wasm scorer was used after it was released');
  return r.scorer;
}

/**
 * core/rank.ts `gramMatrix` for the engine on wasm, which keeps no item tensor: the candidates' rows
 * scaled to unit length on the CPU (core's `normalise`), then one matMul on TF.js's wasm backend,
 * handed [K, D] and its transpose [D, K] because wasm's matMul is 5-10x slower with a transposed
 * operand (at 200 x 512 this takes ~2 ms in Node, the loop in JS ~15 ms). Call inside onBackend.
 * @param vectors the item matrix, row-major.
 * @param dim values per row.
 * @param rows the candidates.
 */
async function unitGram(vectors: Float32Array, dim: number, rows: readonly number[]): Promise<Float32Array> {
  const k = rows.length;
  const unit = new Float32Array(k * dim);
  const transposed = new Float32Array(dim * k);
  rows.forEach((row, i) => {
    const scaled = normalise(vectors.subarray(row * dim, (row + 1) * dim));
    unit.set(scaled, i * dim);
    scaled.forEach((value, j) => (transposed[j * k + i] = value));
  });
  const gram = tf.tidy(() => tf.matMul(tf.tensor2d(unit, [k, dim]), tf.tensor2d(transposed, [dim, k])));
  try {
    // Copied: on cpu, data() hands out the tensor's own storage.
    return (await gram.data<'float32'>()).slice();
  } finally {
    gram.dispose();
  }
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
