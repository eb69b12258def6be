import { describe, expect, it } from 'vitest';
import type { ParsedEvent } from './ingest/events-input.ts';
import { planInteractions, sampleInOrder } from './sequences.ts';

/** user, session, row, time, weight; order = line = index + 2. */
function events(rows: readonly [number, number, number, number, number][]): ParsedEvent[] {
  return rows.map(([user, session, row, time, weight], i) => ({ user, session, row, time, weight, order: i + 2, type: -1, line: i + 2 }));
}

describe('planInteractions', () => {
  const log = events([
    [0, 0, 1, 100, 1],
    [0, 0, 2, 100, 1],
    [1, 1, 3, 50, 1],
    [0, 2, 4, 300, 1],
    [1, 1, 5, 60, -1],
    [-1, 3, 6, 70, 1], // a guest: in a session, in no user history
    [0, 2, 7, 200, 1], // earlier than the row above it in time
  ]);

  it('groups by session in time order, with weights, and builds user histories of positive events', () => {
    const plan = planInteractions(log, { grouping: 'session', holdoutLast: 0 });
    expect(plan.sequences).toEqual([
      { rows: [1, 2], weights: [1, 1] },
      { rows: [3, 5], weights: [1, -1] },
      { rows: [7, 4], weights: [1, 1] },
      { rows: [6], weights: [1] },
    ]);
    expect(plan.histories).toEqual([[1, 2, 7, 4], [3]]);
    expect(plan).toMatchObject({ heldOut: 0, ungrouped: 0, users: 2, itemsWithEvents: 6, latestTime: 300 });
  });

  it("holds out each user's last events from sequences, popularity and histories", () => {
    const plan = planInteractions(log, { grouping: 'user', holdoutLast: 1 });
    // User 0's last event is row 4 (time 300), user 1's is row 5 (time 60); the guest has no user.
    expect(plan.heldOut).toBe(2);
    expect(plan.sequences).toEqual([
      { rows: [1, 2, 7], weights: [1, 1, 1] },
      { rows: [3], weights: [1] },
    ]);
    expect(plan.training.map((event) => event.row).sort()).toEqual([1, 2, 3, 6, 7]);
    expect(plan.histories).toEqual([[1, 2, 7], [3]]);
    expect(plan.ungrouped).toBe(1);
    expect(plan.latestTime).toBe(200);
  });

  it('holds out every event at or after trainBefore (a temporal split), guests included', () => {
    const plan = planInteractions(log, { grouping: 'session', holdoutLast: 0, trainBefore: 70 });
    // Left: rows 3 (time 50) and 5 (time 60); rows 1, 2, 4, 7 and the guest's 6 (time 70) are held out.
    expect(plan.heldOut).toBe(5);
    expect(plan.sequences).toEqual([{ rows: [3, 5], weights: [1, -1] }]);
    expect(plan.training.map((event) => event.row)).toEqual([3, 5]);
    expect(plan.latestTime).toBe(60);
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
