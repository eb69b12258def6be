import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT, DEFAULT_RETENTION_MS } from './constants.ts';
import { RecError } from './errors.ts';
import { toItemId, toSessionId, type ItemId } from './ids.ts';
import { modelKey } from './manifest.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { EventStore, QueryEncoder, SequenceEncoder } from './ports.ts';
import { scoreAll, topK } from './rank.ts';
import { createRecommender, type Compaction, type Ranking, type Recommender, type RecommenderDeps } from './recommender.ts';
import { parseShopRules } from './shop-rules.ts';
import { createReferenceSpace, createSyncHub, makeFixtureModel, RELEVANCE_ONLY_RULES } from './test-support.ts';

// These tests are about what a ranking is made from (events, state, tabs, storage); how the grid is
// arranged from the scores (diversity, rules, exploration) is tested at the end and in list-quality.test.ts.
const model = { ...makeFixtureModel({ count: 120, dim: 16, categories: 6, popularity: true }), rules: RELEVANCE_ONLY_RULES };

function deps(overrides: Partial<RecommenderDeps> = {}): RecommenderDeps & { clock: { t: number } } {
  const clock = { t: 1_000_000 };
  let id = 0;
  return {
    model,
    space: createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT),
    store: createMemoryEventStore(),
    loadEncoder: () => Promise.reject(new Error('no encoder in this test')),
    session: toSessionId('s1'),
    gridSize: 12,
    now: () => (clock.t += 1000),
    newEventId: () => `e${++id}`,
    clock,
    ...overrides,
  };
}

const inCategory = (ranking: Ranking, category: string): number => ranking.items.filter((r) => r.item.category === category).length;
const ids = (ranking: Ranking): ItemId[] => ranking.items.map((r) => r.item.id);

