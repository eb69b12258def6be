// A state rebuilt from stored events embeds each distinct stored search once, however many times it
// was searched and however many other queries came between, and never more of a query than a new
// search may hold, whatever the stored record says.
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { MAX_QUERY_LENGTH, parseEvent } from './interactions.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { EventStore } from './ports.ts';
import { createRecommender } from './recommender.ts';
import { deps, model } from './recommender-test-support.ts';

const DIM = model.manifest.dim;

/** A store holding these records (as IndexedDB would, read back through parseEvent) and no state: the start rebuilds. */
function storeOf(records: readonly Record<string, unknown>[]): EventStore {
  const events = records.map((record) => parseEvent(record, 'test store'));
  return {
    ...createMemoryEventStore(),
    loadState: () => Promise.resolve(null),
    loadEvents: ({ before = Number.POSITIVE_INFINITY } = {}) => Promise.resolve(events.filter((event) => event.time < before)),
  };
}

/** Stored searches of `queries`, in this order, one second apart. */
const searches = (queries: readonly string[]) =>
  queries.map((query, i) => ({ id: `e${i}`, time: 1_000_000 + i * 1000, session: 's0', seq: i, type: 'search', query }));

/** An encoder that writes down every text it embeds, and gives item 9's row for any of them. */
function countingEncoder(): { embedded: string[]; loadEncoder: () => Promise<{ embed(text: string): Promise<Float32Array> }> } {
  const embedded: string[] = [];
  const vector = model.vectors.slice(9 * DIM, 10 * DIM);
  const embed = (text: string) => {
    embedded.push(text);
    return Promise.resolve(vector);
  };
  return { embedded, loadEncoder: () => Promise.resolve({ embed }) };
}

describe('rebuilding the state from stored searches', () => {
  it(
    'embeds each distinct query once, also when more distinct queries alternate than a session keeps',
    faultTest('Stored state', '2,222 stored searches re-embedded on every rebuild of the state (28 s at 20,000 events)', async () => {
      // 12 distinct queries in turn: more than the few recent ones kept for a live session.
      for (const distinct of [3, 12]) {
        const queries = Array.from({ length: 50 }, (_, i) => `query ${i % distinct}`);
        const encoder = countingEncoder();
        const recommender = await createRecommender(deps({ store: storeOf(searches(queries)), loadEncoder: encoder.loadEncoder }));
        expect(encoder.embedded.toSorted(), `${distinct} distinct`).toEqual(Array.from({ length: distinct }, (_, i) => `query ${i}`).toSorted());
        expect(recommender.ranking().items.length).toBeGreaterThan(0);
      }
    }),
  );

  it('embeds again in the next rebuild, not from the last one', async () => {
    const encoder = countingEncoder();
    const store = storeOf(searches(['shoes', 'shoes']));
    await createRecommender(deps({ store, loadEncoder: encoder.loadEncoder }));
    await createRecommender(deps({ store, loadEncoder: encoder.loadEncoder }));
    expect(encoder.embedded).toEqual(['shoes', 'shoes']);
  });

  it(
    'embeds a 240 KB stored query as its first MAX_QUERY_LENGTH characters',
    faultTest('Stored state', 'A 240 KB search query read back from storage (the start took 42 s)', async () => {
      const huge = `  red shoes ${'x'.repeat(240_000)}`;
      const encoder = countingEncoder();
      await createRecommender(deps({ store: storeOf(searches([huge])), loadEncoder: encoder.loadEncoder }));
      expect(encoder.embedded).toEqual([huge.trim().slice(0, MAX_QUERY_LENGTH)]);
    }),
  );

  it('moves the interest as one embedding per search did', async () => {
    const queries = Array.from({ length: 20 }, (_, i) => `query ${i % 10}`);
    const rebuilt = await createRecommender(deps({ store: storeOf(searches(queries)), loadEncoder: countingEncoder().loadEncoder }));
    const live = await createRecommender(deps({ loadEncoder: countingEncoder().loadEncoder }));
    for (const query of queries) await live.record({ type: 'search', query });
    expect(rebuilt.ranking().items.map((item) => item.item.id)).toEqual(live.ranking().items.map((item) => item.item.id));
  });
});
