import { describe, expect, it } from 'vitest';
import { createProgress, formatSeconds } from './progress.ts';

describe('createProgress', () => {
  it('prints a line per decile with rate and ETA when not a TTY, then a final line', () => {
    const lines: string[] = [];
    let t = 0;
    const progress = createProgress('embedding', 100, { isTTY: false, write: (text) => lines.push(text) }, () => t);
    for (let done = 10; done <= 100; done += 10) {
      t += 1000;
      progress.update(done);
      progress.update(done); // repeated values print nothing new
    }
    progress.finish();
    expect(lines[0]).toBe('embedding 10/100 10% 10.0/s ETA 9s\n');
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)).toBe('embedding 100/100 done in 10s (10.0/s)\n');
  });

  it('rewrites one line on a TTY', () => {
    const out: string[] = [];
    const progress = createProgress('x', 2, { isTTY: true, write: (text) => out.push(text) }, () => 0);
    progress.update(1);
    progress.finish();
    expect(out[0]?.startsWith('\rx 1/2 50%')).toBe(true);
    expect(out.at(-1)?.endsWith('\n')).toBe(true);
  });

  it('formats durations', () => {
    expect(formatSeconds(42.4)).toBe('42s');
    expect(formatSeconds(65)).toBe('1m05s');
    expect(formatSeconds(Number.NaN)).toBe('?');
  });
});
