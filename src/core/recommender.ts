/**
 * The Recommender: events in, rankings out. It records each interaction in the EventStore together
 * with the interest state that includes it (one transaction), moves the interest vector on the
 * InterestEngine, re-ranks, and explains each card. It is pure orchestration over ports, so the
 * browser, the widget and the Node evaluation all run this same code.
 *
 * Compaction: raw events are folded, oldest first, into the model's stored baseline and removed
 * (EventStore.compact) when a write finds the storage full (the oldest half, then the write is
 * retried once) and, at start-up, when they are older than the retention period. The fold is
 * replay's, so `baseline ⊕ remaining events` rebuilds what replaying every event would have; the
 * live state already includes the compacted events, so the shopper sees no change. A baseline
 * serves only its model (it is a fold over that model's vectors): after a model change the old
 * model's baseline is left as it is and the new model starts from the events still stored, with its
 * own eventCount, so the stored state of the new model is trusted again after one replay.
 *
 * Interest models: the decay rule's vector (state.vector, moved by the engine on every interaction)
 * always scores the grid unless the model has a trained sequence model (a SequenceEncoder) and the
 * shopper has items in their sequence: then the grid is scored with the encoder's interest of the
 * latest items, recomputed on every interaction. A search hands the grid back to the decay vector,
 * which holds the query, until the next item interaction. The decay vector keeps being updated and
 * stored either way, so the engine gets it back after each sequence-scored ranking.
 */
import type { CatalogItem } from './catalog.ts';
import { DEFAULT_GRID_SIZE, DEFAULT_HALF_LIFE_MS, DEFAULT_RETENTION_MS, REASON_MIN_SIMILARITY } from './constants.ts';
import { RecError, toRecError } from './errors.ts';
import { createEmitter, type Unsubscribe } from './events.ts';
import { toScore, type ItemId, type Score, type SessionId } from './ids.ts';
import { checkInput, interactionWeight, parseEvent, type InteractionEvent, type ItemEvent, type InteractionInput, type InteractionType } from './interactions.ts';
import type { LoadedModel } from './model.ts';
import type { BackendName, EventStore, InterestEngine, QueryEncoder, SequenceEncoder, StoredData, SyncChannel } from './ports.ts';
import { arrangeGrid, explorationSlots, type ArrangedSource } from './list-quality.ts';
import { seededRandom, seedFromText } from './random.ts';
import { decayFactor, project, rowSimilarity, updateInterest, type InterestTerm } from './rank.ts';
import { outOfStockRows, unavailableRows } from './shop-rules.ts';
import { advanceState, emptyState, type InterestState } from './state.ts';
import { modelKey } from './manifest.ts';
import { randomId } from './random-id.ts';

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
  /** Why the engine runs on that backend (e.g. measured fastest on this device), when it says. */
  readonly backendReason?: string;
  /** Which interest vector scored this grid (see the module header). */
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
type UnshownRanking = Omit<Ranking, 'tookMs'>;

/** Raw events folded into the stored baseline and removed (their effect on the ranking is kept). */
export interface Compaction {
  /** 'storage-full': a write hit the storage quota; 'retention': the events were older than retentionMs. */
  readonly reason: 'storage-full' | 'retention';
  /** How many events were compacted. */
  readonly events: number;
}

export interface RecommenderEvents {
  [name: string]: readonly unknown[];
  ranking: [ranking: Ranking];
  /** An environment problem the shopper should know about; the recommender keeps working. */
  notice: [error: RecError];
  /** Older history was compacted; nothing the shopper needs to act on. */
  compacted: [compaction: Compaction];
}

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
  readonly engine: InterestEngine;
  /**
   * The model's trained sequence model, when it has one: it then scores the grid from the shopper's
   * latest items (see the module header), over the item table the engine was given. Closed by
   * dispose(), like the engine.
   */
  readonly sequenceEncoder?: SequenceEncoder;
  /**
   * The item matrix the engine holds when it is not `model.vectors` (a sequence model's trained
   * table): the state rebuilt from stored events is folded over it, so it equals the live one.
   */
  readonly engineVectors?: Float32Array;
  readonly store: EventStore;
  /** Loads the query encoder the first time a search needs it. */
  readonly loadEncoder: () => Promise<QueryEncoder>;
  readonly session: SessionId;
  /**
   * Other tabs of the same shop: what this tab stores is published, what they store is folded in.
   * Like the engine and the store, it is closed by dispose().
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

/** At most this many events wait in memory for storage to work again (about 200 bytes each). */
const MAX_UNSAVED_EVENTS = 5000;

