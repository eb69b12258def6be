/** Timing figures shared by the bench page and the Node measurements. */

/**
 * The median and the 95th percentile (nearest rank) of some timings; NaN for none.
 * @param times milliseconds, in any order (not modified).
 */
export function percentiles(times: readonly number[]): { medianMs: number; p95Ms: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { medianMs: at(0.5), p95Ms: at(0.95) };
}