describe('createRecommender', () => {
  it('starts from the popularity prior and personalises after interactions with one category', async () => {
    const recommender = await createRecommender(deps());
    const first = recommender.ranking();
    expect(first.personalised).toBe(false);
    expect(first.items.every((r) => r.reason?.kind === 'popular')).toBe(true);
    expect(inCategory(first, 'c2')).toBeLessThan(6);

    await recommender.record({ type: 'view', item: toItemId('i2') });
    const after = await recommender.record({ type: 'add_to_cart', item: toItemId('i8') });
    expect(after.personalised).toBe(true);
    expect(inCategory(after, 'c2')).toBeGreaterThanOrEqual(10);
    expect(after.eventCount).toBe(2);
    expect(after.items.some((r) => r.reason?.kind === 'similar')).toBe(true);
    expect(recommender.cart().map((item) => item.id)).toEqual(['i8']);
  });

  it('emits each new ranking and never recommends purchased items', async () => {
    const recommender = await createRecommender(deps());
    const seen: Ranking[] = [];
    recommender.on('ranking', (ranking) => seen.push(ranking));
    await recommender.record({ type: 'add_to_cart', item: toItemId('i2') });
    const ranking = await recommender.record({ type: 'purchase', item: toItemId('i2') });
    expect(seen).toHaveLength(2);
    expect(ids(ranking)).not.toContain('i2');
    expect(recommender.cart()).toEqual([]);
  });

  it('restores the same ranking from stored state, and rebuilds the same state from events alone', async () => {
    const store = createMemoryEventStore();
    const live = await createRecommender(deps({ store }));
    await live.record({ type: 'view', item: toItemId('i3') });
    await live.record({ type: 'dwell', item: toItemId('i3'), dwellMs: 12_000 });
    const ranking = await live.record({ type: 'remove_from_cart', item: toItemId('i4') });

    const restored = await createRecommender(deps({ store }));
    expect(ids(restored.ranking())).toEqual(ids(ranking));

    const { events } = await store.exportAll();
    const eventsOnly: EventStore = { ...createMemoryEventStore(), loadEvents: (query) => Promise.resolve(events.filter((e) => e.time < (query?.before ?? Infinity))) };
    const replayed = await createRecommender(deps({ store: eventsOnly }));
    expect(ids(replayed.ranking())).toEqual(ids(ranking));
    expect(replayed.ranking().eventCount).toBe(3);
  });

  it('stores impressions without re-ranking, and turns impressed cards above a click into skips', async () => {
    const store = createMemoryEventStore();
    const recommender = await createRecommender(deps({ store }));
    const grid = recommender.ranking().items;
    const rankings: Ranking[] = [];
    recommender.on('ranking', (r) => rankings.push(r));
    await recommender.recordImpressions(grid.slice(0, 6).map((r) => ({ item: r.item.id, position: r.position })));
    expect(rankings).toHaveLength(0);

    const clicked = grid[5];
    if (clicked === undefined) throw new Error('fixture grid too small');
    await recommender.record({ type: 'view', item: clicked.item.id, position: 5 });
    const { events } = await store.exportAll();
    const skips = events.filter((e) => e.type === 'skip');
    expect(events.filter((e) => e.type === 'impression')).toHaveLength(6);
    expect(skips.map((e) => ('item' in e ? e.item : null))).toEqual(grid.slice(2, 5).map((r) => r.item.id));
  });

  it('rejects unknown items and empty queries with a RecError, and keeps working', async () => {
    const recommender = await createRecommender(deps());
    await expect(recommender.record({ type: 'view', item: toItemId('nope') })).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    await expect(recommender.search('   ')).rejects.toMatchObject({ code: 'EVENT_INVALID' });
    const ranking = await recommender.record({ type: 'view', item: toItemId('i1') });
    expect(ranking.eventCount).toBe(1);
  });

  it('embeds search queries with the lazily loaded encoder and explains matching cards', async () => {
    let loads = 0;
    const centre = model.vectors.slice(4 * 16, 5 * 16);
    const encoder: QueryEncoder = { embed: () => Promise.resolve(centre) };
    const recommender = await createRecommender(deps({ loadEncoder: () => { loads++; return Promise.resolve(encoder); } }));
    expect(loads).toBe(0);
    const ranking = await recommender.search('anything like item 4');
    await recommender.search('again');
    expect(loads).toBe(1);
    expect(inCategory(ranking, 'c4')).toBeGreaterThanOrEqual(10);
    expect(ranking.items[0]?.reason).toEqual({ kind: 'search', query: 'anything like item 4' });
  });

  it('projects query vectors into a reduced item space when the model carries a projection', async () => {
    // The "encoder" speaks a 4-d space; a projection maps its first axis onto item 4's direction.
    const target = model.vectors.slice(4 * 16, 5 * 16);
    const projection = new Float32Array(4 * 16);
    projection.set(target, 0);
    const projected = { ...model, manifest: { ...model.manifest, encoder: { ...model.manifest.encoder, dim: 4 } }, projection };
    const encoder: QueryEncoder = { embed: () => Promise.resolve(Float32Array.of(2, 0, 0, 0)) };
    const recommender = await createRecommender(deps({ model: projected, space: createReferenceSpace(projected, DEFAULT_PRIOR_WEIGHT), loadEncoder: () => Promise.resolve(encoder) }));
    const ranking = await recommender.search('four');
    expect(ranking.items[0]?.item.id).toBe('i4');
    expect(inCategory(ranking, 'c4')).toBeGreaterThanOrEqual(10);
  });

  it('keeps shopping in memory and emits a notice when storage fails', async () => {
    const store: EventStore = { ...createMemoryEventStore(), append: () => Promise.reject(new RecError('STORAGE_QUOTA_EXCEEDED', 'full')) };
    const recommender = await createRecommender(deps({ store }));
    const notices: RecError[] = [];
    recommender.on('notice', (error) => notices.push(error));
    const ranking = await recommender.record({ type: 'view', item: toItemId('i1') });
    expect(ranking.personalised).toBe(true);
    expect(notices.map((n) => n.code)).toEqual(['STORAGE_QUOTA_EXCEEDED']);
  });

  it('ranks while the write commits, and shows the ranking and publishes the events only once they are stored (issue 8)', async () => {
    const memory = createMemoryEventStore();
    let commit: () => void = () => undefined;
    const store: EventStore = { ...memory, append: (events, state) => new Promise<void>((done) => (commit = done)).then(() => memory.append(events, state)) };
    const space = createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT);
    let rankings = 0;
    const published: unknown[] = [];
    const recommender = await createRecommender(
      deps({
        store,
        space: { ...space, topK: (interest, k, excluded) => (rankings++, space.topK(interest, k, excluded)) },
        sync: { publish: (message) => published.push(message), subscribe: () => () => undefined, close: () => undefined },
      }),
    );
    const seen: Ranking[] = [];
    recommender.on('ranking', (ranking) => seen.push(ranking));
    const first = recommender.ranking();
    const recorded = recommender.record({ type: 'view', item: toItemId('i2') });
    await vi.waitFor(() => expect(rankings).toBe(2)); // The start-up ranking, then this one: the write is still pending.
    await new Promise((settle) => setTimeout(settle, 10));
    expect(seen).toEqual([]);
    expect(recommender.ranking()).toBe(first);
    expect(published).toEqual([]);
    commit();
    const ranking = await recorded;
    expect(seen).toEqual([ranking]);
    expect(ranking.eventCount).toBe(1);
    expect(published).toHaveLength(1);
    expect((await memory.exportAll()).events).toHaveLength(1);
  });

  it('ranks an interaction only after yieldToPaint resolves, off the frame that answers the click (issue 8)', async () => {
    const space = createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT);
    let rankings = 0;
    let painted: () => void = () => undefined;
    const recommender = await createRecommender(
      deps({ space: { ...space, topK: (interest, k, excluded) => (rankings++, space.topK(interest, k, excluded)) }, yieldToPaint: () => new Promise<void>((done) => (painted = done)) }),
    );
    const recorded = recommender.record({ type: 'view', item: toItemId('i2') });
    await new Promise((settle) => setTimeout(settle, 10));
    expect(rankings).toBe(1); // Only the start-up ranking.
    painted();
    expect((await recorded).eventCount).toBe(1);
    expect(rankings).toBe(2);
  });

  it('shows nothing and keeps its state when the write fails for a reason that is not the environment', async () => {
    const memory = createMemoryEventStore();
    let broken = true;
    const store: EventStore = { ...memory, append: (events, state) => (broken ? Promise.reject(new RecError('INTERNAL', 'a bug in the store')) : memory.append(events, state)) };
    const recommender = await createRecommender(deps({ store }));
    const seen: Ranking[] = [];
    recommender.on('ranking', (ranking) => seen.push(ranking));
    const first = recommender.ranking();
    await expect(recommender.record({ type: 'view', item: toItemId('i2') })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(seen).toEqual([]);
    expect(recommender.ranking()).toBe(first);
    broken = false;
    const next = await recommender.record({ type: 'view', item: toItemId('i3') });
    expect(next.eventCount).toBe(1); // The failed interaction's event is not in the state.
  });

  it('erases everything and returns to the first-visit ranking', async () => {
    const store = createMemoryEventStore();
    const recommender = await createRecommender(deps({ store }));
    const first = ids(recommender.ranking());
    await recommender.record({ type: 'view', item: toItemId('i1') });
    const erased = await recommender.erase();
    expect(ids(erased)).toEqual(first);
    expect(await store.exportAll()).toEqual({ events: [], states: [], baselines: [] });
  });
});

