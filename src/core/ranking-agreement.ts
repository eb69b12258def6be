/**
 * Whether two rankings of the same items agree, as far as float32 rounding allows: how a backend's
 * ranking is checked against core's reference math (calibration, the bench, e2e).
 */
import type { RankedRows } from './rank.ts';

/** Scores may differ by float32 rounding (summation order differs per backend). */
export const SCORE_TOLERANCE = 1e-4;

/** How two rankings of the same items compare. */
export interface RankingAgreement {
  /** Same scores position by position (within the tolerance), and the same rows apart from ties at the cut-off. */
  readonly agree: boolean;
  readonly maxScoreDifference: number;
}

/**
 * Compares a backend's ranking with the reference. Rows may legitimately differ where scores tie
 * within the tolerance (backends sum in different orders), so it compares scores position by
 * position, and accepts a row missing from the reference only when it ties with the reference's
 * last score.
 * @param actual the backend's ranking.
 * @param expected core's `topK(scoreAll(...))`.
 * @param tolerance the largest score difference that counts as equal.
 */
export function compareRankings(actual: RankedRows, expected: RankedRows, tolerance = SCORE_TOLERANCE): RankingAgreement {
  let maxScoreDifference = 0;
  expected.scores.forEach((score, i) => {
    maxScoreDifference = Math.max(maxScoreDifference, Math.abs((actual.scores[i] ?? Number.POSITIVE_INFINITY) - score));
  });
  if (actual.rows.length !== expected.rows.length) return { agree: false, maxScoreDifference: Number.POSITIVE_INFINITY };
  const cutOff = expected.scores[expected.scores.length - 1] ?? 0;
  const expectedRows = new Set(expected.rows);
  const rowsAgree = actual.rows.every((row, i) => expectedRows.has(row) || Math.abs((actual.scores[i] ?? Number.NaN) - cutOff) <= tolerance);
  return { agree: rowsAgree && maxScoreDifference <= tolerance, maxScoreDifference };
}
