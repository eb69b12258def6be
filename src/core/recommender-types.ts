/**
 * The Recommender's public shape: what it is given (RecommenderDeps), what it returns (Ranking,
 * RankedItem, Reason) and what it emits (RecommenderEvents). The behaviour is in recommender.ts and
 * the rooms it composes.
 */
import type { CatalogItem } from './catalog.ts';
import type { RecError } from './errors.ts';
import type { Unsubscribe } from './events.ts';
import type { ItemId, Score, SessionId } from './ids.ts';
import type { InteractionInput, InteractionType } from './interactions.ts';
import type { ItemRows } from './item-matrix.ts';
import type { InPlaceOrder } from './in-place.ts';
import type { AvailabilityChange } from './live-catalog.ts';
import type { LoadedModel } from './model.ts';
import type { PlacementList, PlacementRequest } from './placements.ts';
import type {
  BackendName,
  EventStore,
  ItemSpace,
  ItemSpaceMemory,
  LexicalIndex,
  QueryEncoder,
  SearchSuggestion,
  SequenceEncoder,
  StoredData,
  SyncChannel,
} from './ports.ts';

/**
 * Why a card is shown: like something the shopper interacted with, matching their search, popular
 * (first visit), placed there by the shop (pinned), or new to the shopper (an exploration slot); in
 * a placement (placements.ts), like the product on show, or recently seen by the shopper.
 */
export type Reason =
  | { readonly kind: 'similar'; readonly to: CatalogItem; readonly via: InteractionType }
  | { readonly kind: 'search'; readonly query: string }
  /** A `similar` placement: like the item it is shown for. */
  | { readonly kind: 'like'; readonly to: CatalogItem }
  /** A `complements` placement: bought together with an anchor (the item or one in the cart) in the shop's log. */
  | { readonly kind: 'bought-together'; readonly with: CatalogItem }
  /** A `complements` placement: close to an anchor in text, from another category (complements.ts). */
  | { readonly kind: 'goes-with'; readonly with: CatalogItem }
  /** A `recently-viewed` placement: the shopper's own latest interaction with it. */
  | { readonly kind: 'recent'; readonly via: InteractionType }
  | { readonly kind: 'popular' }
  | { readonly kind: 'pinned' }
  | { readonly kind: 'explore' };

/** What scored a grid: a trained sequence model's interest, or the decay rule's vector. */
export type InterestModel = 'sequence' | 'decay';

export interface RankedItem {
  readonly item: CatalogItem;
  readonly row: number;
  readonly position: number;
  readonly score: Score;
  readonly reason: Reason | null;
}

/** A search on show: what was searched and how much matched. */
export interface SearchView {
  /** The query as searched (trimmed, whitespace collapsed). */
  readonly query: string;
  /** How many available items match (the grid shows the first gridSize of them). */
  readonly resultCount: number;
  /** When nothing matched: category names to offer instead (nearest the query in meaning). */
  readonly suggestions: readonly string[];
  /** False when the query could not be embedded on the device: the matches are by its words only. */
  readonly semantic: boolean;
}

export interface Ranking {
  /**
   * 'for-you': the shopper's grid; 'search': the matches of `search.query` only, most relevant first,
   * re-ordered within by the shopper's interest.
   */
  readonly mode: 'for-you' | 'search';
  /** The search on show (mode 'search'), else null. */
  readonly search: SearchView | null;
  readonly items: readonly RankedItem[];
  readonly backend: BackendName;
  /** Why the item space runs on that backend (e.g. measured fastest on this device), when it says. */
  readonly backendReason?: string;
  /** Which interest vector scored this grid (see recommender.ts). */
  readonly interestModel: InterestModel;
  /**
   * Milliseconds from the interaction to the new ranking, ready to show: the interest update, the
   * store's write and the ranking (scores, top-k, arrangement, reasons), which run side by side.
   */
  readonly tookMs: number;
  /** How many events the ranking reflects. */
  readonly eventCount: number;
  /**
   * How many of those events the shopper did: views, dwells, cart changes, purchases and searches,
   * not impressions (what was on screen) nor skips (inferred from a click further down).
   */
  readonly actionCount: number;
  /** False until the shopper has done something that moves their interest. */
  readonly personalised: boolean;
}

/** A ranking before it is shown: `show` adds how long it took to be ready. */
export type UnshownRanking = Omit<Ranking, 'tookMs'>;

/** Raw events folded into the stored baseline and removed (their effect on the ranking is kept). */
export interface Compaction {
  /** 'storage-full': a write hit the storage quota; 'retention': the events were older than retentionMs. */
  readonly reason: 'storage-full' | 'retention';
  /** How many events were compacted. */
  readonly events: number;
}

// A type alias, not an interface: it satisfies the emitter's event-map constraint without an index
// signature, so a misspelt event name does not type-check.
export type RecommenderEvents = {
  ranking: [ranking: Ranking];
  /** An environment problem the shopper should know about; the recommender keeps working. */
  notice: [error: RecError];
  /** Older history was compacted; nothing the shopper needs to act on. */
  compacted: [compaction: Compaction];
};

