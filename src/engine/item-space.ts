/**
 * The TF.js implementation of core's ItemSpace port: the item matrix (and its popularity prior)
 * resident on a compute backend chosen by backend.ts, and core/rank.ts's reference math run there
 * (`updateInterest`, `topK(scoreAll(...))`, `gramMatrix`); unit tests hold the two together. The
 * interest is passed in with every call, so nothing about the shopper is kept here.
 *
 * This module checks inputs and composes the parts: resident.ts (what lives on the backend:
 * TF.js tensors, or the wasm scorer on wasm) and device-loss-recovery.ts (a lost GPU device
 * rebuilds the resident and retries the call). Every tensor a call makes is freed before it
 * returns.
 */
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { RecError } from '../core/errors.ts';
import { asMatrix, type ItemRows } from '../core/item-matrix.ts';
import type { BackendName, ItemSpace } from '../core/ports.ts';
import type { InterestTerm } from '../core/rank.ts';
import { matrixRowCount, type VectorDtype } from '../core/vectors.ts';
import { initBackend, type WasmPaths } from './backend.ts';
import { openRecovering } from './device-loss-recovery.ts';
import { openResident, type ResidentItems } from './resident.ts';

/** Settings of createItemSpace. */
export interface ItemSpaceOptions {
  /**
   * The item matrix (count x dim): L2-normalised rows, or a sequence model's trained item table
   * (scored against its interest as is). Float32 values are uploaded as they are (the cpu and wasm
   * backends may share the array rather than copy it, so do not mutate it afterwards); the wasm
   * scorer takes an int8 matrix's rows into its module memory, where the matrix then reads them.
   */
  readonly vectors: ItemRows;
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
 * Activates a backend (backend.ts) and uploads the item matrix and the prior.
 * @param options the model's vectors and prior, and the backend to prefer.
 * @returns the space; call `dispose()` to free its backend memory.
 * @throws RecError MODEL_DIMENSION_MISMATCH when the arrays do not fit `dim`; CONFIG_INVALID for a
 *   priorWeight that is not finite; BACKEND_UNAVAILABLE when no backend works.
 */
export async function createItemSpace(options: ItemSpaceOptions): Promise<ItemSpace> {
  const { vectors, dim, popularity } = options;
  const priorWeight = options.priorWeight ?? DEFAULT_PRIOR_WEIGHT;
  const count = matrixRowCount(vectors, dim, popularity);
  if (!Number.isFinite(priorWeight)) {
    throw new RecError('CONFIG_INVALID', `priorWeight must be a finite number, found ${priorWeight}`, { field: 'priorWeight' });
  }
  const items: ResidentItems = { vectors: asMatrix(vectors, dim), dim, count, popularity, priorWeight, itemDtype: options.itemDtype ?? 'float32' };
  const choose = (preferred: BackendName | null): Promise<BackendName> =>
    initBackend({
      preferred,
      ...(options.allowedBackends === undefined ? {} : { allowed: options.allowedBackends }),
      ...(options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths }),
      ...(options.onBackendSkip === undefined ? {} : { onSkip: options.onBackendSkip }),
    });
  const space = await openRecovering(async (preferred) => openResident(await choose(preferred), items), options.backend);
  const checks = inputChecks(dim, count);

  return {
    // A getter: after a device loss the space may live on another backend.
    get backend() {
      return space.backend;
    },

    async update(interest, decay, terms) {
      space.assertLive('update');
      checks.vector(interest, 'the interest vector');
      if (!Number.isFinite(decay)) throw new RecError('INTERNAL', `decay must be a finite number, found ${decay}`);
      checks.terms(terms);
      // Copied: the caller may reuse the array while the call waits its turn on the backend.
      const u = interest.slice();
      return space.run('update', (resident) => resident.update(u, decay, terms));
    },

    async topK(interest, k, excludedRows) {
      space.assertLive('topK');
      if (!Number.isInteger(k) || k < 0) throw new RecError('INTERNAL', `k must be a whole number >= 0, found ${k}`);
      checks.vector(interest, 'the interest vector');
      const u = interest.slice();
      return space.run('topK', (resident) => resident.topK(u, k, excludedRows));
    },

    async similarities(rows) {
      space.assertLive('similarities');
      rows.forEach((row, i) => checks.row(row, `row ${i} is ${row}`));
      if (rows.length === 0) return new Float32Array(0);
      return space.run('similarities', (resident) => resident.similarities(rows));
    },

    memory() {
      return space.resident.memory();
    },

    dispose() {
      space.dispose();
    },
  };
}

/** The checks of the space's inputs against the model's shape; each throws a RecError naming the bad value. */
function inputChecks(dim: number, count: number) {
  const vector = (values: Float32Array, what: string): void => {
    if (values.length !== dim) throw new RecError('MODEL_DIMENSION_MISMATCH', `${what} has ${values.length} values, the model has dim ${dim}`);
  };
  const row = (value: number, what: string): void => {
    if (!Number.isInteger(value) || value < 0 || value >= count) throw new RecError('INTERNAL', `${what}, expected a whole number below ${count}`);
  };
  const terms = (list: readonly InterestTerm[]): void => {
    list.forEach((term, i) => {
      if (!Number.isFinite(term.weight)) throw new RecError('INTERNAL', `term ${i} has weight ${term.weight}, expected a finite number`);
      if (term.kind === 'vector') vector(term.vector, `term ${i}'s vector`);
      else row(term.row, `term ${i} names row ${term.row}`);
    });
  };
  return { vector, row, terms };
}
