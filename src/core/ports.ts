/**
 * The interfaces core needs from the outside world. Adapters implement them: src/engine (TF.js),
 * src/storage (IndexedDB), the app's HTTP model source; core/memory-store.ts is the in-memory store.
 */
import type { Unsubscribe } from './events.ts';
import type { InteractionEvent } from './interactions.ts';
import type { InterestTerm, RankedRows } from './rank.ts';
import type { InterestState } from './state.ts';

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * The item matrix on a compute backend, and the math over it. Stateless apart from the matrix (and
 * its popularity prior), which is expensive to upload and so stays resident: the shopper's interest
 * lives once, in core's state, and is passed in with every call. The sequence model's interest and
 * the decay rule's vector go through the same calls, with no swapping.
 */
export interface ItemSpace {
  /** Where the matrix lives now (a getter in adapters: a lost GPU device moves it). */
  readonly backend: BackendName;
  /**
   * u' = normalise(decay * u + sum w * v), core/rank.ts `updateInterest` on the backend.
   * @param interest u, dim values; not modified.
   * @param decay the factor for the past.
   * @param terms item rows or outside vectors (a query), each weighted.
   * @returns the new interest vector.
   */
  update(interest: Float32Array, decay: number, terms: readonly InterestTerm[]): Promise<Float32Array>;
  /**
   * Scores every item against `interest` (+ prior) and returns the best k rows not excluded,
   * as core/rank.ts `topK(scoreAll(...))`.
   * @param interest dim values (a unit decay vector, or a sequence model's interest).
   * @param k how many rows.
   * @param excludedRows rows never returned.
   */
  topK(interest: Float32Array, k: number, excludedRows: ReadonlySet<number>): Promise<RankedRows>;
  /**
   * The cosines between some item rows (core/rank.ts `gramMatrix`), for re-ranking candidates;
   * cosines even when the rows are not unit length.
   * @param rows item rows, e.g. the candidates from topK.
   * @returns rows.length² values, row-major.
   */
  similarities(rows: readonly number[]): Promise<Float32Array>;
  /**
   * Fetches in the background what the next ranking is likely to read (a paged space: the pages of
   * the rows its codes ranked just below the last ranking's candidates), once; a space that holds
   * every row has none. A page that fails here is fetched again, and reported, by the ranking that needs it.
   */
  readAhead?(): Promise<void>;
  /** What the space holds now, in bytes (for developers and the bench; a device loss may move it). */
  memory(): ItemSpaceMemory;
  /** Frees the backend memory; the space is unusable afterwards. */
  dispose(): void;
}

/**
 * An item space's memory, in bytes, by where it lives. Counted from what it allocated, as the
 * browser has no per-object measure (performance.memory and CDP's heap figures leave WebAssembly
 * memory out; measureUserAgentSpecificMemory needs a cross-origin isolated page).
 */
export interface ItemSpaceMemory {
  /** The float32 item matrix and popularity it was given, in the JavaScript heap (core reads the same arrays: counted once, here). */
  readonly matrixBytes: number;
  /** Its own tables in the JavaScript heap (the wasm scorer's per-row bounds). */
  readonly tableBytes: number;
  /** Its copy where it computes: WebAssembly memory, or TF.js tensors (GPU buffers on webgpu and webgl). */
  readonly backendBytes: number;
}

/**
 * A trained sequence model on a compute backend: turns the shopper's latest items into the interest
 * vector that scores the catalogue (against the model's own item table, which the ItemSpace
 * then holds).
 */
export interface SequenceEncoder {
  /** The model reads at most this many of the latest items. */
  readonly maxLength: number;
  /**
   * @param rows item rows, oldest first: 1 to maxLength of them.
   * @returns the interest vector (dim values; not unit length).
   */
  interest(rows: readonly number[]): Promise<Float32Array>;
  /** Frees the backend memory; the encoder is unusable afterwards. */
  dispose(): void;
}

/** Embeds text into the item space (the same encoder the builder used). */
export interface QueryEncoder {
  embed(text: string): Promise<Float32Array>;
}

/** One catalogue row a lexical search matched, with its relevance score (higher is better). */
export interface LexicalHit {
  readonly row: number;
  readonly score: number;
  /** The share of the query's product words the row matched (exactly, by prefix or by a typo), in (0, 1]. */
  readonly coverage: number;
}

