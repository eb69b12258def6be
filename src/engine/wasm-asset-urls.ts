/**
 * The URLs of the TF.js wasm backend's binaries, emitted by Vite as our own assets (the `?url`
 * suffix), so the wasm fallback never fetches from a CDN. Keys are the file names TF.js asks for.
 * For browser bundles only (the storefront and the bench page): Node resolves the files itself, so
 * engine/index.ts does not re-export this.
 */
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export const WASM_PATHS: Readonly<Record<string, string>> = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
};
