/**
 * Converts an InterestState to the `state` record written to IndexedDB and back. A record read
 * back is `unknown` until parseStateRecord has checked every field: IndexedDB is shared with every
 * past and future version of the app on this origin, and with the shopper's devtools.
 */
import { toItemId, type ItemId } from '../core/ids.ts';
import { INTERACTION_TYPES } from '../core/interactions.ts';
import type { InterestState, Purchase, RecentInteraction } from '../core/state.ts';
import { fail, readArray, readNumber, readOneOf, readRecord, readString, type Reader } from '../core/validate.ts';
import { STATE_VERSION, type StateRecord } from './schema.ts';

/**
 * @param state the state to store.
 * @param updatedAt epoch milliseconds of the write.
 * @returns the record to put in the `state` store.
 */
export function toStateRecord(state: InterestState, updatedAt: number): StateRecord {
  return {
    modelKey: state.modelKey,
    // slice() copies into a buffer of exactly this length: structured clone stores the whole
    // underlying ArrayBuffer, which for a view (a subarray of a larger matrix) could be megabytes.
    vector: state.vector.slice(),
    eventCount: state.eventCount,
    actionCount: state.actionCount,
    lastEventTime: state.lastEventTime,
    purchased: state.purchased.map(({ item, time }) => ({ item, time })),
    cart: [...state.cart],
    recent: state.recent.map(({ item, type, time }) => ({ item, type, time })),
    sequence: [...state.sequence],
    lastQuery: state.lastQuery === null ? null : { query: state.lastQuery.query, time: state.lastQuery.time },
    stateVersion: STATE_VERSION,
    updatedAt,
  };
}

/**
 * Validates a stored `state` record and turns it back into an InterestState.
 * @param value the record as read from IndexedDB.
 * @param modelKey the key it was read under (the record must say the same).
 * @param file where it came from, for messages.
 * @param kind 'cache' for a `state` record, 'baseline' for a `baselines` one. Records written before
 *   states had a `sequence` (or an `actionCount`) lack it: a cache is then rebuilt from the events
 *   (null), while a baseline, whose events are gone, reads as having an empty sequence (and its
 *   eventCount as its actionCount, the closest count it has).
 * @returns the state, or null when the record is of another STATE_VERSION, or a cache without a
 *   sequence (to be rebuilt, not an error).
 * @throws RecError EVENT_INVALID naming the first bad field.
 */
export function parseStateRecord(value: unknown, modelKey: string, file: string, kind: 'cache' | 'baseline' = 'cache'): InterestState | null {
  // Core has no code for "stored record invalid"; the state is derived from the events, so their code is used.
  const reader: Reader = { code: 'EVENT_INVALID', file };
  const record = readRecord(reader, value, '(state)');
  const version = readNumber(reader, record['stateVersion'], 'stateVersion', { integer: true, min: 1 });
  if (version !== STATE_VERSION) return null;
  if ((record['sequence'] === undefined || record['actionCount'] === undefined) && kind === 'cache') return null;
  readNumber(reader, record['updatedAt'], 'updatedAt', { min: 0 });
  const key = readString(reader, record['modelKey'], 'modelKey', { nonEmpty: true });
  if (key !== modelKey) fail(reader, 'modelKey', `"${modelKey}"`, key);
  const eventCount = readNumber(reader, record['eventCount'], 'eventCount', { integer: true, min: 0 });
  return {
    modelKey: key,
    vector: readVector(reader, record['vector']),
    eventCount,
    actionCount:
      record['actionCount'] === undefined ? eventCount : readNumber(reader, record['actionCount'], 'actionCount', { integer: true, min: 0, max: eventCount }),
    lastEventTime: record['lastEventTime'] === null ? null : readNumber(reader, record['lastEventTime'], 'lastEventTime', { min: 0 }),
    purchased: readPurchases(reader, record['purchased'], record['lastEventTime']),
    cart: readItemIds(reader, record['cart'], 'cart'),
    recent: readArray(reader, record['recent'], 'recent').map((entry, i) => readRecent(reader, entry, `recent[${i}]`)),
    sequence: record['sequence'] === undefined ? [] : readItemIds(reader, record['sequence'], 'sequence'),
    lastQuery: readLastQuery(reader, record['lastQuery']),
  };
}

function readVector(reader: Reader, value: unknown): Float32Array {
  if (!(value instanceof Float32Array) || value.length === 0) fail(reader, 'vector', 'a non-empty Float32Array', value);
  for (let i = 0; i < value.length; i++) {
    if (!Number.isFinite(value[i])) fail(reader, `vector[${i}]`, 'a finite number', value[i]);
  }
  return value;
}

function readItemIds(reader: Reader, value: unknown, field: string): ItemId[] {
  return readArray(reader, value, field).map((id, i) => toItemId(readString(reader, id, `${field}[${i}]`, { nonEmpty: true })));
}

/**
 * Purchases with their times; records written before purchases had times hold bare item ids, read
 * as bought at the state's last event (the latest they can have been), so no purchase is lost.
 */
function readPurchases(reader: Reader, value: unknown, lastEventTime: unknown): Purchase[] {
  return readArray(reader, value, 'purchased').map((entry, i) => {
    const field = `purchased[${i}]`;
    if (typeof entry === 'string')
      return { item: toItemId(readString(reader, entry, field, { nonEmpty: true })), time: typeof lastEventTime === 'number' ? lastEventTime : 0 };
    const record = readRecord(reader, entry, field);
    return {
      item: toItemId(readString(reader, record['item'], `${field}.item`, { nonEmpty: true })),
      time: readNumber(reader, record['time'], `${field}.time`, { min: 0 }),
    };
  });
}

function readRecent(reader: Reader, value: unknown, field: string): RecentInteraction {
  const record = readRecord(reader, value, field);
  return {
    item: toItemId(readString(reader, record['item'], `${field}.item`, { nonEmpty: true })),
    type: readOneOf(reader, record['type'], `${field}.type`, INTERACTION_TYPES),
    time: readNumber(reader, record['time'], `${field}.time`, { min: 0 }),
  };
}

function readLastQuery(reader: Reader, value: unknown): InterestState['lastQuery'] {
  if (value === null) return null;
  const record = readRecord(reader, value, 'lastQuery');
  return {
    query: readString(reader, record['query'], 'lastQuery.query'),
    time: readNumber(reader, record['time'], 'lastQuery.time', { min: 0 }),
  };
}
