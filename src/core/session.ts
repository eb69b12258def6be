/**
 * The shopping session: the live state, the grid on show, and what changes them, one interaction at
 * a time in the order they happened: the shopper's interactions and impressions, other tabs'
 * events, and an erase. It derives skips (impressed cards above a clicked one) and remembers the
 * last query's vector for the cards' reasons.
 */
import { fetchAhead, withShownCards } from './shown-cards.ts';
import type { ItemId, SessionId } from './ids.ts';
import { checkInput, type InteractionEvent, type InteractionInput, type ItemEvent } from './interactions.ts';
import type { Journal } from './journal.ts';
import { modelKey } from './manifest.ts';
import type { LoadedModel } from './model.ts';
import type { SyncMessage } from './ports.ts';
import type { InterestTerm } from './rank.ts';
import type { Ranker } from './ranker.ts';
import type { Ranking, UnshownRanking } from './recommender-types.ts';
import type { SearchMatches } from './search.ts';
import { serialQueue } from './serial-queue.ts';
import { emptyState, type InterestState } from './state.ts';
import type { TabMessage } from './tab-sync.ts';

/** Cards above a clicked one that count as skipped (the nearest ones only). */
const MAX_SKIPS_PER_CLICK = 3;

export interface SessionOptions {
  readonly model: LoadedModel;
  readonly journal: Journal;
  readonly ranker: Ranker;
  /** The restored state. */
  readonly initial: InterestState;
  readonly sessionId: SessionId;
  readonly newEventId: () => string;
  readonly now: () => number;
  readonly monotonic: () => number;
  /** Resolves once the click's own frame could paint; the ranking's work comes after it. */
  readonly yieldToPaint: () => Promise<void>;
  /** Tells the other tabs what was stored. */
  readonly publish: (message: SyncMessage) => void;
  /** Announces a new grid. */
  readonly emit: (ranking: Ranking) => void;
  /** fold.ts `foldStep` on the ItemSpace: events at `time` with their terms, folded into `state`. */
  readonly move: (events: readonly InteractionEvent[], time: number, state: InterestState, terms: readonly InterestTerm[]) => Promise<InterestState>;
  /** What an event contributes to the interest. */
  readonly termsOf: (event: InteractionEvent) => Promise<InterestTerm[]>;
  /** Finds a query's matches (search.ts). */
  readonly find: (query: string) => Promise<SearchMatches>;
}

