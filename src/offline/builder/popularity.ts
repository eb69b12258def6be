/**
 * The popularity prior written next to the item vectors (`popularity.bin`): what a first-visit
 * shopper sees before any interaction, and a small bonus in every later score (core/rank.ts
 * scoreAll adds priorWeight · prior). The time decay, so that last season's best sellers fade
 * instead of ranking first forever, is the SQL stage sql/popularity.sql:
 *
 *   pop_i = Σ_{training events e of item i} w_e · 0.5^(max(now - t_e, 0) / halfLife)
 *
 * with now the latest training event; this scales it:
 *
 *   prior_i = max(pop_i, 0) / max_j pop_j
 *
 * Negative weights (returns, removals) subtract; an item whose sum is negative gets 0.
 */

/**
 * @param decayedCounts per item row, its decayed weighted count (items without one count 0).
 * @param itemCount number of items.
 * @returns one value per item in [0, 1], the most popular at 1; all zeros when no count is positive.
 * @throws RangeError naming a row outside [0, itemCount).
 */
export function popularityPrior(decayedCounts: ReadonlyMap<number, number>, itemCount: number): Float32Array {
  let max = 0;
  for (const [row, count] of decayedCounts) {
    if (!Number.isInteger(row) || row < 0 || row >= itemCount) throw new RangeError(`row ${row} is not an integer in [0, ${itemCount})`);
    max = Math.max(max, count);
  }
  const prior = new Float32Array(itemCount);
  if (!(max > 0)) return prior;
  for (const [row, count] of decayedCounts) prior[row] = Math.max(count, 0) / max;
  return prior;
}