export interface Recommender {
  readonly backend: BackendName;
  readonly model: LoadedModel;
  /** Where events are kept now ('memory' after storage failed). */
  readonly storage: EventStore['kind'];
  /** The latest ranking. */
  ranking(): Ranking;
  /** What the item space holds now, in bytes (ItemSpace.memory), for developers and the bench. */
  itemSpaceMemory(): ItemSpaceMemory;
  /**
   * Runs what a click runs (the interest update and the ranking) for a view of the first item on
   * show, and drops the result: nothing is stored, shown, emitted or counted. Called in idle time
   * after the first grid, so that the shopper's first click does not also pay for compiling that
   * code (on the demo here the first click's grid came in 55-121 ms without it, 39-51 ms with it).
   */
  rehearse(): Promise<void>;
  /** Items in the cart (added, not removed or bought), oldest first. */
  cart(): readonly CatalogItem[];
  /**
   * Records an interaction and re-ranks. A view/add-to-cart at a grid position also records the
   * impressed cards above it as skips. Impressions are stored without re-ranking.
   * @param input the interaction.
   */
  record(input: InteractionInput): Promise<Ranking>;
  /** @param shown cards that became visible, with their grid positions. */
  recordImpressions(shown: readonly { readonly item: ItemId; readonly position: number }[]): Promise<void>;
  /**
   * Shows the matches of a query (hybrid search, search.ts), personalised within. A query with
   * matches is recorded as an interaction (it moves the interest); one without is not, and the
   * ranking says so (no items, suggestions). Interactions keep the search on show until clearSearch.
   * @param query the shopper's words.
   * @throws RecError INPUT_INVALID for a blank query.
   */
  search(query: string): Promise<Ranking>;
  /** Leaves the search: the "for you" grid again. */
  clearSearch(): Promise<Ranking>;
  /**
   * A placement's list for the shopper now (placements.ts); compute it again after each `ranking`
   * event, as the shopper's interest and history move.
   * @param request which placement (parsePlacement reads one from a host's settings).
   * @param limit at most this many items.
   * @throws RecError UNKNOWN_ITEM when `similar` names an item not in the catalogue.
   */
  placement(request: PlacementRequest, limit: number): Promise<PlacementList>;
  /**
   * The order of a shop's own list for this shopper (in-place.ts): the ids the model knows by the
   * interest that scores "For you", the shop's order breaking ties and standing until the shopper
   * has done anything.
   * @param ids the shop's list, in its order.
   */
  rankItems(ids: readonly ItemId[]): Promise<InPlaceOrder>;
  /**
   * Stock and price changes from the shop, without a rebuild (live-catalog.ts): every grid and
   * placement respects them from the ranking this returns (announced as a `ranking` event) on.
   * @param changes `{item, inStock?, price?}` each; later ones win.
   * @returns the new ranking, and the ids the model does not have (ignored until the next build).
   */
  setAvailability(changes: readonly AvailabilityChange[]): Promise<{ readonly ranking: Ranking; readonly ignored: readonly ItemId[] }>;
  /**
   * Completions while the shopper types (the lexical index only: no encoder, no interest).
   * @param partial what has been typed.
   * @param limit at most this many.
   */
  suggest(partial: string, limit: number): Promise<readonly SearchSuggestion[]>;
  /**
   * Starts loading what a search needs (the index, the encoder) ahead of time; never rejects.
   * @param moment 'asked' (default): the shopper turned to the search box; 'quiet': the page is idle,
   *   and a sharded catalogue's index, which needs every card downloaded, waits to be asked for.
   */
  prepareSearch(moment?: 'asked' | 'quiet'): void;
  exportData(): Promise<StoredData>;
  /** Erases everything stored and returns the first-visit ranking. */
  erase(): Promise<Ranking>;
  on<Name extends keyof RecommenderEvents>(name: Name, listener: (...args: RecommenderEvents[Name]) => void): Unsubscribe;
  dispose(): void;
}

export interface RecommenderDeps {
  readonly model: LoadedModel;
  /** The item matrix on a compute backend; closed by dispose(). */
  readonly space: ItemSpace;
  /** Why the space runs on its backend (e.g. measured fastest on this device), shown with each ranking. */
  readonly backendReason?: string;
  /**
   * The model's trained sequence model, when it has one: it then scores the grid from the shopper's
   * latest items (see recommender.ts), over the item table the space was given. Closed by
   * dispose(), like the space.
   */
  readonly sequenceEncoder?: SequenceEncoder;
  /**
   * The item matrix the space holds when it is not `model.matrix` (a sequence model's trained
   * table): the state rebuilt from stored events is folded over it, so it equals the live one.
   */
  readonly spaceVectors?: ItemRows;
  readonly store: EventStore;
  /**
   * Told at start-up about a stored state or baseline that does not fit the model (its vector's
   * length) and was rebuilt from the events, or kept without its interest; default: console.warn.
   */
  readonly onInvalidState?: (error: RecError) => void;
  /** Loads the query encoder the first time a search needs it. */
  readonly loadEncoder: () => Promise<QueryEncoder>;
  /** Builds or loads the catalogue's full-text index the first time a search or a suggestion needs it. */
  readonly loadLexicalIndex: () => Promise<LexicalIndex>;
  readonly session: SessionId;
  /**
   * Other tabs of the same shop: what this tab stores is published, what they store is folded in.
   * Like the space and the store, it is closed by dispose().
   */
  readonly sync?: SyncChannel;
  readonly gridSize?: number;
  readonly halfLifeMs?: number;
  /** Raw events older than this (ms) are compacted at start-up (default DEFAULT_RETENTION_MS, 90 days). */
  readonly retentionMs?: number;
  /** Wall clock (epoch ms) for event times. */
  readonly now?: () => number;
  /** Monotonic clock (ms) for measuring re-rank time. */
  readonly monotonic?: () => number;
  readonly newEventId?: () => string;
  /**
   * Seeds the exploration slots (with the session's interaction count), so a session's grids are
   * reproducible; default: derived from `session`.
   */
  readonly explorationSeed?: number;
  /**
   * Resolves once the browser has had the chance to paint the interaction's immediate feedback;
   * an interaction is ranked after it, so the ranking's work is not part of the frame that answers
   * the click (Interaction to Next Paint). Default: at once (Node, tests).
   */
  readonly yieldToPaint?: () => Promise<void>;
}
