/**
 * The browser's ranking rule, replayed over each test case's history.
 *
 * `createReplayMethod` runs the storefront's own code, on one of two paths (the unit test holds
 * them to the same rankings):
 *  - 'recommender': each event goes through core's `createRecommender` (an in-memory event store,
 *    as in the browser without IndexedDB) over an `ItemSpace` from src/engine: validation,
 *    weights, time decay, the state fold, storage, and a re-rank of the grid after every event.
 *    Exact but slow (arranging the grid after every event dominates: ~150 ms per Beauty user).
 *  - 'engine' (the default): the interest update alone, through core's fold (`foldHistory`, the
 *    fold `record` uses): core's `interactionWeight` and `decaySince` make the term and the decay,
 *    the space's `update` moves the interest on the backend.
 * One item space serves every case (uploading the item matrix per shopper would dominate the run),
 * starting from each shopper's empty state; the case's ranking is that space's `topK` over all
 * items with the shopper's earlier items excluded: the storefront's scoring (cosine + popularity
 * prior) with the protocol's mask, which covers every earlier item, not only the replayed ones.
 * The storefront's arrangement of the grid (shop rules, diversity, exploration: core's
 * list-quality.ts) is not applied: these metrics measure the relevance order it starts from.
 *
 * `createReferenceDecayMethod` applies the same rule with core's reference math (`referenceUpdate`,
 * as `createRecommender` folds stored events on a reload) and scores whole batches with the
 * engine's BatchScorer: for other item vectors (the 512-d text ones), where one matrix-vector
 * product per shopper would not fit the evaluation's time budget.
 */
import { DEFAULT_HALF_LIFE_MS } from '../../core/constants.ts';
import { latestItemRows, withNeighbours, type ItemNeighbours } from '../../core/neighbours.ts';
import { RecError } from '../../core/errors.ts';
import { toSessionId, type ItemId, type SessionId } from '../../core/ids.ts';
import { interactionWeight, type InteractionEvent, type ItemEvent } from '../../core/interactions.ts';
import { modelKey } from '../../core/manifest.ts';
import { createMemoryEventStore } from '../../core/memory-store.ts';
import type { LoadedModel } from '../../core/model.ts';
import { foldEvents, referenceUpdate, type InterestUpdate } from '../../core/fold.ts';
import type { ItemSpace } from '../../core/ports.ts';
import type { InterestTerm } from '../../core/rank.ts';
import { createRecommender } from '../../core/recommender.ts';
import { emptyState, type InterestState } from '../../core/state.ts';
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
  /** The model the recommender sees (its vectors must be the ones `space` holds). */
  readonly model: LoadedModel;
  /** Owned by the method from now on: disposed with it. */
  readonly space: ItemSpace;
  /** Which code path replays the events (see the module header; default 'engine'). */
  readonly path?: ReplayPath;
  /** Behaviour neighbours that join the ranking as the storefront joins them (core/neighbours.ts), or none. */
  readonly neighbours?: ItemNeighbours | null;
}

/**
 * Folds a history into an interest vector the way `record` does, event by event (core's fold.ts).
 * @param testCase whose history.
 * @param rule event type and half-life.
 * @param model item ids by row, dim and the model key of the state.
 * @param update moves the interest: the item space's `update`, or core's reference math.
 * @returns the interest vector after the last event.
 */
export async function foldHistory(
  testCase: EvalCase,
  rule: ReplayRule,
  model: Pick<LoadedModel, 'items' | 'manifest'>,
  update: InterestUpdate,
): Promise<Float32Array> {
  return (await foldHistoryState(testCase, rule, model, update)).vector;
}

/** foldHistory's whole state: the interest vector and what the storefront keeps beside it (the recent items). */
async function foldHistoryState(
  testCase: EvalCase,
  rule: ReplayRule,
  model: Pick<LoadedModel, 'items' | 'manifest'>,
  update: InterestUpdate,
): Promise<InterestState> {
  const session = toSessionId(`replay-${testCase.user}`);
  const rows = new Map<InteractionEvent, number>();
  const events = testCase.history.map(({ row, time }, i) => {
    const event: InteractionEvent = { id: `${testCase.user}-${i}`, time, session, type: rule.eventType, item: itemOf(model, row) };
    rows.set(event, row);
    return event;
  });
  const termsOf = (event: InteractionEvent): InterestTerm[] => [{ kind: 'row', row: rows.get(event) ?? -1, weight: interactionWeight(event) }];
  return foldEvents(emptyState(modelKey(model.manifest), model.manifest.dim), events, termsOf, update, rule.halfLifeMs ?? DEFAULT_HALF_LIFE_MS);
}

/**
 * @param options model, item space, how events are recorded, the decay and the path.
 * @returns a method that replays each history with the storefront's code and ranks in its item space.
 */
export function createReplayMethod(options: ReplayOptions): RankingMethod {
  const { model, space } = options;
  const halfLifeMs = options.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;

  const replayOnSpace = (testCase: EvalCase): Promise<InterestState> =>
    foldHistoryState(testCase, options, model, (interest, decay, terms) => space.update(interest, decay, terms));

  // Lent to each shopper's recommender: its dispose() must not free the space the next one uses.
  const lent: ItemSpace = {
    get backend() {
      return space.backend;
    },
    update: (interest, decay, terms) => space.update(interest, decay, terms),
    topK: (interest, k, excluded) => space.topK(interest, k, excluded),
    similarities: (rows) => space.similarities(rows),
    memory: () => space.memory(),
    dispose: () => {},
  };
  let nextId = 0;
  /** The decay vector the recommender stored after the last event (what its grid ranked with). */
  const replayOnRecommender = async (testCase: EvalCase): Promise<InterestState> => {
    let clock = testCase.history[0]?.time ?? 0;
    const store = createMemoryEventStore();
    const session: SessionId = toSessionId(`replay-${testCase.user}`);
    const recommender = await createRecommender({
      model,
      space: lent,
      store,
      loadEncoder: () => Promise.reject(new RecError('ENCODER_UNAVAILABLE', 'replays record no searches')),
      loadLexicalIndex: () => Promise.reject(new RecError('INTERNAL', 'replays record no searches')),
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
      const key = modelKey(model.manifest);
      return (await store.loadState(key)) ?? emptyState(key, model.manifest.dim);
    } finally {
      recommender.dispose();
    }
  };

  const replay = options.path === 'recommender' ? replayOnRecommender : replayOnSpace;
  return {
    name: options.name,
    description: options.description,
    async rank(cases, depth) {
      const ranked: (readonly number[])[] = [];
      for (const testCase of cases) {
        const { neighbours } = options;
        const state = await replay(testCase);
        const ranking = neighbours === undefined || neighbours === null ? space : withNeighbours(space, neighbours, latestItemRows(state, model.rowOf));
        ranked.push((await ranking.topK(state.vector, depth, testCase.masked)).rows);
      }
      return ranked;
    },
    dispose: () => space.dispose(),
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
        interests.set(await foldHistory(testCase, options, model, referenceUpdate(vectors, dim)), i * dim);
      }
      return (
        await scorer.topK(
          interests,
          depth,
          cases.map((testCase) => testCase.masked),
        )
      ).map((ranked) => ranked.rows);
    },
    dispose: () => scorer.dispose(),
  };
}

function itemOf(model: Pick<LoadedModel, 'items'>, row: number): ItemId {
  const item = model.items[row];
  if (item === undefined) throw new RecError('INTERNAL', `history row ${row} is not in the model's ${model.items.length} items`);
  return item.id;
}
