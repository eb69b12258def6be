import { describe, expect, it } from 'vitest';
import { RECENT_INTERACTIONS_KEPT } from '../../core/constants.ts';
import type { EvalCase } from './dataset.ts';
import { latestRows } from './replay.ts';

const caseOf = (rows: readonly number[]): EvalCase => ({
  user: 0,
  history: rows.map((row, i) => ({ row, time: i })),
  historyLength: rows.length,
  masked: new Set(rows),
  targets: [99],
});

describe('latestRows', () => {
  it("lists the history's distinct items newest first, as many as the storefront's state keeps", () => {
    expect(RECENT_INTERACTIONS_KEPT).toBe(8);
    expect(latestRows(caseOf([1, 2, 1, 3]))).toEqual([3, 1, 2]);
    expect(latestRows(caseOf([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);
    expect(latestRows(caseOf([]))).toEqual([]);
  });
});
