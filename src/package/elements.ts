/**
 * `vitrine/elements`: importing it registers `<vitrine-grid>` and `<vitrine-list>` (README, "Embed
 * the grid in your own pages"), rendered with the page's own React (a peer dependency of the
 * package). It exports the element classes, their tags and the types of their events and calls.
 * The engine's files come from `setAssetsUrl` (default /vitrine/).
 */
import { defineVitrineGrid } from '../widget/vitrine-grid-element.ts';
import { defineVitrineList } from '../widget/vitrine-list-element.ts';

defineVitrineGrid();
defineVitrineList();

export { DEFAULT_ASSETS_URL, setAssetsUrl } from '../app/asset-urls.ts';
export { defineVitrineGrid, VitrineGridElement, VITRINE_GRID_TAG } from '../widget/vitrine-grid-element.ts';
export { defineVitrineList, VitrineListElement, VITRINE_LIST_TAG } from '../widget/vitrine-list-element.ts';
export type {
  HostAvailabilityChange,
  HostInteraction,
  VitrineErrorDetail,
  VitrineEventMap,
  VitrineImpressionDetail,
  VitrineProductDetail,
  VitrineRankedDetail,
} from '../widget/events.ts';
