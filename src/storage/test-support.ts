/**
 * Fixtures for the storage tests: events, states and unique database names, so tests sharing
 * fake-indexeddb's global factory never see each other's data.
 */
import { RecError } from '../core/errors.ts';
import { toItemId, toSessionId } from '../core/ids.ts';
import type { InteractionEvent } from '../core/interactions.ts';
import type { InterestState } from '../core/state.ts';

/** @returns a database name no other test uses. */
export function uniqueDbName(): string {
  return `vitrine-test-${crypto.randomUUID()}`;
}

/**
 * @param id the event id.
 * @param time epoch ms.
 * @param item the item viewed.
 */
export function viewEvent(id: string, time: number, item = 'item-1'): InteractionEvent {
  return { id, time, session: toSessionId('session-1'), type: 'view', item: toItemId(item), position: 2 };
}

/**
 * @param modelKey the model the state belongs to.
 * @param eventCount its event count (to tell two states apart).
 */
export function sampleState(modelKey = 'catalog:0123456789abcdef', eventCount = 3): InterestState {
  return {
    modelKey,
    vector: Float32Array.of(0.5, -0.25, 1 / 3, 1e-7),
    eventCount,
    lastEventTime: 300,
    purchased: [toItemId('item-9')],
    cart: [toItemId('item-2'), toItemId('item-3')],
    recent: [{ item: toItemId('item-1'), type: 'view', time: 300 }],
    lastQuery: { query: 'red shoes', time: 200 },
  };
}

/** @returns the RecError `promise` rejects with (fails the test if it resolves or rejects otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<RecError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  if (!(error instanceof RecError)) throw error;
  return error;
}
