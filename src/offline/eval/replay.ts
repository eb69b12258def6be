/**
 * The browser's ranking rule, replayed over each test case's history.
 *
 * `createReplayMethod` runs the storefront's own code, on one of two paths (the unit test holds
 * them to the same rankings):
 *  - 'recommender': each event goes through core's `createRecommender` (an in-memory event store,
 *    as in the browser without IndexedDB) over an `InterestEngine` from src/engine: validation,
 *    weights, time decay, the state fold, storage, and a re-rank of the grid after every event.
 *    Exact but slow (arranging the grid after every event dominates: ~150 ms per Beauty user).
 *  - 'engine' (the default): the interest update alone, as `record` does it (`foldHistory`): core's
 *    `interactionWeight` and `decayFactor` make the term and the decay, the engine's `update` moves
 *    the interest on the backend, and core's `advanceState` folds the event into the state.
 * One engine serves every case (uploading the item matrix per shopper would dominate the run),
 * starting from each shopper's empty state; the case's ranking is that engine's `topK` over all
 * items with the shopper's earlier items excluded: the storefront's scoring (cosine + popularity
 * prior) with the protocol's mask, which covers every earlier item, not only the replayed ones.
 * The storefront's arrangement of the grid (shop rules, diversity, exploration: core's
 * list-quality.ts) is not applied: these metrics measure the relevance order it starts from.
 *
 * `createReferenceDecayMethod` applies the same rule with core's reference math (`updateInterest`,
 * as `createRecommender` folds stored events on a reload) and scores whole batches with the
 * engine's BatchScorer: for other item vectors (the 512-d text ones), where one matrix-vector
 * product per shopper would not fit the evaluation's time budget.
 */
import { DEFAULT_HALF_LIFE_MS } from '../../core/constants.ts';
import { RecError } from '../../core/errors.ts';
import { toSessionId, type ItemId, type SessionId } from '../../core/ids.ts';
import { interactionWeight, type InteractionEvent, type ItemEvent } from '../../core/interactions.ts';
import { modelKey } from '../../core/manifest.ts';
import { createMemoryEventStore } from '../../core/memory-store.ts';
import type { LoadedModel } from '../../core/model.ts';
import type { InterestEngine } from '../../core/ports.ts';
import { decayFactor, updateInterest, type InterestTerm } from '../../core/rank.ts';
import { createRecommender } from '../../core/recommender.ts';
import { advanceState, emptyState } from '../../core/state.ts';
import type { BatchScorer } from '../../engine/batch-scorer.ts';
import type { EvalCase } from './dataset.ts';
import type { RankingMethod } from './method.ts';

export const REPLAY_PATHS = ['engine', 'recommender'] as const;
export type ReplayPath = (typeof REPLAY_PATHS)[number];

/** How a history's events become interactions. */
export interface ReplayRule {
  /** How each history event is recorded (a review or an order line is a purchase). */
  readonly eventType: ItemEvent['type'];
  /** The interest half-life (default: the browser's, DEFAULT_HALF_LIFE_MS). */
  readonly halfLifeMs?: number;
}

export interface ReplayOptions extends ReplayRule {
  readonly name: string;
  readonly description: string;
  /** The model the recommender sees (its vectors must be the ones `engine` holds). */
  readonly model: LoadedModel;
  /** Owned by the method from now on: disposed with it. */
  readonly engine: InterestEngine;
  /** Which code path replays the events (see the module header; default 'engine'). */
  readonly path?: ReplayPath;
}

/**
 * Folds a history into an interest vector the way `record` does, event by event.
 * @param testCase whose history.
 * @param rule event type and half-life.
 * @param model item ids by row, dim and the model key of the state.
 * @param update moves the interest: the engine's `update`, or core's reference math.
 * @returns the interest vector after the last event.
 */
