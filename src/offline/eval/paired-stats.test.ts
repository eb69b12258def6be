import { describe, expect, it } from 'vitest';
import { bootstrapMeanCi, mean, pairedTTest, sampleStd, studentTwoSidedP } from './paired-stats.ts';

describe('mean and sample standard deviation', () => {
  it('are exact on hand-computable values', () => {
    expect(mean([0.1, 0.2, 0.3, 0.6])).toBeCloseTo(0.3, 15);
    // Deviations -2, 0, 2: squares 8 over n − 1 = 2.
    expect(sampleStd([1, 3, 5])).toBe(2);
    expect(sampleStd(Float32Array.from([2, 4, 4, 4, 5, 5, 7, 9]))).toBeCloseTo(Math.sqrt(32 / 7), 15);
    expect(sampleStd([0.5])).toBeNull();
    expect(sampleStd([0.25, 0.25])).toBe(0);
  });
});

describe('paired t-test', () => {
  it('gives t = mean / (sd / √n) and the two-sided p of Student t with n − 1 degrees of freedom', () => {
    const result = pairedTTest([1, 2, 3, 4]);
    // mean 2.5, sd √(5/3), t = 2.5 / (√(5/3) / 2) = √15.
    expect(result).toMatchObject({ n: 4, meanDifference: 2.5, df: 3 });
    expect(result.t).toBeCloseTo(Math.sqrt(15), 12);
    // Student t with 3 degrees of freedom: P(|T| ≥ t) = 1 − (2/π)(x/(1 + x²) + atan x), x = t/√3.
    const x = Math.sqrt(5);
    expect(result.p).toBeCloseTo(1 - (2 / Math.PI) * (x / (1 + x * x) + Math.atan(x)), 12);
    expect(pairedTTest([-1, -2, -3, -4])).toMatchObject({ t: -result.t, p: result.p });
  });

  it('matches the closed forms for 1 and 2 degrees of freedom, and the normal distribution for many', () => {
    expect(studentTwoSidedP(1.5, 1)).toBeCloseTo(1 - (2 / Math.PI) * Math.atan(1.5), 12);
    expect(studentTwoSidedP(-1.5, 2)).toBeCloseTo(1 - 1.5 / Math.sqrt(2 + 1.5 * 1.5), 12);
    expect(studentTwoSidedP(0, 9)).toBe(1);
    // The normal 97.5% quantile.
    expect(studentTwoSidedP(1.959963984540054, 1e6)).toBeCloseTo(0.05, 5);
    expect(studentTwoSidedP(3, 20000)).toBeCloseTo(0.0027, 4);
  });

  it('says 1 for identical methods, 0 for a constant non-zero difference, and refuses a single difference', () => {
    expect(pairedTTest([0, 0, 0])).toMatchObject({ meanDifference: 0, p: 1 });
    expect(pairedTTest([0.5, 0.5])).toMatchObject({ t: Number.POSITIVE_INFINITY, p: 0 });
    expect(() => pairedTTest([1])).toThrow('a paired t-test needs at least two differences, found 1');
  });
});

describe('paired bootstrap interval', () => {
  const differences = Float64Array.from({ length: 200 }, (_, i) => ((i * 37) % 11) / 10 - 0.3);

  it('is the same for a seed, another for another seed, and holds the mean difference', () => {
    const options = { resamples: 2000, seed: 7, level: 0.95 };
    const [low, high] = bootstrapMeanCi(differences, options);
    expect(bootstrapMeanCi(differences, options)).toEqual([low, high]);
    expect(bootstrapMeanCi(differences, { ...options, seed: 8 })).not.toEqual([low, high]);
    const centre = mean(differences);
    expect(low).toBeLessThan(centre);
    expect(high).toBeGreaterThan(centre);
    // About ±1.96 standard errors around the mean.
    const se = (sampleStd(differences) ?? 0) / Math.sqrt(differences.length);
    expect((high - low) / (2 * 1.96 * se)).toBeGreaterThan(0.85);
    expect((high - low) / (2 * 1.96 * se)).toBeLessThan(1.15);
  });

  it('takes its ends from the resampled means, and collapses on a constant difference', () => {
    // Resamples of [0, 1] average 0, 0.5 or 1 with chances 1/4, 1/2, 1/4: the 5% and 95% quantiles are 0 and 1
    // (a normal interval would be 0.5 ± 1.645 · 0.25).
    expect(bootstrapMeanCi([0, 1], { resamples: 4001, seed: 1, level: 0.9 })).toEqual([0, 1]);
    const [low, high] = bootstrapMeanCi([0.2, 0.2, 0.2], { resamples: 50, seed: 3, level: 0.95 });
    expect(low).toBeCloseTo(0.2, 15);
    expect(high).toBeCloseTo(0.2, 15);
    expect(() => bootstrapMeanCi([], { resamples: 5, seed: 1, level: 0.95 })).toThrow('a bootstrap interval needs at least one difference');
  });
});