/** A completion offered while the shopper types: a product title or a category name. */
export interface SearchSuggestion {
  readonly text: string;
  readonly kind: 'title' | 'category';
  /** The product's row, for a title. */
  readonly row: number | null;
}

/**
 * A full-text index over the catalogue's text fields (title, category, description), with field
 * weights, prefix matching and typo tolerance. Only rows that really match the query are returned:
 * enough of its words (stop words aside), each exactly, as a prefix, or within a small edit
 * distance; a query of unknown words returns nothing.
 */
export interface LexicalIndex {
  /**
   * @param query the shopper's words.
   * @param limit at most this many hits.
   * @returns the matching rows, best first (a sharded index fetches the shards of the query's words first).
   */
  search(query: string, limit: number): readonly LexicalHit[] | Promise<readonly LexicalHit[]>;
  /**
   * @param partial what has been typed so far (its last word may be incomplete).
   * @param limit at most this many suggestions.
   * @returns categories and titles that complete it, best first.
   */
  suggest(partial: string, limit: number): readonly SearchSuggestion[] | Promise<readonly SearchSuggestion[]>;
}

/** Everything stored about the shopper, as exported by the privacy panel. */
export interface StoredData {
  readonly events: readonly InteractionEvent[];
  /** The interest state of each model (a cache of baseline + events). */
  readonly states: readonly InterestState[];
  /** Per model, the fold of the events compacted away (storage full, or older than the retention). */
  readonly baselines: readonly InterestState[];
}

/** Which events loadEvents reads. */
export interface EventQuery {
  /** Only events with `time` before this (epoch ms, exclusive); all when absent. */
  readonly before?: number;
}

/**
 * Where the shopper's events and interest state live. The events are the record. Events may be
 * compacted: folded, oldest first, into a per-model `baseline` (an InterestState) and removed, so
 * for each model `baseline ⊕ remaining events` is everything. A stored state is a cache of that
 * fold, trusted only when `state.eventCount === (baseline?.eventCount ?? 0) + countEvents()`.
 */
export interface EventStore {
  /** 'indexeddb' survives reloads; 'memory' is the fallback when storage is unavailable. */
  readonly kind: 'indexeddb' | 'memory';
  /** @param query which events (default: all); @returns them in the order they happened (compareEventOrder: by seq, then time, then id). */
  loadEvents(query?: EventQuery): Promise<InteractionEvent[]>;
  /** How many events are stored (compacted ones are in the baseline's eventCount instead). */
  countEvents(): Promise<number>;
  /** The stored state for this model, if any. */
  loadState(modelKey: string): Promise<InterestState | null>;
  /** The fold of this model's compacted events, if any were compacted for it. */
  loadBaseline(modelKey: string): Promise<InterestState | null>;
  /** Stores the events and the state that includes them, in one transaction: both or neither. */
  append(events: readonly InteractionEvent[], state: InterestState): Promise<void>;
  /**
   * Replaces the baseline of `baseline.modelKey` and removes the events it newly folded, in one
   * transaction: both or neither. `baseline` must be the stored baseline (or an empty state) with
   * exactly the events `removeEventIds` folded in. If the store changed since they were read (another
   * tab compacted or erased, so an event is gone or the stored baseline's eventCount is not
   * `baseline.eventCount - removeEventIds.length`), nothing is written.
   * @param baseline the new baseline.
   * @param removeEventIds the ids of the events it folded in on top of the stored baseline.
   * @returns true when compacted, false when the store changed meanwhile (nothing written).
   */
  compact(baseline: InterestState, removeEventIds: readonly string[]): Promise<boolean>;
  exportAll(): Promise<StoredData>;
  /** Removes every event, state and baseline. */
  eraseAll(): Promise<void>;
  close(): void;
}

/** What one tab tells the other tabs of the same shop (a discriminated union on `kind`). */
export type SyncMessage = { readonly kind: 'events'; readonly events: readonly InteractionEvent[] } | { readonly kind: 'erased' };

/**
 * Keeps tabs of one shop consistent: each tab publishes what it stored, and folds in what others
 * stored. Messages arrive as `unknown` from outside and are validated by the receiver.
 */
export interface SyncChannel {
  /** @param message sent to every other tab, after it is stored. */
  publish(message: SyncMessage): void;
  /** @param listener receives other tabs' messages, unvalidated. */
  subscribe(listener: (message: unknown) => void): Unsubscribe;
  close(): void;
}
