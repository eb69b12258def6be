import { describe, expect, it } from 'vitest';
import { decayedPopularity } from './popularity.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('decayedPopularity', () => {
  it('scales to [0, 1] with the most popular item at 1', () => {
    const events = [0, 0, 0, 1, 2, 2].map((row) => ({ row, time: 0, weight: 1 }));
    const prior = decayedPopularity(events, 4, { halfLifeDays: 30 });
    expect([...prior]).toEqual([1, expect.closeTo(1 / 3), expect.closeTo(2 / 3), 0]);
  });

  it('counts plain weighted events when there are no timestamps', () => {
    const events = [
      { row: 0, time: 0, weight: 1 },
      { row: 1, time: 0, weight: 3 },
      { row: 1, time: 0, weight: 1 },
    ];
    expect([...decayedPopularity(events, 2, { halfLifeDays: 7 })]).toEqual([0.25, 1]);
  });

  it('counts newer events more: one half-life ago counts half', () => {
    const now = 100 * DAY;
    const events = [
      { row: 0, time: now, weight: 1 },
      { row: 1, time: now - 10 * DAY, weight: 1 },
      { row: 2, time: now - 20 * DAY, weight: 1 },
    ];
    const prior = decayedPopularity(events, 3, { halfLifeDays: 10 });
    expect([...prior]).toEqual([1, expect.closeTo(0.5), expect.closeTo(0.25)]);
    // Two old purchases lose against one recent one once they are more than a half-life old.
    const mixed = decayedPopularity([...events, { row: 2, time: now - 20 * DAY, weight: 1 }], 3, { halfLifeDays: 10 });
    expect(mixed[2]).toBeCloseTo(0.5);
  });

  it('takes `now` from the latest event unless given; later events count fully', () => {
    const events = [
      { row: 0, time: 5 * DAY, weight: 1 },
      { row: 1, time: 10 * DAY, weight: 1 },
    ];
    expect(decayedPopularity(events, 2, { halfLifeDays: 5 })[0]).toBeCloseTo(0.5);
    const asOfEarlier = decayedPopularity(events, 2, { halfLifeDays: 5, now: 5 * DAY });
    expect([...asOfEarlier]).toEqual([1, 1]);
    expect([...decayedPopularity(events, 2, { halfLifeDays: Number.POSITIVE_INFINITY })]).toEqual([1, 1]);
  });

  it('lets negative weights (returns) subtract, never below 0, and is all zeros without positive sums', () => {
    const events = [
      { row: 0, time: 0, weight: 2 },
      { row: 0, time: 0, weight: -1 },
      { row: 1, time: 0, weight: 2 },
      { row: 2, time: 0, weight: -3 },
    ];
    expect([...decayedPopularity(events, 3, { halfLifeDays: 1 })]).toEqual([0.5, 1, 0]);
    expect([...decayedPopularity([], 3, { halfLifeDays: 1 })]).toEqual([0, 0, 0]);
    expect([...decayedPopularity([{ row: 0, time: 0, weight: -1 }], 2, { halfLifeDays: 1 })]).toEqual([0, 0]);
  });

  it('offers a flatter log scale', () => {
    const events = [...Array.from({ length: 99 }, () => ({ row: 0, time: 0, weight: 1 })), { row: 1, time: 0, weight: 1 }];
    const prior = decayedPopularity(events, 2, { halfLifeDays: 1, scale: 'log' });
    expect(prior[0]).toBe(1);
    expect(prior[1]).toBeCloseTo(Math.log(2) / Math.log(100));
  });

  it('names the bad event or option', () => {
    expect(() => decayedPopularity([{ row: 3, time: 0, weight: 1 }], 3, { halfLifeDays: 1 })).toThrow(/event 0: row 3 is not an integer in \[0, 3\)/);
    expect(() => decayedPopularity([{ row: 0, time: Number.NaN, weight: 1 }], 3, { halfLifeDays: 1 })).toThrow(/event 0: time NaN/);
    expect(() => decayedPopularity([{ row: 0, time: 0, weight: Number.POSITIVE_INFINITY }], 3, { halfLifeDays: 1 })).toThrow(/event 0: weight Infinity/);
    expect(() => decayedPopularity([], 3, { halfLifeDays: 0 })).toThrow(/halfLifeDays must be > 0/);
  });
});
