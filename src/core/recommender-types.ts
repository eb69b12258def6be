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
import type { LoadedModel } from './model.ts';
import type { BackendName, EventStore, ItemSpace, QueryEncoder, SequenceEncoder, StoredData, SyncChannel } from './ports.ts';

/**
 * Why a card is shown: like something the shopper interacted with, matching their search, popular
 * (first visit), placed there by the shop (pinned), or new to the shopper (an exploration slot).
 */
export type Reason =
  | { readonly kind: 'similar'; readonly to: CatalogItem; readonly via: InteractionType }
  | { readonly kind: 'search'; readonly query: string }
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

export interface Ranking {
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
  /** @param query embedded on the device and applied like an interaction. */
  search(query: string): Promise<Ranking>;
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
   * The item matrix the space holds when it is not `model.vectors` (a sequence model's trained
   * table): the state rebuilt from stored events is folded over it, so it equals the live one.
   */
  readonly spaceVectors?: Float32Array;
  readonly store: EventStore;
  /**
   * Told at start-up about a stored state or baseline that does not fit the model (its vector's
   * length) and was rebuilt from the events, or kept without its interest; default: console.warn.
   */
  readonly onInvalidState?: (error: RecError) => void;
  /** Loads the query encoder the first time a search needs it. */
  readonly loadEncoder: () => Promise<QueryEncoder>;
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
