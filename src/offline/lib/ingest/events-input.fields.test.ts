// readEvents, column by column (which columns are used, users, sessions, types and their counts, the
// build-time limit at its edge), and parseTimestamp at the edges of what it reads.
import { describe, expect, it } from 'vitest';
import { faultTest } from '../../../core/fault-test-support.ts';
import { DEFAULT_EVENT_COLUMNS, FUTURE_TOLERANCE_MS, parseTimestamp, readEvents, type EventColumns } from './events-input.ts';
import { createProblemLog } from './problems.ts';

const rowOf = new Map([
  ['i1', 0],
  ['i2', 1],
]);
const WEIGHTS = new Map([
  ['view', 0.25],
  ['buy', 1],
]);

function read(text: string, columns: EventColumns = DEFAULT_EVENT_COLUMNS, now = Date.UTC(2024, 0, 1)) {
  const problems = createProblemLog('events.csv', { strict: false, code: 'EVENT_INVALID' });
  const progress: number[] = [];
  const input = readEvents(new TextEncoder().encode(text), 'events.csv', {
    columns,
    weights: WEIGHTS,
    rowOf,
    skippedIds: new Set(['gone']),
    problems,
    now,
    progress: (done) => progress.push(done),
  });
  return { input, progress, examples: problems.summary().examples };
}

describe('readEvents: columns', () => {
  it('uses a default column only when the file has it, and then weighs every event 1 with no type, time 0 and its line as order', () => {
    const text = 'item_id,user_id\ni1,u1\ni2,u1\n';
    const { input, progress } = read(text);
    expect(input.columns).toEqual({ item: 'item_id', user: 'user_id', session: null, type: null, time: null, order: null });
    expect(input.events).toEqual([
      { row: 0, user: 0, session: -1, time: 0, order: 2, weight: 1, type: -1, line: 2 },
      { row: 1, user: 0, session: -1, time: 0, order: 3, weight: 1, type: -1, line: 3 },
    ]);
    expect(input.records).toBe(2);
    expect(input.users).toEqual(['u1']);
    expect(input.sessionCount).toBe(0);
    expect(input.types).toEqual([]);
    expect(input.byType).toEqual({});
    expect(progress).toEqual([text.length]);
  });

  it('numbers users, sessions and types by first appearance, counts events per type, and trims every cell', () => {
    const text = 'item_id,user_id,session_id,event_type\n i1 , u2 ,s1, view \ni2,u1,s2,buy\ni1,u2,s1,view\ni2,,,buy\n';
    const { input } = read(text);
    expect(input.events.map((event) => [event.row, event.user, event.session, event.type, event.weight])).toEqual([
      [0, 0, 0, 0, 0.25],
      [1, 1, 1, 1, 1],
      [0, 0, 0, 0, 0.25],
      [1, -1, -1, 1, 1],
    ]);
    expect(input.users).toEqual(['u2', 'u1']);
    expect(input.sessionCount).toBe(2);
    expect(input.types).toEqual(['view', 'buy']);
    expect(input.byType).toEqual({ view: 2, buy: 2 });
  });

  it('refuses a required column the header lacks, naming it, its role and the columns found, on line 1', () => {
    const columns: EventColumns = { ...DEFAULT_EVENT_COLUMNS, session: { name: 'visit', required: true } };
    expect(() => read('item_id,user_id\ni1,u1\n', columns)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: 'events.csv: line 1: expected a column "visit" (session), found only "item_id", "user_id"',
        location: { file: 'events.csv', line: 1 },
      }),
    );
  });

  it('reads no column for a field set to null, even one with the default name', () => {
    const columns: EventColumns = { ...DEFAULT_EVENT_COLUMNS, user: null, type: null };
    const { input } = read('item_id,user_id,event_type\ni1,u1,nonsense\n', columns);
    expect(input.columns).toEqual({ item: 'item_id', user: null, session: null, type: null, time: null, order: null });
    expect(input.events.map((event) => [event.user, event.type, event.weight])).toEqual([[-1, -1, 1]]);
  });
});

