/**
 * The one fold of the shopper's interest: how events move the interest vector (time decay, then the
 * weighted terms) and enter the state. Every path uses it: a live interaction on the ItemSpace, the
 * state rebuilt from stored events and a compaction's baseline (core's reference math), events from
 * another tab, and the offline evaluation's replay. Defined once, so they cannot drift apart.
 */
import { isPagedMatrix } from './paged-matrix.ts';
import type { InteractionEvent } from './interactions.ts';
import type { ItemRows } from './item-matrix.ts';
import { decayFactor, updateInterest, type InterestTerm } from './rank.ts';
import { advanceState, type InterestState } from './state.ts';

/**
 * u' = normalise(decay * u + sum w * v): an ItemSpace's `update`, or core's reference math.
 * @param interest u, not modified.
 */
export type InterestUpdate = (interest: Float32Array, decay: number, terms: readonly InterestTerm[]) => Promise<Float32Array> | Float32Array;

/** The terms an event contributes (none when it moves nothing, e.g. an item no longer in the catalogue). */
export type TermsOf = (event: InteractionEvent) => Promise<readonly InterestTerm[]> | readonly InterestTerm[];

/**
 * @param state the state before.
 * @param time when the new events happened (epoch ms).
 * @param halfLifeMs the interest's half-life.
 * @returns how much of the interest is left at `time` (1 for a first event).
 */
export function decaySince(state: InterestState, time: number, halfLifeMs: number): number {
  return state.lastEventTime === null ? 1 : decayFactor(time - state.lastEventTime, halfLifeMs);
}

/**
 * One step: the interest decayed to `time` and moved by `terms` (left as it is when there are none),
 * then each event folded into the state with that vector.
 * @param state the state before.
 * @param events what happened at `time`, oldest first.
 * @param time when (epoch ms).
 * @param terms what the events contribute, together.
 * @param update the math that moves the interest.
 * @param halfLifeMs the interest's half-life.
 */
export async function foldStep(
  state: InterestState,
  events: readonly InteractionEvent[],
  time: number,
  terms: readonly InterestTerm[],
  update: InterestUpdate,
  halfLifeMs: number,
): Promise<InterestState> {
  const vector = terms.length === 0 ? state.vector : await update(state.vector, decaySince(state, time, halfLifeMs), terms);
  let next = state;
  for (const event of events) next = advanceState(next, event, vector);
  return next;
}

/**
 * Folds events one at a time, oldest first, each at its own time: how a state is rebuilt from stored
 * events, a baseline extended, and a history replayed.
 * @param start the state before the first event.
 * @param events oldest first.
 * @param termsOf what each event contributes.
 * @param update the math that moves the interest.
 * @param halfLifeMs the interest's half-life.
 */
export async function foldEvents(
  start: InterestState,
  events: readonly InteractionEvent[],
  termsOf: TermsOf,
  update: InterestUpdate,
  halfLifeMs: number,
): Promise<InterestState> {
  let state = start;
  for (const event of events) state = await foldStep(state, [event], event.time, await termsOf(event), update, halfLifeMs);
  return state;
}

/**
 * @param vectors the item matrix the interest moves through.
 * @param dim values per row.
 * @returns core's reference update (core/rank.ts `updateInterest`) over it.
 */
export function referenceUpdate(vectors: ItemRows, dim: number): InterestUpdate {
  const update: InterestUpdate = (interest, decay, terms) => updateInterest(interest, decay, terms, vectors, dim);
  if (vectors instanceof Float32Array || !isPagedMatrix(vectors)) return update;
  // A paged matrix reads only the rows whose pages are on hand: the terms' first.
  return async (interest, decay, terms) => {
    await vectors.load(terms.flatMap((term) => (term.kind === 'row' ? [term.row] : [])));
    return update(interest, decay, terms);
  };
}