describe('with a sequence model (issue 5)', () => {
  const dim = model.manifest.dim;
  const rowVector = (row: number): Float32Array => model.vectors.slice(row * dim, (row + 1) * dim);

  /** A stand-in model: the interest is its oldest item's vector, doubled (not unit length, unlike the decay rule's). */
  function fakeEncoder(maxLength: number): SequenceEncoder & { readonly calls: number[][]; disposed: boolean } {
    return {
      maxLength,
      calls: [],
      disposed: false,
      interest(rows) {
        this.calls.push([...rows]);
        return Promise.resolve(rowVector(rows[0] ?? 0).map((v) => 2 * v));
      },
      dispose() {
        this.disposed = true;
      },
    };
  }

  it("scores the grid with the encoder's interest of the latest maxLength items, and stores the decay vector as before", async () => {
    const encoder = fakeEncoder(3);
    const store = createMemoryEventStore();
    const recommender = await createRecommender(deps({ store, sequenceEncoder: encoder }));
    expect(recommender.ranking().interestModel).toBe('decay');
    let ranking = recommender.ranking();
    for (const id of ['i1', 'i2', 'i3', 'i4', 'i5']) ranking = await recommender.record({ type: 'view', item: toItemId(id) });
    expect(encoder.calls.at(-1)).toEqual([3, 4, 5]);
    expect(ranking.interestModel).toBe('sequence');
    const expected = topK(scoreAll(model.vectors, dim, rowVector(3).map((v) => 2 * v), model.popularity, DEFAULT_PRIOR_WEIGHT), 12, new Set());
    expect(ranking.items.map((r) => r.row)).toEqual(expected.rows);

    const decayOnly = await createRecommender(deps());
    for (const id of ['i1', 'i2', 'i3', 'i4', 'i5']) await decayOnly.record({ type: 'view', item: toItemId(id) });
    expect((await store.exportAll()).states[0]?.vector).toEqual((await decayOnly.exportData()).states[0]?.vector);
    expect(decayOnly.ranking().interestModel).toBe('decay');
    expect(ids(decayOnly.ranking())).not.toEqual(ids(ranking));

    // Restored from the stored state, the first grid is the sequence model's again.
    const restored = await createRecommender(deps({ store, sequenceEncoder: fakeEncoder(3) }));
    expect(ids(restored.ranking())).toEqual(ids(ranking));
    recommender.dispose();
    expect(encoder.disposed).toBe(true);
  });

  it("rebuilds the state from stored events over the space's item table (spaceVectors), equal to the live one", async () => {
    // A stand-in for a trained table: the fused vectors, each row turned a little and lengthened.
    const table = model.vectors.map((v, i) => (v + 0.5 * (model.vectors[(i + 3) % model.vectors.length] ?? 0)) * (1 + (Math.floor(i / dim) % 3)));
    const space = () => createReferenceSpace({ ...model, vectors: table }, 1);
    const store = createMemoryEventStore();
    const live = await createRecommender(deps({ store, space: space(), sequenceEncoder: fakeEncoder(50), spaceVectors: table }));
    for (const id of ['i1', 'i8', 'i3']) await live.record({ type: 'view', item: toItemId(id) });
    const { events, states } = await store.exportAll();

    /** The vector a recommender rebuilds from the events alone (stored with the next impression). */
    const rebuiltVector = async (spaceVectors?: Float32Array): Promise<Float32Array | undefined> => {
      const eventsOnly: EventStore = { ...createMemoryEventStore(), loadEvents: () => Promise.resolve([...events]) };
      const rebuilt = await createRecommender(deps({ store: eventsOnly, space: space(), sequenceEncoder: fakeEncoder(50), ...(spaceVectors === undefined ? {} : { spaceVectors }) }));
      await rebuilt.recordImpressions([{ item: toItemId('i100'), position: 0 }]);
      return (await eventsOnly.exportAll()).states[0]?.vector;
    };
    expect(await rebuiltVector(table)).toEqual(states[0]?.vector);
    expect(await rebuiltVector()).not.toEqual(states[0]?.vector);
  });

  it('after a search the grid follows the query (the decay vector) until the next item interaction', async () => {
    const loadEncoder = () => Promise.resolve({ embed: () => Promise.resolve(rowVector(4)) });
    const recommender = await createRecommender(deps({ sequenceEncoder: fakeEncoder(50), loadEncoder }));
    const decayOnly = await createRecommender(deps({ loadEncoder }));
    expect((await recommender.record({ type: 'view', item: toItemId('i1') })).interestModel).toBe('sequence');
    await decayOnly.record({ type: 'view', item: toItemId('i1') });
    const searched = await recommender.search('like item 4');
    expect(searched.interestModel).toBe('decay');
    expect(ids(searched)).toEqual(ids(await decayOnly.search('like item 4')));
    const viewed = await recommender.record({ type: 'view', item: toItemId('i2') });
    expect(viewed.interestModel).toBe('sequence');
    expect(inCategory(viewed, 'c1')).toBeGreaterThanOrEqual(10);
  });
});

