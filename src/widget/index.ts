/**
 * The widget's entry (built as dist/widget/vitrine.js, ESM, and dist/widget/vitrine.iife.js, one
 * classic script): importing it registers `<vitrine-grid>` and `<vitrine-list>` (elements.ts). It
 * also exports the element classes, the React component over the same core (for React hosts that
 * bundle it from source with their own React), and the types of the events and of `record()`.
 */
// The wasm binaries and the encoder are this build's own (the npm package's entries, src/package,
// say where the shop serves them instead); imported first, before the elements can start.
import '../app/bundled-assets.ts';

export * from './elements.ts';
export { VitrineGrid, type VitrineGridCallbacks, type VitrineGridProps } from './VitrineGrid.tsx';
