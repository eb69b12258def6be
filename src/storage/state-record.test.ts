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
  ])('rejects a record with a bad %s, naming it', (field, change) => {
    const record = { ...toStateRecord(sampleState(KEY), 1), ...change };
    const error: unknown = (() => {
      try {
        return parseStateRecord(record, KEY, 'test');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RecError);
    expect((error as RecError).location.field).toBe(field); // Checked to be a RecError just above.
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
