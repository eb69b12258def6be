/**
 * Importing this registers `<vitrine-grid>` and `<vitrine-list>`; it exports the element classes,
 * their tags and the types of their events and calls. The widget's bundle (index.ts) and the npm
 * package's `vitrine/elements` both start from it, each saying where the engine's files come from.
 */
import { defineVitrineGrid } from './vitrine-grid-element.ts';
import { defineVitrineList } from './vitrine-list-element.ts';

defineVitrineGrid();
defineVitrineList();

export { defineVitrineGrid, VitrineGridElement, VITRINE_GRID_TAG } from './vitrine-grid-element.ts';
export { defineVitrineList, VitrineListElement, VITRINE_LIST_TAG } from './vitrine-list-element.ts';
export type {
  HostAvailabilityChange,
  HostInteraction,
  VitrineErrorDetail,
  VitrineImpressionDetail,
  VitrineEventMap,
  VitrineProductDetail,
  VitrineRankedDetail,
} from './events.ts';
