/**
 * An EventStore in memory: the fallback when IndexedDB is unavailable or blocked, and the store
 * used when replaying histories in Node. Keeps the same contract (events once by id, atomic append).
 */
import type { InteractionEvent } from './interactions.ts';
import type { EventStore, StoredData } from './ports.ts';
import type { InterestState } from './state.ts';

/** @returns an empty in-memory store. */
export function createMemoryEventStore(): EventStore {
  const events = new Map<string, InteractionEvent>();
  const states = new Map<string, InterestState>();
  return {
    kind: 'memory',
    loadEvents: () => Promise.resolve([...events.values()].sort((a, b) => a.time - b.time)),
    countEvents: () => Promise.resolve(events.size),
    loadState: (modelKey) => Promise.resolve(states.get(modelKey) ?? null),
    append(newEvents, state) {
      for (const event of newEvents) events.set(event.id, event);
      states.set(state.modelKey, state);
      return Promise.resolve();
    },
    exportAll: (): Promise<StoredData> => Promise.resolve({ events: [...events.values()], states: [...states.values()] }),
    eraseAll() {
      events.clear();
      states.clear();
      return Promise.resolve();
    },
    close() {},
  };
}
