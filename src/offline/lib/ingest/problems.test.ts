import { describe, expect, it } from 'vitest';
import { createProblemLog, EXAMPLES_PER_REASON, parseFraction } from './problems.ts';

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
