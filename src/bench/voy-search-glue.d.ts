// voy-search ships its wasm-bindgen glue without types for the bundler-less entry we load (see
// bench-page.ts loadVoy): the same API as the package's main module, plus the wasm setter.
declare module 'voy-search/voy_search_bg.js' {
  export * from 'voy-search';
  export function __wbg_set_wasm(exports: WebAssembly.Exports): void;
}
