// The session against stub ports: what it hands the ranker (the query vector, the latency's start),
// the journal and other tabs (which events, when), and what it leaves out. The recommender's tests
// run it over real parts; these pin the session's own decisions.
import { describe, expect, it } from 'vitest';
import { RecError } from './errors.ts';
import { toItemId, toScore, toSessionId, type ItemId } from './ids.ts';
import type { InteractionEvent } from './interactions.ts';
import type { SyncMessage } from './ports.ts';
import type { InterestTerm } from './rank.ts';
import type { Ranker } from './ranker.ts';
import type { Ranking, UnshownRanking } from './recommender-types.ts';
import type { SearchMatch, SearchMatches } from './search.ts';
import { createSession, type Session } from './session.ts';
import { emptyState, type InterestState } from './state.ts';
import { makeFixtureModel } from './test-support.ts';

const model = makeFixtureModel({ count: 8, dim: 2, categories: 2 });
const id = (row: number): ItemId => toItemId(`i${row}`);
const MATCH: SearchMatch = { row: 1, relevance: 1, coverage: 1, lexicalRank: 0, semanticRank: 0 };
const queryVector = (query: string): Float32Array => Float32Array.from([query.length, 1]);

function grid(eventCount: number): UnshownRanking {
  return {
    mode: 'for-you',
    search: null,
    items: model.items.slice(0, 6).map((item, row) => ({ item, row, position: row, score: toScore(0), reason: null })),
    backend: 'cpu',
    interestModel: 'decay',
    eventCount,
    actionCount: eventCount,
    personalised: eventCount > 0,
  };
}

interface Harness {
  readonly session: Session;
  /** The query vector of each ranking asked for, in order (start-up included). */
  readonly ranked: (Float32Array | null)[];
  /** The startedAt each shown ranking was given. */
  readonly shownAt: number[];
  readonly persisted: (readonly InteractionEvent[])[];
  readonly published: SyncMessage[];
  readonly emitted: Ranking[];
  readonly moves: { events: readonly InteractionEvent[]; time: number; terms: readonly InterestTerm[] }[];
  readonly found: string[];
  /** How many grids had been shown at each ranker.readAhead. */
  readonly readAheads: number[];
}

async function harness(
  options: {
    termsOf?: (event: InteractionEvent) => Promise<InterestTerm[]>;
    find?: (query: string) => Promise<SearchMatches>;
    yieldToPaint?: () => Promise<void>;
    readAhead?: () => Promise<void>;
  } = {},
): Promise<Harness> {
  let clock = 1000;
  let monotonic = 0;
  let nextId = 0;
  const h: Omit<Harness, 'session'> = { ranked: [], shownAt: [], persisted: [], published: [], emitted: [], moves: [], found: [], readAheads: [] };
  const ranker: Ranker = {
    rank: async (basis, vector) => (h.ranked.push(vector), grid(basis.eventCount)),
    rankSearch: async (basis) => grid(basis.eventCount),
    interestOf: async (basis) => ({ interest: basis.vector, interestModel: 'decay' }),
    show: (ranking, startedAt) => (h.shownAt.push(startedAt), { ...ranking, tookMs: 0 }),
    upcoming: () => [],
    readAhead: async () => (h.readAheads.push(h.shownAt.length), await options.readAhead?.()),
    countInteractions: () => undefined,
    reset: () => undefined,
  };
  const session = await createSession({
    model,
    journal: { restore: async () => emptyState('k', 2), persist: async (events) => void h.persisted.push(events), forgetUnsaved: () => undefined },
    ranker,
    initial: emptyState('k', 2),
    sessionId: toSessionId('s'),
    newEventId: () => `e${++nextId}`,
    now: () => (clock += 10),
    monotonic: () => (monotonic += 1),
    yieldToPaint: options.yieldToPaint ?? (async () => undefined),
    publish: (message) => h.published.push(message),
    emit: (ranking) => h.emitted.push(ranking),
    move: async (events, time, state, terms): Promise<InterestState> => {
      h.moves.push({ events, time, terms });
      return { ...state, eventCount: state.eventCount + events.length };
    },
    termsOf:
      options.termsOf ??
      (async (event) => (event.type === 'search' ? [{ kind: 'vector', vector: queryVector(event.query), weight: 1 }] : [{ kind: 'row', row: 0, weight: 1 }])),
    find: options.find ?? (async (query) => (h.found.push(query), { query, matches: [MATCH], suggestions: [], semantic: true })),
  });
  return Object.assign(h, { session });
}

