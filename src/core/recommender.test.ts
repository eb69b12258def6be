import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { RecError } from './errors.ts';
import { toItemId, toSessionId, type ItemId } from './ids.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { EventStore, QueryEncoder } from './ports.ts';
import { createRecommender, type Ranking, type RecommenderDeps } from './recommender.ts';
import { createReferenceEngine, createSyncHub, makeFixtureModel } from './test-support.ts';

const model = makeFixtureModel({ count: 120, dim: 16, categories: 6, popularity: true });

function deps(overrides: Partial<RecommenderDeps> = {}): RecommenderDeps & { clock: { t: number } } {
  const clock = { t: 1_000_000 };
  let id = 0;
  return {
    model,
    engine: createReferenceEngine(model, DEFAULT_PRIOR_WEIGHT),
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
    const eventsOnly: EventStore = { ...createMemoryEventStore(), loadEvents: () => Promise.resolve([...events]) };
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
    const recommender = await createRecommender(deps({ model: projected, engine: createReferenceEngine(projected, DEFAULT_PRIOR_WEIGHT), loadEncoder: () => Promise.resolve(encoder) }));
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

  it('erases everything and returns to the first-visit ranking', async () => {
    const store = createMemoryEventStore();
    const recommender = await createRecommender(deps({ store }));
    const first = ids(recommender.ranking());
    await recommender.record({ type: 'view', item: toItemId('i1') });
    const erased = await recommender.erase();
    expect(ids(erased)).toEqual(first);
    expect(await store.exportAll()).toEqual({ events: [], states: [] });
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
