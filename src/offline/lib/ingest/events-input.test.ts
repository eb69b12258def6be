import { describe, expect, it } from 'vitest';
import { faultTest } from '../../../core/fault-test-support.ts';
import { DEFAULT_EVENT_COLUMNS, DEFAULT_EVENT_WEIGHTS, parseTimestamp, readEvents, type EventColumns } from './events-input.ts';
import { createProblemLog } from './problems.ts';

const rowOf = new Map([
  ['i1', 0],
  ['i2', 1],
  ['i3', 2],
]);

function read(text: string | Uint8Array, columns: EventColumns = DEFAULT_EVENT_COLUMNS, strict = false, now?: number) {
  const problems = createProblemLog('events.csv', { strict, code: 'EVENT_INVALID' });
  const events = readEvents(typeof text === 'string' ? new TextEncoder().encode(text) : text, 'events.csv', {
    columns,
    weights: DEFAULT_EVENT_WEIGHTS,
    rowOf,
    skippedIds: new Set(['gone']),
    problems,
    ...(now === undefined ? {} : { now }),
  });
  return { events, summary: problems.summary() };
}

describe('readEvents', () => {
  it('gives each bad row its own counted reason and file:line', () => {
    const header = 'session_id,user_id,item_id,event_type,timestamp,quantity';
    const rows = [
      's1,u1,i1,purchase,2010-12-01T08:26:00,6', // 2 ok
      's1,u1,i2,purchase,2010-12-01T08:26:00', // 3 wrong column count
      's1,u1,,purchase,2010-12-01T08:26:00,1', // 4 missing item
      's1,u1,i9,purchase,2010-12-01T08:26:00,1', // 5 unknown item
      's1,u1,gone,adjustment,2010-12-01T08:26:00,1', // 6 item skipped from the catalogue
      's1,u1,i2,wishlist,2010-12-01T08:26:00,1', // 7 unknown event type
      's1,u1,i2,purchase,,1', // 8 missing timestamp
      's1,u1,i2,purchase,yesterday,1', // 9 bad timestamp
      's2,,i3,return,1291191960,-1', // 10 ok: a guest, epoch seconds
    ];
    const bytes = new Uint8Array([
      ...new TextEncoder().encode([header, ...rows].join('\n') + '\n'),
      ...new TextEncoder().encode('s3,u2,i1,purchase,2011-01-01,'),
      0xff,
      0x0a,
    ]);
    const { events, summary } = read(bytes);
    expect(events.records).toBe(10);
    expect(summary.byReason).toEqual({
      'wrong-column-count': 1,
      'missing-item': 1,
      'unknown-item': 1,
      'skipped-item': 1,
      'unknown-event-type': 1,
      'missing-timestamp': 1,
      'bad-timestamp': 1,
      'invalid-utf8': 1,
    });
    expect(Object.values(summary.examples).map((list) => list?.[0]?.replace(/: .*/, ''))).toEqual([
      'events.csv:3',
      'events.csv:4',
      'events.csv:5',
      'events.csv:6',
      'events.csv:7',
      'events.csv:8',
      'events.csv:9',
      'events.csv:11',
    ]);
    expect(summary.examples['unknown-item']).toEqual(['events.csv:5: item "i9" is not in the catalogue [unknown-item]']);
    expect(summary.examples['skipped-item']?.[0]).toMatch(/item "gone" was skipped from the catalogue/);
    expect(events.events).toEqual([
      { row: 0, user: 0, session: 0, time: Date.UTC(2010, 11, 1, 8, 26), order: 2, weight: 1, type: 0, line: 2 },
      { row: 2, user: -1, session: 1, time: 1291191960000, order: 10, weight: -1, type: 1, line: 10 },
    ]);
    expect(events.columns).toEqual({ item: 'item_id', user: 'user_id', session: 'session_id', type: 'event_type', time: 'timestamp', order: null });
    expect(events.byType).toEqual({ purchase: 1, return: 1 });
  });

  it('uses an order column, and reports an order that is not a number', () => {
    const columns: EventColumns = { ...DEFAULT_EVENT_COLUMNS, time: null, order: { name: 'position', required: true } };
    const { events, summary } = read('user_id,item_id,event_type,timestamp,position\n1,i1,review,,0\n1,i2,review,,x\n', columns);
    expect(events.events.map((event) => [event.row, event.order, event.time])).toEqual([[0, 0, 0]]);
    expect(summary.examples['bad-number']).toEqual(['events.csv:3: "position" must be a number, found "x" [bad-number]']);
  });

  it(
    'reads an order as a plain decimal: an empty cell, hex or binary is a bad number, not 0, 16 or 5',
    faultTest('Builder input files', 'Numbers written in hex or binary ("0x10", "0b101") or left empty', async () => {
      const columns: EventColumns = { ...DEFAULT_EVENT_COLUMNS, time: null, order: { name: 'position', required: true } };
      const { events, summary } = read('user_id,item_id,position\n1,i1,\n1,i2,0x10\n1,i3,0b101\n1,i1,-2.5\n', columns);
      expect(events.events.map((event) => [event.row, event.order])).toEqual([[0, -2.5]]);
      expect(summary.byReason).toEqual({ 'bad-number': 3 });
      expect(summary.examples['bad-number']?.[0]).toBe('events.csv:2: "position" must be a number, found "" [bad-number]');
    }),
  );

  it(
    "skips events after the build's time (a day's grace) with their file:line, instead of taking them as now",
    faultTest('Time and dates', 'One event dated 9999-12-31 in the event log (it wiped out the popularity prior, exit 0)', async (fault) => {
      const now = Date.UTC(2024, 5, 1);
      const text = 'item_id,timestamp\ni1,2024-05-31\ni2,2024-06-01T23:00:00Z\ni3,9999-12-31\ni1,2024-06-03\n';
      const { events, summary } = read(text, DEFAULT_EVENT_COLUMNS, false, now);
      fault.observe(`skipped: ${summary.examples['future-timestamp']?.[0] ?? 'nothing'}`);
      expect(events.events.map((event) => event.line)).toEqual([2, 3]);
      expect(summary.byReason).toEqual({ 'future-timestamp': 2 });
      expect(summary.examples['future-timestamp']?.[0]).toBe(
        'events.csv:4: "9999-12-31" (9999-12-31T00:00:00.000Z) is after the build\'s time 2024-06-01T00:00:00.000Z (more than a day ahead: a clock or a placeholder date) [future-timestamp]',
      );
      // Without a given time, the build's is the clock's.
      expect(read('item_id,timestamp\ni1,9999-12-31\n').summary.byReason).toEqual({ 'future-timestamp': 1 });
    }),
  );

  it('refuses a named column the header lacks, and fails at the first bad row when strict', () => {
    expect(() =>
      read('user,item\n1,i1\n', { ...DEFAULT_EVENT_COLUMNS, item: { name: 'item', required: true }, user: { name: 'customer', required: true } }),
    ).toThrow(/expected a column "customer" \(user\), found only "user", "item"/);
    expect(() => read('item_id\ni1\ni7\ni2\n', DEFAULT_EVENT_COLUMNS, true)).toThrow(
      expect.objectContaining({ code: 'EVENT_INVALID', location: { file: 'events.csv', line: 3 } }),
    );
  });
});

