/**
 * An item space on the backend core's policy picks (core/backend-choice.ts `chooseBackend`): the
 * one asked for, else the verdict cached for this device and model shape, else the fastest whose
 * ranking agrees with core's reference, measured here (measure-backend.ts). The composition root's
 * one call; the choice comes back beside the space, for the UI to show.
 *
 * Only the likely winners are measured, wasm first: its SIMD scorer wins every interaction case in
 * docs/benchmarks.md on this kind of machine, and it opens fastest, so it sets the bound the others
 * must beat early. A GPU backend is measured only when the WebGPU adapter is not a software one
 * (SwiftShader, llvmpipe: a CPU in disguise, measured 10-30x slower than wasm there, and opening
 * webgl on it compiles shaders for seconds).
 */
import { calibrationKey, chooseBackend, type BackendChoice, type CalibrationStore, type ChoiceRequest } from '../core/backend-choice.ts';
import { asMatrix } from '../core/item-matrix.ts';
import type { ItemSpace } from '../core/ports.ts';
import type { ItemSpaceOptions } from './item-space.ts';
import { createBackendProbe, type MeasureOptions } from './measure-backend.ts';

/** Settings of createCalibratedItemSpace, beyond createItemSpace's. */
export interface CalibrationOptions extends MeasureOptions {
  /** Keeps verdicts between visits; none: measure every time. */
  readonly store?: CalibrationStore;
  /** Names the device (browser + GPU adapter) in the cache key, e.g. backend.ts describeDevice(). */
  readonly device: string;
  /** The measuring's time budget (default: core's MEASURE_BUDGET_MS). */
  readonly budgetMs?: number;
}

/** A software WebGPU adapter, as describeDevice() names it. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|basic render/i;

/**
 * @param device describeDevice()'s name of the device.
 * @returns the backends worth measuring there, likeliest winner first, and why the others are not.
 */
export function likelyBackends(device: string): NonNullable<ChoiceRequest['likely']> {
  if (SOFTWARE_ADAPTER.test(device)) return { backends: ['wasm', 'cpu'], othersBecause: 'software GPU adapter' };
  return { backends: ['wasm', 'webgpu', 'webgl', 'cpu'], othersBecause: '' };
}

/**
 * Creates the item space on the backend that measures fastest here and computes correctly, or on
 * `options.backend` when one is given (an explicit choice wins; no measurement).
 * @param options the space's options; `backend` null means "choose by measurement", and
 *   `allowedBackends` limits what is measured.
 * @param calibration where verdicts are cached, the device's name, the trial count and the sequence
 *   model (its architecture is part of the cache key: the time depends on the shape, not the values).
 * @returns the space, and the choice with its reason.
 * @throws RecError BACKEND_UNAVAILABLE when no backend works (or none agrees with the reference).
 */
export async function createCalibratedItemSpace(
  options: ItemSpaceOptions,
  calibration: CalibrationOptions,
): Promise<{ space: ItemSpace; choice: BackendChoice }> {
  const sequence = calibration.sequence?.spec.architecture;
  const cacheKey = calibrationKey({
    device: calibration.device,
    count: asMatrix(options.vectors, options.dim).count,
    dim: options.dim,
    dtype: options.itemDtype ?? 'float32',
    ...(sequence === undefined ? {} : { sequence }),
  });
  const { opened, choice } = await chooseBackend(
    {
      asked: options.backend,
      ...(options.allowedBackends === undefined ? {} : { allowed: options.allowedBackends }),
      ...(calibration.store === undefined ? {} : { store: calibration.store }),
      cacheKey,
      withSequence: sequence !== undefined,
      likely: likelyBackends(calibration.device),
      ...(calibration.budgetMs === undefined ? {} : { budgetMs: calibration.budgetMs }),
    },
    createBackendProbe(options, calibration),
  );
  return { space: opened, choice };
}
