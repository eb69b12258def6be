/**
 * The Recommender: events in, rankings out. It records each interaction in the journal together
 * with the interest state that includes it (one transaction), moves the interest in the ItemSpace
 * (fold.ts), re-ranks (ranker.ts), and keeps other tabs in step (tab-sync.ts). It is pure
 * orchestration over ports, so the browser, the widget and the Node evaluation all run this code.
 *
 * Interactions run one at a time, in the order they happened. An interaction's ranking needs
 * nothing from its write, so it is computed (after the click's frame has painted) while the write
 * commits; it is shown, and the events published, only once the write has settled (stored, or kept
 * in memory with a notice). If the write fails otherwise, nothing is shown and the call rejects.
 */
import { loadVectorRows } from './paged-matrix.ts';
import { DEFAULT_GRID_SIZE, DEFAULT_HALF_LIFE_MS, DEFAULT_RETENTION_MS } from './constants.ts';
import { RecError, toRecError } from './errors.ts';
import { createEmitter } from './events.ts';
import { foldEvents, foldStep, referenceUpdate } from './fold.ts';
import type { ItemId } from './ids.ts';
import type { InteractionEvent } from './interactions.ts';
import { explainRow } from './explain.ts';
import { orderInPlace, type InPlaceOrder } from './in-place.ts';
import type { ItemRows } from './item-matrix.ts';
import type { InterestState } from './state.ts';
import { scoreRow } from './rank.ts';
import { createJournal } from './journal.ts';
import { createLiveCatalog } from './live-catalog.ts';
import { modelKey } from './manifest.ts';
import { createTermSource } from './query-terms.ts';
import { randomId } from './random-id.ts';
import { seedFromText } from './random.ts';
import { createPlacements } from './placements.ts';
import type { LoadedModel } from './model.ts';
import type { ItemSpace } from './ports.ts';
import { createRanker, type Ranker } from './ranker.ts';
import type { Ranking, Recommender, RecommenderDeps, RecommenderEvents } from './recommender-types.ts';
import { createSearcher } from './search.ts';
import { createSession, type Session } from './session.ts';
import { followOtherTabs } from './tab-sync.ts';

export type {
  Compaction,
  InterestModel,
  RankedItem,
  Ranking,
  Reason,
  Recommender,
  RecommenderDeps,
  RecommenderEvents,
  SearchView,
} from './recommender-types.ts';

/**
 * Restores the shopper's state (or rebuilds it from their events for a new model) and ranks.
 * @param deps the ports and settings.
 */