describe('parseTimestamp', () => {
  it(
    'reads ISO 8601 (zone-less as UTC) and epoch seconds or milliseconds',
    faultTest('Time and dates', 'Dates that do not exist: 2024-02-30, 2023-02-29, 2024-04-31, 0000-01-01, month 13', async () => {
      expect(parseTimestamp('2010-12-01T08:26:00')).toBe(Date.UTC(2010, 11, 1, 8, 26));
      expect(parseTimestamp('2010-12-01 08:26')).toBe(Date.UTC(2010, 11, 1, 8, 26));
      expect(parseTimestamp('2010-12-01')).toBe(Date.UTC(2010, 11, 1));
      expect(parseTimestamp('2010-12-01T08:26:00+01:00')).toBe(Date.UTC(2010, 11, 1, 7, 26));
      expect(parseTimestamp('1291191960')).toBe(1291191960000);
      expect(parseTimestamp('1291191960000')).toBe(1291191960000);
      expect(parseTimestamp('01/12/2010')).toBeNull();
      expect(parseTimestamp('2010-13-45T99:00:00')).toBeNull();
      expect(parseTimestamp('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
      expect(parseTimestamp('2024-02-30')).toBeNull();
      expect(parseTimestamp('2023-02-29T10:00:00')).toBeNull();
      expect(parseTimestamp('2024-04-31')).toBeNull();
      expect(parseTimestamp('0000-01-01')).toBeNull();
    }),
  );
});
