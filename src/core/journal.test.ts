// The journal through the recommender: compaction when the storage is full, retention, and a
// model change, with the ranking and the stored record checked after each.
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { DEFAULT_PRIOR_WEIGHT, DEFAULT_RETENTION_MS } from './constants.ts';
import { RecError } from './errors.ts';
import { toItemId } from './ids.ts';
import { modelKey } from './manifest.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { EventStore } from './ports.ts';
import { createRecommender, type Compaction, type Ranking } from './recommender.ts';
import { createReferenceSpace } from './test-support.ts';
import { browse, deps, ids, model } from './recommender-test-support.ts';

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
const HISTORY = [2, 8, 14, 5, 20, 26, 11, 32, 38, 17];
const MODEL_KEY = modelKey(model.manifest);

describe('compaction when the storage is full', () => {
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

describe('retention', () => {
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

  it(
    'rejects a retention that is not a positive number of milliseconds',
    faultTest('Settings', 'A retention setting that is not a positive number of milliseconds', async () => {
      for (const retentionMs of [0, -1, Number.NaN]) {
        await expect(createRecommender(deps({ retentionMs }))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
      }
    }),
  );

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
