import { describe, expect, it } from 'vitest';
import type { ParsedEvent } from './ingest/events-input.ts';
import { sampleInOrder } from './sequences.ts';
import { planEventList } from './test-support.ts';

/** user, session, row, time, weight; order = line = index + 2. */
function events(rows: readonly [number, number, number, number, number][]): ParsedEvent[] {
  return rows.map(([user, session, row, time, weight], i) => ({ user, session, row, time, weight, order: i + 2, type: -1, line: i + 2 }));
}

const NO_DECAY = Number.POSITIVE_INFINITY;

describe('planInteractions (the SQL stages)', () => {
  const log = events([
    [0, 0, 1, 100, 1],
    [0, 0, 2, 100, 1],
    [1, 1, 3, 50, 1],
    [0, 2, 4, 300, 1],
    [1, 1, 5, 60, -1],
    [-1, 3, 6, 70, 1], // a guest: in a session, in no user history
    [0, 2, 7, 200, 1], // earlier than the row above it in time
  ]);

  it('groups by session in time order, with weights, and builds user histories of positive events', async () => {
    const plan = await planEventList(log, { grouping: 'session', holdoutLast: 0, halfLifeDays: NO_DECAY });
    expect(plan.sequences).toEqual([
      { rows: [1, 2], weights: [1, 1] },
      { rows: [3, 5], weights: [1, -1] },
      { rows: [7, 4], weights: [1, 1] },
      { rows: [6], weights: [1] },
    ]);
    expect(plan.sampledHistories).toEqual([[1, 2, 7, 4], [3]]);
    expect(plan.historyCount).toBe(2);
    expect(plan).toMatchObject({ heldOut: 0, trainingEvents: 7, ungrouped: 0, users: 2, itemsWithEvents: 6, latestTime: 300 });
  });

  it("holds out each user's last events from sequences, popularity and histories", async () => {
    const plan = await planEventList(log, { grouping: 'user', holdoutLast: 1, halfLifeDays: NO_DECAY });
    // User 0's last event is row 4 (time 300), user 1's is row 5 (time 60); the guest has no user.
    expect(plan.heldOut).toBe(2);
    expect(plan.trainingEvents).toBe(5);
    expect(plan.sequences).toEqual([
      { rows: [1, 2, 7], weights: [1, 1, 1] },
      { rows: [3], weights: [1] },
    ]);
    expect(new Map([...plan.decayedCounts].sort(([a], [b]) => a - b))).toEqual(new Map([1, 2, 3, 6, 7].map((row) => [row, 1])));
    expect(plan.sampledHistories).toEqual([[1, 2, 7], [3]]);
    expect(plan.ungrouped).toBe(1);
    expect(plan.latestTime).toBe(200);
  });

  it('holds out every event at or after trainBefore (a temporal split), guests included', async () => {
    const plan = await planEventList(log, { grouping: 'session', holdoutLast: 0, trainBefore: 70, halfLifeDays: NO_DECAY });
    // Left: rows 3 (time 50) and 5 (time 60); rows 1, 2, 4, 7 and the guest's 6 (time 70) are held out.
    expect(plan.heldOut).toBe(5);
    expect(plan.sequences).toEqual([{ rows: [3, 5], weights: [1, -1] }]);
    expect([...plan.decayedCounts.keys()].sort()).toEqual([3, 5]);
    expect(plan.latestTime).toBe(60);
  });

  it('breaks ties of time by the order column, then by the file line, and holds out by the same order', async () => {
    const tied: ParsedEvent[] = [
      { user: 0, session: 0, row: 1, time: 10, weight: 1, order: 5, type: -1, line: 2 },
      { user: 0, session: 0, row: 2, time: 10, weight: 1, order: 3, type: -1, line: 3 },
      { user: 0, session: 0, row: 3, time: 10, weight: 1, order: 3, type: -1, line: 4 },
    ];
    const plan = await planEventList(tied, { grouping: 'user', holdoutLast: 1, halfLifeDays: NO_DECAY });
    // Order: row 2 (order 3, line 3), row 3 (order 3, line 4), row 1 (order 5): row 1 is the last.
    expect(plan.sequences).toEqual([{ rows: [2, 3], weights: [1, 1] }]);
  });

  it('plans an empty log as no sequences, no histories and zero counts', async () => {
    const plan = await planEventList([], { grouping: 'user', holdoutLast: 2, halfLifeDays: 30 });
    expect(plan).toEqual({
      sequences: [],
      decayedCounts: new Map(),
      trainingEvents: 0,
      historyCount: 0,
      sampledHistories: [],
      heldOut: 0,
      ungrouped: 0,
      users: 0,
      itemsWithEvents: 0,
      latestTime: 0,
    });
  });

  it("keeps the seeded sample of the histories that sampleInOrder takes from all of them, in the histories' order", async () => {
    const many = events(Array.from({ length: 30 }, (_, i) => [i, i, i, i, 1] as [number, number, number, number, number]));
    const all = (await planEventList(many, { grouping: 'user', holdoutLast: 0, halfLifeDays: NO_DECAY })).sampledHistories;
    expect(all).toHaveLength(30);
    const plan = await planEventList(many, { grouping: 'user', holdoutLast: 0, halfLifeDays: NO_DECAY, historySample: { count: 5, seed: 3 } });
    expect(plan.historyCount).toBe(30);
    expect(plan.sampledHistories).toEqual(sampleInOrder(all, 5, 3));
  });

  it('refuses a half-life that is not positive', async () => {
    await expect(planEventList(log, { grouping: 'user', holdoutLast: 0, halfLifeDays: 0 })).rejects.toThrow(/halfLifeDays must be > 0/);
  });
});

describe('sampleInOrder', () => {
  it('samples without replacement, keeps order, and is seeded', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    const a = sampleInOrder(values, 10, 7);
    expect(a).toHaveLength(10);
    expect(new Set(a).size).toBe(10);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(sampleInOrder(values, 10, 7)).toEqual(a);
    expect(sampleInOrder(values, 10, 8)).not.toEqual(a);
    expect(sampleInOrder(values, 500, 1)).toEqual(values);
  });
});
