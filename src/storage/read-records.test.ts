// read-records.ts: invalid stored records are skipped and reported, never thrown; events read by age.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { STATE_VERSION } from './schema.ts';
import { closeOpenStores, freshStore, putRaw, sampleState, storeWithHistory, viewEvent } from './test-support.ts';

afterEach(() => {
  vi.restoreAllMocks();
  closeOpenStores();
});

describe('invalid stored records', () => {
  it(
    'skips and reports invalid events, keeping every valid one in order',
    faultTest('Stored state', 'Invalid event records among valid ones in IndexedDB', async () => {
      const { store, name, invalid } = await freshStore();
      // Ids in the reverse of time order: events read in key order rather than by time would show.
      await store.append([viewEvent('a', 300), viewEvent('c', 100)], sampleState());
      await putRaw(
        name,
        'events',
        { id: 'bad-type', time: 150, session: 's', type: 'teleport', item: 'x' },
        { id: 'no-time', session: 's', type: 'view', item: 'x' }, // Not in the by-time index at all.
        { id: 'text-time', time: '200', session: 's', type: 'view', item: 'x' },
        { ...viewEvent('b', 200), extra: 'ignored' },
      );

      const events = await store.loadEvents();
      expect(events.map((e) => e.id)).toEqual(['c', 'b', 'a']);
      expect(invalid.map((r) => [r.store, r.key, r.error.code]).sort()).toEqual([
        ['events', 'bad-type', 'EVENT_INVALID'],
        ['events', 'no-time', 'EVENT_INVALID'],
        ['events', 'text-time', 'EVENT_INVALID'],
      ]);
      expect(invalid.find((r) => r.key === 'bad-type')?.error.location).toEqual({ file: `indexeddb:${name}/events/bad-type`, field: 'type' });

      invalid.length = 0;
      const data = await store.exportAll();
      expect(data.events.map((e) => e.id)).toEqual(['c', 'b', 'a']);
      expect(invalid).toHaveLength(3);
    }),
  );

  it(
    'reads an invalid state as null (rebuilt from events) and reports it; the next append replaces it',
    faultTest('Stored state', 'An invalid state record in IndexedDB', async () => {
      const { store, name, invalid } = await freshStore();
      const state = sampleState('m1');
      await putRaw(name, 'state', { ...state, vector: [0.5, 0.25], stateVersion: STATE_VERSION, updatedAt: 1 });

      expect(await store.loadState('m1')).toBeNull();
      expect(invalid).toHaveLength(1);
      expect(invalid[0]?.store).toBe('state');
      expect(invalid[0]?.key).toBe('m1');
      expect(invalid[0]?.error.location).toEqual({ file: `indexeddb:${name}/state/m1`, field: 'vector' });
      expect((await store.exportAll()).states).toEqual([]);

      await store.append([], state);
      expect(await store.loadState('m1')).toEqual(state);
    }),
  );

  it('reads a state of another stateVersion as null without reporting it', async () => {
    const { store, name, invalid } = await freshStore();
    await putRaw(name, 'state', { ...sampleState('m1'), stateVersion: STATE_VERSION + 1, updatedAt: 1 });
    expect(await store.loadState('m1')).toBeNull();
    expect(invalid).toEqual([]);
  });

  it('warns once per read by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { store, name } = await freshStore({ onInvalidRecords: undefined }); // The default reporter.
    await putRaw(name, 'events', { id: 'x1' }, { id: 'x2', time: 1 });
    expect(await store.loadEvents()).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toMatch(new RegExp(`^Vitrine skipped 2 invalid stored record\\(s\\); first: events/x1: indexeddb:${name}/events/x1: `));
    warn.mockClear();
    await store.loadState('m1');
    expect(warn).not.toHaveBeenCalled(); // Nothing invalid read: no warning.
  });

  it('reports a stored state without a string modelKey under key null, naming the record "?"', async () => {
    const { store, name, invalid } = await freshStore();
    await putRaw(name, 'baselines', { ...sampleState('m1'), modelKey: 7, stateVersion: STATE_VERSION, updatedAt: 1 });
    await store.exportAll();
    expect(invalid.map((r) => [r.store, r.key, r.error.location.file])).toEqual([['baselines', null, `indexeddb:${name}/baselines/?`]]);
  });
});

describe('reading events by age', () => {
  it(
    'reads numbered events in the order they happened, whatever their times and ids',
    faultTest('Time and dates', 'Stored events whose times and ids disagree with the order they happened in', async () => {
      const { store } = await freshStore();
      // The same millisecond with ids against the order, then a clock set back; an older unnumbered event first.
      await store.append(
        [{ ...viewEvent('z', 500), seq: 0 }, { ...viewEvent('y', 500), seq: 1 }, { ...viewEvent('x', 100), seq: 2 }, viewEvent('w', 900)],
        sampleState(),
      );
      expect((await store.loadEvents()).map((e) => e.id)).toEqual(['w', 'z', 'y', 'x']);
    }),
  );

  it('reads events before a time, oldest first, for retention', async () => {
    const { store } = await storeWithHistory();
    await store.append([viewEvent('a2', 2), viewEvent('z', 0)], sampleState('m1', 7));
    expect((await store.loadEvents({ before: 3 })).map((e) => e.id)).toEqual(['z', 'a', 'a2', 'b']);
    expect(await store.loadEvents({ before: 0 })).toEqual([]);
    expect(await store.loadEvents({ before: Number.NEGATIVE_INFINITY })).toEqual([]);
    expect(await store.loadEvents({ before: Number.POSITIVE_INFINITY })).toHaveLength(7);
  });
});
