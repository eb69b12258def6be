// initBackend when no backend initialises: tfjs-core's setBackend is mocked to fail for every one.
import type * as TfCore from '@tensorflow/tfjs-core';
import { expect, it, vi } from 'vitest';
import { initBackend } from './backend.ts';

vi.mock('@tensorflow/tfjs-core', async (importOriginal) => ({
  ...(await importOriginal<typeof TfCore>()),
  setBackend: () => Promise.resolve(false),
}));

it('throws BACKEND_UNAVAILABLE listing why each backend was skipped', async () => {
  const error = await initBackend({ preferred: 'cpu' }).catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE', kind: 'environment' });
  expect(String(error)).toMatch(/cpu: it failed to initialise; webgpu: navigator\.gpu is missing .*; webgl: .*; wasm: it failed to initialise/);
});
