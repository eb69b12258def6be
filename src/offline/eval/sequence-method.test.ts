import { describe, expect, it } from 'vitest';
import { RECENT_INTERACTIONS_KEPT } from '../../core/constants.ts';
import { latestDistinctRows } from './sequence-method.ts';

describe('latestDistinctRows', () => {
  it('gives the latest distinct rows, newest first, at most RECENT_INTERACTIONS_KEPT', () => {
    const history = [1, 2, 1, 3, 4, 5, 6, 7, 8, 9, 10, 9].map((row, i) => ({ row, time: i }));
    expect(RECENT_INTERACTIONS_KEPT).toBe(8);
    // 9 counts once, at its newest place; 1 and 2 are older than the eight kept.
    expect(latestDistinctRows(history)).toEqual([9, 10, 8, 7, 6, 5, 4, 3]);
  });

  it('keeps every row of a short history, a repeat once', () => {
    expect(latestDistinctRows([{ row: 4 }, { row: 2 }, { row: 4 }])).toEqual([4, 2]);
    expect(latestDistinctRows([])).toEqual([]);
  });
});
