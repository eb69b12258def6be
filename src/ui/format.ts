/**
 * Pure formatting for the storefront: reason lines, prices, sizes, backend names, image URLs, error hints.
 * No React here, so it is unit-tested in Node.
 */
import type { BackendName, CatalogItem, InteractionType, LoadProgress, PlacementList, PlacementRequest, Reason, RecErrorCode } from '../core/index.ts';

const VERBS: Partial<Record<InteractionType, string>> = {
  view: 'viewed',
  dwell: 'viewed',
  add_to_cart: 'added',
  purchase: 'bought',
};

/**
 * The most characters of a product title the storefront renders. The catalogue does not bound a
 * title, and laying out a long unbroken one (tens of thousands of characters without a space) takes
 * the browser seconds and freezes the tab; a real title is far shorter than this.
 */
export const MAX_TITLE_CHARS = 200;

/**
 * @param title a catalogue title.
 * @returns it as rendered: at most MAX_TITLE_CHARS UTF-16 code units, cut with an ellipsis (never
 *   between the two halves of a surrogate pair).
 */
export function displayTitle(title: string): string {
  if (title.length <= MAX_TITLE_CHARS) return title;
  let cut = MAX_TITLE_CHARS - 1;
  const last = title.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${title.slice(0, cut)}…`;
}

/**
 * The short line under a card saying why it is shown; null shows nothing.
 * @param reason the ranking's explanation.
 */
export function reasonText(reason: Reason | null): string | null {
  if (reason === null) return null;
  switch (reason.kind) {
    case 'similar':
      return `Because you ${VERBS[reason.via] ?? 'viewed'} ${displayTitle(reason.to.title)}`;
    case 'search':
      return `Matches your search “${reason.query}”`;
    case 'like':
      return `Similar to ${displayTitle(reason.to.title)}`;
    case 'bought-together':
      return `Often bought with ${displayTitle(reason.with.title)}`;
    case 'goes-with':
      return `Goes with ${displayTitle(reason.with.title)}`;
    case 'recent':
      return `You ${VERBS[reason.via] ?? 'viewed'} this`;
    case 'popular':
      return 'Popular right now';
    case 'pinned':
      return 'Featured by the shop';
    case 'explore':
      return 'Something new for you';
  }
}

/** What a placement that fell back to trending says will show there instead. */
const FALLBACK_NOTES: Partial<Record<PlacementRequest['kind'], string>> = {
  'recently-viewed': 'The products you view will show here.',
  'buy-again': 'What you buy regularly will show here when it is due again.',
  complements: 'What goes with the products in your cart will show here.',
};

/**
 * A placement grid's heading and note: what the list is, or, for a fallback, what it shows instead.
 * @param request the placement asked for.
 * @param list its list.
 */
export function placementHeading(request: PlacementRequest, list: PlacementList): { readonly title: string; readonly note: string } {
  if (list.shows === 'similar') {
    const to = list.items[0]?.reason;
    const title = to?.kind === 'like' ? `Similar to ${displayTitle(to.to.title)}` : 'Similar products';
    return { title, note: list.personalised ? 'The most alike first, ordered by your interests on this device.' : 'The most alike first.' };
  }
  if (list.shows === 'complements') {
    if (request.kind === 'complements' && request.item === null) return { title: 'Complete your order', note: 'What goes with your cart.' };
    const bought = list.items.some((entry) => entry.reason?.kind === 'bought-together');
    return {
      title: bought ? 'Frequently bought together' : 'Goes well with it',
      note: bought ? 'What shoppers bought with it, then what goes with it.' : 'Products from other categories that go with it.',
    };
  }
  if (list.shows === 'recently-viewed') return { title: 'Recently viewed', note: 'What you looked at, newest first (kept on this device).' };
  if (list.shows === 'buy-again') return { title: 'Buy again', note: 'What you bought before and may be running out of, the longest ago first.' };
  const category = request.kind === 'trending' ? request.category : null;
  const inCategory = category !== null && list.items.some((entry) => entry.item.category === category);
  const note = FALLBACK_NOTES[request.kind] ?? 'The most popular products of the shop.';
  return { title: inCategory ? `Trending in ${category}` : 'Trending now', note };
}

const priceFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * The catalogue has no currency, so prices are shown as plain amounts.
 * @param price the item's price, or null when unknown.
 */
export function formatPrice(price: number | null): string {
  return price === null ? 'Price on request' : priceFormat.format(price);
}

/** @param bytes a byte count; @returns megabytes with one decimal, e.g. "2.4 MB". */
export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** @param ms a duration; @returns e.g. "3.2 ms" or "1.24 s". */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'CPU',
};

/** What to try, per error code, under the error's own message (error screen and fallback notice). */
export const ERROR_HINTS: Readonly<Partial<Record<RecErrorCode, string>>> = {
  MODEL_FETCH_FAILED: 'Check that the model has been built (npm run models:demo) and that the “models” URL parameter names it.',
  MANIFEST_INVALID: 'The model folder holds a manifest this version cannot read. Rebuild the model.',
  MODEL_FILE_SIZE_MISMATCH: 'A model file does not match its manifest: it may be truncated or from another build. Rebuild the model.',
  MODEL_CHECKSUM_MISMATCH: 'A model file does not match its manifest: it may be corrupted or from another build. Rebuild the model.',
  MODEL_DIMENSION_MISMATCH: 'The vectors do not have the shape the manifest declares. Rebuild the model.',
  MODEL_VECTORS_INVALID: 'The vectors file holds invalid values. Rebuild the model.',
  CATALOG_INVALID: 'The catalogue file does not match the model. Rebuild the model.',
  CONFIG_INVALID: 'Fix the URL parameter named above (models, backend or limit) and reload.',
  BACKEND_UNAVAILABLE: 'No compute backend could start in this browser.',
  WEBGPU_UNAVAILABLE: 'WebGPU is not available here; try ?backend=wasm.',
};

/** Phases of starting the storefront: the model's own, then the app's. */
export type StartupPhase = LoadProgress['phase'] | 'engine' | 'storage' | 'ranking';

export const PHASE_LABELS: Readonly<Record<StartupPhase, string>> = {
  manifest: 'Reading the model manifest',
  files: 'Downloading the product embeddings',
  verifying: 'Checking the files',
  ready: 'Model loaded',
  engine: 'Starting the compute backend',
  storage: 'Opening your on-device history',
  ranking: 'Ranking the products',
};

/** A stand-in origin for telling same-origin URLs from others without a DOM (see imageSrc). */
const PAGE_ORIGIN = 'https://storefront.invalid';

/**
 * Only same-origin images are shown: the CSP allows no others (img-src 'self'), and an image
 * fetched from a third party would tell it which products this shopper's on-device ranking shows.
 * Anything else (another origin, `//host/…`, `\\host\…`, `javascript:`, `data:`) gets the placeholder.
 * @param modelUrl the model folder's URL path, e.g. "/models/demo".
 * @param item the catalogue item.
 * @returns the image URL (relative catalogue paths resolve against the model folder), or null.
 */
export function imageSrc(modelUrl: string, item: CatalogItem): string | null {
  const image = item.image;
  if (image === null || image === '') return null;
  const src = image.startsWith('/') || /^[a-z][a-z\d+.-]*:/i.test(image) ? image : `${modelUrl}/${image}`;
  // Resolved the way the browser will resolve it (it also strips tabs and newlines, and reads
  // backslashes as slashes), against a page of a stand-in origin.
  let resolved: URL;
  try {
    resolved = new URL(src, `${PAGE_ORIGIN}/`);
  } catch {
    return null;
  }
  return resolved.origin === PAGE_ORIGIN ? src : null;
}

/** @param events newest first or any order; @returns a count per type, in a stable order. */
export function countByType(events: readonly { readonly type: InteractionType }[]): Array<readonly [InteractionType, number]> {
  const counts = new Map<InteractionType, number>();
  for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export const EVENT_LABELS: Readonly<Record<InteractionType, string>> = {
  impression: 'Shown',
  view: 'Viewed',
  dwell: 'Time on page',
  add_to_cart: 'Added to cart',
  remove_from_cart: 'Removed from cart',
  purchase: 'Bought',
  search: 'Searched',
  // The shopper did not do this: it is read into a click further down the grid, and says so.
  skip: 'Skipped (inferred: you clicked a product below it)',
};

/**
 * Serialises the export for download: Float32Array vectors become number arrays.
 * @param data anything exportData() returned.
 */
export function toExportJson(data: unknown): string {
  return JSON.stringify(data, (_key, value: unknown) => (value instanceof Float32Array ? Array.from(value) : value), 2);
}
