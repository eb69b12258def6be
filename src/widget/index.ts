/**
 * The widget's entry (built as dist/widget/vitrine.js, ESM, and dist/widget/vitrine.iife.js, one
 * classic script): importing it registers `<vitrine-grid>` and `<vitrine-list>`. It also exports the element class, the
 * React component over the same core (for React hosts that bundle it from source with their own
 * React), and the types of the events and of `record()`.
 */
// The wasm binaries and the encoder are this build's own (the npm package's entries, src/package,
// say where the shop serves them instead).
import '../app/bundled-assets.ts';
import { defineVitrineGrid } from './vitrine-grid-element.ts';
import { defineVitrineList } from './vitrine-list-element.ts';

defineVitrineGrid();
defineVitrineList();

export { defineVitrineGrid, VitrineGridElement, VITRINE_GRID_TAG } from './vitrine-grid-element.ts';
export { defineVitrineList, VitrineListElement, VITRINE_LIST_TAG } from './vitrine-list-element.ts';
export { VitrineGrid, type VitrineGridCallbacks, type VitrineGridProps } from './VitrineGrid.tsx';
export type {
  HostAvailabilityChange,
  HostInteraction,
  VitrineErrorDetail,
  VitrineImpressionDetail,
  VitrineEventMap,
  VitrineProductDetail,
  VitrineRankedDetail,
} from './events.ts';
