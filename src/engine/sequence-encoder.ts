/**
 * The TF.js implementation of core's SequenceEncoder port: the model's trained sequence model
 * (engine/sequence-model.ts) resident on the backend the item space runs on, turning the
 * shopper's latest items into the interest vector that scores the catalogue.
 *
 * The weights are decoded once onto that backend (WebGPU first, falling back like the space) and
 * kept there. The space may move: after a lost GPU device it rebuilds itself on a new device or
 * another backend (device-loss-recovery.ts). The encoder therefore asks where the space runs on every
 * call and, when that changed or its own device was lost, frees what is left and decodes the
 * weights again there; a call that fails because the device went during it runs once more. All
 * TF.js work goes through backend.ts `onBackend`, the result is read back with `await data()`
 * (`dataSync()` returns zeros on webgpu here), and every tensor is freed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../core/errors.ts';
import type { LoadedSequenceModel } from '../core/model.ts';
import type { BackendName, SequenceEncoder } from '../core/ports.ts';
import { onBackend, watchDeviceLoss } from './backend.ts';
import { decodeSequenceWeights, sequenceInterest } from './sequence-model.ts';

/** Settings of createSequenceEncoder. */
export interface SequenceEncoderOptions {
  /** The sequence model as loadModel verified it. */
  readonly model: LoadedSequenceModel;
  /**
   * Where the item space runs now (its `backend` getter, which follows a rebuild after a lost
   * device); the encoder computes there, so the two never switch TF.js backends back and forth.
   */
  readonly backend: () => BackendName;
}

/** The decoded weights on one backend. */
interface Resident {
  readonly backend: BackendName;
  readonly weights: Map<string, tf.Tensor>;
  /** Why the device was lost, once it has been. */
  lost: string | null;
}

/**
 * Decodes the weights onto the item space's backend.
 * @param options the model and where the space runs.
 * @returns the encoder; call `dispose()` to free its backend memory.
 */
export async function createSequenceEncoder(options: SequenceEncoderOptions): Promise<SequenceEncoder> {
  const { spec, weights: bytes } = options.model;
  const { architecture } = spec;
  let resident: Resident | null = null;
  let disposed = false;

  const release = (r: Resident): void => {
    for (const tensor of r.weights.values()) tensor.dispose();
  };

  const decodeOn = async (backend: BackendName): Promise<Resident> => {
    const weights = await onBackend(backend, () => decodeSequenceWeights(spec, bytes));
    const created: Resident = { backend, weights, lost: null };
    watchDeviceLoss(backend, (reason) => {
      created.lost = reason;
    });
    return created;
  };

  /** The weights on the space's current backend, decoded again if the space moved or the device was lost. */
  const residentNow = async (): Promise<Resident> => {
    const backend = options.backend();
    if (resident !== null && resident.backend === backend && resident.lost === null) return resident;
    if (resident !== null) release(resident);
    resident = null;
    const created = await decodeOn(backend);
    if (disposed) {
      release(created);
      throw new RecError('INTERNAL', 'SequenceEncoder.interest() was called after dispose()');
    }
    resident = created;
    return created;
  };

  const compute = async (rows: readonly number[]): Promise<Float32Array> => {
    const r = await residentNow();
    return onBackend(r.backend, async () => {
      const interest = tf.tidy(() => sequenceInterest(r.weights, architecture, tf.tensor2d([...rows], [1, rows.length], 'int32')));
      try {
        // Copied: on cpu, data() hands out the tensor's own storage.
        return (await interest.data<'float32'>()).slice();
      } finally {
        interest.dispose();
      }
    });
  };

  resident = await decodeOn(options.backend());
  return {
    maxLength: architecture.maxLength,

    async interest(rows) {
      if (disposed) throw new RecError('INTERNAL', 'SequenceEncoder.interest() was called after dispose()');
      if (rows.length < 1 || rows.length > architecture.maxLength) {
        throw new RecError('INTERNAL', `a sequence of ${rows.length} items; the model reads 1 to ${architecture.maxLength}`);
      }
      rows.forEach((row, i) => {
        if (!Number.isInteger(row) || row < 0 || row >= architecture.itemCount) {
          throw new RecError('INTERNAL', `row ${i} is ${row}, expected a whole number below ${architecture.itemCount}`);
        }
      });
      try {
        return await compute(rows);
      } catch (error) {
        // If the device went during the call (its `lost` settles a moment after the failed read),
        // once more, on wherever the space runs now.
        await new Promise((settle) => setTimeout(settle, 0));
        if (disposed || resident === null || resident.lost === null) throw error;
        return compute(rows);
      }
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      if (resident !== null) release(resident);
      resident = null;
    },
  };
}
