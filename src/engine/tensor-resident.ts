/**
 * The item space on TF.js tensors (webgpu, webgl, cpu; wasm where the wasm scorer cannot run): the
 * item matrix [N, D] and the scaled popularity prior [1, N] stay resident; the interest arrives
 * with each call, is uploaded as a [1, D] tensor and freed with everything else the call made.
 *
 * Backend facts it is built around (measured on software WebGPU, see ENVIRONMENT.md):
 *  - scores are `matMul(u[1,D], items[N,D], false, true)`: 6-25x faster on webgpu than
 *    `matMul(items, u[D,1])`;
 *  - on webgpu (dim a multiple of 4), scoring + top-K is one dedicated kernel
 *    (kernels/score-top-k-webgpu.ts) that reads back only the k best rows, over its own copy of
 *    the matrix stored as `itemDtype` (float32, or the model's float16/int8 layout, unpacked in the
 *    shader); elsewhere, and when k is beyond what the kernel selects, the N scores are read back
 *    and the best k chosen with core's `topK`, which keeps core's deterministic tie-break;
 *  - everything is read back with `await data()`: `dataSync()` silently returns zeros on webgpu.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../core/ports.ts';
import { topK } from '../core/rank.ts';
import { encodeVectors } from '../core/vectors.ts';
import { onBackend } from './backend.ts';
import { kernelSupportsDim, packForKernel } from './kernels/kernel-layout.ts';
import type { Resident, ResidentItems } from './resident.ts';
import { combine, readFloats, unitGram, weightedPrior } from './tensor-math.ts';

/**
 * Uploads the items and the prior to `backend` (and on webgpu, the kernel's copy of them).
 * @param backend a backend initBackend() has activated.
 * @param items the checked items.
 */
export async function openTensorResident(backend: BackendName, items: ResidentItems): Promise<Resident> {
  const { vectors, dim, count, itemDtype } = items;
  const prior = weightedPrior(items.popularity, items.priorWeight);
  // Loaded only on webgpu: the module imports the webgpu backend package.
  const kernel = backend === 'webgpu' && kernelSupportsDim(dim) ? await import('./kernels/score-top-k-webgpu.ts') : null;
  // Created outside any tidy: these live until released.
  // An int8 matrix is decoded for the upload; the backend keeps the copy (on cpu, TF.js may keep this very array).
  const float32 = vectors.toFloat32();
  const resident = await onBackend(backend, () => ({
    items: tf.tensor2d(float32, [count, dim], 'float32'),
    prior: prior === null ? null : tf.tensor2d(prior, [1, count], 'float32'),
    kernelItems: kernel === null ? null : kernel.uploadKernelItems(packForKernel(encodeVectors(float32, count, dim, itemDtype), count, dim, itemDtype), prior),
  }));
  const upload = (interest: Float32Array): tf.Tensor2D => tf.tensor2d(interest, [1, dim], 'float32');
  let released = false;

  return {
    backend,

    update: async (interest, decay, terms) => readFloats(tf.tidy(() => combine(upload(interest), decay, terms, resident.items))),

    async topK(interest, k, excluded) {
      const user = upload(interest);
      try {
        if (kernel !== null && resident.kernelItems !== null) {
          const ranked = await kernel.kernelTopK(resident.kernelItems, user, k, excluded);
          if (ranked !== null) return ranked;
        }
        const scores = tf.tidy(() => {
          const cosine = tf.matMul(user, resident.items, false, true);
          return resident.prior === null ? cosine : tf.add(cosine, resident.prior);
        });
        try {
          return topK(await scores.data<'float32'>(), k, excluded);
        } finally {
          scores.dispose();
        }
      } finally {
        user.dispose();
      }
    },

    similarities: async (rows) => readFloats(tf.tidy(() => unitGram(resident.items, rows))),

    memory() {
      if (released) return { matrixBytes: 0, tableBytes: 0, backendBytes: 0 };
      const kernelItems = resident.kernelItems;
      const kept = [resident.items, resident.prior, kernelItems?.values ?? null, kernelItems?.scales ?? null, kernelItems?.prior ?? null];
      return {
        matrixBytes: vectors.heapBytes() + (items.popularity?.byteLength ?? 0),
        tableBytes: 0,
        // Every tensor here is float32 or int32: 4 bytes a value. (On the cpu backend TF.js may keep the given array instead of a copy.)
        backendBytes: kept.reduce((sum, tensor) => sum + (tensor === null ? 0 : tensor.size * 4), 0),
      };
    },

    release() {
      released = true;
      // Disposing needs no active backend: each tensor is freed on the backend it lives on.
      resident.items.dispose();
      resident.prior?.dispose();
      if (resident.kernelItems !== null) kernel?.disposeKernelItems(resident.kernelItems);
    },
  };
}
