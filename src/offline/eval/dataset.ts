/**
 * The evaluation protocols: from a parsed event log to test cases (what a shopper did before, what
 * they did next) and the training part the baselines may learn from. Both protocols hold out
 * exactly what the model builder held out (its `--holdout-last` / `--train-before`), so no method
 * sees a test event:
 *
 *  - leave-one-out (Beauty, BASELINES.md): per user, in order, the last item is the test target and
 *    the second-to-last the validation target; everything before the target is the user's history,
 *    masked from the ranking; the replay sees at most its last `maxHistory` (50) items; training
 *    is each user's items before the validation target.
 *  - temporal (Online Retail): events before `trainBefore` are training. A test case is a customer
 *    with purchases both before and at/after it: the history is their purchases before it, the
 *    targets are the items of their first basket (session) at/after it that they had not bought
 *    before (bought ones are masked, as the storefront excludes purchased items). Customers whose
 *    next basket only repeats earlier purchases have nothing to predict and are counted, not scored.
 */
import { RecError } from '../../core/errors.ts';
import type { Sequence } from '../lib/behaviour.ts';
import type { RecordedBuild } from '../lib/build-options.ts';
import type { ParsedEvent } from '../lib/ingest/events-input.ts';
import { chronological, sampleInOrder } from '../lib/sequences.ts';

/** One interaction of a history, as it is replayed. */
export interface HistoryEvent {
  readonly row: number;
  /** Epoch ms: the real time, or one synthesised from the order (see `synthesiseTimes`). */
  readonly time: number;
}

/** One shopper to predict for. */
export interface EvalCase {
  /** The user's index in the log (for messages). */
  readonly user: number;
  /** The replayed history, oldest first: at most `maxHistory` items before the target(s). */
  readonly history: readonly HistoryEvent[];
  /** How many items the user had before the target(s) (the history before the `maxHistory` cut). */
  readonly historyLength: number;
  /** Rows never counted as recommendations: every item the user had before the target(s). */
  readonly masked: ReadonlySet<number>;
  /** The rows to predict (one for leave-one-out; a basket's new items for the temporal split). */
  readonly targets: readonly number[];
}

export interface EvalSplit {
  readonly protocol: 'leave-one-out' | 'temporal';
  /** Which target: the test item/basket, or (leave-one-out) the validation item, for tuning. */
  readonly target: 'test' | 'validation';
  readonly cases: readonly EvalCase[];
  /** What baselines may learn from: the builder's training part (user histories or sessions). */
  readonly training: readonly Sequence[];
  /**
   * The same training events as one chronological sequence per user (what a sequence model learns
   * from: the temporal split's `training` is baskets, but its test histories span baskets).
   */
  readonly trainingByUser: readonly Sequence[];
  /** Positive training events per row (leak-free popularity). */
  readonly trainingCounts: Float32Array;
  /** Positive events per row over the whole log, test included (the published PopRec's leak). */
  readonly allCounts: Float32Array;
  /** Users left out and why (e.g. a next basket with only repeat purchases). */
  readonly skipped: Readonly<Record<string, number>>;
}

export interface LeaveOneOutOptions {
  readonly itemCount: number;
  readonly target: 'test' | 'validation';
  /** At most this many of the latest history items are replayed (BASELINES.md: 50). */
  readonly maxHistory: number;
  /** Spacing between consecutive events of a user when the log has no times (ms); real times are used otherwise. */
  readonly spacingMs: number;
}

export interface TemporalOptions {
  readonly itemCount: number;
  /** Epoch ms: training is before it, the test after it. */
  readonly trainBefore: number;
  readonly maxHistory: number;
}

/** What `modelSplit` needs beyond the build: the target, the history cut, the spacing of order-only logs. */
export interface ModelSplitOptions {
  readonly itemCount: number;
  readonly target: 'test' | 'validation';
  readonly maxHistory: number;
  readonly spacingMs: number;
  /** The model folder, for messages. */
  readonly modelDir: string;
}

