import { describe, expect, it } from 'vitest';
import { createProblemLog, EXAMPLES_PER_REASON, formatProblem, parseFraction } from './problems.ts';

describe('problem log', () => {
  it('counts every problem by reason and keeps the first few examples of each', () => {
    const log = createProblemLog('f.csv', { strict: false, code: 'EVENT_INVALID' });
    for (let line = 2; line < 10; line++) log.report('unknown-item', line, `item ${line}`);
    log.report('bad-timestamp', 12, 'x');
    const summary = log.summary();
    expect(summary.skipped).toBe(9);
    expect(summary.byReason).toEqual({ 'unknown-item': 8, 'bad-timestamp': 1 });
    expect(summary.examples['unknown-item']).toHaveLength(EXAMPLES_PER_REASON);
    expect(summary.examples['unknown-item']?.[0]).toBe('f.csv:2: item 2 [unknown-item]');
  });

  it('throws at the first problem in strict mode', () => {
    const log = createProblemLog('f.csv', { strict: true, code: 'EVENT_INVALID' });
    expect(() => log.report('bad-csv', 7, 'open quote')).toThrow(expect.objectContaining({ code: 'EVENT_INVALID', location: { file: 'f.csv', line: 7 } }));
  });

  it('parses --max-invalid as a share or a percentage', () => {
    expect(parseFraction('1%')).toBe(0.01);
    expect(parseFraction('0.05')).toBe(0.05);
    expect(parseFraction('0')).toBe(0);
    expect(parseFraction('150%')).toBeNull();
    expect(parseFraction('lots')).toBeNull();
    expect(parseFraction('')).toBeNull();
  });
});

describe('problem log: messages, notes and summaries', () => {
  it('throws in strict mode with the reason in words and code, the detail and the file and line', () => {
    const log = createProblemLog('f.csv', { strict: true, code: 'CATALOG_INVALID' });
    expect(() => log.report('bad-csv', 7, 'open quote')).toThrow(
      expect.objectContaining({
        message: 'f.csv: line 7: malformed CSV (unterminated quoted field) [bad-csv]: open quote (--strict stops at the first bad line)',
      }),
    );
  });

  it('refuses with its code, file and line whether strict or not', () => {
    for (const strict of [false, true]) {
      const log = createProblemLog('f.jsonl', { strict, code: 'EVENT_INVALID' });
      expect(() => log.refuse(4, 'too long')).toThrow(
        expect.objectContaining({ code: 'EVENT_INVALID', message: 'f.jsonl: line 4: too long', location: { file: 'f.jsonl', line: 4 } }),
      );
    }
  });

  it('counts notes apart from skipped lines, keeps their first examples, and never throws for one in strict mode', () => {
    const log = createProblemLog('f.jsonl', { strict: true, code: 'CATALOG_INVALID' });
    for (let line = 1; line <= EXAMPLES_PER_REASON + 2; line++) log.note('text-truncated', line, `cut ${line}`);
    const summary = log.summary();
    expect(summary.skipped).toBe(0);
    expect(summary.byReason).toEqual({});
    expect(summary.examples).toEqual({});
    expect(summary.notes).toEqual({
      byNote: { 'text-truncated': EXAMPLES_PER_REASON + 2 },
      examples: { 'text-truncated': ['f.jsonl:1: cut 1 [text-truncated]', 'f.jsonl:2: cut 2 [text-truncated]', 'f.jsonl:3: cut 3 [text-truncated]'] },
    });
  });

  it('keeps exactly the first EXAMPLES_PER_REASON examples, and gives summaries that later problems do not change', () => {
    const log = createProblemLog('f.csv', { strict: false, code: 'EVENT_INVALID' });
    log.report('bad-csv', 1, 'a');
    log.note('text-truncated', 1, 'n');
    const first = log.summary();
    for (let line = 2; line <= 5; line++) log.report('bad-csv', line, String(line));
    log.note('text-truncated', 2, 'm');
    expect(first).toEqual({
      skipped: 1,
      byReason: { 'bad-csv': 1 },
      examples: { 'bad-csv': ['f.csv:1: a [bad-csv]'] },
      notes: { byNote: { 'text-truncated': 1 }, examples: { 'text-truncated': ['f.csv:1: n [text-truncated]'] } },
    });
    expect(log.summary().examples['bad-csv']).toEqual(['f.csv:1: a [bad-csv]', 'f.csv:2: 2 [bad-csv]', 'f.csv:3: 3 [bad-csv]']);
    expect(log.summary().skipped).toBe(5);
  });

  it('formats a problem as file:line: message [reason]', () => {
    expect(formatProblem({ reason: 'missing-id', file: 'a.jsonl', line: 3, message: 'no id' })).toBe('a.jsonl:3: no id [missing-id]');
  });

  it.each<[string, number | null]>([
    [' 5 % ', 0.05],
    ['100%', 1],
    ['0%', 0],
    ['1', 1],
    ['1.0001', null],
    ['-0.1', null],
    ['-1%', null],
    ['%', null],
    [' % ', null],
    ['   ', null],
    ['Infinity', null],
    ['1%%', null],
  ])('parses the --max-invalid value %j as %s', (text, value) => {
    expect(parseFraction(text)).toBe(value);
  });
});