export async function createRecommender(deps: RecommenderDeps): Promise<Recommender> {
  const { model, space, store } = deps;
  const { dim } = model.manifest;
  const halfLifeMs = deps.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  const retentionMs = deps.retentionMs ?? DEFAULT_RETENTION_MS;
  if (!(retentionMs > 0))
    throw new RecError('CONFIG_INVALID', `retentionMs must be a positive number of milliseconds, got ${retentionMs}`, { field: 'retentionMs' });
  const now = deps.now ?? (() => Date.now());
  const monotonic = deps.monotonic ?? (() => performance.now());
  const emitter = createEmitter<RecommenderEvents>();
  const terms = createTermSource(model, deps.loadEncoder);
  // A stored event is folded with core's reference math over the matrix the space holds, so the
  // rebuilt state equals the live one; a search whose query cannot be embedded now counts but moves nothing.
  const reference = referenceUpdate(deps.spaceVectors ?? model.matrix, dim);
  const journal = createJournal({
    store,
    modelKey: modelKey(model.manifest),
    dim,
    fold: (start, events) => {
      const termsOf = terms.forRebuild();
      return foldEvents(start, events, (event) => termsOf(event).catch(() => []), reference, halfLifeMs);
    },
    onCompacted: (compaction) => emitter.emit('compacted', compaction),
    onNotice: (error) => emitter.emit('notice', error),
    // Nothing the shopper can act on (the state is rebuilt), so not a notice; told before `on` could be called.
    onInvalidState: deps.onInvalidState ?? ((error) => console.warn(`Vitrine: ${error.message}`)),
    retentionMs,
    now,
  });
  const searcher = createSearcher({ model, loadLexicalIndex: deps.loadLexicalIndex, embedQuery: (query) => terms.embedQuery(query) });
  const catalog = createLiveCatalog(model);
  const ranker = createRanker({
    model,
    catalog,
    space,
    spaceVectors: deps.spaceVectors ?? model.matrix,
    sequenceEncoder: deps.sequenceEncoder,
    backendReason: deps.backendReason,
    gridSize: deps.gridSize ?? DEFAULT_GRID_SIZE,
    explorationSeed: deps.explorationSeed ?? seedFromText(deps.session),
    now,
    monotonic,
  });
  const session = await createSession({
    model,
    journal,
    ranker,
    initial: await journal.restore(),
    sessionId: deps.session,
    newEventId: deps.newEventId ?? randomId,
    now,
    monotonic,
    yieldToPaint: deps.yieldToPaint ?? (() => Promise.resolve()),
    publish: (message) => deps.sync?.publish(message),
    emit: (ranking: Ranking) => emitter.emit('ranking', ranking),
    move: (events: readonly InteractionEvent[], time, state, eventTerms) =>
      foldStep(state, events, time, eventTerms, (u, d, t) => space.update(u, d, t), halfLifeMs),
    termsOf: (event) => terms.termsOf(event),
    find: (query) => searcher.find(query),
  });

  const spaceVectors = deps.spaceVectors ?? model.matrix;
  const placements = createPlacements({ model, catalog, space, spaceVectors, now });

  const unsubscribeSync = followOtherTabs(deps.sync, (message) => {
    session.fromOtherTab(message).catch((error: unknown) => emitter.emit('notice', toRecError(error)));
  });

  let disposed = false;
  const recommender: Recommender = {
    get backend() {
      return space.backend;
    },
    model,
    get storage() {
      return store.kind;
    },
    itemSpaceMemory: () => space.memory(),
    rehearse: () => rehearseClick({ session, ranker, space, model }, () => !disposed),
    ranking: () => session.current(),
    cart: () => catalog.itemsOf(session.state().cart),
    record: (input) => session.record(input),
    recordImpressions: (shown: readonly { readonly item: ItemId; readonly position: number }[]) => session.recordImpressions(shown),
    search: (query) => session.search(query),
    clearSearch: () => session.clearSearch(),
    placement: (request, limit) => placements.list(session.state(), request, limit),
    rankItems: (ids) => rankInPlace(ids, { state: session.state(), ranker, model, spaceVectors }),
    async setAvailability(changes) {
      const ignored = catalog.apply(changes);
      return { ranking: await session.refresh(), ignored };
    },
    suggest: (partial, limit) => searcher.suggest(partial, limit),
    prepareSearch(moment = 'asked') {
      terms.prepare();
      // A sharded catalogue's index (its vocabulary, or every card without a prebuilt one) is
      // downloaded only once the shopper turns to search.
      if (moment === 'quiet' && !model.cards.whole) return;
      searcher.prepare().catch((error: unknown) => emitter.emit('notice', toRecError(error)));
    },
    exportData: () => session.serial(() => store.exportAll()),
    erase: () =>
      session.serial(async () => {
        await store.eraseAll();
        deps.sync?.publish({ kind: 'erased' });
        return session.reset();
      }),
    on: (name, listener) => emitter.on(name, listener),
    dispose() {
      disposed = true;
      unsubscribeSync();
      deps.sync?.close();
      emitter.clear();
      space.dispose();
      deps.sequenceEncoder?.dispose();
      store.close();
    },
  };
  return recommender;
}

/** Recommender.rankItems: the host's list in the order of the shopper's interest. */
async function rankInPlace(
  ids: readonly ItemId[],
  parts: { state: InterestState; ranker: Ranker; model: LoadedModel; spaceVectors: ItemRows },
): Promise<InPlaceOrder> {
  const { state, ranker, model, spaceVectors } = parts;
  const personal = state.vector.some((v) => v !== 0) ? (await ranker.interestOf(state)).interest : null;
  // The interest and the reasons read the listed items' vectors and the recent ones'.
  if (personal !== null)
    await loadVectorRows(
      model.matrix,
      [...ids, ...state.recent.map(({ item }) => item)].flatMap((id) => model.rowOf.get(id) ?? []),
    );
  return orderInPlace(ids, {
    rowOf: model.rowOf,
    interestIn: personal === null ? null : (row) => scoreRow(spaceVectors, model.manifest.dim, personal, null, 0, row),
    reasonFor: (row) => explainRow(model, row, state, null),
  });
}

/**
 * Recommender.rehearse: a click's interest update and ranking, for a view of the first item on
 * show, dropped. Both steps are pure: the state is copied, and the ranker only reads what it has shown.
 * @param live false once the recommender is closed (it is called in idle time: the page may have closed it by then).
 */
async function rehearseClick(parts: { session: Session; ranker: Ranker; space: ItemSpace; model: LoadedModel }, live: () => boolean): Promise<void> {
  const { session, ranker, space, model } = parts;
  const state = session.state();
  const first = session.current().items[0];
  const row = first === undefined ? undefined : model.rowOf.get(first.item.id);
  if (row === undefined || !live()) return;
  const vector = await space.update(state.vector, 1, [{ kind: 'row', row, weight: 1 }]);
  if (live()) await ranker.rank({ ...state, vector }, null);
}
