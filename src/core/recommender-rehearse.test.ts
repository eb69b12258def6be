// Recommender.rehearse: the app runs a click's code in idle time before the first click; it must
// leave no trace in what the shopper sees, what is stored or what later clicks rank.
import { describe, expect, it } from 'vitest';
import { createRecommender, type Ranking } from './recommender.ts';
import { browse, deps, ids } from './recommender-test-support.ts';

const reasons = (ranking: Ranking) => ranking.items.map((entry) => entry.reason?.kind ?? null);

describe('Recommender.rehearse', () => {
  it('stores, emits, shows and counts nothing, and the clicks after it rank as they would have without it', async () => {
    const plainDeps = deps();
    const rehearsedDeps = deps();
    const plain = await createRecommender(plainDeps);
    const rehearsed = await createRecommender(rehearsedDeps);
    const emitted: Ranking[] = [];
    rehearsed.on('ranking', (ranking) => emitted.push(ranking));

    const before = rehearsed.ranking();
    await rehearsed.rehearse();
    await rehearsed.rehearse();
    expect(rehearsed.ranking()).toBe(before);
    expect(emitted).toEqual([]);
    expect((await rehearsedDeps.store.exportAll()).events).toEqual([]);

    // Mid-session too: after some clicks, a rehearsal changes none of the next ones.
    await browse(plain, [3, 10]);
    await browse(rehearsed, [3, 10]);
    const stored = (await rehearsedDeps.store.exportAll()).events.length;
    await rehearsed.rehearse();
    expect((await rehearsedDeps.store.exportAll()).events).toHaveLength(stored);
    const plainNext = await browse(plain, [41, 7]);
    const rehearsedNext = await browse(rehearsed, [41, 7]);
    expect(ids(rehearsedNext)).toEqual(ids(plainNext));
    expect(reasons(rehearsedNext)).toEqual(reasons(plainNext));
    expect(rehearsedNext.actionCount).toBe(plainNext.actionCount);
    expect(rehearsedNext.eventCount).toBe(plainNext.eventCount);
  });

  it('does nothing once the recommender is closed (it runs in idle time, which may come after)', async () => {
    const recommenderDeps = deps();
    const { space } = recommenderDeps;
    let updates = 0;
    const counted = { ...space, update: (...args: Parameters<typeof space.update>) => (updates++, space.update(...args)) };
    const recommender = await createRecommender({ ...recommenderDeps, space: counted });
    await recommender.rehearse();
    expect(updates).toBe(1);
    recommender.dispose();
    await recommender.rehearse();
    expect(updates).toBe(1);
  });
});
