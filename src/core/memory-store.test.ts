import { describe, expect, it } from 'vitest';
import { toItemId, toSessionId } from './ids.ts';
import type { InteractionEvent } from './interactions.ts';
import { createMemoryEventStore } from './memory-store.ts';
import { emptyState, type InterestState } from './state.ts';

const view = (id: string, time: number): InteractionEvent => ({ id, time, session: toSessionId('s'), type: 'view', item: toItemId('i1') });
const stateOf = (modelKey: string, eventCount: number): InterestState => ({ ...emptyState(modelKey, 2), eventCount });

async function storeWithHistory() {
  const store = createMemoryEventStore();
  await store.append([view('c', 3), view('a', 1), view('b', 1), view('d', 4)], stateOf('m1', 4));
  return store;
}

describe('createMemoryEventStore', () => {
  it('reads events oldest first, ties by id (as the IndexedDB by-time index), all or before a time', async () => {
    const store = await storeWithHistory();
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
    expect((await store.loadEvents({ before: 3 })).map((e) => e.id)).toEqual(['a', 'b']);
    expect(await store.loadEvents({ before: 1 })).toEqual([]);
  });

  it('compacts: stores the baseline and removes its events, both or neither', async () => {
    const store = await storeWithHistory();
    expect(await store.loadBaseline('m1')).toBeNull();
    expect(await store.compact(stateOf('m1', 2), ['a', 'b'])).toBe(true);
    expect(await store.loadBaseline('m1')).toEqual(stateOf('m1', 2));
    expect(await store.countEvents()).toBe(2);

    // Not as read: an event gone, or a baseline other than the one extended.
    expect(await store.compact(stateOf('m1', 3), ['b'])).toBe(false);
    expect(await store.compact(stateOf('m1', 2), ['c'])).toBe(false);
    expect(await store.compact(stateOf('m2', 2), ['c'])).toBe(false); // m2 has no baseline: 2 - 1 ≠ 0.
    expect(await store.loadBaseline('m1')).toEqual(stateOf('m1', 2));
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['c', 'd']);

    expect(await store.compact(stateOf('m2', 1), ['c'])).toBe(true); // Another model's baseline, from the remaining events.
    expect((await store.loadEvents()).map((e) => e.id)).toEqual(['d']);
  });

  it('exports the baselines and erases them', async () => {
    const store = await storeWithHistory();
    await store.compact(stateOf('m1', 1), ['a']);
    const data = await store.exportAll();
    expect(data.baselines).toEqual([stateOf('m1', 1)]);
    expect(data.states).toEqual([stateOf('m1', 4)]);
    expect(data.events).toHaveLength(3);
    await store.eraseAll();
    expect(await store.exportAll()).toEqual({ events: [], states: [], baselines: [] });
    expect(await store.compact(stateOf('m1', 2), ['b'])).toBe(false); // Erased events never come back.
  });
});
