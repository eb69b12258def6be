// Several tabs of one shop: each folds in what the others stored, and an erase resets them all.
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import type { RecError } from './errors.ts';
import { toItemId, toSessionId } from './ids.ts';
import { createMemoryEventStore } from './memory-store.ts';
import type { SyncMessage } from './ports.ts';
import { createRecommender, type Ranking } from './recommender.ts';
import { createSyncHub } from './test-support.ts';
import { deps, ids } from './recommender-test-support.ts';

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
    await store.append(
      [{ id: 'late', time: 5_000_000, session: toSessionId('s2'), type: 'purchase', item: toItemId('i5') }],
      stale ??
        (() => {
          throw new Error('no state');
        })(),
    );
    const reopened = await createRecommender(deps({ store }));
    expect(reopened.ranking().eventCount).toBe(2);
    expect(ids(reopened.ranking())).not.toContain('i5');
  });

  it(
    'ignores malformed messages from other tabs',
    faultTest('Reloads and tabs', 'Malformed messages on the channel between tabs', async () => {
      const store = createMemoryEventStore();
      const hub = createSyncHub();
      const tab = await createRecommender(deps({ store, sync: hub.channel() }));
      const notices: RecError[] = [];
      tab.on('notice', (notice) => notices.push(notice));
      const stranger = hub.channel();
      for (const message of [null, 'events', { kind: 'events', events: [{ id: 'x', type: 'view' }] }, { kind: 'events', events: 'nope' }, { kind: 'other' }]) {
        // Deliberately ill-typed: a tab running older or hostile code can send anything.
        stranger.publish(message as unknown as SyncMessage);
      }
      await hub.settled();
      await tab.exportData();
      expect(tab.ranking().eventCount).toBe(0);
      expect(notices).toEqual([]);
    }),
  );

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
