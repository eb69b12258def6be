/**
 * `vitrine/react`: the grid as a React component, `<VitrineGrid>` (props in
 * src/widget/VitrineGrid.tsx: the element's attributes, and callbacks where the element dispatches
 * events), rendered with the app's own React (a peer dependency of the package). It renders into
 * the page, not a shadow root: include `vitrine/styles.css` (or rules of your own for its class
 * names). Registers no custom element. The engine's files come from `setAssetsUrl` (default /vitrine/).
 */
export { DEFAULT_ASSETS_URL, setAssetsUrl } from '../app/asset-urls.ts';
export { VitrineGrid, type VitrineGridCallbacks, type VitrineGridProps } from '../widget/VitrineGrid.tsx';
export type { VitrineErrorDetail, VitrineImpressionDetail, VitrineProductDetail, VitrineRankedDetail } from '../widget/events.ts';