export interface Session {
  /** The grid on show. */
  current(): Ranking;
  /** The shopper's state now (what the placements are computed from). */
  state(): InterestState;
  record(input: InteractionInput): Promise<Ranking>;
  /** Shows a query's matches; records it when it has some (see Recommender.search). */
  search(query: string): Promise<Ranking>;
  /** Back to the "for you" grid. */
  clearSearch(): Promise<Ranking>;
  /** Ranks again for the same state (the catalogue's stock or prices changed) and announces it. */
  refresh(): Promise<Ranking>;
  recordImpressions(shown: readonly { readonly item: ItemId; readonly position: number }[]): Promise<void>;
  fromOtherTab(message: TabMessage): Promise<void>;
  /** Back to the first-visit state and its grid (after an erase here or in another tab); call inside serial. */
  reset(): Promise<Ranking>;
  /** Runs a task after every earlier one, in order. */
  serial<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * Ranks the restored state (the first grid) and takes over.
 * @param options the ports, the restored state and the clocks.
 */
export async function createSession(options: SessionOptions): Promise<Session> {
  const { model, journal, ranker, sessionId } = options;
  let state = options.initial;
  let queryVector: Float32Array | null = null;
  /** The search on show: its matches are the grid until the shopper leaves it. */
  let activeSearch: SearchMatches | null = null;
  const rankFor = (basis: InterestState): Promise<UnshownRanking> =>
    withShownCards(model, basis, activeSearch === null ? ranker.rank(basis, queryVector) : ranker.rankSearch(basis, activeSearch));
  let current = ranker.show(await rankFor(state), options.monotonic());
  let impressed = new Set<ItemId>();
  /** The last `seq` given or seen (see InteractionEvent.seq): the next event's is above it and the state's eventCount. */
  let lastSeq = -1;
  const nextSeq = (): number => (lastSeq = Math.max(lastSeq + 1, state.eventCount));
  const queue = serialQueue();

  /** Makes a ranking the grid: impressions start afresh, and what the next click likely needs is fetched ahead. */
  const show = (ranking: UnshownRanking, startedAt: number): Ranking => {
    impressed = new Set();
    current = ranker.show(ranking, startedAt);
    fetchAhead(model, ranker.upcoming(), options.yieldToPaint, ranker.readAhead);
    return current;
  };

  const showAndEmit = async (startedAt: number): Promise<Ranking> => {
    const ranking = show(await rankFor(state), startedAt);
    options.emit(ranking);
    return ranking;
  };

  /**
   * Records interactions that came together (see serial-queue.ts), in order, with one move of the
   * interest and one grid for all of them.
   * @param inputs checked interactions.
   * @param startedAt when the first of them came: the grid's latency counts its wait.
   */
  const recordAll = async (inputs: readonly InteractionInput[], startedAt: number): Promise<Ranking> => {
    const time = options.now();
    ranker.countInteractions(inputs.length);
    const events = eventsOf(inputs, { grid: current, impressed, time, session: sessionId, newEventId: options.newEventId, nextSeq });
    const terms = (await Promise.all(events.map((each) => options.termsOf(each).catch((error: unknown) => lexicalOnly(each, error))))).flat();
    queryVector = searchedVector(events, terms) ?? queryVector;
    const next = await options.move(events, time, state, terms);
    return showWhileStoring(events, next, startedAt);
  };

  const recordBatch = queue.batcher((batch: readonly Waiting[]) =>
    recordAll(
      batch.map(({ input }) => input),
      Math.min(...batch.map(({ startedAt }) => startedAt)),
    ),
  );

  /**
   * The grid without waiting for IndexedDB: the journal keeps what storage cannot take in memory
   * (it rejects only on a bug), and the queue holds the next interaction until the write settles.
   * The events go to other tabs once stored.
   */
  const showWhileStoring = async (events: readonly InteractionEvent[], next: InterestState, startedAt: number): Promise<Ranking> => {
    const stored = journal.persist(events, next);
    // Awaited below, after the grid is shown; if the ranking fails first, this must not go unhandled.
    stored.catch(() => undefined);
    const before = { state, current, impressed };
    state = next;
    const unshown = await options
      .yieldToPaint()
      .then(() => rankFor(next))
      .catch(async (error: unknown) => {
        // The interaction happened (it is being stored); only its grid could not be made.
        await stored;
        options.publish({ kind: 'events', events });
        throw error;
      });
    const ranking = show(unshown, startedAt);
    options.emit(ranking);
    await stored.catch((error: unknown) => {
      // A bug in the store: the interaction did not happen, so the grid goes back to what it was.
      ({ state, current, impressed } = before);
      options.emit(current);
      throw error;
    });
    options.publish({ kind: 'events', events });
    return ranking;
  };

  /**
   * A search the encoder could not embed still found its matches by their words: it is recorded
   * and moves nothing. Any other failure rejects the interaction.
   */
  const lexicalOnly = (event: InteractionEvent, error: unknown): InterestTerm[] => {
    if (event.type === 'search' && activeSearch?.semantic === false && activeSearch.query === event.query) return [];
    throw error;
  };

  const search = async (query: string): Promise<Ranking> => {
    const startedAt = options.monotonic();
    const checked = checkInput({ type: 'search', query }, () => false);
    const found = await options.find(checked.type === 'search' ? checked.query : query);
    activeSearch = found;
    // A query that matched nothing says nothing about the shopper: it is not recorded.
    return found.matches.length === 0 ? showAndEmit(startedAt) : recordAll([{ type: 'search', query: found.query }], startedAt);
  };

  const clearSearch = async (): Promise<Ranking> => {
    activeSearch = null;
    return showAndEmit(options.monotonic());
  };

  const recordImpressions = async (shown: readonly { readonly item: ItemId; readonly position: number }[]): Promise<void> => {
    const time = options.now();
    const events: ItemEvent[] = shown
      .filter(({ item }) => model.rowOf.has(item) && !impressed.has(item))
      .map(({ item, position }) => ({ id: options.newEventId(), time, session: sessionId, seq: nextSeq(), type: 'impression', item, position }));
    if (events.length === 0) return;
    for (const event of events) impressed.add(event.item);
    const next = await options.move(events, time, state, []);
    await journal.persist(events, next);
    state = next;
    options.publish({ kind: 'events', events });
  };

  /** Another tab stored these events: fold them in (only the state is saved here) and re-rank. */
  const foldOthers = async (events: readonly InteractionEvent[]): Promise<void> => {
    const startedAt = options.monotonic();
    for (const event of events) lastSeq = Math.max(lastSeq, event.seq ?? -1);
    const terms = (await Promise.all(events.map((event) => options.termsOf(event).catch(() => [])))).flat();
    const next = await options.move(events, Math.max(...events.map((event) => event.time)), state, terms);
    await journal.persist([], next);
    state = next;
    if (terms.length > 0) await showAndEmit(startedAt);
  };

  const reset = async (): Promise<Ranking> => {
    state = emptyState(modelKey(model.manifest), model.manifest.dim);
    journal.forgetUnsaved();
    ranker.reset();
    queryVector = null;
    activeSearch = null;
    return showAndEmit(options.monotonic());
  };

  return {
    current: () => current,
    state: () => state,
    // Checked at once: a bad interaction is refused without joining (and failing) a batch.
    record: async (input) => recordBatch({ input: checkInput(input, (id) => model.rowOf.has(id)), startedAt: options.monotonic() }),
    search: (query) => queue.run(() => search(query)),
    clearSearch: () => queue.run(clearSearch),
    refresh: () => queue.run(() => showAndEmit(options.monotonic())),
    recordImpressions: (shown) => queue.run(() => recordImpressions(shown)),
    fromOtherTab: (message) => queue.run(() => (message.kind === 'erased' ? reset().then(() => undefined) : foldOthers(message.events))),
    reset,
    serial: queue.run,
  };
}

/** @returns the vector of the batch's last search, or null when it has none (or it could not be embedded). */
function searchedVector(events: readonly InteractionEvent[], terms: readonly InterestTerm[]): Float32Array | null {
  if (!events.some((event) => event.type === 'search')) return null;
  return terms.findLast((term): term is Extract<InterestTerm, { kind: 'vector' }> => term.kind === 'vector')?.vector ?? null;
}

/** An interaction waiting to be recorded, and when it came. */
interface Waiting {
  readonly input: InteractionInput;
  readonly startedAt: number;
}

/**
 * A batch of interactions as events, in order, each after the skips its click implies. A card
 * clicked or already skipped in the batch is not skipped (again) by a later click.
 * @param inputs the checked interactions.
 * @param at the grid they were made on, and what names and orders their events.
 */
function eventsOf(
  inputs: readonly InteractionInput[],
  at: { grid: Ranking; impressed: ReadonlySet<ItemId>; time: number; session: SessionId; newEventId: () => string; nextSeq: () => number },
): InteractionEvent[] {
  const touched = new Set(inputs.flatMap((input) => ('item' in input ? [input.item] : [])));
  const skipped = new Set<ItemId>();
  const events: InteractionEvent[] = [];
  for (const input of inputs) {
    for (const skip of skipsBefore(at.grid, at.impressed, input, at.time, at.session, at.newEventId)) {
      if (touched.has(skip.item) || skipped.has(skip.item)) continue;
      skipped.add(skip.item);
      events.push({ ...skip, seq: at.nextSeq() });
    }
    events.push({ ...input, id: at.newEventId(), time: at.time, session: at.session, seq: at.nextSeq() } as InteractionEvent);
  }
  return events;
}

/**
 * The impressed cards above a clicked one (a view or add-to-cart at a grid position), nearest
 * first up to MAX_SKIPS_PER_CLICK, as skip events.
 * @param grid the grid on show.
 * @param impressed the items whose cards were seen since it was shown.
 * @param input the interaction.
 * @param time its time.
 * @param session the session's id.
 * @param newEventId makes each skip's id.
 */
function skipsBefore(
  grid: Ranking,
  impressed: ReadonlySet<ItemId>,
  input: InteractionInput,
  time: number,
  session: SessionId,
  newEventId: () => string,
): ItemEvent[] {
  if (!('position' in input) || input.position === undefined || (input.type !== 'view' && input.type !== 'add_to_cart')) return [];
  const clickedAt = input.position;
  return grid.items
    .filter((card) => card.position < clickedAt && impressed.has(card.item.id) && card.item.id !== input.item)
    .slice(-MAX_SKIPS_PER_CLICK)
    .map((card) => ({ id: newEventId(), time, session, type: 'skip', item: card.item.id, position: card.position }) as ItemEvent);
}
