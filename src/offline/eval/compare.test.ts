import { describe, expect, it } from 'vitest';
import { compareRuns, renderComparison, type NamedRun } from './compare.ts';
import type { PerCaseRun } from './per-case.ts';

const BOOTSTRAP = { resamples: 1000, seed: 1 };

/** A run of four users with the given HR@10 / NDCG@10 per user for each method. */
function run(label: string, model: string, methods: Record<string, { hr: number[]; ndcg: number[] }>, fingerprint = 'f'.repeat(64)): NamedRun {
  const perCase: PerCaseRun = {
    model,
    manifestSha256: `${model}-sha`,
    protocol: 'leave-one-out',
    target: 'test',
    full: true,
    cases: 4,
    fingerprint,
    methods: Object.entries(methods).map(([method, { hr, ndcg }]) => ({ method, scores: { hr10: Uint8Array.from(hr), ndcg10: Float32Array.from(ndcg) } })),
  };
  return { label, run: perCase };
}

// The sequence model differs by seed, the decay rule does not.
const VITRINE = { hr: [0, 1, 0, 0], ndcg: [0, 0.5, 0, 0] };
const SEEDS: readonly [NamedRun, NamedRun, NamedRun] = [
  run('seed1', 'm1', {
    sequence: { hr: [1, 1, 0, 0], ndcg: [1, 0.5, 0, 0] },
    vitrine: VITRINE,
    'popularity-published': { hr: [1, 1, 1, 1], ndcg: [1, 1, 1, 1] },
  }),
  run('seed2', 'm2', { sequence: { hr: [1, 1, 1, 0], ndcg: [1, 0.5, 0.5, 0] }, vitrine: VITRINE }),
  run('seed3', 'm3', { sequence: { hr: [1, 1, 1, 0], ndcg: [1, 1, 0.5, 0] }, vitrine: VITRINE }),
];

describe('compareRuns', () => {
  it('summarises each method over its runs as mean ± sample std, best NDCG@10 first', () => {
    const { methods } = compareRuns(SEEDS, BOOTSTRAP);
    expect(methods.map((m) => [m.method, m.runs])).toEqual([
      ['popularity-published', 1],
      ['sequence', 3],
      ['vitrine', 3],
    ]);
    const sequence = methods[1];
    // NDCG@10 per seed 0.375, 0.5, 0.625: mean 0.5, deviations ∓0.125 -> std √(2 · 0.125² / 2) = 0.125.
    expect(sequence?.ndcg10).toEqual({ mean: 0.5, std: 0.125 });
    // HR@10 per seed 0.5, 0.75, 0.75: mean 2/3, std √((1/6)² + 2 (1/12)²) / 2) = √3 / 12.
    expect(sequence?.hr10.mean).toBeCloseTo(2 / 3, 15);
    expect(sequence?.hr10.std).toBeCloseTo(Math.sqrt(3) / 12, 15);
    expect(methods[2]?.ndcg10).toEqual({ mean: 0.125, std: 0 });
    expect(methods[0]?.ndcg10).toEqual({ mean: 1, std: null });
  });

  it("tests the best against the runner-up on each user's value averaged over the runs, leaving out the leaky popularity", () => {
    const { test } = compareRuns(SEEDS, BOOTSTRAP);
    if ('none' in test) throw new Error(test.none);
    expect([test.best, test.runnerUp]).toEqual(['sequence', 'vitrine']);
    // Per user, sequence averages [1, 2/3, 1/3, 0] over the seeds; minus vitrine's [0, 0.5, 0, 0].
    const d = [1, 1 / 6, 1 / 3, 0];
    const m = d.reduce((sum, x) => sum + x, 0) / 4;
    const sd = Math.sqrt(d.reduce((sum, x) => sum + (x - m) ** 2, 0) / 3);
    const ndcg = test.results[0];
    expect(ndcg).toMatchObject({ metric: 'NDCG@10', n: 4, df: 3 });
    expect(ndcg?.meanDifference).toBeCloseTo(0.375, 12);
    expect(ndcg?.t).toBeCloseTo(m / (sd / 2), 12);
    expect(ndcg?.ci[0]).toBeLessThanOrEqual(0.375);
    expect(ndcg?.ci[1]).toBeGreaterThanOrEqual(0.375);
    // HR@10: sequence [1, 1, 2/3, 0] minus vitrine [0, 1, 0, 0].
    expect(test.results[1]?.meanDifference).toBeCloseTo((1 + 0 + 2 / 3 + 0) / 4, 12);
    expect(compareRuns(SEEDS, BOOTSTRAP)).toEqual(compareRuns(SEEDS, BOOTSTRAP));
  });

  it('refuses runs on different splits, naming the runs of each', () => {
    const other = run('limited', 'm4', { sequence: { hr: [1, 0, 0, 0], ndcg: [1, 0, 0, 0] } }, 'e'.repeat(64));
    expect(() => compareRuns([...SEEDS, other], BOOTSTRAP)).toThrow(
      'the runs were evaluated on different splits, so their users cannot be paired: seed1, seed2, seed3: leave-one-out (test), 4 cases, fingerprint ffffffffffff; limited: leave-one-out (test), 4 cases, fingerprint eeeeeeeeeeee',
    );
  });

  it('refuses one model evaluated twice with the same method, which would pass for two seeds', () => {
    const again = run('again', 'm1', { vitrine: VITRINE });
    expect(() => compareRuns([SEEDS[0], again], BOOTSTRAP)).toThrow(
      'seed1 and again both evaluated "vitrine" on the same model (m1, manifest sha256 m1-sha): one model evaluated twice is not two seeds',
    );
    // Other methods of the same model in another run are fine.
    expect(compareRuns([SEEDS[0], run('more', 'm1', { 'item-knn': VITRINE })], BOOTSTRAP).methods).toHaveLength(4);
  });

  it('says why there is no test with a single method', () => {
    expect(compareRuns([run('one', 'm1', { vitrine: VITRINE })], BOOTSTRAP).test).toEqual({
      none: 'fewer than two methods (besides popularity-published), so no paired test',
    });
  });
});

describe('renderComparison', () => {
  it('prints the table with mean ± std and n, and the paired test with its interval and p-value', () => {
    const markdown = renderComparison(compareRuns(SEEDS, BOOTSTRAP), 'npm run eval:compare -- a b c', BOOTSTRAP);
    expect(markdown).toMatch(/^## Seeds compared: leave-one-out \(test\), 4 cases\n/);
    expect(markdown).toContain('| **sequence** | 3 | 0.6667 ± 0.1443 | 0.5000 ± 0.1250 |');
    expect(markdown).toContain('| vitrine | 3 | 0.2500 ± 0.0000 | 0.1250 ± 0.0000 |');
    expect(markdown).toContain('| popularity-published | 1 | 1.0000 | 1.0000 |');
    expect(markdown).toContain('Paired test of **sequence** against the runner-up **vitrine** (by mean NDCG@10) over 4 users');
    expect(markdown).toContain("Student's t-test on the per-user differences (3 degrees of freedom)");
    expect(markdown).toContain('(1000 resamples of the users, seed 1)');
    expect(markdown).toMatch(/\| NDCG@10 \| \+0\.3750 \| \[\+0\.\d{4}, \+0\.\d{4}\] \| 1\.71 \| 0\.\d{4} \| 4 \|/);
  });
});
