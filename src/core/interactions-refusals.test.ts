// The event readers' refusals one field at a time, with the exact message and location, and the
// order stored events are folded in.
import { describe, expect, it } from 'vitest';
import { toItemId, toSessionId } from './ids.ts';
import { checkInput, compareEventOrder, parseEvent, type InteractionEvent, type InteractionInput } from './interactions.ts';

const stored = { id: 'e1', time: 5, session: 's1', type: 'view', item: 'a' };

describe('parseEvent refuses', () => {
  it.each<[string, unknown, string, string]>([
    ['an event that is not an object', 'x', '(event)', 'expected an object, found "x"'],
    ['an empty id', { ...stored, id: '' }, 'id', 'expected a non-empty string, found ""'],
    ['a negative time', { ...stored, time: -1 }, 'time', 'expected a number in [0, Infinity], found number -1'],
    ['an empty session', { ...stored, session: '' }, 'session', 'expected a non-empty string, found ""'],
    ['a fractional seq', { ...stored, seq: 1.5 }, 'seq', 'expected an integer, found number 1.5'],
    ['a negative seq', { ...stored, seq: -1 }, 'seq', 'expected a number in [0, Infinity], found number -1'],
    ['a blank query', { ...stored, type: 'search', query: '' }, 'query', 'expected a non-empty string, found ""'],
    ['an empty item', { ...stored, item: '' }, 'item', 'expected a non-empty string, found ""'],
    ['a negative dwell', { ...stored, type: 'dwell', dwellMs: -1 }, 'dwellMs', 'expected a number in [0, Infinity], found number -1'],
  ])('%s', (_, value, field, message) => {
    expect(() => parseEvent(value, 'events')).toThrow(
      expect.objectContaining({ code: 'EVENT_INVALID', message: `events: ${field}: ${message}`, location: { file: 'events', field } }),
    );
  });

  it('keeps a seq of 0 and an event without one', () => {
    expect(parseEvent({ ...stored, seq: 0 }, 'events').seq).toBe(0);
    expect('seq' in parseEvent(stored, 'events')).toBe(false);
  });
});

describe('checkInput refuses', () => {
  const known = (id: string): boolean => id === 'a';
  it.each<[string, InteractionInput, string, string, string]>([
    [
      'an unknown type',
      { type: 'bogus', item: toItemId('a') } as unknown as InteractionInput,
      'EVENT_INVALID',
      'type',
      'expected one of impression, view, dwell, add_to_cart, remove_from_cart, purchase, search, skip, found "bogus"',
    ],
    ['a query of spaces', { type: 'search', query: '   ' }, 'EVENT_INVALID', 'query', 'expected a non-empty search query, found "   "'],
    ['an item not in the catalogue', { type: 'view', item: toItemId('zz') }, 'UNKNOWN_ITEM', 'item', 'item "zz" is not in the loaded catalogue'],
    [
      'a negative dwell',
      { type: 'dwell', item: toItemId('a'), dwellMs: -5 },
      'EVENT_INVALID',
      'dwellMs',
      'expected a number in [0, Infinity], found number -5',
    ],
  ])('%s', (_, input, code, field, message) => {
    expect(() => checkInput(input, known)).toThrow(
      expect.objectContaining({ code, message: `interaction: ${field}: ${message}`, location: { file: 'interaction', field } }),
    );
  });
});

describe('compareEventOrder', () => {
  const event = (id: string, time: number, seq?: number): InteractionEvent => ({
    id,
    time,
    session: toSessionId('s'),
    type: 'view',
    item: toItemId('a'),
    ...(seq === undefined ? {} : { seq }),
  });
  const order = (events: InteractionEvent[]): string[] => [...events].sort(compareEventOrder).map((e) => e.id);

  it('puts events without a seq first by time, then numbered ones by seq, whatever their times', () => {
    expect(order([event('n2', 1, 2), event('old', 50), event('n1', 90, 1), event('older', 10)])).toEqual(['older', 'old', 'n1', 'n2']);
  });

  it('breaks a tie of seq and time by id, and calls an event equal to itself', () => {
    expect(order([event('b', 5, 3), event('c', 5, 3), event('a', 5, 3)])).toEqual(['a', 'b', 'c']);
    expect(order([event('c', 5, 3), event('a', 5, 3), event('b', 5, 3)])).toEqual(['a', 'b', 'c']);
    expect(compareEventOrder(event('a', 5, 3), event('b', 5, 3))).toBe(-1);
    expect(compareEventOrder(event('b', 5, 3), event('a', 5, 3))).toBe(1);
    expect(compareEventOrder(event('a', 5, 3), event('a', 5, 3))).toBe(0);
  });
});
