/**
 * Hooks that let the end-to-end tests inject faults a shopper's browser would meet on its own
 * (issue 7), on `window.__vitrineTestHooks`. They exist ONLY in test builds: main.tsx loads this
 * module behind `__VITRINE_TEST_HOOKS__`, a constant vite.config.ts defines as `true` only when the
 * build runs with VITRINE_TEST_HOOKS=1 (the e2e webServer in playwright.config.ts sets it). In any
 * other build the constant is `false`, the import is dead code, and this module is not emitted at
 * all: no URL parameter or console call can reach it in production.
 *
 * Hooks:
 *  - `loseGpuDevice()`: GPUDevice.destroy() on the device TF.js's webgpu backend computes on, as a
 *    driver reset would; resolves with the device's loss reason, or null when WebGPU is not in use.
 *    The interest engine then rebuilds itself (src/engine/interest-engine.ts).
 */
import { destroyWebGpuDevice } from '../engine/index.ts';

/** What the tests find on `window.__vitrineTestHooks`. */
export interface VitrineTestHooks {
  /** @returns the loss reason ("destroyed: …"), or null when no WebGPU device is in use. */
  loseGpuDevice(): Promise<string | null>;
}

declare global {
  interface Window {
    __vitrineTestHooks?: VitrineTestHooks;
  }
}

/** Puts the hooks on `window` (test builds only, see the header). */
export function installTestHooks(): void {
  window.__vitrineTestHooks = { loseGpuDevice: destroyWebGpuDevice };
}