/**
 * The split the model's build held out for: leave-one-out for --holdout-last 2, temporal for
 * --train-before alone.
 * @param build the builder's hold-out options, from its report.
 * @param events the parsed log.
 * @param options target, history cut, spacing.
 * @throws RecError CONFIG_INVALID for a model trained on its test events, or a validation target on a temporal split.
 */
export function modelSplit(build: Pick<RecordedBuild, 'holdoutLast' | 'trainBefore'>, events: readonly ParsedEvent[], options: ModelSplitOptions): EvalSplit {
  const { itemCount, target, maxHistory } = options;
  const { holdoutLast, trainBefore } = build;
  if (holdoutLast === 2) return leaveOneOut(events, { itemCount, target, maxHistory, spacingMs: options.spacingMs });
  if (trainBefore !== null && holdoutLast === 0) {
    if (target === 'validation')
      throw new RecError('CONFIG_INVALID', '--split validation needs a leave-one-out model (--holdout-last 2); a temporal split has only a test part', {
        field: '--split',
      });
    return temporalSplit(events, { itemCount, trainBefore, maxHistory });
  }
  throw new RecError(
    'CONFIG_INVALID',
    `the model in ${options.modelDir} was built with --holdout-last ${holdoutLast}${trainBefore === null ? '' : ` and --train-before ${new Date(trainBefore).toISOString()}`}: use a model built with --holdout-last 2 (leave-one-out) or with --train-before <date> alone (temporal), so that no test event is in its training`,
    { field: '--models' },
  );
}

/** The fixed origin of synthesised times; only differences matter to the decay. */
export const SYNTHETIC_EPOCH = Date.UTC(2020, 0, 1);

/**
 * Times for events that have only an order: the i-th event of a user at SYNTHETIC_EPOCH + i·spacing.
 * The browser's interest decay is time-based, so the spacing sets how much each step decays the past.
 * @param count how many events.
 * @param spacingMs the assumed time between consecutive events.
 */
export function synthesiseTimes(count: number, spacingMs: number): number[] {
  return Array.from({ length: count }, (_, i) => SYNTHETIC_EPOCH + i * spacingMs);
}

/**
 * Leave-one-out cases, one per user with at least three positive events (history, validation, test).
 * @param events the parsed log (positive weights count; others are ignored).
 * @param options item count, which target, history cut and time spacing.
 */
export function leaveOneOut(events: readonly ParsedEvent[], options: LeaveOneOutOptions): EvalSplit {
  const byUser = positiveByUser(events);
  const hasTimes = events.some((event) => event.time !== 0);
  const cases: EvalCase[] = [];
  const training: Sequence[] = [];
  const trainingCounts = new Float32Array(options.itemCount);
  let tooShort = 0;
  for (const [user, list] of byUser) {
    if (list.length < 3) {
      tooShort++;
      continue;
    }
    const rows = list.map((event) => event.row);
    const trainRows = rows.slice(0, -2);
    training.push({ rows: trainRows });
    for (const row of trainRows) trainingCounts[row] = (trainingCounts[row] ?? 0) + 1;
    const cut = options.target === 'test' ? rows.length - 1 : rows.length - 2;
    const before = rows.slice(0, cut);
    const replayed = before.slice(-options.maxHistory);
    const times = hasTimes ? list.slice(cut - replayed.length, cut).map((event) => event.time) : synthesiseTimes(replayed.length, options.spacingMs);
    cases.push({
      user,
      history: replayed.map((row, i) => ({ row, time: times[i] ?? SYNTHETIC_EPOCH })),
      historyLength: before.length,
      masked: new Set(before),
      targets: [rows[cut] as number],
    });
  }
  return {
    protocol: 'leave-one-out',
    target: options.target,
    cases,
    training,
    trainingByUser: training,
    trainingCounts,
    allCounts: countPositive(events, options.itemCount),
    skipped: tooShort === 0 ? {} : { 'fewer than 3 events': tooShort },
  };
}

