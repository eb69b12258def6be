import { describe, expect, it } from 'vitest';
import { percentiles } from './percentiles.ts';

describe('percentiles', () => {
  it('takes the nearest-rank median and 95th percentile, whatever the order', () => {
    const times = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(times)).toEqual({ medianMs: 50, p95Ms: 95 });
    expect(percentiles([3])).toEqual({ medianMs: 3, p95Ms: 3 });
    expect(percentiles([])).toEqual({ medianMs: Number.NaN, p95Ms: Number.NaN });
  });
});