describe('the session: the query vector it ranks with', () => {
  it('keeps the last searched vector through later interactions, and takes the last search of a batch', async () => {
    const h = await harness();
    await h.session.search('tea'); // ranked as search results, which do not read the vector
    await h.session.clearSearch();
    await h.session.record({ type: 'view', item: id(2) });
    expect(h.ranked.slice(1)).toEqual([queryVector('tea'), queryVector('tea')]);
    await Promise.all([h.session.record({ type: 'view', item: id(3) }), h.session.record({ type: 'search', query: 'coffee' })]);
    await Promise.all([h.session.record({ type: 'search', query: 'a' }), h.session.record({ type: 'search', query: 'rain jacket' })]);
    expect(h.ranked.slice(3)).toEqual([queryVector('coffee'), queryVector('rain jacket')]);
  });

  it('searches the trimmed query, and refuses a blank one before looking', async () => {
    const h = await harness();
    await h.session.search('  tea  ');
    expect(h.found).toEqual(['tea']);
    await expect(h.session.search('   ')).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    expect(h.found).toEqual(['tea']);
  });
});

describe('the session: reading ahead for the next click', () => {
  it('has the ranker read ahead once for each grid an interaction brings, once that grid could paint (not for the first grid)', async () => {
    const waiting: (() => void)[] = [];
    const h = await harness({ yieldToPaint: () => new Promise<void>((done) => waiting.push(done)) });
    const paint = async (): Promise<void> => {
      for (const done of waiting.splice(0)) done();
      await new Promise((done) => setTimeout(done, 0));
    };
    /** Paints the frames an interaction waits for (its own click's), until its grid is shown. */
    const interact = async (item: ItemId): Promise<void> => {
      let shown = false;
      const recorded = h.session.record({ type: 'view', item }).then(() => (shown = true));
      while (!shown) await paint();
      await recorded;
    };
    await paint();
    expect(h.readAheads).toEqual([]);
    await interact(id(2));
    expect(h.readAheads).toEqual([]);
    await paint();
    expect(h.readAheads).toEqual([2]);
    await interact(id(3));
    await paint();
    expect(h.readAheads).toEqual([2, 3]);
  });

  it('loses nothing when reading ahead fails: the interaction is stored and its grid shown', async () => {
    const h = await harness({ readAhead: async () => Promise.reject(new RecError('MODEL_FETCH_FAILED', 'offline')) });
    const ranking = await h.session.record({ type: 'view', item: id(2) });
    await new Promise((done) => setTimeout(done, 0));
    expect(ranking.eventCount).toBe(1);
    expect(h.persisted.at(-1)?.map((event) => event.type)).toEqual(['view']);
    expect(h.readAheads).toEqual([2]);
  });
});

