/**
 * The item space on wasm (dim a multiple of 16): kernels/wasm-scorer.ts holds the items (int8 in
 * its module's memory, where an int8 model's matrix is then read from; float32 rows stay in JS for
 * the exact re-rank) and the prior, and scores with
 * a hand-written WebAssembly SIMD pass. It takes the interest on the CPU, so updates are core's
 * reference `updateInterest` in JS (for one vector a TF.js dispatch costs more than the math), and
 * similarities one TF.js matMul of the candidates' rows only (tensor-math.ts `unitGramOfRows`).
 * No resident TF.js tensors.
 */
import { RecError } from '../core/errors.ts';
import { isInt8Matrix } from '../core/item-matrix.ts';
import type { BackendName } from '../core/ports.ts';
import { updateInterest } from '../core/rank.ts';
import { createWasmScorer, wasmScorerSupportsDim, type WasmScorer } from './kernels/wasm-scorer.ts';
import type { Resident, ResidentItems } from './resident.ts';
import { unitGramOfRows } from './tensor-math.ts';

/**
 * @param backend 'wasm', active.
 * @param items the checked items.
 * @returns the resident, or null where the wasm scorer cannot run (dim not a multiple of 16, no
 *   WebAssembly SIMD, or a Content-Security-Policy that forbids compiling it).
 */
export async function openScorerResident(backend: BackendName, items: ResidentItems): Promise<Resident | null> {
  const { vectors, dim, popularity, priorWeight } = items;
  if (!wasmScorerSupportsDim(dim)) return null;
  /** Null once released: a module's memory has no explicit free, it is garbage once unreferenced. */
  let scorer: WasmScorer | null = await createWasmScorer({ vectors, dim, popularity, priorWeight });
  if (scorer === null) return null;
  return {
    backend,
    update: async (interest, decay, terms) => updateInterest(interest, decay, terms, vectors, dim),
    async topK(interest, k, excluded) {
      // Calls after dispose() are refused before they get here.
      if (scorer === null) throw new RecError('INTERNAL', 'the wasm scorer was used after it was released');
      return scorer.topK(interest, k, excluded);
    },
    similarities: async (rows) => unitGramOfRows(vectors, dim, rows),
    memory() {
      if (scorer === null) return { matrixBytes: 0, tableBytes: 0, backendBytes: 0 };
      return { matrixBytes: vectors.heapBytes() + (popularity?.byteLength ?? 0), tableBytes: scorer.ownBytes.tables, backendBytes: scorer.ownBytes.module };
    },
    release() {
      // A calibration that moves on to another backend releases this scorer: an int8 matrix reading
      // its rows from the scorer's memory takes them back, so that memory can go.
      if (scorer?.holdsRowsOf(vectors) === true && isInt8Matrix(vectors)) vectors.moveToHeap();
      scorer = null;
    },
  };
}
