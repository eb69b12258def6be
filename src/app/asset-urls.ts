/**
 * Where the browser fetches the two kinds of files the engine loads besides the model folder: the
 * TF.js wasm backend's binaries and the query encoder's folder (model.json, its weight shards,
 * vocab.json). Both come from the page's own origin, never a CDN.
 *
 * Two ways to say where:
 *  - a base URL (`setAssetsUrl`): the npm package's convention. The shop serves the package's
 *    `dist/package/assets/` folder (the wasm binaries under their TF.js names, and `encoder/`) at
 *    `/vitrine/` (the default) or wherever it says here, before the first grid starts.
 *  - URLs of a build's own (`setBuiltAssetUrls`): the storefront app and the standalone widget build,
 *    whose bundler emits the wasm binaries as hashed assets (bundled-assets.ts) and which serve the
 *    encoder at /encoder/ (vite.config.ts).
 *
 * Module state on purpose: TF.js takes the wasm paths once per page, so this is per page too.
 */
import { RecError } from '../core/index.ts';

/** The file names TF.js asks for, one per wasm build of its backend. */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** Where the npm package's assets are looked for unless the page says otherwise. */
export const DEFAULT_ASSETS_URL = '/vitrine/';

export interface AssetUrls {
  /** TF.js file name -> URL. */
  readonly wasmPaths: Readonly<Record<string, string>>;
  /** The encoder's folder, without a trailing slash. */
  readonly encoderUrl: string;
}

/** From a base URL: the wasm binaries directly in it, the encoder in its `encoder/` folder. */
function fromBase(base: string): AssetUrls {
  const folder = base.endsWith('/') ? base : `${base}/`;
  return {
    wasmPaths: Object.fromEntries(WASM_FILES.map((name) => [name, `${folder}${name}`])),
    encoderUrl: `${folder}encoder`,
  };
}

let current: AssetUrls = fromBase(DEFAULT_ASSETS_URL);

/**
 * Says where the page serves the package's assets (the contents of its `dist/package/assets/`).
 * Call it before the first grid or recommender starts: TF.js reads the wasm paths once per page.
 * @param base a URL path such as "/static/vitrine/" (a trailing slash is added when missing), or an absolute URL.
 * @throws RecError CONFIG_INVALID for a blank base.
 */
export function setAssetsUrl(base: string): void {
  if (typeof base !== 'string' || base.trim() === '') {
    throw new RecError('CONFIG_INVALID', `expected a URL path such as "/vitrine/", found ${JSON.stringify(base)}`, { file: 'setAssetsUrl()', field: 'base' });
  }
  current = fromBase(base.trim());
}

/** A build's own asset URLs (the app's and the standalone widget's: bundled-assets.ts). */
export function setBuiltAssetUrls(urls: AssetUrls): void {
  current = { wasmPaths: { ...urls.wasmPaths }, encoderUrl: urls.encoderUrl.replace(/\/$/, '') };
}

/** The URLs in force now (read when the engine starts and when the encoder loads). */
export function assetUrls(): AssetUrls {
  return current;
}
