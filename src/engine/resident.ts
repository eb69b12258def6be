/**
 * What an item space keeps on one backend, and the math it runs there: the item matrix and its
 * prior, uploaded once (the expensive part), and per call the interest the caller passes in. Two
 * kinds, chosen by backend: TF.js tensors (webgpu, webgl, cpu, and wasm where the wasm scorer
 * cannot run) and the wasm scorer (wasm). A device loss replaces a resident as a whole
 * (device-loss-recovery.ts); the item space checks inputs before they get here.
 */
import type { ItemMatrix } from '../core/item-matrix.ts';
import type { BackendName, ItemSpaceMemory } from '../core/ports.ts';
import type { InterestTerm, RankedRows } from '../core/rank.ts';
import type { VectorDtype } from '../core/vectors.ts';
import { openScorerResident } from './scorer-resident.ts';
import { openTensorResident } from './tensor-resident.ts';

/** The model's items as every resident needs them (checked by the item space). */
export interface ResidentItems {
  /** The item matrix (count x dim); shared, never modified (the wasm scorer may move an int8 one's rows into its memory). */
  readonly vectors: ItemMatrix;
  readonly dim: number;
  readonly count: number;
  /** One popularity value per item, or null. */
  readonly popularity: Float32Array | null;
  readonly priorWeight: number;
  /** How the WebGPU kernel stores the matrix (item-space.ts `ItemSpaceOptions.itemDtype`). */
  readonly itemDtype: VectorDtype;
}

/**
 * The item space's math on one backend; each call runs inside backend.ts `onBackend` for that
 * backend, with inputs already checked.
 */
export interface Resident {
  readonly backend: BackendName;
  /** core/rank.ts `updateInterest`. */
  update(interest: Float32Array, decay: number, terms: readonly InterestTerm[]): Promise<Float32Array>;
  /** core/rank.ts `topK(scoreAll(...))`. */
  topK(interest: Float32Array, k: number, excluded: ReadonlySet<number>): Promise<RankedRows>;
  /** core/rank.ts `gramMatrix`. */
  similarities(rows: readonly number[]): Promise<Float32Array>;
  /** ItemSpace.memory: what it holds, counted from what it allocated. */
  memory(): ItemSpaceMemory;
  /** Frees what it holds; idempotent (a lost device's resident may be released twice). */
  release(): void;
}

/**
 * Puts the items on `backend`: on wasm the wasm scorer holds them (no TF.js tensors: they would
 * copy the whole matrix into TF.js's heap for nothing), unless it cannot run there; elsewhere
 * TF.js tensors.
 * @param backend a backend initBackend() has activated.
 * @param items the checked items.
 */
export async function openResident(backend: BackendName, items: ResidentItems): Promise<Resident> {
  const scorer = backend === 'wasm' ? await openScorerResident(backend, items) : null;
  return scorer ?? openTensorResident(backend, items);
}
