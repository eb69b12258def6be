import { describe, expect, it } from 'vitest';
import { SEQUENCE_ITEMS_KEPT } from './constants.ts';
import { toItemId, toSessionId } from './ids.ts';
import type { InteractionEvent } from './interactions.ts';
import { advanceState, emptyState } from './state.ts';

const session = toSessionId('s');
let next = 0;
const event = (fields: Record<string, unknown>): InteractionEvent => ({ id: `e${++next}`, time: next, session, ...fields }) as InteractionEvent;
const fold = (events: readonly InteractionEvent[]) => events.reduce((state, e) => advanceState(state, e, state.vector), emptyState('model', 2));

describe('the sequence a sequence model reads', () => {
  it('holds the positive item interactions, oldest first, repeats kept', () => {
    const state = fold([
      event({ type: 'view', item: toItemId('a') }),
      event({ type: 'impression', item: toItemId('x'), position: 0 }),
      event({ type: 'skip', item: toItemId('y'), position: 1 }),
      event({ type: 'search', query: 'shoes' }),
      event({ type: 'add_to_cart', item: toItemId('b') }),
      event({ type: 'remove_from_cart', item: toItemId('b') }),
      event({ type: 'view', item: toItemId('a') }),
      event({ type: 'purchase', item: toItemId('c') }),
    ]);
    expect(state.sequence).toEqual(['a', 'b', 'a', 'c']);
    expect(state.recent.map((r) => r.item)).toEqual(['c', 'a', 'b']);
  });

  it(`keeps only the latest ${SEQUENCE_ITEMS_KEPT}`, () => {
    const state = fold(Array.from({ length: SEQUENCE_ITEMS_KEPT + 7 }, (_, i) => event({ type: 'view', item: toItemId(`i${i}`) })));
    expect(state.sequence).toHaveLength(SEQUENCE_ITEMS_KEPT);
    expect(state.sequence[0]).toBe('i7');
    expect(state.sequence.at(-1)).toBe(`i${SEQUENCE_ITEMS_KEPT + 6}`);
  });
});

describe('the cart', () => {
  it('holds an item added twice once, and drops it on removal', () => {
    const added = fold([
      event({ type: 'add_to_cart', item: toItemId('a') }),
      event({ type: 'add_to_cart', item: toItemId('b') }),
      event({ type: 'add_to_cart', item: toItemId('a') }),
    ]);
    expect(added.cart).toEqual(['a', 'b']);
    expect(advanceState(added, event({ type: 'remove_from_cart', item: toItemId('a') }), added.vector).cart).toEqual(['b']);
  });
});