/**
 * Temporal next-basket cases (see the module header).
 * @param events the parsed log, with times and sessions.
 * @param options item count, the split time and the history cut.
 */
export function temporalSplit(events: readonly ParsedEvent[], options: TemporalOptions): EvalSplit {
  if (events.length > 0 && events.every((event) => event.time === 0)) {
    throw new RecError('CONFIG_INVALID', 'the temporal protocol needs event times, and this log has none', { field: 'trainBefore' });
  }
  const trainingCounts = new Float32Array(options.itemCount);
  const sessions = new Map<number, number[]>();
  for (const event of [...events].sort(chronological)) {
    if (event.time >= options.trainBefore || event.weight <= 0) continue;
    trainingCounts[event.row] = (trainingCounts[event.row] ?? 0) + 1;
    const key = event.session === -1 ? -2 - event.line : event.session;
    const rows = sessions.get(key);
    if (rows === undefined) sessions.set(key, [event.row]);
    else rows.push(event.row);
  }
  const cases: EvalCase[] = [];
  const trainingByUser: Sequence[] = [];
  const skipped = { 'no purchase before the split': 0, 'no purchase after the split': 0, 'next basket only repeats earlier purchases': 0 };
  for (const [user, list] of positiveByUser(events)) {
    const before = list.filter((event) => event.time < options.trainBefore);
    const after = list.filter((event) => event.time >= options.trainBefore);
    if (before.length > 0) trainingByUser.push({ rows: before.map((event) => event.row) });
    const first = after[0];
    if (before.length === 0) skipped['no purchase before the split']++;
    if (first === undefined) skipped['no purchase after the split']++;
    if (before.length === 0 || first === undefined) continue;
    const masked = new Set(before.map((event) => event.row));
    const targets = [...new Set(after.filter((event) => event.session === first.session).map((event) => event.row))].filter((row) => !masked.has(row));
    if (targets.length === 0) {
      skipped['next basket only repeats earlier purchases']++;
      continue;
    }
    cases.push({
      user,
      history: before.slice(-options.maxHistory).map((event) => ({ row: event.row, time: event.time })),
      historyLength: before.length,
      masked,
      targets,
    });
  }
  return {
    protocol: 'temporal',
    target: 'test',
    cases,
    training: [...sessions.values()].map((rows) => ({ rows })),
    trainingByUser,
    trainingCounts,
    allCounts: countPositive(events, options.itemCount),
    skipped,
  };
}

/**
 * The split with a seeded random sample of its cases, kept in file order. A file's first users are
 * no fair sample: on Beauty they score measurably lower than the average user.
 * @param split the split.
 * @param count how many cases (all of them when there are fewer).
 * @param seed the sample's seed: the same seed gives the same cases.
 */
export function sampleCases(split: EvalSplit, count: number, seed: number): EvalSplit {
  return { ...split, cases: sampleInOrder(split.cases, count, seed) };
}

/** Each user's positive events, in the builder's order (time, then order, then line). */
function positiveByUser(events: readonly ParsedEvent[]): Map<number, ParsedEvent[]> {
  const byUser = new Map<number, ParsedEvent[]>();
  for (const event of events) {
    if (event.user === -1 || event.weight <= 0) continue;
    const list = byUser.get(event.user);
    if (list === undefined) byUser.set(event.user, [event]);
    else list.push(event);
  }
  for (const list of byUser.values()) list.sort(chronological);
  return byUser;
}

function countPositive(events: readonly ParsedEvent[], itemCount: number): Float32Array {
  const counts = new Float32Array(itemCount);
  for (const event of events) if (event.weight > 0) counts[event.row] = (counts[event.row] ?? 0) + 1;
  return counts;
}
