/**
 * The asset URLs of a build that bundles the engine itself (the storefront app, the standalone
 * widget in dist/widget/, the React host page the e2e suite serves from source): the wasm binaries
 * its bundler emitted (engine/wasm-asset-urls.ts) and the encoder at /encoder/ (vite.config.ts
 * serves and copies it there). Importing this module says so (asset-urls.ts); the npm package's
 * entries (src/package) never import it, so a shop's bundle carries no copy of the binaries.
 */
import { WASM_PATHS } from '../engine/wasm-asset-urls.ts';
import { setBuiltAssetUrls } from './asset-urls.ts';

setBuiltAssetUrls({ wasmPaths: WASM_PATHS, encoderUrl: '/encoder' });
