/**
 * Reading the event store's records back without trusting them. Everything read is validated
 * (core's parseEvent, parseStateRecord). An invalid record, e.g. written by a newer or buggy version
 * of the app or edited in devtools, is skipped and reported through `onInvalidRecords`, never
 * thrown: one bad record must not cost the shopper the others. It is left in place (reading never
 * writes, and a newer tab may understand it); the next append of that model's state overwrites a
 * bad state record, the next compaction a bad baseline, and eraseAll removes all. A state that
 * cannot be used reads as null, so core rebuilds it from the baseline and the events; a baseline
 * that cannot be used reads as null too (the events it folded are gone, so core starts from the
 * remaining events).
 */
import type { IDBPDatabase, StoreNames } from 'idb';
import { toRecError, type RecError } from '../core/errors.ts';
import { compareEventOrder, parseEvent, type InteractionEvent } from '../core/interactions.ts';
import type { InterestState } from '../core/state.ts';
import { STORE_NAMES, type VitrineDB } from './schema.ts';
import { parseStateRecord } from './state-record.ts';
import type { Tx } from './transaction.ts';

/** A stored record that failed validation and was skipped. */
export interface InvalidRecord {
  readonly store: StoreNames<VitrineDB>;
  /** Its key (event id or model key), when the record has a readable one. */
  readonly key: string | null;
  /** What is wrong with it (code EVENT_INVALID, naming the field). */
  readonly error: RecError;
}

/** Receives the invalid records one read skipped (all of them at once). */
export type InvalidRecordReporter = (records: readonly InvalidRecord[]) => void;

/** The stores holding InterestStates (StateRecords). */
export type StateStore = 'state' | 'baselines';

/**
 * Runs one read, collecting the invalid records it skips, and reports them once afterwards, if any.
 * @param report the reporter.
 * @param read the read; it pushes each record it skips onto the array it is given.
 * @returns what `read` returned.
 */
export async function reportingInvalid<T>(report: InvalidRecordReporter, read: (invalid: InvalidRecord[]) => Promise<T>): Promise<T> {
  const invalid: InvalidRecord[] = [];
  const result = await read(invalid);
  if (invalid.length > 0) report(invalid);
  return result;
}

/** The default reporter: one console.warn per read, naming the first record. */
export function warnInvalidRecords(records: readonly InvalidRecord[]): void {
  const first = records[0];
  console.warn(`Vitrine skipped ${records.length} invalid stored record(s); first: ${first?.store}/${first?.key ?? '?'}: ${first?.error.message ?? ''}`);
}

/**
 * Every valid event (with `time` before `before`, if given), in the order they happened, in a transaction of its own.
 * @param db the database.
 * @param dbName its name, for messages.
 * @param invalid receives the events skipped.
 * @param before an exclusive upper bound on `time`; absent for every event.
 */
export function loadEvents(db: IDBPDatabase<VitrineDB>, dbName: string, invalid: InvalidRecord[], before?: number): Promise<InteractionEvent[]> {
  return readEvents(db.transaction(STORE_NAMES, 'readonly'), dbName, invalid, before);
}

/**
 * Every valid event in `tx` (with `time` before `before`, if given), in the order they happened
 * (core's compareEventOrder).
 * @param invalid receives the events skipped.
 */
export async function readEvents(tx: Tx<'readonly'>, dbName: string, invalid: InvalidRecord[], before?: number): Promise<InteractionEvent[]> {
  const store = tx.objectStore('events');
  const byTime = store.index('by-time');
  let raw: readonly unknown[];
  if (before === undefined) {
    const [indexed, total, indexedCount] = await Promise.all([byTime.getAll(), store.count(), byTime.count()]);
    // A record whose `time` is not a valid key (missing, NaN) is absent from the index; such a
    // record is invalid anyway, but read the whole store then so it is reported, not silently lost.
    raw = total === indexedCount ? indexed : await store.getAll();
  } else {
    // A record without a valid time has no age; it is reported when all events are read.
    raw = await byTime.getAll(IDBKeyRange.upperBound(before, true));
  }
  const events: InteractionEvent[] = [];
  for (const value of raw) {
    const key = recordKey(value, 'id');
    try {
      events.push(parseEvent(value, `indexeddb:${dbName}/events/${key ?? '?'}`));
    } catch (error) {
      invalid.push({ store: 'events', key, error: toRecError(error, 'EVENT_INVALID') });
    }
  }
  // The by-time index ties same-millisecond events by their (random) id and puts an event made
  // after the clock was set back before older ones: folded in that order, a removal could come
  // before its add. The order they happened in is their seq.
  return events.sort(compareEventOrder);
}

/**
 * Every usable record of `store` in `tx`; records of another stateVersion are left out unreported.
 * @param invalid receives the records skipped.
 */
export async function readStates(tx: Tx<'readonly'>, dbName: string, store: StateStore, invalid: InvalidRecord[]): Promise<InterestState[]> {
  const raw: readonly unknown[] = await tx.objectStore(store).getAll();
  const states: InterestState[] = [];
  for (const value of raw) {
    const state = parseState(dbName, store, value, recordKey(value, 'modelKey'), invalid);
    if (state !== null) states.push(state);
  }
  return states;
}

/**
 * One model's record from `state` or `baselines`.
 * @returns it, or null when there is none or it cannot be used.
 */
export async function loadStateRecord(
  db: IDBPDatabase<VitrineDB>,
  dbName: string,
  store: StateStore,
  modelKey: string,
  invalid: InvalidRecord[],
): Promise<InterestState | null> {
  const value: unknown = await db.get(store, modelKey);
  return value === undefined ? null : parseState(dbName, store, value, modelKey, invalid);
}

/**
 * A `state` or `baselines` record as an InterestState.
 * @param modelKey the key it was read under (null when the record has no string one).
 * @param invalid receives the record if it is invalid.
 * @returns the state, or null when it cannot be used.
 */
export function parseState(dbName: string, store: StateStore, value: unknown, modelKey: string | null, invalid: InvalidRecord[]): InterestState | null {
  try {
    // A record without a string modelKey cannot match any key: parseStateRecord reports the field.
    return parseStateRecord(value, modelKey ?? '', `indexeddb:${dbName}/${store}/${modelKey ?? '?'}`, store === 'state' ? 'cache' : 'baseline');
  } catch (error) {
    invalid.push({ store, key: modelKey, error: toRecError(error, 'EVENT_INVALID') });
    return null;
  }
}

/** @returns the record's key field, if it is a string (it always is for a record IndexedDB accepted, unless edited). */
function recordKey(value: unknown, field: 'id' | 'modelKey'): string | null {
  if (typeof value !== 'object' || value === null || !(field in value)) return null;
  const key: unknown = (value as Record<typeof field, unknown>)[field]; // `in` does not narrow a variable key.
  return typeof key === 'string' ? key : null;
}