describe('several tabs of one shop', () => {
  /** Two recommenders over one store, connected like two tabs. */
  async function twoTabs() {
    const store = createMemoryEventStore();
    const hub = createSyncHub();
    const a = await createRecommender(deps({ store, sync: hub.channel(), newEventId: () => `a${crypto.randomUUID()}` }));
    const b = await createRecommender(deps({ store, sync: hub.channel(), newEventId: () => `b${crypto.randomUUID()}` }));
    /** Waits until every published message was delivered and every fold it caused has ranked. */
    const quiet = async () => {
      await hub.settled();
      await Promise.all([a.exportData(), b.exportData()]);
    };
    return { store, a, b, quiet };
  }

  it('re-ranks a tab with what another tab stored', async () => {
    const { a, b, quiet } = await twoTabs();
    const rankings: Ranking[] = [];
    b.on('ranking', (ranking) => rankings.push(ranking));
    await a.record({ type: 'view', item: toItemId('i2') });
    const fromA = await a.record({ type: 'add_to_cart', item: toItemId('i8') });
    await quiet();
    expect(rankings.at(-1)?.eventCount).toBe(2);
    expect(ids(b.ranking())).toEqual(ids(fromA));
    expect(b.cart().map((item) => item.id)).toEqual(['i8']);
  });

  it('stores interleaved interactions of two tabs exactly once, and both rankings reflect all of them', async () => {
    const { store, a, b, quiet } = await twoTabs();
    for (let i = 0; i < 50; i++) {
      await Promise.all([a.record({ type: 'view', item: toItemId(`i${(i * 6) % 120}`) }), b.record({ type: 'view', item: toItemId(`i${(i * 6 + 3) % 120}`) })]);
    }
    await quiet();
    expect(await store.countEvents()).toBe(100);
    expect(a.ranking().eventCount).toBe(100);
    expect(b.ranking().eventCount).toBe(100);
    // Both tabs saw c0 and c3 items only: together they fill the top of both grids.
    for (const tab of [a, b]) expect(tab.ranking().items.filter((r) => r.item.category === 'c0' || r.item.category === 'c3')).toHaveLength(12);
  });

  it('rebuilds from the events when the stored state missed some of them', async () => {
    const { store, a, quiet } = await twoTabs();
    await a.record({ type: 'view', item: toItemId('i2') });
    await quiet();
    // Another tab stored an event, and its state write was lost (e.g. the tab closed in between).
    const [stale] = (await store.exportAll()).states;
    await store.append([{ id: 'late', time: 5_000_000, session: toSessionId('s2'), type: 'purchase', item: toItemId('i5') }], stale ?? (() => { throw new Error('no state'); })());
    const reopened = await createRecommender(deps({ store }));
    expect(reopened.ranking().eventCount).toBe(2);
    expect(ids(reopened.ranking())).not.toContain('i5');
  });

  it('ignores malformed messages from other tabs', async () => {
    const store = createMemoryEventStore();
    const hub = createSyncHub();
    const tab = await createRecommender(deps({ store, sync: hub.channel() }));
    const notices: RecError[] = [];
    tab.on('notice', (notice) => notices.push(notice));
    const stranger = hub.channel();
    for (const message of [null, 'events', { kind: 'events', events: [{ id: 'x', type: 'view' }] }, { kind: 'events', events: 'nope' }, { kind: 'other' }]) {
      stranger.publish(message as never);
    }
    await hub.settled();
    await tab.exportData();
    expect(tab.ranking().eventCount).toBe(0);
    expect(notices).toEqual([]);
  });

  it('resets every tab when one erases', async () => {
    const { a, b, quiet } = await twoTabs();
    const first = ids(b.ranking());
    await a.record({ type: 'view', item: toItemId('i2') });
    await quiet();
    expect(ids(b.ranking())).not.toEqual(first);
    await a.erase();
    await quiet();
    expect(ids(b.ranking())).toEqual(first);
    expect(b.ranking().personalised).toBe(false);
  });
});

