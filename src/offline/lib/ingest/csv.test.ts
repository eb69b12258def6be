import { describe, expect, it } from 'vitest';
import { faultTest } from '../../../core/fault-test-support.ts';
import { thrownRecError } from '../../../core/test-support.ts';
import { readCsv, splitCsvRecord } from './csv.ts';
import { createProblemLog, type ProblemSummary } from './problems.ts';
import { MAX_LINE_BYTES } from './text-lines.ts';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * Reads a CSV file the way catalog-input and events-input do.
 * @param bytes the file's contents.
 * @param withProgress whether the visitor takes progress.
 * @returns the header, the records with their lines, the count, progress and the problem summary.
 */
function readAll(bytes: Uint8Array, withProgress = true) {
  const problems = createProblemLog('data.csv', { strict: false, code: 'CATALOG_INVALID' });
  const records: [number, ...string[]][] = [];
  const headers: (readonly string[])[] = [];
  const progress: number[] = [];
  const count = readCsv(bytes, 'data.csv', problems, {
    header: (columns) => headers.push(columns),
    record: (fields, line) => records.push([line, ...fields]),
    ...(withProgress ? { progress: (done: number) => progress.push(done) } : {}),
  });
  const summary: ProblemSummary = problems.summary();
  return { headers, records, count, progress, byReason: summary.byReason, examples: summary.examples };
}

describe('splitCsvRecord', () => {
  it.each<[string, string[] | null]>([
    ['', ['']],
    ['a', ['a']],
    ['a,b,,c,', ['a', 'b', '', 'c', '']],
    [' a , b ', [' a ', ' b ']],
    ['"a,b",c', ['a,b', 'c']],
    ['"He said ""hi""",x', ['He said "hi"', 'x']],
    ['"""",""', ['"', '']],
    ['"",""', ['', '']],
    ['"abc"', ['abc']],
    ['x"y"z,w', ['xyz', 'w']],
    ['"a\nb",c', ['a\nb', 'c']],
    ['"a', null],
    ['"a""', null],
    ['"a"",b', null],
    ['a"b,c', null],
    ['a,"b","', null],
  ])('splits %j into %j', (text, fields) => {
    expect(splitCsvRecord(text)).toEqual(fields);
  });
});

describe('readCsv: records', () => {
  it('trims the header names but not the fields, numbers each record by its line and skips blank lines between records', () => {
    const { headers, records, count, byReason } = readAll(utf8(' id ,title \n\n a , b \n  \nc,"d"\n'));
    expect(headers).toEqual([['id', 'title']]);
    expect(records).toEqual([
      [3, ' a ', ' b '],
      [5, 'c', 'd'],
    ]);
    expect(count).toBe(2);
    expect(byReason).toEqual({});
  });

  it('reads a header with quoted names', () => {
    expect(readAll(utf8('"id","a,b"\n1,2')).headers).toEqual([['id', 'a,b']]);
  });

  it('reports a record with the wrong number of fields by its first line and the columns expected, and counts it', () => {
    const { records, count, examples, byReason } = readAll(utf8('id,title\n1\n2,"x\ny",z\n3,ok'));
    expect(records).toEqual([[5, '3', 'ok']]);
    expect(count).toBe(3);
    expect(byReason).toEqual({ 'wrong-column-count': 2 });
    expect(examples['wrong-column-count']).toEqual([
      'data.csv:2: expected 2 columns (id,title), found 1 [wrong-column-count]',
      'data.csv:3: expected 2 columns (id,title), found 3 [wrong-column-count]',
    ]);
  });

  it('joins the lines of a quoted field with "\\n", its blank and white-space lines kept, and numbers the record by its first line', () => {
    const { records, count } = readAll(utf8('id,text\r\n1,"a\r\n\r\n  \r\nb ""q"""\r\n2,c\r\n'));
    expect(records).toEqual([
      [2, '1', 'a\n\n  \nb "q"'],
      [6, '2', 'c'],
    ]);
    expect(count).toBe(2);
  });

  it('reports an invalid UTF-8 record by its line, counts it and reads on', () => {
    const bytes = Uint8Array.from([...utf8('id,title\n1,caf'), 0xe9, ...utf8('\n2,b')]);
    const { records, count, examples } = readAll(bytes);
    expect(records).toEqual([[3, '2', 'b']]);
    expect(count).toBe(2);
    expect(examples).toEqual({ 'invalid-utf8': ['data.csv:2: invalid UTF-8 byte 0xe9 at byte 6 of the line [invalid-utf8]'] });
  });

  it('passes progress through when the visitor takes it, and reads without it', () => {
    const bytes = utf8('id\n1\n2\n');
    expect(readAll(bytes).progress).toEqual([bytes.length]);
    const { records, progress } = readAll(bytes, false);
    expect(records).toEqual([
      [2, '1'],
      [3, '2'],
    ]);
    expect(progress).toEqual([]);
  });
});

