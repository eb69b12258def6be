/** The pure core of Vitrine: no DOM, TF.js, IndexedDB or React. Adapters implement its ports. */
export {
  createRecommender,
  type InterestModel,
  type Recommender,
  type RecommenderDeps,
  type Ranking,
  type RankedItem,
  type Reason,
  type SearchView,
} from './recommender.ts';
export { createMemoryEventStore } from './memory-store.ts';
export { loadModel, type LoadedModel, type LoadProgress, type ModelSource } from './model.ts';
export type { ModelFile } from './manifest.ts';
export { isContentNamed } from './model-file.ts';
export type { ItemMatrix, ItemRows } from './item-matrix.ts';
export { pagedPartsOf, pagedSpaceOf } from './paged-item-space.ts';
export { isPagedMatrix, type PagedItemMatrix } from './paged-matrix.ts';
export type { PagedItems } from './vector-pages.ts';
export { loadFallbackCatalog, type FallbackCatalog } from './fallback.ts';
export { parseStorefrontConfig, type StorefrontConfig } from './config.ts';
export { AVAILABILITY_FILE, parseAvailabilityChanges, type AvailabilityChange } from './live-catalog.ts';
export type { InPlaceOrder } from './in-place.ts';
export { parsePlacement, PLACEMENTS, type PlacementList, type PlacementName, type PlacementRequest } from './placements.ts';
export { MAX_GRID_SIZE } from './constants.ts';
export { RecError, isRecError, toRecError, type RecErrorCode } from './errors.ts';
export type { CatalogItem } from './catalog.ts';
export type { ItemId, SessionId, Score } from './ids.ts';
export { toItemId, toSessionId } from './ids.ts';
export { randomId } from './random-id.ts';
export type { InteractionEvent, InteractionInput, InteractionType } from './interactions.ts';
export { parseInteractionInput } from './interactions.ts';
export type {
  BackendName,
  EventStore,
  ItemSpace,
  ItemSpaceMemory,
  LexicalHit,
  LexicalIndex,
  QueryEncoder,
  SearchSuggestion,
  SequenceEncoder,
  StoredData,
} from './ports.ts';
export { calibrationKey, chooseBackend, type BackendChoice, type BackendProbe, type BackendTrial, type CalibrationStore } from './backend-choice.ts';
export { compareRankings, type RankingAgreement } from './ranking-agreement.ts';
export { decodeSequenceItemTable, type SequenceItemTable } from './sequence-items.ts';
export type { InterestState } from './state.ts';
export type { Unsubscribe } from './events.ts';