/** Cards above a clicked one that count as skipped (the nearest ones only). */
const MAX_SKIPS_PER_CLICK = 3;

/**
 * Restores the shopper's state (or rebuilds it from their events for a new model) and ranks.
 * @param deps the ports and settings.
 */
export async function createRecommender(deps: RecommenderDeps): Promise<Recommender> {
  const { model, engine, sequenceEncoder, session } = deps;
  const engineVectors = deps.engineVectors ?? model.vectors;
  const { dim } = model.manifest;
  const gridSize = deps.gridSize ?? DEFAULT_GRID_SIZE;
  const halfLifeMs = deps.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  const retentionMs = deps.retentionMs ?? DEFAULT_RETENTION_MS;
  if (!(retentionMs > 0)) throw new RecError('CONFIG_INVALID', `retentionMs must be a positive number of milliseconds, got ${retentionMs}`, { field: 'retentionMs' });
  const now = deps.now ?? (() => Date.now());
  const monotonic = deps.monotonic ?? (() => performance.now());
  const newEventId = deps.newEventId ?? randomId;
  const yieldToPaint = deps.yieldToPaint ?? (() => Promise.resolve());
  const key = modelKey(model.manifest);
  const emitter = createEmitter<RecommenderEvents>();

  const store = deps.store;
  let encoder: Promise<QueryEncoder> | null = null;
  let lastQueryVector: Float32Array | null = null;
  let impressed = new Set<ItemId>();
  /** Rows this session's grids have shown: exploration offers only others. */
  let shown = new Set<number>();
  /** Interactions recorded in this session (not impressions): exploration shrinks as they grow. */
  let interactions = 0;
  const explorationSeed = deps.explorationSeed ?? seedFromText(session);
  const outOfStock = outOfStockRows(model.items);
  /** Events not stored yet because storage failed, oldest first (see persist). */
  let unsaved: InteractionEvent[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  const getEncoder = (): Promise<QueryEncoder> => {
    encoder ??= deps.loadEncoder().catch((error: unknown) => {
      encoder = null;
      throw toRecError(error, 'ENCODER_UNAVAILABLE');
    });
    return encoder;
  };

  const embedQuery = async (query: string): Promise<Float32Array> => {
    const vector = await (await getEncoder()).embed(query);
    const expected = model.manifest.encoder.dim;
    if (vector.length !== expected) {
      throw new RecError('MODEL_DIMENSION_MISMATCH', `the query encoder gives ${vector.length} values, the model's encoder ${expected}`, { field: 'search' });
    }
    return model.projection === null ? vector : project(vector, model.projection, dim);
  };

  const termsFor = async (event: InteractionEvent): Promise<InterestTerm[]> => {
    const weight = interactionWeight(event);
    if (weight === 0) return [];
    if (event.type === 'search') return [{ kind: 'vector', vector: await embedQuery(event.query), weight }];
    const row = model.rowOf.get(event.item);
    // An event for an item no longer in the catalogue still counts as an event but moves nothing.
    return row === undefined ? [] : [{ kind: 'row', row, weight }];
  };

  /**
   * Folds events, oldest first, onto a state with the reference math (fast on the CPU): how the
   * state is rebuilt from the baseline and the stored events, and how a baseline is extended when
   * events are compacted. A search whose query cannot be embedded now counts but moves nothing.
   */
  const fold = async (start: InterestState, events: readonly InteractionEvent[]): Promise<InterestState> => {
    let state = start;
    for (const event of events) {
      const decay = state.lastEventTime === null ? 1 : decayFactor(event.time - state.lastEventTime, halfLifeMs);
      const terms = await termsFor(event).catch(() => []);
      const vector = terms.length === 0 ? state.vector : updateInterest(state.vector, decay, terms, engineVectors, dim);
      state = advanceState(state, event, vector);
    }
    return state;
  };

  /**
   * Folds stored events into this model's baseline and removes them from the store (one
   * transaction). They must be the oldest stored events, oldest first, so that baseline ⊕ the
   * remaining events is the fold of them all.
   * @returns whether they were compacted (false when another tab compacted or erased meanwhile).
   */
  const compactEvents = async (events: readonly InteractionEvent[], reason: Compaction['reason']): Promise<boolean> => {
    if (events.length === 0) return false;
    const previous = await store.loadBaseline(key);
    const baseline = await fold(previous ?? emptyState(key, dim), events);
    const compacted = await store.compact(baseline, events.map((event) => event.id));
    if (compacted) emitter.emit('compacted', { reason, events: events.length });
    return compacted;
  };

  /**
   * The storage is full: compacts the oldest half of the stored events (and at least as many as the
   * write that failed adds, so a write like it fits again).
   * @param needed how many events the failed write adds.
   */
  const makeRoom = async (needed: number): Promise<void> => {
    const stored = await store.loadEvents();
    await compactEvents(stored.slice(0, Math.max(Math.ceil(stored.length / 2), needed)), 'storage-full');
  };

  /**
   * Stores events with the state that includes them. If that fails, shopping goes on in memory:
   * the events are kept (unsaved) and written with the next write that succeeds, so a storage
   * problem that clears up (room made by compaction, another tab freeing space) loses nothing.
   */
  const persist = async (events: readonly InteractionEvent[], state: InterestState): Promise<void> => {
    const batch = unsaved.length === 0 ? events : [...unsaved, ...events];
    try {
      await store.append(batch, state);
      unsaved = [];
      return;
    } catch (error) {
      let failure = toRecError(error, 'STORAGE_UNAVAILABLE');
      if (failure.kind !== 'environment') throw failure;
      if (failure.code === 'STORAGE_QUOTA_EXCEEDED') {
        // Storage full: compact older history and try once more. `state` already includes the
        // compacted events, so nothing it summarises is lost and the shopper sees no change.
        try {
          await makeRoom(batch.length);
          await store.append(batch, state);
          unsaved = [];
          return;
        } catch (retryError) {
          failure = toRecError(retryError, 'STORAGE_UNAVAILABLE');
          if (failure.kind !== 'environment') throw failure;
          if (failure.code === 'STORAGE_QUOTA_EXCEEDED') {
            failure = new RecError(
              'STORAGE_QUOTA_EXCEEDED',
              "This browser's storage for the shop is full, even after compacting older history: your latest activity is kept in memory and saved once there is room.",
              {},
              { cause: retryError },
            );
          }
        }
      }
      // Over the cap, the oldest unsaved events are dropped: the stored state then no longer adds
      // up, and the next load rebuilds it from what was stored.
      unsaved = batch.slice(-MAX_UNSAVED_EVENTS);
      // Storage failing must not interrupt shopping: keep going in memory and tell the shopper.
      emitter.emit('notice', failure);
    }
  };

  const explain = (row: number, state: InterestState): Reason | null => {
    let best: Reason | null = null;
    let bestSimilarity = REASON_MIN_SIMILARITY;
    for (const recent of state.recent) {
      const recentRow = model.rowOf.get(recent.item);
      if (recentRow === undefined || recentRow === row) continue;
      const similarity = rowSimilarity(model.vectors, dim, row, recentRow);
      if (similarity > bestSimilarity) {
        bestSimilarity = similarity;
        best = { kind: 'similar', to: model.items[recentRow] as CatalogItem, via: recent.type };
      }
    }
    if (state.lastQuery !== null && lastQueryVector !== null) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += (model.vectors[row * dim + j] ?? 0) * (lastQueryVector[j] ?? 0);
      // Query-to-title cosines run lower than title-to-title ones with USE, hence the smaller bar.
      if (dot > bestSimilarity * 0.7) best = { kind: 'search', query: state.lastQuery.query };
    }
    return best;
  };

  // Retention: raw events older than retentionMs are compacted before anything else (their effect
  // stays in the baseline). If storage fails, they are kept and tried again at the next start.
  await store
    .loadEvents({ before: now() - retentionMs })
    .then((old) => compactEvents(old, 'retention'))
    .catch((error: unknown) => {
      const recError = toRecError(error, 'STORAGE_UNAVAILABLE');
      if (recError.kind !== 'environment') throw recError;
    });

  // This model's baseline and the events after it are the record; a stored state is a cache,
  // trusted only if it folded all of them (another tab may have stored events after it was
  // written). These reads are separate transactions: if they straddle another tab's compaction,
  // the state rebuilt here has an eventCount that does not add up either, and the next load
  // rebuilds it again.
  const [storedState, baseline, storedCount] = await Promise.all([store.loadState(key), store.loadBaseline(key), store.countEvents()]);
  const trusted = storedState !== null && storedState.eventCount === (baseline?.eventCount ?? 0) + storedCount;
  let state = trusted ? storedState : await fold(baseline ?? emptyState(key, dim), await store.loadEvents());

  /** Why the card at `row` is shown, by how it was placed. */
  const reasonFor = (row: number, source: ArrangedSource, basis: InterestState, isPersonal: boolean): Reason | null => {
    if (source === 'pinned' || source === 'explore') return { kind: source };
    return isPersonal ? explain(row, basis) : { kind: 'popular' };
  };

  /**
   * The sequence model's interest of the shopper's latest items (those still in the catalogue), or
   * null when the decay vector scores the grid: no sequence model, no item yet, or a search since
   * the latest item interaction (the grid follows the query until the shopper picks an item).
   */
  const sequenceInterest = async (basis: InterestState): Promise<Float32Array | null> => {
    if (sequenceEncoder === undefined) return null;
    const latestItemTime = basis.recent[0]?.time ?? Number.NEGATIVE_INFINITY;
    if (basis.lastQuery !== null && basis.lastQuery.time > latestItemTime) return null;
    const rows = basis.sequence
      .flatMap((id) => {
        const row = model.rowOf.get(id);
        return row === undefined ? [] : [row];
      })
      .slice(-sequenceEncoder.maxLength);
    return rows.length === 0 ? null : sequenceEncoder.interest(rows);
  };

  /**
   * The grid for `basis` (the state it ranks for, whose decay vector the engine holds), scored by
   * the sequence model's interest when it leads (the engine gets the decay vector back afterwards,
   * for the next update), else by that decay vector. It changes nothing the recommender keeps:
   * `show` makes it the grid.
   */
  const rank = async (basis: InterestState): Promise<UnshownRanking> => {
    const interest = await sequenceInterest(basis);
    if (interest === null) return arrange(basis, 'decay');
    engine.setInterest(interest);
    try {
      return await arrange(basis, 'sequence');
    } finally {
      engine.setInterest(basis.vector);
    }
  };

  /**
   * Makes a ranking the grid: its rows count as shown (exploration offers others) and impressions
   * start afresh.
   * @param startedAt when the interaction began (monotonic), for `tookMs`.
   */
  const show = (ranking: UnshownRanking, startedAt: number): Ranking => {
    for (const { row } of ranking.items) shown.add(row);
    impressed = new Set();
    return { ...ranking, tookMs: monotonic() - startedAt };
  };

  /**
   * The engine scores every available item against the interest it holds and returns the best
   * candidates and their similarities; list-quality.ts arranges them under the shop's rules (pins,
   * boosts, diversity, variants, first-row cap, exploration).
   */
  const arrange = async (basis: InterestState, interestModel: InterestModel): Promise<UnshownRanking> => {
    const { rules } = model;
    const { grid: arranged } = await arrangeGrid(engine, {
      size: gridSize,
      excluded: unavailableRows(outOfStock, model.items, rules, basis.purchased, model.rowOf, now()),
      items: model.items,
      rules,
      explorationSlots: explorationSlots(gridSize, interactions, rules.exploration),
      shown,
      random: seededRandom((explorationSeed ^ Math.imul(interactions + 1, 0x9e3779b1)) >>> 0),
    });
    const isPersonal = basis.vector.some((v) => v !== 0);
    const items = arranged.map(({ row, score, source }, position) => ({
      item: model.items[row] as CatalogItem,
      row,
      position,
      score: toScore(score),
      reason: reasonFor(row, source, basis, isPersonal),
    }));
    return {
      items,
      backend: engine.backend,
      ...(engine.backendReason === undefined ? {} : { backendReason: engine.backendReason }),
      interestModel,
      eventCount: basis.eventCount,
      personalised: isPersonal,
    };
  };

  engine.setInterest(state.vector);
  const firstRankStartedAt = monotonic();
  let current = show(await rank(state), firstRankStartedAt);

  /** Runs interactions one at a time, in the order they happened. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  const skipsBefore = (input: InteractionInput, time: number): InteractionEvent[] => {
    if (!('position' in input) || input.position === undefined || (input.type !== 'view' && input.type !== 'add_to_cart')) return [];
    const clickedAt = input.position;
    return current.items
      .filter((card) => card.position < clickedAt && impressed.has(card.item.id) && card.item.id !== input.item)
      .slice(-MAX_SKIPS_PER_CLICK)
      .map((card) => ({ id: newEventId(), time, session, type: 'skip', item: card.item.id, position: card.position }));
  };

  /** Back to the first-visit state (after this or another tab erased everything). */
  const reset = async (): Promise<Ranking> => {
    state = emptyState(key, dim);
    unsaved = []; // Erased: never written later.
    shown = new Set();
    interactions = 0;
    lastQueryVector = null;
    engine.setInterest(state.vector);
    const startedAt = monotonic();
    current = show(await rank(state), startedAt);
    emitter.emit('ranking', current);
    return current;
  };

  /** Folds in events another tab stored (they are in the store already; only the state is saved). */
  const foldOthers = async (events: readonly InteractionEvent[]): Promise<void> => {
    const startedAt = monotonic();
    const terms = (await Promise.all(events.map((event) => termsFor(event).catch(() => [])))).flat();
    const latest = Math.max(...events.map((event) => event.time));
    const decay = state.lastEventTime === null ? 1 : decayFactor(latest - state.lastEventTime, halfLifeMs);
    const vector = terms.length === 0 ? state.vector : await engine.update(decay, terms);
    let next = state;
    for (const event of events) next = advanceState(next, event, vector);
    await persist([], next);
    state = next;
    if (terms.length === 0) return;
    current = show(await rank(state), startedAt);
    emitter.emit('ranking', current);
  };

  const unsubscribeSync =
    deps.sync?.subscribe((message) => {
      void serial(async () => {
        const parsed = parseSyncMessage(message);
        if (parsed === null) return;
        if (parsed.kind === 'erased') await reset();
        else if (parsed.events.length > 0) await foldOthers(parsed.events);
      }).catch((error: unknown) => emitter.emit('notice', toRecError(error)));
    }) ?? (() => {});

  const recommender: Recommender = {
    get backend() {
      return engine.backend;
    },
    model,
    get storage() {
      return store.kind;
    },
    ranking: () => current,
    cart: () => state.cart.flatMap((id) => {
      const row = model.rowOf.get(id);
      return row === undefined ? [] : [model.items[row] as CatalogItem];
    }),
    record: (input) =>
      serial(async () => {
        const startedAt = monotonic();
        const checked = checkInput(input, (id) => model.rowOf.has(id));
        interactions++;
        const time = now();
        const event = { ...checked, id: newEventId(), time, session } as InteractionEvent;
        const events = [...skipsBefore(checked, time), event];
        const terms = (await Promise.all(events.map(termsFor))).flat();
        if (event.type === 'search') lastQueryVector = (terms[0] as Extract<InterestTerm, { kind: 'vector' }>).vector;
        const decay = state.lastEventTime === null ? 1 : decayFactor(time - state.lastEventTime, halfLifeMs);
        const vector = await engine.update(decay, terms);
        let next = state;
        for (const e of events) next = advanceState(next, e, vector);
        // The ranking needs nothing from the write, so it is computed (after the click's frame)
        // while the transaction commits; it is shown, and the events published, only once persist
        // has settled (stored, or kept in memory with a notice), exactly as when it waited for it.
        const stored = persist(events, next);
        const ranked = yieldToPaint().then(() => rank(next));
        // Awaited below once the write has settled; if the write fails first, this must not go unhandled.
        ranked.catch(() => undefined);
        await stored;
        state = next;
        deps.sync?.publish({ kind: 'events', events });
        current = show(await ranked, startedAt);
        emitter.emit('ranking', current);
        return current;
      }),
    recordImpressions: (shown) =>
      serial(async () => {
        const time = now();
        const events: ItemEvent[] = shown
          .filter(({ item }) => model.rowOf.has(item) && !impressed.has(item))
          .map(({ item, position }) => ({ id: newEventId(), time, session, type: 'impression', item, position }));
        if (events.length === 0) return;
        for (const event of events) impressed.add(event.item);
        let next = state;
        for (const event of events) next = advanceState(next, event, state.vector);
        await persist(events, next);
        state = next;
        deps.sync?.publish({ kind: 'events', events });
      }),
    search: (query) => recommender.record({ type: 'search', query }),
    exportData: () => serial(() => store.exportAll()),
    erase: () =>
      serial(async () => {
        await store.eraseAll();
        deps.sync?.publish({ kind: 'erased' });
        return reset();
      }),
    on: (name, listener) => emitter.on(name, listener),
    dispose() {
      unsubscribeSync();
      deps.sync?.close();
      emitter.clear();
      engine.dispose();
      sequenceEncoder?.dispose();
      store.close();
    },
  };
  return recommender;
}


/** Validates a message from another tab; anything malformed is ignored (null), never trusted. */
function parseSyncMessage(message: unknown): { kind: 'erased' } | { kind: 'events'; events: InteractionEvent[] } | null {
  if (typeof message !== 'object' || message === null) return null;
  const { kind, events } = message as { kind?: unknown; events?: unknown };
  if (kind === 'erased') return { kind };
  if (kind !== 'events' || !Array.isArray(events)) return null;
  try {
    return { kind, events: events.map((event: unknown) => parseEvent(event, 'another tab')) };
  } catch {
    return null;
  }
}