describe('readCsv: a quote never closed', () => {
  it('reports the record at its first line and reads the lines after it again as records, blank ones passed over', () => {
    const { records, count, examples } = readAll(utf8('id,title\n1,"open\n2,b\n\n  \n3,c'));
    expect(examples).toEqual({ 'bad-csv': ['data.csv:2: a quoted field is never closed before the end of the file [bad-csv]'] });
    expect(records).toEqual([
      [3, '2', 'b'],
      [6, '3', 'c'],
    ]);
    expect(count).toBe(3);
  });

  it('closes a record re-read from the lines after an open quote when its own quotes balance', () => {
    // Lines 2-4 hold 1 + 0 + 2 quotes, an odd count, so the record of line 2 stays open to the end;
    // lines 3 and 4 are then read again, line 4's two quotes making a record of their own.
    const { records, examples } = readAll(utf8('id,title\n1,"open\n2,b\n3,"c"'));
    expect(examples['bad-csv']).toEqual(['data.csv:2: a quoted field is never closed before the end of the file [bad-csv]']);
    expect(records).toEqual([
      [3, '2', 'b'],
      [4, '3', 'c'],
    ]);
  });
});

describe('readCsv: refusals', () => {
  it.each<[string, string, string]>([
    ['an empty file', '', 'expected a header row with column names, found an empty file'],
    ['a file of blank lines', '\n  \r\n\n', 'expected a header row with column names, found an empty file'],
  ])('refuses %s, naming the file', (_name, text, message) => {
    const error = thrownRecError(() => readAll(utf8(text)));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: `data.csv: ${message}`, location: { file: 'data.csv' } });
  });

  it('refuses a header that is not UTF-8, naming line 1 and the bad byte', () => {
    const error = thrownRecError(() => readAll(Uint8Array.from([...utf8('id,tit'), 0xe9, ...utf8('\n1,a')])));
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'data.csv: line 1: the header row is not valid UTF-8 (invalid UTF-8 byte 0xe9 at byte 7 of the line)',
      location: { file: 'data.csv', line: 1 },
    });
  });

  it(
    'refuses a line over MAX_LINE_BYTES with its line and length',
    faultTest('Builder input files', 'A line longer than the limit (a 50 MB line ran Node out of memory, exit 134)', async (fault) => {
      const bytes = new Uint8Array(5 + MAX_LINE_BYTES + 1).fill(0x78);
      bytes.set(utf8('id\n1\n'));
      const error = thrownRecError(() => readAll(bytes));
      fault.observe(`${error.code}: ${error.message}`);
      expect(error).toMatchObject({
        code: 'CATALOG_INVALID',
        message: `data.csv: line 3: the line is ${MAX_LINE_BYTES + 1} bytes long, over the limit of ${MAX_LINE_BYTES} bytes per line`,
        location: { file: 'data.csv', line: 3 },
      });
    }),
  );

  it(
    'reads an open quoted field of exactly MAX_LINE_BYTES characters with its line breaks, and refuses one more',
    faultTest('Builder input files', 'A quoted field at the size limit spread over many lines, and one character more', async () => {
      // The record's size counts each line plus its line break.
      const first = `"${'x'.repeat(MAX_LINE_BYTES - 2)}`;
      const { records } = readAll(utf8(`d\n${first}\ny"\n`));
      expect(records).toEqual([[2, `${'x'.repeat(MAX_LINE_BYTES - 2)}\ny`]]);

      const error = thrownRecError(() => readAll(utf8(`d\nok\n${first}x\ny"\n`)));
      expect(error).toMatchObject({
        code: 'CATALOG_INVALID',
        message: `data.csv: line 3: a quoted field opened on this line is still open after 1 lines and ${MAX_LINE_BYTES + 1} characters, over the limit of ${MAX_LINE_BYTES} characters per record: an unbalanced quote, or a field too long to read`,
        location: { file: 'data.csv', line: 3 },
      });
    }),
  );
});