describe('readEvents: rows it skips', () => {
  it('names the column, the item, the type or the timestamp in each message', () => {
    const text = ['item,kind,at', ',view,1', 'i9,view,1', 'gone,view,1', 'i1,like,1', 'i1,view,', 'i1,view,soon'].join('\n');
    const columns: EventColumns = {
      ...DEFAULT_EVENT_COLUMNS,
      item: { name: 'item', required: true },
      type: { name: 'kind', required: true },
      time: { name: 'at', required: true },
    };
    const { input, examples } = read(text, columns);
    expect(input.events).toEqual([]);
    expect(input.records).toBe(6);
    expect(examples).toEqual({
      'missing-item': ['events.csv:2: the "item" column is empty [missing-item]'],
      'unknown-item': ['events.csv:3: item "i9" is not in the catalogue [unknown-item]'],
      'skipped-item': ['events.csv:4: item "gone" was skipped from the catalogue (see its catalogue problem) [skipped-item]'],
      'unknown-event-type': ['events.csv:5: event type "like" has no weight (known: view, buy) [unknown-event-type]'],
      'missing-timestamp': ['events.csv:6: the "at" column is empty [missing-timestamp]'],
      'bad-timestamp': ['events.csv:7: "soon" is not an ISO 8601 date-time or epoch seconds/milliseconds [bad-timestamp]'],
    });
  });

  it(
    "takes an event exactly a day after the build's time, and skips one a millisecond later",
    faultTest('Time and dates', "An event one millisecond past the build's day of grace", async () => {
      const now = Date.UTC(2024, 5, 1);
      const { input, examples } = read(`item_id,timestamp\ni1,${now + FUTURE_TOLERANCE_MS}\ni2,${now + FUTURE_TOLERANCE_MS + 1}\n`, DEFAULT_EVENT_COLUMNS, now);
      expect(input.events.map((event) => [event.line, event.time])).toEqual([[2, now + FUTURE_TOLERANCE_MS]]);
      expect(examples['future-timestamp']).toEqual([
        `events.csv:3: "${now + FUTURE_TOLERANCE_MS + 1}" (2024-06-02T00:00:00.001Z) is after the build's time 2024-06-01T00:00:00.000Z (more than a day ahead: a clock or a placeholder date) [future-timestamp]`,
      ]);
    }),
  );
});

describe('parseTimestamp: edges', () => {
  it.each<[string, number | null]>([
    ['99999999999', 99999999999000],
    ['100000000000', 100000000000],
    ['1291191960.5', 1291191960500],
    ['1291191960.25', 1291191960250],
    ['0', 0],
    ['1.', null],
    ['-5', null],
    ['2010-12-01T08:26:00.5', Date.UTC(2010, 11, 1, 8, 26, 0, 500)],
    ['2010-12-01T08:26:00+0100', Date.UTC(2010, 11, 1, 7, 26)],
    ['2010-12-01T08:26:00Z', Date.UTC(2010, 11, 1, 8, 26)],
    ['2010-12-01T08:26:00z', Date.UTC(2010, 11, 1, 8, 26)],
    ['2010-12-01T08', null],
    ['2010-12-01T08:26:00 ', null],
    [' 2010-12-01', null],
    ['0001-01-01', -62135596800000],
    ['2010-00-10', null],
    ['2010-01-00', null],
    ['2010-01-31', Date.UTC(2010, 0, 31)],
    ['2010-12-31', Date.UTC(2010, 11, 31)],
    ['2010-13-01', null],
    ['2010-11-31', null],
    ['2010-11-30', Date.UTC(2010, 10, 30)],
    ['1900-02-29', null],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['2010-12-01T25:00', null],
  ])('reads %j as %s', (text, value) => {
    expect(parseTimestamp(text)).toBe(value);
  });
});