/** A memory store whose next `refuse` appends fail as a full disk does (STORAGE_QUOTA_EXCEEDED). */
function fillableStore(inner: EventStore = createMemoryEventStore()): { store: EventStore; control: { refuse: number } } {
  const control = { refuse: 0 };
  const store: EventStore = {
    ...inner,
    append(events, state) {
      if (control.refuse > 0) {
        control.refuse--;
        return Promise.reject(new RecError('STORAGE_QUOTA_EXCEEDED', "could not save the interaction: the browser's storage for this site is full"));
      }
      return inner.append(events, state);
    },
  };
  return { store, control };
}

/** The same store without its stored states: a recommender over it must rebuild from baseline + events. */
const withoutStates = (store: EventStore): EventStore => ({ ...store, loadState: () => Promise.resolve(null) });

const scores = (ranking: Ranking): number[] => ranking.items.map((r) => r.score);

/** Views of items from two categories, one interaction at a time. */
async function browse(recommender: Recommender, items: readonly number[]): Promise<Ranking> {
  let ranking = recommender.ranking();
  for (const i of items) ranking = await recommender.record({ type: i % 2 === 0 ? 'view' : 'add_to_cart', item: toItemId(`i${i}`) });
  return ranking;
}

const HISTORY = [2, 8, 14, 5, 20, 26, 11, 32, 38, 17];
const MODEL_KEY = modelKey(model.manifest);

