/**
 * The item space of a paged model (core/paged-item-space.ts) with its codes scored in the engine's
 * WebAssembly kernel (kernels/wasm-code-scorer.ts), or by core's loop in JavaScript where the kernel
 * cannot run (a Content-Security-Policy without 'wasm-unsafe-eval'). No backend is measured: a paged
 * model has no whole matrix to upload to one or to time it with.
 */
import type { BackendChoice } from '../core/backend-choice.ts';
import type { LoadedModel } from '../core/model.ts';
import { pagedPartsOf, pagedSpaceOf, pagedSpaceReason } from '../core/paged-item-space.ts';
import type { ItemSpace } from '../core/ports.ts';
import { createWasmCodeScorer } from './kernels/wasm-code-scorer.ts';

/**
 * @param model a loaded model; a paged one's codes move into the kernel's memory.
 * @param priorWeight how much the popularity prior adds to a score.
 * @returns the space and why it computes where it does, or null for a model that is not paged.
 */
export async function openPagedItemSpace(
  model: Pick<LoadedModel, 'matrix' | 'paged' | 'popularity'>,
  priorWeight: number,
): Promise<{ space: ItemSpace; choice: BackendChoice } | null> {
  const parts = pagedPartsOf(model);
  if (parts === null) return null;
  const scorer = (await createWasmCodeScorer(parts.paged, model.popularity, priorWeight)) ?? undefined;
  const space = pagedSpaceOf(model, priorWeight, scorer);
  return space === null ? null : { space, choice: { backend: space.backend, reason: pagedSpaceReason(scorer) } };
}