describe('the session: a search the encoder could not embed', () => {
  const lexicalFind = async (query: string): Promise<SearchMatches> => ({
    query,
    matches: [MATCH],
    suggestions: [],
    semantic: false,
  });
  const noEncoder = async (event: InteractionEvent): Promise<InterestTerm[]> => {
    if (event.type === 'search') throw new RecError('ENCODER_UNAVAILABLE', 'no encoder');
    return [{ kind: 'row', row: 0, weight: 1 }];
  };

  it('is recorded when its words matched, moving nothing', async () => {
    const h = await harness({ termsOf: noEncoder, find: lexicalFind });
    await h.session.search('tea');
    expect(h.moves.at(-1)?.terms).toEqual([]);
    expect(h.persisted.at(-1)?.map((event) => event.type)).toEqual(['search']);
  });

  it('rejects when the search was not by words only, or was another query', async () => {
    const semantic = await harness({ termsOf: noEncoder });
    await expect(semantic.session.search('tea')).rejects.toMatchObject({ code: 'ENCODER_UNAVAILABLE' });
    const other = await harness({ termsOf: noEncoder, find: lexicalFind });
    await other.session.search('tea');
    await expect(other.session.record({ type: 'search', query: 'coffee' })).rejects.toMatchObject({ code: 'ENCODER_UNAVAILABLE' });
  });

  it('rejects an item interaction whose terms failed, whatever the search', async () => {
    const h = await harness({ termsOf: async () => Promise.reject(new RecError('INTERNAL', 'terms failed')), find: lexicalFind });
    await h.session.search('tea');
    await expect(h.session.record({ type: 'view', item: id(2) })).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('the session: what it stores and tells other tabs', () => {
  it('publishes exactly the stored events of an interaction and of impressions', async () => {
    const h = await harness();
    await h.session.record({ type: 'view', item: id(2) });
    await h.session.recordImpressions([{ item: id(4), position: 4 }]);
    expect(h.published).toEqual(h.persisted.map((events) => ({ kind: 'events', events })));
    expect(h.persisted.map((events) => events.map((event) => event.type))).toEqual([['view'], ['impression']]);
  });

  it('stores each card’s impression once and ignores cards the model does not have; nothing new stores nothing', async () => {
    const h = await harness();
    await h.session.recordImpressions([
      { item: id(1), position: 1 },
      { item: toItemId('gone'), position: 2 },
    ]);
    await h.session.recordImpressions([{ item: id(1), position: 1 }]);
    expect(h.persisted).toHaveLength(1);
    expect(h.persisted[0]?.map((event) => ('item' in event ? event.item : null))).toEqual([id(1)]);
    expect(h.published).toHaveLength(1);
    expect(h.moves).toHaveLength(1);
  });

  it('starts a batch’s latency at its first interaction', async () => {
    const h = await harness();
    await Promise.all([h.session.record({ type: 'view', item: id(2) }), h.session.record({ type: 'view', item: id(3) })]);
    // monotonic: 1 at start-up, then 2 and 3 for the two calls.
    expect(h.shownAt).toEqual([1, 2]);
  });

  it('turns impressed cards above a view or add-to-cart into skips, not the clicked card, and no other interaction', async () => {
    const h = await harness();
    await h.session.recordImpressions([0, 1, 2, 3].map((position) => ({ item: id(position), position })));
    await h.session.record({ type: 'purchase', item: id(3), position: 3 });
    await h.session.record({ type: 'view', item: id(5) });
    expect(h.persisted.slice(1).map((events) => events.map((event) => event.type))).toEqual([['purchase'], ['view']]);
    await h.session.recordImpressions([0, 1, 2, 3].map((position) => ({ item: id(position), position })));
    await h.session.record({ type: 'add_to_cart', item: id(2), position: 2 });
    expect(h.persisted.at(-1)?.map((event) => `${event.type} ${'item' in event ? event.item : ''}`)).toEqual([
      `skip ${id(0)}`,
      `skip ${id(1)}`,
      `add_to_cart ${id(2)}`,
    ]);
  });
});

describe('the session: events from another tab', () => {
  const stored = (type: 'view' | 'impression', seq: number, time: number): InteractionEvent =>
    ({ id: `o${seq}`, type, item: id(1), time, session: toSessionId('other'), seq, ...(type === 'impression' ? { position: 1 } : {}) }) as InteractionEvent;

  it('numbers the next event after the highest it saw, folds them at their latest time and re-ranks only when they move the interest', async () => {
    const h = await harness({ termsOf: async (event) => (event.type === 'impression' ? [] : [{ kind: 'row', row: 0, weight: 1 }]) });
    await h.session.fromOtherTab({ kind: 'events', events: [stored('impression', 40, 5000), stored('impression', 7, 9000)] });
    expect(h.emitted).toHaveLength(0);
    await h.session.fromOtherTab({ kind: 'events', events: [stored('view', 41, 6000), stored('view', 3, 2000)] });
    expect(h.emitted).toHaveLength(1);
    expect(h.moves.map((move) => move.time)).toEqual([9000, 6000]);
    await h.session.record({ type: 'view', item: id(2) });
    expect(h.persisted.at(-1)?.[0]?.seq).toBe(42);
  });

  it('folds another tab’s events whose terms fail as moving nothing', async () => {
    const h = await harness({ termsOf: async () => Promise.reject(new RecError('INTERNAL', 'terms failed')) });
    await h.session.fromOtherTab({ kind: 'events', events: [stored('view', 1, 5000)] });
    expect(h.moves.at(-1)?.terms).toEqual([]);
    expect(h.emitted).toHaveLength(0);
  });
});