describe('compaction when the storage is full (issue 7, fault 4)', () => {
  it('compacts the oldest half into the baseline and retries: no notice, the same ranking and eventCount', async () => {
    const { store, control } = fillableStore();
    const live = await createRecommender(deps({ store }));
    const roomy = await createRecommender(deps()); // The same interactions on a store with room.
    const notices: RecError[] = [];
    const compactions: Compaction[] = [];
    live.on('notice', (notice) => notices.push(notice));
    live.on('compacted', (compaction) => compactions.push(compaction));

    await browse(live, HISTORY);
    await browse(roomy, HISTORY);
    control.refuse = 1; // The next write finds the disk full.
    const ranking = await live.record({ type: 'purchase', item: toItemId('i8') });
    const expected = await roomy.record({ type: 'purchase', item: toItemId('i8') });

    expect(notices).toEqual([]);
    expect(compactions).toEqual([{ reason: 'storage-full', events: 5 }]);
    expect(ids(ranking)).toEqual(ids(expected));
    expect(scores(ranking)).toEqual(scores(expected));
    expect(ranking.eventCount).toBe(11);
    expect(ids(ranking)).not.toContain('i8'); // The purchase was applied, and stored on the retry.

    const stored = await store.exportAll();
    expect(stored.events.map((e) => e.id).sort()).toEqual(['e10', 'e11', 'e6', 'e7', 'e8', 'e9']); // e11: the purchase.
    expect(stored.baselines.map((b) => [b.modelKey, b.eventCount])).toEqual([[MODEL_KEY, 5]]);
    // What the stored state summarises: every event, those in the baseline included.
    expect(stored.states[0]?.eventCount).toBe(11);
    expect(stored.states[0]?.purchased.map((p) => p.item)).toEqual(['i8']);
  });

  it('reopens trusting the stored state, and rebuilds from baseline + remaining events exactly as from every event', async () => {
    const { store, control } = fillableStore();
    const everything = createMemoryEventStore(); // Keeps every event: the replay to match.
    const live = await createRecommender(deps({ store }));
    const twin = await createRecommender(deps({ store: everything }));
    const compactions: Compaction[] = [];
    live.on('compacted', (compaction) => compactions.push(compaction));
    // The disk is full twice: the second compaction extends the baseline the first one wrote.
    await browse(live, HISTORY.slice(0, 4));
    control.refuse = 1;
    await browse(live, HISTORY.slice(4, 7));
    control.refuse = 1;
    await browse(live, HISTORY.slice(7));
    const ranking = await browse(twin, HISTORY);
    expect(compactions.map((c) => c.events)).toEqual([2, 3]);
    expect((await store.exportAll()).baselines.map((b) => b.eventCount)).toEqual([5]);

    let replays = 0;
    const counting: EventStore = { ...store, loadEvents: (query) => ((replays += query?.before === undefined ? 1 : 0), store.loadEvents(query)) };
    const reopened = await createRecommender(deps({ store: counting }));
    expect(replays).toBe(0); // 5 in the baseline + 5 events = the state's 10: trusted, not rebuilt.
    expect(ids(reopened.ranking())).toEqual(ids(ranking));
    expect(reopened.ranking().eventCount).toBe(10);

    const rebuilt = await createRecommender(deps({ store: withoutStates(store) }));
    const replayedAll = await createRecommender(deps({ store: withoutStates(everything) }));
    expect(rebuilt.ranking().eventCount).toBe(10);
    expect(scores(rebuilt.ranking())).toEqual(scores(replayedAll.ranking()));
    expect(ids(rebuilt.ranking())).toEqual(ids(ranking));
    expect(rebuilt.cart().map((item) => item.id)).toEqual(['i5', 'i11', 'i17']); // Cart items added before the compaction too.
  });

  it('when the retry fails too, emits one notice, keeps shopping in memory, and stores those events once there is room', async () => {
    const { store, control } = fillableStore();
    const live = await createRecommender(deps({ store }));
    const notices: RecError[] = [];
    live.on('notice', (notice) => notices.push(notice));
    await browse(live, HISTORY.slice(0, 4));
    control.refuse = 2;
    const ranking = await live.record({ type: 'view', item: toItemId('i44') });
    expect(notices.map((n) => n.code)).toEqual(['STORAGE_QUOTA_EXCEEDED']);
    expect(ranking.eventCount).toBe(5);
    expect(ranking.personalised).toBe(true);
    // The compaction itself went through; only the new event could not be stored.
    expect((await store.loadBaseline(MODEL_KEY))?.eventCount).toBe(2);
    expect(await store.countEvents()).toBe(2);
    // The next write with room stores the event kept in memory too: nothing is lost.
    const next = await live.record({ type: 'view', item: toItemId('i50') });
    expect(next.eventCount).toBe(6);
    expect(await store.countEvents()).toBe(4);
    expect((await store.exportAll()).states[0]?.eventCount).toBe(6); // = 2 in the baseline + 4 events.
    const reopened = await createRecommender(deps({ store: withoutStates(store) }));
    expect(ids(reopened.ranking())).toEqual(ids(next));
    expect(reopened.ranking().eventCount).toBe(6);
  });

  it('never writes events kept in memory after the shopper erased everything', async () => {
    const { store, control } = fillableStore();
    const live = await createRecommender(deps({ store }));
    control.refuse = Number.POSITIVE_INFINITY;
    await browse(live, HISTORY.slice(0, 3));
    await live.erase();
    control.refuse = 0;
    await live.record({ type: 'view', item: toItemId('i50') });
    const { events } = await store.exportAll();
    expect(events.map((e) => ('item' in e ? e.item : null))).toEqual(['i50']);
  });

  it('when compacting fails as well, emits a notice and keeps shopping, nothing thrown', async () => {
    const { store: fillable, control } = fillableStore();
    const store: EventStore = { ...fillable, compact: () => Promise.reject(new RecError('STORAGE_QUOTA_EXCEEDED', 'still full')) };
    const live = await createRecommender(deps({ store }));
    const notices: RecError[] = [];
    live.on('notice', (notice) => notices.push(notice));
    await browse(live, HISTORY.slice(0, 2));
    control.refuse = 1;
    const ranking = await live.record({ type: 'view', item: toItemId('i44') });
    expect(notices.map((n) => n.code)).toEqual(['STORAGE_QUOTA_EXCEEDED']);
    expect(notices[0]?.message).toContain('kept in memory');
    expect((notices[0]?.cause as RecError).message).toBe('still full'); // cause is unknown; persist keeps the RecError there.
    expect(ranking.eventCount).toBe(3);
    expect(await store.countEvents()).toBe(2);
  });

  it('retries the write when another tab compacted first (compact reports the store changed)', async () => {
    const { store: fillable, control } = fillableStore();
    let attempts = 0;
    const store: EventStore = { ...fillable, compact: () => (attempts++, Promise.resolve(false)) };
    const live = await createRecommender(deps({ store }));
    const notices: RecError[] = [];
    live.on('notice', (notice) => notices.push(notice));
    await browse(live, HISTORY.slice(0, 2));
    control.refuse = 1;
    await live.record({ type: 'view', item: toItemId('i44') });
    expect(attempts).toBe(1);
    expect(notices).toEqual([]);
    expect(await store.countEvents()).toBe(3);
  });
});

