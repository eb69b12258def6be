/**
 * The ONLY module that picks and activates TF.js backends. It owns the order (webgpu, webgl, wasm,
 * cpu, with a preferred one first), the capability checks, the loading of each backend package, and
 * the page-wide queue that every piece of TF.js work in src/engine runs through.
 *
 * Why it is shaped like this:
 *  - Each backend package is loaded with a dynamic `import()` only when it is tried, so a shopper
 *    on a WebGPU browser never downloads the webgl or wasm code (we import `@tensorflow/tfjs-core`,
 *    never the `@tensorflow/tfjs` umbrella, which registers webgl and cpu eagerly).
 *  - Browser globals are touched lazily, inside functions, so this module also loads in Node (the
 *    builder and the unit tests run on wasm or cpu there).
 *  - A backend counts only after a tiny computation on it reads back the right numbers with
 *    `await data()`: a backend that initialises but computes wrongly is skipped like a missing one.
 *  - Two backends are used at once in the browser: the item space on the fastest one (webgpu)
 *    and the text encoder on wasm or cpu (its graph loses the WebGPU device on the software adapter,
 *    and gives different vectors on webgl). TF.js has ONE active backend, and an op whose input
 *    lives on another backend silently moves it there with `readSync`, which returns zeros for
 *    webgpu tensors. So work for different backends must never interleave: `onBackend()` queues
 *    each piece of work behind the previous one and activates its backend first. The queue is
 *    module state on purpose: it guards TF.js's own page-wide state, of which there is one.
 *  - A GPU device can be lost. TF.js would keep handing out the dead backend, so `resetBackend()`
 *    makes it build a fresh one (new adapter and device) on the next initBackend(); the item space
 *    uses it to rebuild itself (see device-loss-recovery.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { RecError } from '../core/errors.ts';
import { BACKEND_NAMES, type BackendName } from '../core/ports.ts';

/** Where the wasm backend finds its `.wasm` files: a URL prefix, or one URL per file name. */
export type WasmPaths = Parameters<typeof setWasmPaths>[0];

/** Settings of initBackend. */
export interface BackendOptions {
  /** A backend to try first (from config or the URL), or null for the default order. */
  readonly preferred: BackendName | null;
  /** The backends that may be used at all (default: every one). */
  readonly allowed?: readonly BackendName[];
  /**
   * Where the wasm backend's `.wasm` files are served (our own origin). Not needed in Node, where
   * the package finds them next to its own code.
   */
  readonly wasmPaths?: WasmPaths;
  /**
   * Told about each backend that was tried and skipped, with the reason (for logs and notices).
   * @param backend the skipped backend.
   * @param reason why it was skipped.
   */
  readonly onSkip?: (backend: BackendName, reason: string) => void;
}

/**
 * The order in which backends are tried: the preferred one first, then the rest of
 * webgpu, webgl, wasm, cpu (fastest first on a real GPU; cpu always works).
 * @param preferred the backend to try first, or null.
 * @param allowed the backends that may be tried at all (default: every one); a preferred backend
 *   that is not allowed is left out.
 * @returns each allowed backend name exactly once.
 */
