/**
 * `vitrine/elements`: importing it registers `<vitrine-grid>` and `<vitrine-list>` (README, "Embed
 * the grid in your own pages"), rendered with the page's own React (a peer dependency of the
 * package). It exports the element classes, their tags and the types of their events and calls.
 * The engine's files come from `setAssetsUrl` (default /vitrine/).
 */
export { DEFAULT_ASSETS_URL, setAssetsUrl } from '../app/asset-urls.ts';
export * from '../widget/elements.ts';