describe('retention (issue 7, privacy)', () => {
  const DAY = 24 * 60 * 60 * 1000;

  it('keeps 90 days of raw events by default', () => {
    expect(DEFAULT_RETENTION_MS).toBe(90 * DAY);
  });

  it('compacts events older than retentionMs at start-up, keeping their effect on the ranking', async () => {
    const store = createMemoryEventStore();
    const clock = { t: 1_000_000 };
    const now = () => (clock.t += 1000);
    let id = 0;
    const newEventId = () => `r${++id}`;
    const first = await createRecommender(deps({ store, now, newEventId }));
    await browse(first, HISTORY.slice(0, 5)); // Day 0.
    clock.t += 60 * DAY;
    const ranking = await browse(first, HISTORY.slice(5)); // Day 60.
    first.dispose();

    clock.t += 31 * DAY; // Day 91: the first five are older than 90 days, the rest are not.
    const later = await createRecommender(deps({ store, now, newEventId }));
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['r6', 'r7', 'r8', 'r9', 'r10']);
    const [baseline] = (await store.exportAll()).baselines;
    expect(baseline?.eventCount).toBe(5);
    expect(baseline?.lastEventTime).toBeLessThan(clock.t - 90 * DAY);
    expect(ids(later.ranking())).toEqual(ids(ranking));
    expect(later.ranking().eventCount).toBe(10);
    expect(later.cart().map((item) => item.id)).toEqual(['i5', 'i11', 'i17']);

    // Rebuilt from the baseline + the recent events, as from all ten.
    const rebuilt = await createRecommender(deps({ store: withoutStates(store), now, newEventId }));
    expect(ids(rebuilt.ranking())).toEqual(ids(ranking));
  });

  it('uses the configured retention, and leaves recent events alone', async () => {
    const store = createMemoryEventStore();
    const clock = { t: 1_000_000 };
    const now = () => (clock.t += 1000);
    const first = await createRecommender(deps({ store, now }));
    await browse(first, HISTORY.slice(0, 4));
    clock.t += 30 * 60 * 1000;
    await createRecommender(deps({ store, now, newEventId: () => 'unused' }));
    expect(await store.countEvents()).toBe(4); // 30 minutes old: kept under the default 90 days.

    await createRecommender(deps({ store, now, retentionMs: 10 * 60 * 1000, newEventId: () => 'unused' }));
    expect(await store.countEvents()).toBe(0);
    expect((await store.exportAll()).baselines[0]?.eventCount).toBe(4);
  });

  it('rejects a retention that is not a positive number of milliseconds', async () => {
    for (const retentionMs of [0, -1, Number.NaN]) {
      await expect(createRecommender(deps({ retentionMs }))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });

  it('starts anyway when compacting at start-up fails (the events stay until the next start)', async () => {
    const store = createMemoryEventStore();
    const clock = { t: 1_000_000 };
    const now = () => (clock.t += 1000);
    await browse(await createRecommender(deps({ store, now })), HISTORY.slice(0, 3));
    clock.t += 100 * DAY;
    const failing: EventStore = { ...store, compact: () => Promise.reject(new RecError('STORAGE_UNAVAILABLE', 'gone')) };
    const recommender = await createRecommender(deps({ store: failing, now }));
    expect(recommender.ranking().eventCount).toBe(3);
    expect(await store.countEvents()).toBe(3);
  });
});

describe('compaction across a model change', () => {
  const otherModel = { ...model, manifest: { ...model.manifest, catalogId: 'fixture-v2' } };

  it("leaves the old model's baseline, starts the new model from the remaining events, and trusts its state afterwards", async () => {
    const store = createMemoryEventStore();
    const clock = { t: 1_000_000 };
    const now = () => (clock.t += 1000);
    let id = 0;
    const newEventId = () => `m${++id}`;
    await browse(await createRecommender(deps({ store, now, newEventId })), HISTORY.slice(0, 4));
    clock.t += 91 * 24 * 60 * 60 * 1000;
    const old = await createRecommender(deps({ store, now, newEventId })); // Retention compacts all four.
    await browse(old, HISTORY.slice(4, 6));
    expect(await store.countEvents()).toBe(2);

    const loads: string[] = [];
    const counting: EventStore = { ...store, loadEvents: (query) => (query?.before === undefined && loads.push('all'), store.loadEvents(query)) };
    const otherDeps = () => deps({ model: otherModel, space: createReferenceSpace(otherModel, DEFAULT_PRIOR_WEIGHT), store: counting, now, newEventId });
    const switched = await createRecommender(otherDeps());
    expect(loads).toEqual(['all']); // No state for the new model: rebuilt from the events still stored.
    expect(switched.ranking().eventCount).toBe(2);
    expect(await store.loadBaseline(modelKey(otherModel.manifest))).toBeNull();
    expect((await store.loadBaseline(MODEL_KEY))?.eventCount).toBe(4); // Left as it was.

    await switched.record({ type: 'view', item: toItemId('i40') });
    loads.length = 0;
    const again = await createRecommender(otherDeps());
    expect(loads).toEqual([]); // Its stored state (3 events, no baseline of its own) is trusted: no replay loop.
    expect(again.ranking().eventCount).toBe(3);
  });
});

describe('list quality: shop rules, variants and exploration (issue 9)', () => {
  // c2 is the department the shopper browses: i14 and i20 (c2) are out of stock, i26 and i32 (c2)
  // are one product in two colours, i1 (c1) is pinned to position 3, c2 items are consumables.
  const items = model.items.map((item) => {
    if (item.id === 'i14' || item.id === 'i20') return { ...item, inStock: false };
    if (item.id === 'i26' || item.id === 'i32') return { ...item, group: 'mug' };
    return item;
  });
  const rules = parseShopRules(
    { items: [], rules: { pin: [{ item: 'i1', position: 3 }], repurchase: [{ category: 'c2', afterDays: 7 }], firstRow: { size: 4, maxPerCategory: 3 } } },
    items,
    'catalog.json',
  );
  const shop = { ...model, items, rules };
  const shopDeps = (overrides: Partial<RecommenderDeps> = {}) => deps({ model: shop, space: createReferenceSpace(shop, DEFAULT_PRIOR_WEIGHT), explorationSeed: 9, ...overrides });
  const DAY = 24 * 60 * 60 * 1000;

  it('never shows out-of-stock items or two variants, keeps the pin in its slot and caps the first row', async () => {
    const recommender = await createRecommender(shopDeps({ gridSize: 24 }));
    for (const ranking of [recommender.ranking(), await browse(recommender, [2, 8, 38, 44, 50])]) {
      const shown = ids(ranking);
      expect(shown).not.toContain('i14');
      expect(shown).not.toContain('i20');
      expect(shown.filter((id) => id === 'i26' || id === 'i32').length).toBeLessThanOrEqual(1);
      expect(ranking.items[3]).toMatchObject({ item: { id: 'i1' }, reason: { kind: 'pinned' } });
      expect(ranking.items.slice(0, 4).filter((r) => r.item.category === 'c2').length).toBeLessThanOrEqual(3);
    }
    expect(inCategory(recommender.ranking(), 'c2')).toBeGreaterThanOrEqual(12);
  });

  it('brings consumables back after their interval; durables never', async () => {
    const setup = shopDeps({ gridSize: 100 });
    const recommender = await createRecommender(setup);
    await recommender.record({ type: 'purchase', item: toItemId('i2') }); // c2: a consumable
    const bought = await recommender.record({ type: 'purchase', item: toItemId('i3') }); // c3: a durable
    expect(ids(bought)).not.toContain('i2');
    expect(ids(bought)).not.toContain('i3');
    setup.clock.t += 8 * DAY;
    const later = await recommender.record({ type: 'view', item: toItemId('i8') });
    expect(ids(later)).toContain('i2');
    expect(ids(later)).not.toContain('i3');
  });

  it('explores items the session has not shown, reproducibly for one seed, and says so on the card', async () => {
    const run = async (seed: number) => {
      const recommender = await createRecommender(shopDeps({ explorationSeed: seed }));
      const rankings = [recommender.ranking(), await browse(recommender, [2, 8])];
      return rankings;
    };
    const [first, second] = await run(9);
    const explored = (ranking: Ranking | undefined) => (ranking?.items ?? []).filter((r) => r.reason?.kind === 'explore').map((r) => r.item.id);
    expect(explored(first)).toHaveLength(2); // 12 cards x 0.125, at the start of the session
    for (const id of explored(second)) expect(ids(first as Ranking)).not.toContain(id);
    expect((await run(9)).map(ids)).toEqual([first, second].map((r) => ids(r as Ranking)));
    expect((await run(10)).map(ids)).not.toEqual([first, second].map((r) => ids(r as Ranking)));
  });
});