export function backendOrder(preferred: BackendName | null, allowed: readonly BackendName[] = BACKEND_NAMES): BackendName[] {
  const rest = BACKEND_NAMES.filter((name) => name !== preferred && allowed.includes(name));
  return preferred !== null && allowed.includes(preferred) ? [preferred, ...rest] : rest;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `work` after every piece of work queued before it has settled. */
function exclusive<T>(work: () => T | Promise<T>): Promise<T> {
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Runs TF.js work with `backend` active, never interleaved with work for another backend (see the
 * header). Do not call it from inside `work`: the inner call would wait for the outer one forever.
 * @param backend a backend that initBackend() has activated before.
 * @param work creates, computes and reads tensors; it may be async (it keeps the backend until it
 *   settles).
 * @returns what `work` returns.
 * @throws RecError BACKEND_UNAVAILABLE when the backend can no longer be activated.
 */
export function onBackend<T>(backend: BackendName, work: () => T | Promise<T>): Promise<T> {
  return exclusive(async () => {
    if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) {
      throw new RecError('BACKEND_UNAVAILABLE', `the TF.js backend "${backend}" could not be activated again`);
    }
    return work();
  });
}

/**
 * Calls `onLost` once if the GPU device behind `backend` is lost (a driver reset, or the browser
 * reclaiming the GPU): every tensor on it is gone then. Does nothing for backends without a device.
 * @param backend an initialised backend.
 * @param onLost receives the browser's reason.
 */
export function watchDeviceLoss(backend: BackendName, onLost: (reason: string) => void): void {
  if (backend !== 'webgpu') return;
  void webGpuDevice()?.lost.then((info) => onLost(`${info.reason}: ${info.message}`));
}

/**
 * Forgets a backend whose device was lost, so that the next initBackend() builds it afresh (for
 * webgpu: a new adapter and device) instead of handing back the dead instance TF.js keeps in its
 * registry. The package's factory is registered again under the same name and priority; its
 * kernels stay registered (they are keyed by the name). Dispose the tensors that lived on the
 * backend first: this frees what is left of its memory.
 * @param backend the backend to forget; nothing happens if it was never registered.
 */
export function resetBackend(backend: BackendName): Promise<void> {
  return exclusive(() => {
    const engine = tf.engine();
    const entry = engine.registryFactory[backend];
    if (entry === undefined) return;
    engine.removeBackend(backend);
    engine.registerBackend(backend, entry.factory, entry.priority);
  });
}

/**
 * TEST HOOK (reachable only from src/app/test-hooks.ts, which only test builds include): destroys
 * the WebGPU device TF.js computes on, as a driver reset or the browser reclaiming the GPU would.
 * @returns the reason the device reports once lost, or null when no WebGPU device is in use.
 */
export function destroyWebGpuDevice(): Promise<string | null> {
  return exclusive(async () => {
    const device = webGpuDevice();
    if (device === null) return null;
    device.destroy();
    const info = await device.lost;
    return `${info.reason}: ${info.message}`;
  });
}

/** The subset of GPUDevice used here (the WebGPU types are not part of the project's lib). */
interface LosableDevice {
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
  destroy(): void;
}

/** The device of TF.js's initialised webgpu backend, if there is one. */
function webGpuDevice(): LosableDevice | null {
  // The registry holds the initialised WebGPUBackend, whose `device` is public in its d.ts, but
  // typed as GPUDevice, which would pull @webgpu/types into every consumer of this module.
  const instance = tf.engine().registry['webgpu'] as { device?: LosableDevice } | undefined;
  return instance?.device ?? null;
}

/**
 * Names this browser and its WebGPU adapter (GPUAdapterInfo), e.g. to key measurements made on it
 * (the backend choice's cache key). Asks for an adapter without creating a device.
 * @returns the user agent, plus the adapter's vendor, architecture and description when there is one.
 */
export async function describeDevice(): Promise<string> {
  const userAgent = typeof navigator === 'undefined' ? 'no navigator' : navigator.userAgent;
  // The WebGPU types are not part of the project's lib (see webGpuDevice below).
  const gpu =
    typeof navigator !== 'undefined' && 'gpu' in navigator ? (navigator.gpu as { requestAdapter(): Promise<{ info?: Record<string, unknown> } | null> }) : null;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  const info = adapter?.info ?? {};
  const adapterName = ['vendor', 'architecture', 'description'].map((field) => String(info[field] ?? '')).join('/');
  return `${userAgent}|${adapter === null || adapter === undefined ? 'no WebGPU adapter' : adapterName}`;
}

/**
 * Activates the first backend, in backendOrder(preferred, allowed), that loads, initialises and
 * computes correctly. Calling it again is cheap: an already initialised backend is reused.
 * @param options the preferred and allowed backends, wasm file locations and a skip listener.
 * @returns the backend now active.
 * @throws RecError BACKEND_UNAVAILABLE when none works, listing why each was skipped.
 */
export function initBackend(options: BackendOptions): Promise<BackendName> {
  return exclusive(async () => {
    const reasons: string[] = [];
    for (const name of backendOrder(options.preferred, options.allowed)) {
      const reason = await tryBackend(name, options);
      if (reason === null) return name;
      reasons.push(`${name}: ${reason}`);
      options.onSkip?.(name, reason);
    }
    throw new RecError('BACKEND_UNAVAILABLE', `no TF.js backend works in this environment (${reasons.length === 0 ? 'none allowed' : reasons.join('; ')})`);
  });
}

/** @returns null when `name` is now the active backend, else why not. */
async function tryBackend(name: BackendName, options: BackendOptions): Promise<string | null> {
  try {
    const missing = await loadBackend(name, options);
    if (missing !== null) return missing;
    if (!(await tf.setBackend(name))) return 'it failed to initialise';
    await tf.ready();
    return (await computesCorrectly()) ? null : 'a test computation gave wrong results';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Imports the backend's package (which registers it with tfjs-core) after a capability check.
 * @returns null when registered, else why it cannot be.
 */
async function loadBackend(name: BackendName, options: BackendOptions): Promise<string | null> {
  switch (name) {
    case 'webgpu':
      if (!(typeof navigator !== 'undefined' && 'gpu' in navigator)) return 'navigator.gpu is missing (no WebGPU in this browser)';
      await import('@tensorflow/tfjs-backend-webgpu');
      // The package registers 'webgpu' only when it finds WebGPU support itself.
      return tf.findBackendFactory('webgpu') === null ? 'WebGPU is not supported here' : null;
    case 'webgl':
      if (typeof document === 'undefined' && typeof OffscreenCanvas === 'undefined') return 'no canvas to create a WebGL context on';
      await import('@tensorflow/tfjs-backend-webgl');
      return null;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // setWasmPaths must run before the backend initialises (it throws afterwards).
      if (options.wasmPaths !== undefined && tf.engine().registry['wasm'] === undefined) wasm.setWasmPaths(options.wasmPaths);
      return null;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return null;
  }
}

/** A tiny computation read back asynchronously (dataSync returns zeros on some webgpu setups). */
async function computesCorrectly(): Promise<boolean> {
  const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6])));
  try {
    const values = await sum.data();
    return values[0] === 5 && values[1] === 7 && values[2] === 9;
  } finally {
    sum.dispose();
  }
}
