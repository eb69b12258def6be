// What a ranking is made from: interactions, searches, stored state, storage failures, erasing,
// and a sequence model. How the grid is arranged is in ranker.test.ts and list-quality.test.ts.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { RecError } from './errors.ts';
import { toItemId } from './ids.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { EventStore, QueryEncoder, SequenceEncoder } from './ports.ts';
import { scoreAll, topK } from './rank.ts';
import { createRecommender, type Ranking } from './recommender.ts';
import { createReferenceSpace } from './test-support.ts';
import { DEFAULT_FIRST_ROW_SIZE } from './shop-rules.ts';
import { deps, ids, inCategory, model } from './recommender-test-support.ts';

describe('createRecommender: interactions, searches and stored state', () => {
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
    const eventsOnly: EventStore = {
      ...createMemoryEventStore(),
      loadEvents: (query) => Promise.resolve(events.filter((e) => e.time < (query?.before ?? Infinity))),
    };
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
    const recommender = await createRecommender(
      deps({
        loadEncoder: () => {
          loads++;
          return Promise.resolve(encoder);
        },
      }),
    );
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
    const recommender = await createRecommender(
      deps({ model: projected, space: createReferenceSpace(projected, DEFAULT_PRIOR_WEIGHT), loadEncoder: () => Promise.resolve(encoder) }),
    );
    const ranking = await recommender.search('four');
    expect(ranking.items[0]?.item.id).toBe('i4');
    expect(inCategory(ranking, 'c4')).toBeGreaterThanOrEqual(10);
  });
});

describe('createRecommender: storage, timing, events and erasing', () => {
  it('keeps shopping in memory and emits a notice when storage fails', async () => {
    const store: EventStore = { ...createMemoryEventStore(), append: () => Promise.reject(new RecError('STORAGE_QUOTA_EXCEEDED', 'full')) };
    const recommender = await createRecommender(deps({ store }));
    const notices: RecError[] = [];
    recommender.on('notice', (error) => notices.push(error));
    const ranking = await recommender.record({ type: 'view', item: toItemId('i1') });
    expect(ranking.personalised).toBe(true);
    expect(notices.map((n) => n.code)).toEqual(['STORAGE_QUOTA_EXCEEDED']);
  });

  it('types its events by name: a name it does not emit fails to compile (checked by npm run typecheck)', async () => {
    const recommender = await createRecommender(deps());
    const heard: string[] = [];
    // @ts-expect-error 'typo' is not one of the recommender's events.
    const off = recommender.on('typo', () => heard.push('typo'));
    off();
    expect(heard).toEqual([]);
    recommender.dispose();
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

describe('with a sequence model', () => {
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
    const expected = topK(
      scoreAll(
        model.vectors,
        dim,
        rowVector(3).map((v) => 2 * v),
        model.popularity,
        DEFAULT_PRIOR_WEIGHT,
      ),
      12,
      new Set(),
    );
    // Score order, except that the items viewed in this session (rows 0-4) do not take the first row.
    const viewed = (row: number): boolean => row <= 4;
    const firstRow = expected.rows.filter((row) => !viewed(row)).slice(0, DEFAULT_FIRST_ROW_SIZE);
    expect(ranking.items.map((r) => r.row)).toEqual([...firstRow, ...expected.rows.filter((row) => !firstRow.includes(row))]);

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
      const rebuilt = await createRecommender(
        deps({ store: eventsOnly, space: space(), sequenceEncoder: fakeEncoder(50), ...(spaceVectors === undefined ? {} : { spaceVectors }) }),
      );
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
    const forYou = await recommender.clearSearch();
    expect(forYou.interestModel).toBe('decay');
    expect(ids(forYou)).toEqual(ids(await decayOnly.clearSearch()));
    const viewed = await recommender.record({ type: 'view', item: toItemId('i2') });
    expect(viewed.interestModel).toBe('sequence');
    expect(inCategory(viewed, 'c1')).toBeGreaterThanOrEqual(10);
  });
});
