/**
 * Turns parsed events into what the learning steps consume: ordered sequences (sessions/baskets or
 * whole user histories) for behaviour.ts, weighted timed events for popularity.ts, and per-user
 * histories for the quantisation check. It also owns the hold-out: with `holdoutLast` N, each
 * user's last N events (by time, then order, then file line) are removed from everything here, so
 * an evaluation that tests on those events (Beauty's protocol: last item = test, second-to-last =
 * validation, i.e. N = 2) sees a model that never learned from them. With `trainBefore`, events at
 * or after that time are removed too (a temporal split: the evaluation tests on the later events).
 */
import type { Sequence } from './behaviour.ts';
import type { ParsedEvent } from './ingest/events-input.ts';
import { seededRandom } from '../../core/random.ts';

/** What a sequence is made of. */
export const SEQUENCE_GROUPINGS = ['session', 'user'] as const;
export type SequenceGrouping = (typeof SEQUENCE_GROUPINGS)[number];

export interface PlanOptions {
  readonly grouping: SequenceGrouping;
  /** Each user's last N events are held out (0: none). */
  readonly holdoutLast: number;
  /** Epoch ms: events at or after it are held out (null or absent: none). */
  readonly trainBefore?: number | null;
}

/** An event for the popularity prior. */
export interface TimedEvent {
  readonly row: number;
  readonly time: number;
  readonly weight: number;
}

export interface InteractionPlan {
  /** Sequences of training events (all weights, in order); empty ones left out. */
  readonly sequences: readonly Sequence[];
  /** Training events, for the popularity prior. */
  readonly training: readonly TimedEvent[];
  /** Per user, the rows of their positive training events in order (for the quantisation check). */
  readonly histories: readonly (readonly number[])[];
  /** Events held out (users' last N, and those at or after trainBefore). */
  readonly heldOut: number;
  /** Training events that belong to no sequence (no session or no user in the grouping column). */
  readonly ungrouped: number;
  /** Users with at least one event. */
  readonly users: number;
  /** Distinct items in the training events with a positive weight. */
  readonly itemsWithEvents: number;
  /** Latest training event time (epoch ms; 0 when the log has no times). */
  readonly latestTime: number;
}

/** The order of events within a user or session: by time, then the order column, then the file line. */
export function chronological(a: ParsedEvent, b: ParsedEvent): number {
  return a.time - b.time || a.order - b.order || a.line - b.line;
}

/**
 * @param events parsed events, in file order.
 * @param options grouping and hold-out.
 */
export function planInteractions(events: readonly ParsedEvent[], options: PlanOptions): InteractionPlan {
  const byUser = groupBy(events, (event) => event.user);
  const held = new Set<ParsedEvent>();
  const trainBefore = options.trainBefore ?? null;
  if (trainBefore !== null) for (const event of events) if (event.time >= trainBefore) held.add(event);
  if (options.holdoutLast > 0) {
    for (const list of byUser.values()) {
      list.sort(chronological);
      for (const event of list.slice(-options.holdoutLast)) held.add(event);
    }
  }
  const training = held.size === 0 ? events : events.filter((event) => !held.has(event));

  const key = options.grouping === 'session' ? (event: ParsedEvent) => event.session : (event: ParsedEvent) => event.user;
  const groups = groupBy(training, key);
  const sequences: Sequence[] = [];
  for (const list of groups.values()) {
    list.sort(chronological);
    sequences.push({ rows: list.map((event) => event.row), weights: list.map((event) => event.weight) });
  }
  const histories: number[][] = [];
  for (const list of groupBy(training, (event) => event.user).values()) {
    const rows = list
      .sort(chronological)
      .filter((event) => event.weight > 0)
      .map((event) => event.row);
    if (rows.length > 0) histories.push(rows);
  }
  let ungrouped = 0;
  let latestTime = 0;
  const items = new Set<number>();
  for (const event of training) {
    if (key(event) === -1) ungrouped++;
    if (event.weight > 0) items.add(event.row);
    latestTime = Math.max(latestTime, event.time);
  }
  return {
    sequences,
    training: training.map(({ row, time, weight }) => ({ row, time, weight })),
    histories,
    heldOut: held.size,
    ungrouped,
    users: byUser.size,
    itemsWithEvents: items.size,
    latestTime,
  };
}

/**
 * A seeded sample without replacement, in the original order.
 * @param values what to sample from.
 * @param count how many (all when there are fewer).
 * @param seed the PRNG seed.
 */
export function sampleInOrder<T>(values: readonly T[], count: number, seed: number): T[] {
  if (values.length <= count) return [...values];
  const random = seededRandom(seed);
  const picked = new Set<number>();
  // Floyd's algorithm: exactly `count` distinct indices, each subset equally likely.
  for (let j = values.length - count; j < values.length; j++) {
    const t = Math.floor(random() * (j + 1));
    picked.add(picked.has(t) ? j : t);
  }
  return [...picked].sort((a, b) => a - b).map((i) => values[i] as T);
}

/** Groups by a numeric key, leaving out key -1 (no user / no session). */
function groupBy(events: readonly ParsedEvent[], key: (event: ParsedEvent) => number): Map<number, ParsedEvent[]> {
  const groups = new Map<number, ParsedEvent[]>();
  for (const event of events) {
    const k = key(event);
    if (k === -1) continue;
    let list = groups.get(k);
    if (list === undefined) {
      list = [];
      groups.set(k, list);
    }
    list.push(event);
  }
  return groups;
}
