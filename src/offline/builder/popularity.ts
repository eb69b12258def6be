/**
 * The popularity prior written next to the item vectors (`popularity.bin`): what a first-visit
 * shopper sees before any interaction, and a small bonus in every later score (core/rank.ts
 * scoreAll adds priorWeight · prior). Owns the time decay, so that last season's best sellers
 * fade instead of ranking first forever:
 *
 *   pop_i = Σ_{events e of item i} w_e · 0.5^((now - t_e) / halfLife)      (core's decayFactor)
 *   prior_i = max(pop_i, 0) / max_j pop_j
 *
 * Events after `now` count fully (clocks and time zones step back). When the data has no
 * timestamps (all times equal, e.g. 0) every factor is 1 and the prior is the plain weighted count.
 * Negative weights (returns, removals) subtract; an item whose sum is negative gets 0.
 */
import { decayFactor } from '../../core/rank.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One interaction for the prior: an item row, its time (epoch ms) and its event-type weight. */
export interface PopularityEvent {
  readonly row: number;
  readonly time: number;
  readonly weight: number;
}

/** Options of `decayedPopularity`. */
export interface PopularityOptions {
  /** After this many days an event counts half; Infinity = no decay. */
  readonly halfLifeDays: number;
  /** The reference time (epoch ms); default: the latest event's time. */
  readonly now?: number;
  /** 'linear' (default): prior ∝ decayed count; 'log': log(1 + count) / log(1 + max), a flatter prior. */
  readonly scale?: 'linear' | 'log';
}

/**
 * A time-decayed popularity per item, scaled to [0, 1] with the most popular item at 1.
 * @param events interactions: row in [0, itemCount), time in epoch ms, finite weight.
 * @param itemCount number of items.
 * @param options half-life in days, reference time, scale.
 * @returns one value per item in [0, 1]; all zeros when no item has a positive sum.
 * @throws RangeError naming the first bad event or option.
 */
export function decayedPopularity(events: readonly PopularityEvent[], itemCount: number, options: PopularityOptions): Float32Array {
  const { halfLifeDays } = options;
  if (!Number.isInteger(itemCount) || itemCount < 0) throw new RangeError(`itemCount must be an integer >= 0, found ${itemCount}`);
  if (!(halfLifeDays > 0)) throw new RangeError(`halfLifeDays must be > 0 (or Infinity), found ${halfLifeDays}`);
  if (options.now !== undefined && !Number.isFinite(options.now)) throw new RangeError(`now must be a finite time in ms, found ${options.now}`);
  let latest = Number.NEGATIVE_INFINITY;
  events.forEach((event, index) => {
    if (!Number.isInteger(event.row) || event.row < 0 || event.row >= itemCount) {
      throw new RangeError(`event ${index}: row ${event.row} is not an integer in [0, ${itemCount})`);
    }
    if (!Number.isFinite(event.time)) throw new RangeError(`event ${index}: time ${event.time} is not a finite number of ms`);
    if (!Number.isFinite(event.weight)) throw new RangeError(`event ${index}: weight ${event.weight} is not finite`);
    latest = Math.max(latest, event.time);
  });
  const now = options.now ?? latest;
  const halfLifeMs = halfLifeDays * DAY_MS;
  const sums = new Float64Array(itemCount);
  for (const { row, time, weight } of events) {
    const factor = halfLifeMs === Number.POSITIVE_INFINITY ? 1 : decayFactor(now - time, halfLifeMs);
    sums[row] = (sums[row] ?? 0) + weight * factor;
  }
  let max = 0;
  for (const sum of sums) max = Math.max(max, sum);
  const prior = new Float32Array(itemCount);
  if (!(max > 0)) return prior;
  const log = options.scale === 'log';
  for (let row = 0; row < itemCount; row++) {
    const sum = Math.max(sums[row] ?? 0, 0);
    prior[row] = log ? Math.log1p(sum) / Math.log1p(max) : sum / max;
  }
  return prior;
}
