import { describe, expect, it } from 'vitest';
import { toItemId } from './ids.ts';
import { interactionWeight, parseEvent, parseInteractionInput } from './interactions.ts';
import { thrownRecError } from './test-support.ts';

describe('parseInteractionInput (interactions from a host page)', () => {
  it('accepts each kind of input and keeps only its fields', () => {
    expect(parseInteractionInput({ type: 'purchase', item: 'p1', extra: true }, 'host')).toEqual({ type: 'purchase', item: 'p1' });
    expect(parseInteractionInput({ type: 'view', item: 'p1', position: 3 }, 'host')).toEqual({ type: 'view', item: 'p1', position: 3 });
    expect(parseInteractionInput({ type: 'dwell', item: 'p1', dwellMs: 900 }, 'host')).toEqual({ type: 'dwell', item: 'p1', dwellMs: 900 });
    expect(parseInteractionInput({ type: 'search', query: 'tea' }, 'host')).toEqual({ type: 'search', query: 'tea' });
  });

  it.each([
    [null, 'host: (interaction): expected an object'],
    [{ type: 'like', item: 'p1' }, 'host: type: expected one of impression, view'],
    [{ type: 'purchase' }, 'host: item: expected a string, found nothing (missing)'],
    [{ type: 'purchase', item: 42 }, 'host: item: expected a string, found number 42'],
    [{ type: 'view', item: 'p1', position: -1 }, 'host: position: expected'],
    [{ type: 'dwell', item: 'p1' }, 'host: dwellMs: expected a finite number, found nothing (missing)'],
  ])('rejects %j naming the field', (input, message) => {
    const error = thrownRecError(() => parseInteractionInput(input, 'host'));
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.message).toContain(message);
  });
});

describe('parseEvent', () => {
  it('reads the stored fields around the input', () => {
    expect(parseEvent({ id: 'e1', time: 5, session: 's', type: 'add_to_cart', item: 'p2', position: 0 }, 'store')).toEqual({
      id: 'e1',
      time: 5,
      session: 's',
      type: 'add_to_cart',
      item: 'p2',
      position: 0,
    });
    expect(thrownRecError(() => parseEvent({ time: 5, session: 's', type: 'view', item: 'p2' }, 'store')).message).toContain('store: id:');
  });
});

describe('interactionWeight', () => {
  it('weighs dwell per 5 seconds, capped at 30 seconds', () => {
    expect(interactionWeight({ type: 'dwell', item: toItemId('p1'), dwellMs: 10_000 })).toBeCloseTo(0.2);
    expect(interactionWeight({ type: 'dwell', item: toItemId('p1'), dwellMs: 30_000 })).toBeCloseTo(0.6);
    expect(interactionWeight({ type: 'dwell', item: toItemId('p1'), dwellMs: 600_000 })).toBeCloseTo(0.6);
  });
});