export async function foldHistory(
  testCase: EvalCase,
  rule: ReplayRule,
  model: Pick<LoadedModel, 'items' | 'manifest'>,
  update: (decay: number, terms: readonly InterestTerm[], previous: Float32Array) => Promise<Float32Array> | Float32Array,
): Promise<Float32Array> {
  const halfLifeMs = rule.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
  const session = toSessionId(`replay-${testCase.user}`);
  let state = emptyState(modelKey(model.manifest), model.manifest.dim);
  for (const { row, time } of testCase.history) {
    const event: InteractionEvent = { id: `${testCase.user}-${state.eventCount}`, time, session, type: rule.eventType, item: itemOf(model, row) };
    const decay = state.lastEventTime === null ? 1 : decayFactor(time - state.lastEventTime, halfLifeMs);
    state = advanceState(state, event, await update(decay, [{ kind: 'row', row, weight: interactionWeight(event) }], state.vector));
  }
  return state.vector;
}

/**
 * @param options model, engine, how events are recorded, the decay and the path.
 * @returns a method that replays each history with the storefront's code and ranks with its engine.
 */
export function createReplayMethod(options: ReplayOptions): RankingMethod {
  const { model, engine } = options;
  const halfLifeMs = options.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;

  const replayOnEngine = async (testCase: EvalCase): Promise<void> => {
    engine.setInterest(new Float32Array(model.manifest.dim));
    await foldHistory(testCase, options, model, (decay, terms) => engine.update(decay, terms));
  };

  // Lent to each shopper's recommender: its dispose() must not free the engine the next one uses.
  // Prototype delegation forwards every other member of the port, whatever the port grows.
  const lent = Object.create(engine, { dispose: { value: () => {} } }) as InterestEngine;
  let nextId = 0;
  const replayOnRecommender = async (testCase: EvalCase): Promise<void> => {
    let clock = testCase.history[0]?.time ?? 0;
    const session: SessionId = toSessionId(`replay-${testCase.user}`);
    const recommender = await createRecommender({
      model,
      engine: lent,
      store: createMemoryEventStore(),
      loadEncoder: () => Promise.reject(new RecError('ENCODER_UNAVAILABLE', 'replays record no searches')),
      session,
      halfLifeMs,
      now: () => clock,
      newEventId: () => `e${nextId++}`,
    });
    try {
      for (const { row, time } of testCase.history) {
        clock = time;
        await recommender.record({ type: options.eventType, item: itemOf(model, row) });
      }
    } finally {
      recommender.dispose();
    }
  };

  const replay = options.path === 'recommender' ? replayOnRecommender : replayOnEngine;
  return {
    name: options.name,
    description: options.description,
    async rank(cases, depth) {
      const ranked: (readonly number[])[] = [];
      for (const testCase of cases) {
        await replay(testCase);
        ranked.push((await engine.topK(depth, testCase.masked)).rows);
      }
      return ranked;
    },
    dispose: () => engine.dispose(),
  };
}

export interface ReferenceDecayOptions extends ReplayRule {
  readonly name: string;
  readonly description: string;
  /** Item ids by row and the manifest (dim, model key) of the vectors below. */
  readonly model: Pick<LoadedModel, 'items' | 'manifest'>;
  /** The item vectors the rule moves through, row-major (items x manifest.dim). */
  readonly vectors: Float32Array;
  /** Scores the same vectors (with the prior wanted); owned by the method. */
  readonly scorer: BatchScorer;
}

/**
 * @param options the vectors, their scorer and the rule.
 * @returns a method applying the browser's rule with core's reference math, scored in batches.
 */
export function createReferenceDecayMethod(options: ReferenceDecayOptions): RankingMethod {
  const { model, vectors, scorer } = options;
  const { dim } = model.manifest;
  return {
    name: options.name,
    description: options.description,
    async rank(cases, depth) {
      const interests = new Float32Array(cases.length * dim);
      for (const [i, testCase] of cases.entries()) {
        interests.set(await foldHistory(testCase, options, model, (decay, terms, previous) => updateInterest(previous, decay, terms, vectors, dim)), i * dim);
      }
      return (await scorer.topK(interests, depth, cases.map((testCase) => testCase.masked))).map((ranked) => ranked.rows);
    },
    dispose: () => scorer.dispose(),
  };
}

function itemOf(model: Pick<LoadedModel, 'items'>, row: number): ItemId {
  const item = model.items[row];
  if (item === undefined) throw new RecError('INTERNAL', `history row ${row} is not in the model's ${model.items.length} items`);
  return item.id;
}
