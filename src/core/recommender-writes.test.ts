// How an interaction's grid and its IndexedDB write meet: the grid is shown while the write commits,
// ranked off the click's frame, and taken back when the store fails by a bug.
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { RecError } from './errors.ts';
import { toItemId } from './ids.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { EventStore } from './ports.ts';
import { createRecommender, type Ranking } from './recommender.ts';
import { createReferenceSpace } from './test-support.ts';
import { deps, model } from './recommender-test-support.ts';

describe('createRecommender: an interaction and its write', () => {
  it('shows the ranking while the write commits, and publishes the events and settles the interaction only once they are stored', async () => {
    const memory = createMemoryEventStore();
    let commit: () => void = () => undefined;
    const store: EventStore = { ...memory, append: (events, state) => new Promise<void>((done) => (commit = done)).then(() => memory.append(events, state)) };
    const published: unknown[] = [];
    const recommender = await createRecommender(
      deps({ store, sync: { publish: (message) => published.push(message), subscribe: () => () => undefined, close: () => undefined } }),
    );
    const seen: Ranking[] = [];
    recommender.on('ranking', (ranking) => seen.push(ranking));
    const first = recommender.ranking();
    let settled = false;
    const recorded = recommender.record({ type: 'view', item: toItemId('i2') }).then((ranking) => ((settled = true), ranking));
    await vi.waitFor(() => expect(seen).toHaveLength(1)); // The write is still pending.
    expect(recommender.ranking()).toBe(seen[0]);
    expect(recommender.ranking()).not.toBe(first);
    expect(seen[0]?.eventCount).toBe(1);
    await new Promise((settle) => setTimeout(settle, 10));
    expect(settled).toBe(false);
    expect(published).toEqual([]);
    expect((await memory.exportAll()).events).toHaveLength(0);
    commit();
    expect(await recorded).toBe(seen[0]);
    expect(seen).toHaveLength(1);
    expect(published).toHaveLength(1);
    expect((await memory.exportAll()).events).toHaveLength(1);
  });

  it('ranks an interaction only after yieldToPaint resolves, off the frame that answers the click', async () => {
    const space = createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT);
    let rankings = 0;
    let painted: () => void = () => undefined;
    const recommender = await createRecommender(
      deps({
        space: { ...space, topK: (interest, k, excluded) => (rankings++, space.topK(interest, k, excluded)) },
        yieldToPaint: () => new Promise<void>((done) => (painted = done)),
      }),
    );
    const recorded = recommender.record({ type: 'view', item: toItemId('i2') });
    await new Promise((settle) => setTimeout(settle, 10));
    expect(rankings).toBe(1); // Only the start-up ranking.
    painted();
    expect((await recorded).eventCount).toBe(1);
    expect(rankings).toBe(2);
  });

  it('stores the interaction, keeps its state and tells other tabs when only its ranking fails', async () => {
    const memory = createMemoryEventStore();
    const space = createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT);
    let failNext = false;
    const published: unknown[] = [];
    const recommender = await createRecommender(
      deps({
        store: memory,
        space: {
          ...space,
          topK: (interest, k, excluded) => {
            if (failNext) {
              failNext = false;
              throw new RecError('INTERNAL', 'the ranking failed');
            }
            return space.topK(interest, k, excluded);
          },
        },
        sync: { publish: (message) => published.push(message), subscribe: () => () => undefined, close: () => undefined },
      }),
    );
    failNext = true;
    await expect(recommender.record({ type: 'view', item: toItemId('i2') })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect((await memory.exportAll()).events).toHaveLength(1);
    expect(published).toHaveLength(1);
    expect((await recommender.record({ type: 'view', item: toItemId('i3') })).eventCount).toBe(2);
  });

  it('goes back to the grid and state it had when the write fails for a reason that is not the environment', async () => {
    const memory = createMemoryEventStore();
    let broken = true;
    const store: EventStore = {
      ...memory,
      append: (events, state) => (broken ? Promise.reject(new RecError('INTERNAL', 'a bug in the store')) : memory.append(events, state)),
    };
    const recommender = await createRecommender(deps({ store }));
    const seen: Ranking[] = [];
    recommender.on('ranking', (ranking) => seen.push(ranking));
    const first = recommender.ranking();
    await expect(recommender.record({ type: 'view', item: toItemId('i2') })).rejects.toMatchObject({ code: 'INTERNAL' });
    // Shown while the write was pending, then taken back.
    expect(seen).toHaveLength(2);
    expect(seen[0]?.eventCount).toBe(1);
    expect(seen[1]).toBe(first);
    expect(recommender.ranking()).toBe(first);
    broken = false;
    const next = await recommender.record({ type: 'view', item: toItemId('i3') });
    expect(next.eventCount).toBe(1); // The failed interaction's event is not in the state.
  });
});

describe('createRecommender: interactions that come together', () => {
  it('records interactions that arrive while one is being handled together: every one stored, in order, with one grid for the rest', async () => {
    const memory = createMemoryEventStore();
    let commit: () => void = () => undefined;
    let held = true;
    const store: EventStore = {
      ...memory,
      append: (events, state) => (held ? new Promise<void>((done) => (commit = done)) : Promise.resolve()).then(() => memory.append(events, state)),
    };
    const recommender = await createRecommender(deps({ store }));
    const seen: Ranking[] = [];
    recommender.on('ranking', (ranking) => seen.push(ranking));
    const first = recommender.record({ type: 'view', item: toItemId('i1') });
    await vi.waitFor(() => expect(seen).toHaveLength(1)); // i1's grid is shown; its write is held.
    const items = Array.from({ length: 30 }, (_, i) => toItemId(`i${i + 2}`));
    const quick = items.map((item) => recommender.record({ type: 'add_to_cart', item }));
    const unknown = recommender.record({ type: 'view', item: toItemId('not-in-catalogue') });
    held = false;
    commit();
    await first;
    const rankings = await Promise.all(quick);
    await expect(unknown).rejects.toMatchObject({ code: 'UNKNOWN_ITEM' });
    expect(seen).toHaveLength(2);
    expect(new Set(rankings)).toEqual(new Set([seen[1]]));
    expect(seen[1]?.eventCount).toBe(31);
    const stored = (await memory.exportAll()).events;
    expect(stored.map((event) => ('item' in event ? event.item : null))).toEqual([toItemId('i1'), ...items]);
    expect(stored.map((event) => event.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    expect(recommender.cart().map((item) => item.id)).toEqual(items);
  });
});
