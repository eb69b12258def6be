/**
 * Turns the event log into what the learning steps consume: ordered sequences (sessions/baskets or
 * whole user histories) for behaviour.ts, the popularity counts for popularity.ts, and per-user
 * histories for the quantisation check. It also owns the hold-out: with `holdoutLast` N, each
 * user's last N events (by time, then order, then file line) are removed from everything here, so
 * an evaluation that tests on those events (Beauty's protocol: last item = test, second-to-last =
 * validation, i.e. N = 2) sees a model that never learned from them. With `trainBefore`, events at
 * or after that time are removed too (a temporal split: the evaluation tests on the later events).
 *
 * The work is the SQL stages in ./sql, run by the event store; this module turns their ordered
 * rows into sequences and lists.
 */
import type { Sequence } from './behaviour.ts';
import type { EventStore, StageValue } from './event-store.ts';
import type { ParsedEvent } from './ingest/events-input.ts';
import { seededRandom } from '../../core/random.ts';

/** What a sequence is made of. */
export const SEQUENCE_GROUPINGS = ['session', 'user'] as const;
export type SequenceGrouping = (typeof SEQUENCE_GROUPINGS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PlanOptions {
  readonly grouping: SequenceGrouping;
  /** Each user's last N events are held out (0: none). */
  readonly holdoutLast: number;
  /** Epoch ms: events at or after it are held out (null or absent: none). */
  readonly trainBefore?: number | null;
  /** After this many days an event counts half in the popularity counts; Infinity = no decay. */
  readonly halfLifeDays: number;
  /** How many user histories to keep (a seeded sample, sampleInOrder's) for the quantisation check. */
  readonly historySample: { readonly count: number; readonly seed: number };
}

export interface InteractionPlan {
  /** Sequences of training events (all weights, in order); empty ones left out. */
  readonly sequences: readonly Sequence[];
  /** Per item row with training events, its time-decayed weighted count (sql/popularity.sql). */
  readonly decayedCounts: ReadonlyMap<number, number>;
  /** Training events (every usable event not held out). */
  readonly trainingEvents: number;
  /** Users with a positive training event: each has a history, the rows of those events in order. */
  readonly historyCount: number;
  /**
   * A seeded sample of the histories (options.historySample), in their order: the quantisation
   * check's queries. The sample is the one sampleInOrder takes from all of them.
   */
  readonly sampledHistories: readonly (readonly number[])[];
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
 * @param store the log's usable events, spooled and not yet sealed; sealed here.
 * @param options grouping, hold-out, popularity half-life and the histories' sample.
 * @throws RangeError when halfLifeDays is not > 0.
 */
export async function planInteractions(store: EventStore, options: PlanOptions): Promise<InteractionPlan> {
  if (!(options.halfLifeDays > 0)) throw new RangeError(`halfLifeDays must be > 0 (or Infinity), found ${options.halfLifeDays}`);
  await store.seal({
    holdoutLast: options.holdoutLast,
    trainBefore: options.trainBefore ?? null,
    sequenceGrouping: options.grouping,
    halfLifeMs: options.halfLifeDays === Number.POSITIVE_INFINITY ? null : options.halfLifeDays * DAY_MS,
  });
  await store.keep('training');
  const sequences: Sequence[] = [];
  await readGroups(store, 'sequences', (rows, weights) => sequences.push({ rows, weights }));
  const decayedCounts = new Map<number, number>();
  await store.read('popularity', ([rows, counts], length) => {
    for (let i = 0; i < length; i++) decayedCounts.set(Number(rows?.[i]), Number(counts?.[i]));
  });
  // One row; an empty training table gives nulls, which count as 0.
  let summary: readonly number[] = [];
  await store.read('summary', (columns) => {
    summary = columns.map((column) => Number(column[0] ?? 0));
  });
  const [usable = 0, users = 0, training = 0, ungrouped = 0, items = 0, latest = 0, historyCount = 0] = summary;
  const picked = sampleIndices(historyCount, options.historySample.count, options.historySample.seed);
  const sampledHistories: number[][] = [];
  let index = 0;
  await readGroups(store, 'histories', (rows) => {
    if (index++ === picked[sampledHistories.length]) sampledHistories.push(rows);
  });
  return {
    sequences,
    decayedCounts,
    trainingEvents: training,
    historyCount,
    sampledHistories,
    heldOut: usable - training,
    ungrouped,
    users,
    itemsWithEvents: items,
    latestTime: Math.max(0, latest),
  };
}

/**
 * Reads a stage whose rows are (group, item row[, weight]) with each group's rows together, and
 * hands over each group's rows and weights (empty when the stage has no weight column).
 */
async function readGroups(store: EventStore, stage: 'sequences' | 'histories', group: (rows: number[], weights: number[]) => void): Promise<void> {
  let key: StageValue = null;
  let rows: number[] = [];
  let weights: number[] = [];
  await store.read(stage, ([keys = [], items = [], itemWeights], length) => {
    for (let i = 0; i < length; i++) {
      const k = keys[i] ?? null;
      if (k !== key && rows.length > 0) {
        group(rows, weights);
        rows = [];
        weights = [];
      }
      key = k;
      rows.push(Number(items[i]));
      if (itemWeights !== undefined) weights.push(Number(itemWeights[i]));
    }
  });
  if (rows.length > 0) group(rows, weights);
}

/**
 * A seeded sample without replacement, in the original order.
 * @param values what to sample from.
 * @param count how many (all when there are fewer).
 * @param seed the PRNG seed.
 */
export function sampleInOrder<T>(values: readonly T[], count: number, seed: number): T[] {
  return sampleIndices(values.length, count, seed).map((i) => values[i] as T);
}

/**
 * The indices sampleInOrder picks, ascending: a seeded sample without replacement of [0, total).
 * @param total how many there are.
 * @param count how many to pick (all when there are fewer).
 * @param seed the PRNG seed.
 */
export function sampleIndices(total: number, count: number, seed: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  const random = seededRandom(seed);
  const picked = new Set<number>();
  // Floyd's algorithm: exactly `count` distinct indices, each subset equally likely.
  for (let j = total - count; j < total; j++) {
    const t = Math.floor(random() * (j + 1));
    picked.add(picked.has(t) ? j : t);
  }
  return [...picked].sort((a, b) => a - b);
}
