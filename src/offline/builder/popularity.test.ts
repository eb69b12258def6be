import { describe, expect, it } from 'vitest';
import { eventList, planEventList } from '../lib/test-support.ts';
import type { ParsedEvent } from '../lib/ingest/events-input.ts';
import { popularityPrior } from './popularity.ts';

const DAY = 24 * 60 * 60 * 1000;

/** The prior the builder writes: the SQL stage's decayed counts, scaled. */
async function prior(events: readonly ParsedEvent[], itemCount: number, halfLifeDays: number): Promise<number[]> {
  const plan = await planEventList(events, { grouping: 'user', holdoutLast: 0, halfLifeDays });
  return [...popularityPrior(plan.decayedCounts, itemCount)];
}

describe('the popularity prior (sql/popularity.sql, then popularityPrior)', () => {
  it('scales to [0, 1] with the most popular item at 1', async () => {
    const events = eventList([0, 0, 0, 1, 2, 2].map((row) => ({ row })));
    expect(await prior(events, 4, 30)).toEqual([1, expect.closeTo(1 / 3), expect.closeTo(2 / 3), 0]);
  });

  it('counts plain weighted events when there are no timestamps', async () => {
    const events = eventList([
      { row: 0, weight: 1 },
      { row: 1, weight: 3 },
      { row: 1, weight: 1 },
    ]);
    expect(await prior(events, 2, 7)).toEqual([0.25, 1]);
  });

  it('counts newer events more: one half-life before the latest event counts half', async () => {
    const now = 100 * DAY;
    const events = eventList([
      { row: 0, time: now },
      { row: 1, time: now - 10 * DAY },
      { row: 2, time: now - 20 * DAY },
    ]);
    expect(await prior(events, 3, 10)).toEqual([1, expect.closeTo(0.5), expect.closeTo(0.25)]);
    // Two old purchases lose against one recent one once they are more than a half-life old.
    const mixed = await prior([...events, ...eventList([{ row: 2, time: now - 20 * DAY }])], 3, 10);
    expect(mixed[2]).toBeCloseTo(0.5);
  });

  it('decays by the age before the latest training event, and not at all with an infinite half-life', async () => {
    const events = eventList([
      { row: 0, time: 5 * DAY },
      { row: 1, time: 10 * DAY },
    ]);
    expect((await prior(events, 2, 5))[0]).toBeCloseTo(0.5);
    expect(await prior(events, 2, Number.POSITIVE_INFINITY)).toEqual([1, 1]);
  });

  it('lets negative weights (returns) subtract, never below 0, and is all zeros without positive sums', async () => {
    const events = eventList([
      { row: 0, weight: 2 },
      { row: 0, weight: -1 },
      { row: 1, weight: 2 },
      { row: 2, weight: -3 },
    ]);
    expect(await prior(events, 3, 1)).toEqual([0.5, 1, 0]);
    expect(await prior([], 3, 1)).toEqual([0, 0, 0]);
    expect(await prior(eventList([{ row: 0, weight: -1 }]), 2, 1)).toEqual([0, 0]);
  });

  it('names a row outside the catalogue', () => {
    expect(() => popularityPrior(new Map([[3, 1]]), 3)).toThrow(/row 3 is not an integer in \[0, 3\)/);
  });
});
