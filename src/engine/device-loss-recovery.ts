/**
 * Keeps an item space usable when its GPU device is lost (a driver reset, the browser reclaiming
 * the GPU, or the e2e test hook's GPUDevice.destroy()), which takes every tensor on it. The space's
 * only state is its items and prior, which the CPU still has, and the interest comes with each
 * call, so a rebuild loses nothing: when the device's `lost` promise settles, or a call fails
 * because of it, the resident is freed, backend.ts forgets the dead backend, and the items are
 * uploaded again on the first backend that works (a new WebGPU device first, then the usual
 * order). The call that met the loss runs again on the rebuilt resident; a second loss in a row is
 * RecError DEVICE_LOST. `backend` follows the rebuild, so core's rankings name the new backend.
 * Core and the UI need not know: to them the next interaction simply re-ranks.
 *
 * All work runs through backend.ts `onBackend`, so it never interleaves with work for another
 * backend (the text encoder's), and this module owns the space's lifecycle: after dispose() every
 * call is refused, and a rebuild that finishes afterwards is freed at once.
 */
import { RecError } from '../core/errors.ts';
import type { BackendName } from '../core/ports.ts';
import { onBackend, resetBackend, watchDeviceLoss } from './backend.ts';

/** Something resident on one backend (resident.ts `Resident`). */
export interface Releasable {
  readonly backend: BackendName;
  /** Frees it; must be idempotent. */
  release(): void;
}

/** A resident that is rebuilt after a device loss, and the lifecycle of the space around it. */
export interface Recovering<R extends Releasable> {
  /** The backend of the current resident (it changes when a rebuild lands elsewhere). */
  readonly backend: BackendName;
  /** The current resident (replaced when a rebuild lands); read it, do not keep it. */
  readonly resident: R;
  /**
   * Runs `work` on the current resident, with its backend active. If the device is lost before or
   * during it, the resident is rebuilt and `work` runs once more.
   * @param method the ItemSpace method, for the message when it is called after dispose().
   * @throws RecError DEVICE_LOST when the device is lost again (or the rebuild fails for it);
   *   INTERNAL after dispose(); anything `work` throws.
   */
  run<T>(method: string, work: (resident: R) => Promise<T>): Promise<T>;
  /** @throws RecError INTERNAL after dispose(). */
  assertLive(method: string): void;
  /** Frees the resident (and any rebuild under way, once it lands); idempotent. */
  dispose(): void;
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

/** A resident and whether its device was lost. */
interface Watched<R> {
  readonly resident: R;
  /** Why the device was lost, once it has been. */
  lost: string | null;
}

/**
 * Opens the first resident and watches its device.
 * @param open chooses a backend (`preferred` first) and puts the items there; called again for
 *   each rebuild, with the lost backend preferred.
 * @param preferred the backend to try first, or null for the default order.
 */
export async function openRecovering<R extends Releasable>(
  open: (preferred: BackendName | null) => Promise<R>,
  preferred: BackendName | null,
): Promise<Recovering<R>> {
  let disposed = false;
  /** The rebuild under way after a device loss, if any. */
  let recovering: Promise<void> | null = null;

  const watch = (resident: R): Watched<R> => {
    const watched: Watched<R> = { resident, lost: null };
    watchDeviceLoss(resident.backend, (reason) => {
      watched.lost = reason;
      // Rebuild right away, so the shopper's next interaction does not wait for it. A failed
      // rebuild is retried by that interaction (run), which reports it.
      void Promise.resolve()
        .then(() => recover(watched))
        .catch(() => undefined);
    });
    return watched;
  };

  let current = watch(await open(preferred));

  /**
   * Replaces a resident whose device was lost: frees it, forgets the dead backend, and opens again
   * on the first backend that works (the same one first, e.g. a new WebGPU device).
   */
  const recover = (lost: Watched<R>): Promise<void> => {
    if (current !== lost) return recovering ?? Promise.resolve();
    recovering ??= (async () => {
      lost.resident.release();
      await resetBackend(lost.resident.backend);
      const rebuilt = watch(await open(lost.resident.backend));
      if (disposed) {
        rebuilt.resident.release();
        return;
      }
      current = rebuilt;
    })().finally(() => {
      recovering = null;
    });
    return recovering;
  };

  const assertLive = (method: string): void => {
    if (disposed) throw new RecError('INTERNAL', `ItemSpace.${method}() was called after dispose()`);
  };

  /** Runs `work` once on the current resident's backend; a failure due to device loss becomes DeviceLost. */
  const attempt = async <T>(method: string, work: (resident: R) => Promise<T>): Promise<T> => {
    if (recovering !== null) await recovering;
    const watched = current;
    try {
      return await onBackend(watched.resident.backend, async () => {
        assertLive(method);
        if (watched.lost !== null) throw new DeviceLost(watched.lost, null);
        try {
          return await work(watched.resident);
        } catch (error) {
          // `device.lost` settles a moment after the failed read that revealed it.
          if (watched.resident.backend === 'webgpu' && !(error instanceof RecError)) await new Promise((resolve) => setTimeout(resolve, 0));
          if (watched.lost !== null) throw new DeviceLost(watched.lost, error);
          throw error;
        }
      });
    } catch (error) {
      // The dead backend may already be gone from TF.js (a rebuild is under way), so it cannot
      // even be activated: that is the same loss.
      if (watched.lost !== null && !disposed && !(error instanceof DeviceLost)) throw new DeviceLost(watched.lost, error);
      throw error;
    }
  };

  return {
    get backend() {
      return current.resident.backend;
    },

    get resident() {
      return current.resident;
    },

    async run(method, work) {
      try {
        return await attempt(method, work);
      } catch (error) {
        if (!(error instanceof DeviceLost)) throw error;
        try {
          await recover(current);
          return await attempt(method, work);
        } catch (again) {
          if (again instanceof RecError) throw again;
          const reason = again instanceof DeviceLost ? again.reason : error.reason;
          throw new RecError('DEVICE_LOST', `the GPU device was lost (${reason}) and the engine could not be rebuilt`, {}, { cause: again });
        }
      }
    },

    assertLive,

    dispose() {
      if (disposed) return;
      disposed = true;
      current.resident.release();
    },
  };
}
