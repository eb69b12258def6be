/**
 * An EventStore in memory: the fallback when IndexedDB is unavailable or blocked, and the store
 * used when replaying histories in Node. Keeps the same contract (events once by id, atomic append
 * and compact, the same checks before compacting) so core's tests of one hold for the other.
 */
import { compareEventOrder, type InteractionEvent } from './interactions.ts';
import type { EventStore, StoredData } from './ports.ts';
import type { InterestState } from './state.ts';

/** @returns an empty in-memory store. */
export function createMemoryEventStore(): EventStore {
  const events = new Map<string, InteractionEvent>();
  const states = new Map<string, InterestState>();
  const baselines = new Map<string, InterestState>();
  /** In the order they happened, as the IndexedDB store reads them. */
  const sorted = (): InteractionEvent[] => [...events.values()].sort(compareEventOrder);
  return {
    kind: 'memory',
    loadEvents: (query = {}) => {
      const { before } = query;
      return Promise.resolve(before === undefined ? sorted() : sorted().filter((event) => event.time < before));
    },
    countEvents: () => Promise.resolve(events.size),
    loadState: (modelKey) => Promise.resolve(states.get(modelKey) ?? null),
    loadBaseline: (modelKey) => Promise.resolve(baselines.get(modelKey) ?? null),
    append(newEvents, state) {
      for (const event of newEvents) events.set(event.id, event);
      states.set(state.modelKey, state);
      return Promise.resolve();
    },
    compact(baseline, removeEventIds) {
      const previous = baselines.get(baseline.modelKey)?.eventCount ?? 0;
      const unchanged = previous === baseline.eventCount - removeEventIds.length && removeEventIds.every((id) => events.has(id));
      if (!unchanged) return Promise.resolve(false);
      baselines.set(baseline.modelKey, baseline);
      for (const id of removeEventIds) events.delete(id);
      return Promise.resolve(true);
    },
    exportAll: (): Promise<StoredData> => Promise.resolve({ events: [...events.values()], states: [...states.values()], baselines: [...baselines.values()] }),
    eraseAll() {
      events.clear();
      states.clear();
      baselines.clear();
      return Promise.resolve();
    },
    close() {},
  };
}
