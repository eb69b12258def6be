// Restoring the shopper's state at start-up: a stored state or baseline that does not fit the model
// is reported and rebuilt, never a reason not to start; a rebuild folds the events in the order they
// happened, so it equals the live state.
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import type { RecError } from './errors.ts';
import { toItemId } from './ids.ts';
import { modelKey } from './manifest.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { EventStore } from './ports.ts';
import { createRecommender, type Recommender } from './recommender.ts';
import type { InterestState } from './state.ts';
import { browse, deps, ids, model } from './recommender-test-support.ts';

const MODEL_KEY = modelKey(model.manifest);
const DIM = model.manifest.dim;

/** The store with its stored state for the model replaced by `change(state)`. */
function tampered(store: EventStore, change: (state: InterestState) => InterestState): EventStore {
  return { ...store, loadState: async (key) => ((state) => (state === null ? null : change(state)))(await store.loadState(key)) };
}

describe('a stored state that does not fit the model', () => {
  it(
    'is reported and rebuilt from the events: the same grid and cart as before',
    faultTest(
      'Stored state',
      'A stored state record whose vector has the wrong length (the storefront stopped starting, advising a rebuild)',
      async (fault) => {
        const store = createMemoryEventStore();
        const first = await createRecommender(deps({ store }));
        const before = await browse(first, [2, 8, 3, 14]);
        const reported: RecError[] = [];
        const longer = tampered(store, (state) => ({ ...state, vector: new Float32Array(DIM + 1).fill(0.1) }));
        const reopened = await createRecommender(deps({ store: longer, onInvalidState: (error) => reported.push(error) }));
        for (const error of reported) fault.observe(`reported ${error.code}: ${error.message}`);
        expect(ids(reopened.ranking())).toEqual(ids(before));
        expect(reopened.cart().map((item) => item.id)).toEqual(first.cart().map((item) => item.id));
        expect(reported.map((error) => [error.code, error.message])).toEqual([
          ['EVENT_INVALID', `vector: the stored state's vector has ${DIM + 1} values, expected ${DIM} (the model's dim): it is rebuilt from the events`],
        ]);
      },
    ),
  );

  it(
    'a baseline of the wrong length keeps its purchases and cart, with its interest started afresh',
    faultTest('Stored state', 'A stored baseline whose vector has the wrong length', async () => {
      const store = createMemoryEventStore();
      const first = await createRecommender(deps({ store }));
      await first.record({ type: 'add_to_cart', item: toItemId('i3') });
      await first.record({ type: 'purchase', item: toItemId('i5') });
      const stored = (await store.loadState(MODEL_KEY)) as InterestState;
      // As if every event had been compacted into a baseline that was then damaged.
      const compacted: EventStore = {
        ...store,
        loadState: () => Promise.resolve(null),
        loadBaseline: () => Promise.resolve({ ...stored, vector: new Float32Array(DIM - 1) }),
        loadEvents: () => Promise.resolve([]),
        countEvents: () => Promise.resolve(0),
      };
      const reported: RecError[] = [];
      const reopened = await createRecommender(deps({ store: compacted, onInvalidState: (error) => reported.push(error) }));
      expect(reopened.cart().map((item) => item.id)).toEqual(['i3']);
      expect(ids(reopened.ranking())).not.toContain('i5');
      expect(reported).toHaveLength(1);
      expect(reported[0]?.message).toMatch(/compacted baseline's vector has 15 values, expected 16/);
    }),
  );
});

describe('a rebuild folds the events in the order they happened', () => {
  /** Fills the cart and empties it again, then reopens with the state rebuilt from the stored events alone. */
  async function liveAndRebuilt(now: () => number): Promise<{ live: Recommender; rebuilt: Recommender }> {
    const store = createMemoryEventStore();
    // Ids that sort against the order the events happened in, as random ones may.
    let id = 1000;
    const live = await createRecommender(deps({ store, now, newEventId: () => `e${--id}` }));
    const items = ['i3', 'i5', 'i7', 'i9', 'i11'].map(toItemId);
    for (const item of items) await live.record({ type: 'add_to_cart', item });
    for (const item of items.slice(1)) await live.record({ type: 'remove_from_cart', item });
    const rebuilt = await createRecommender(deps({ store: { ...store, loadState: () => Promise.resolve(null) }, now }));
    return { live, rebuilt };
  }

  const expectSame = ({ live, rebuilt }: { live: Recommender; rebuilt: Recommender }): void => {
    expect(live.cart().map((item) => item.id)).toEqual(['i3']);
    expect(rebuilt.cart().map((item) => item.id)).toEqual(['i3']);
    expect(rebuilt.ranking().eventCount).toBe(live.ranking().eventCount);
    expect(ids(rebuilt.ranking())).toEqual(ids(live.ranking()));
  };

  it(
    'when every event shares one millisecond',
    faultTest('Time and dates', 'Every stored event in the same millisecond, the state rebuilt from them (removed cart items came back)', async () => {
      expectSame(await liveAndRebuilt(() => 5_000_000));
    }),
  );

  it(
    'when the clock goes back between events',
    faultTest('Time and dates', 'The clock goes back between stored events, the state rebuilt from them (removed cart items came back)', async () => {
      let t = 9_000_000;
      expectSame(await liveAndRebuilt(() => (t -= 1000)));
    }),
  );
});
