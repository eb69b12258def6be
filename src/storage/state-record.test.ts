import { describe, expect, it } from 'vitest';
import { RecError } from '../core/errors.ts';
import { STATE_VERSION } from './schema.ts';
import { parseStateRecord, toStateRecord } from './state-record.ts';
import { sampleState } from './test-support.ts';

const KEY = 'catalog:0123456789abcdef';

describe('state records', () => {
  it('round-trips through a structured clone, as IndexedDB stores it', () => {
    const state = sampleState(KEY);
    const record = toStateRecord(state, 1234);
    expect(record).toMatchObject({ stateVersion: STATE_VERSION, updatedAt: 1234, modelKey: KEY });
    expect(record.vector).not.toBe(state.vector);
    expect(parseStateRecord(structuredClone(record), KEY, 'test')).toEqual(state);
  });

  it.each([
    ['vector', { vector: [0.5, 0.25] }],
    ['vector', { vector: new Float32Array(0) }],
    ['vector[1]', { vector: Float32Array.of(1, Number.NaN) }],
    ['modelKey', { modelKey: 'other:key' }],
    ['eventCount', { eventCount: -1 }],
    ['actionCount', { actionCount: 4 }], // more actions than events
    ['purchased[0]', { purchased: [''] }],
    ['purchased[0].time', { purchased: [{ item: 'a', time: -1 }] }],
    ['recent[0].type', { recent: [{ item: 'a', type: 'teleport', time: 1 }] }],
    ['lastQuery', { lastQuery: 'shoes' }],
    ['sequence[1]', { sequence: ['a', 7] }],
    ['updatedAt', { updatedAt: undefined }],
    ['updatedAt', { updatedAt: -5 }],
    ['stateVersion', { stateVersion: 1.5 }],
    ['stateVersion', { stateVersion: 0 }],
    ['modelKey', { modelKey: '' }],
    ['eventCount', { eventCount: 2.5 }],
    ['actionCount', { actionCount: 1.5 }],
    ['lastEventTime', { lastEventTime: 'yesterday' }],
    ['lastEventTime', { lastEventTime: -1 }],
    ['cart', { cart: 'a' }],
    ['cart[1]', { cart: ['a', ''] }],
    ['recent', { recent: null }],
    ['recent[0]', { recent: [7] }],
    ['recent[0].item', { recent: [{ item: '', type: 'view', time: 1 }] }],
    ['recent[0].time', { recent: [{ item: 'a', type: 'view', time: -1 }] }],
    ['purchased', { purchased: {} }],
    ['purchased[0].item', { purchased: [{ item: '', time: 1 }] }],
    ['lastQuery.query', { lastQuery: { query: 7, time: 1 } }],
    ['lastQuery.time', { lastQuery: { query: 'shoes', time: -1 } }],
    ['vector', { vector: undefined }],
  ])('rejects a record with a bad %s, naming it and the record', (field, change) => {
    const record = { ...toStateRecord(sampleState(KEY), 1), ...change };
    const error: unknown = (() => {
      try {
        return parseStateRecord(record, KEY, 'test');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RecError);
    // Checked to be a RecError just above.
    expect((error as RecError).location).toMatchObject({ field, file: 'test' });
    expect((error as RecError).code).toBe('EVENT_INVALID');
  });

  it('rejects a record that is not an object, naming it', () => {
    expect(() => parseStateRecord('state', KEY, 'test')).toThrow(expect.objectContaining({ location: { file: 'test', field: '(state)' } }));
  });

  it('keeps a stored last event time of null, and reads a bare purchase id as bought then at time 0', () => {
    const record = { ...toStateRecord(sampleState(KEY), 1), lastEventTime: null, purchased: ['item-9'] };
    const state = parseStateRecord(record, KEY, 'test');
    expect(state?.lastEventTime).toBeNull();
    expect(state?.purchased).toEqual([{ item: 'item-9', time: 0 }]);
  });

  it('writes and reads back a state without a last query, and one with', () => {
    const without = { ...sampleState(KEY), lastQuery: null };
    expect(parseStateRecord(toStateRecord(without, 1), KEY, 'test')?.lastQuery).toBeNull();
    const withQuery = { ...sampleState(KEY), lastQuery: { query: 'red shoes', time: 42 } };
    expect(toStateRecord(withQuery, 1).lastQuery).toEqual({ query: 'red shoes', time: 42 });
    expect(parseStateRecord(toStateRecord(withQuery, 1), KEY, 'test')?.lastQuery).toEqual({ query: 'red shoes', time: 42 });
  });

  it('reads purchases stored as bare ids (before purchase times) as bought at the last event', () => {
    const record = { ...toStateRecord(sampleState(KEY), 1), purchased: ['item-9'] };
    expect(parseStateRecord(record, KEY, 'test')?.purchased).toEqual([{ item: 'item-9', time: 300 }]);
  });

  it('rebuilds a cached state written before states had a sequence, and reads such a baseline as an empty sequence', () => {
    const older: Record<string, unknown> = { ...toStateRecord(sampleState(KEY), 1) };
    delete older['sequence'];
    expect(parseStateRecord(older, KEY, 'test')).toBeNull();
    expect(parseStateRecord(older, KEY, 'test', 'baseline')).toEqual({ ...sampleState(KEY), sequence: [] });
  });

  it('rebuilds a cached state written before states counted actions, and reads such a baseline as all actions', () => {
    const older: Record<string, unknown> = { ...toStateRecord(sampleState(KEY), 1) };
    delete older['actionCount'];
    expect(parseStateRecord(older, KEY, 'test')).toBeNull();
    expect(parseStateRecord(older, KEY, 'test', 'baseline')).toEqual({ ...sampleState(KEY), actionCount: 3 });
  });

  it('returns null for another stateVersion (rebuild, not an error)', () => {
    expect(parseStateRecord({ stateVersion: STATE_VERSION + 1 }, KEY, 'test')).toBeNull();
  });
});
