/**
 * Compaction: stored events folded, oldest first, into the model's baseline and removed from the
 * store (EventStore.compact, one transaction), so that `baseline ⊕ remaining events` is still
 * everything. It runs when a write finds the storage full and, at start-up, for events older than
 * the retention period. A baseline serves only its model (it is a fold over that model's vectors):
 * after a model change the old model's baseline is left as it is.
 */
import type { InteractionEvent } from './interactions.ts';
import type { EventStore } from './ports.ts';
import type { Compaction } from './recommender-types.ts';
import { emptyState, type InterestState } from './state.ts';

/** What compaction needs: the store, whose baseline, and the fold that extends it. */
export interface CompactionContext {
  readonly store: EventStore;
  readonly modelKey: string;
  readonly dim: number;
  /** Folds events onto a state with core's reference math (as a reload rebuilds it). */
  readonly fold: (start: InterestState, events: readonly InteractionEvent[]) => Promise<InterestState>;
  /** Told about each compaction that happened. */
  readonly onCompacted: (compaction: Compaction) => void;
}

/**
 * Folds stored events into this model's baseline and removes them from the store. They must be the
 * oldest stored events, oldest first.
 * @param context the store and the fold.
 * @param events the events to compact.
 * @param reason why (reported with the compaction).
 * @returns whether they were compacted (false when another tab compacted or erased meanwhile).
 */
export async function compactEvents(context: CompactionContext, events: readonly InteractionEvent[], reason: Compaction['reason']): Promise<boolean> {
  if (events.length === 0) return false;
  const { store, modelKey } = context;
  const previous = await store.loadBaseline(modelKey);
  const baseline = await context.fold(previous ?? emptyState(modelKey, context.dim), events);
  const compacted = await store.compact(
    baseline,
    events.map((event) => event.id),
  );
  if (compacted) context.onCompacted({ reason, events: events.length });
  return compacted;
}

/**
 * The storage is full: compacts the oldest half of the stored events, and at least as many as the
 * write that failed adds, so a write like it fits again.
 * @param context the store and the fold.
 * @param needed how many events the failed write adds.
 */
export async function makeRoom(context: CompactionContext, needed: number): Promise<void> {
  const stored = await context.store.loadEvents();
  await compactEvents(context, stored.slice(0, Math.max(Math.ceil(stored.length / 2), needed)), 'storage-full');
}
