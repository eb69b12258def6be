// The wasm scorer (src/engine/kernels/wasm-scorer.ts: a WebAssembly SIMD pass over an int8 copy,
// then an exact re-rank) in the real Chromium, against core's reference scoreAll + topK on the same
// values: the ranking and the float32 scores must be the reference's exactly, for a float32 matrix,
// the decoded values of an int8 one, and every score tied, with excluded rows. Runs on the bench page (built into e2e builds).
import type { BenchPageApi, KernelCheckSpec } from '../src/bench/bench-types.ts';
import { expect, test } from './fixtures.ts';

const CASES: readonly KernelCheckSpec[] = [
  { count: 70_000, dim: 128, dtype: 'float32', k: 50, excluded: [3, 17, 400], backend: 'wasm' },
  { count: 3000, dim: 512, dtype: 'int8', k: 24, excluded: [], backend: 'wasm' },
  { count: 20_000, dim: 64, dtype: 'float32', k: 50, excluded: [0, 7], backend: 'wasm', allTied: true },
];

test('the wasm scorer ranks exactly as core’s reference does, in Chromium', async ({ page }) => {
  await page.goto('/src/bench/bench.html');
  await page.waitForFunction(() => 'vitrineBench' in window);
  for (const c of CASES) {
    const check = await page.evaluate((spec) => (window as unknown as { vitrineBench: BenchPageApi }).vitrineBench.checkKernel(spec), c);
    const label = `${c.count} x ${c.dim} ${c.dtype}, k ${c.k}`;
    expect(check.backend, label).toBe('wasm');
    expect(check.rows, label).toHaveLength(c.k);
    expect({ rows: check.rows, scores: check.scores }, label).toEqual({ rows: check.expectedRows, scores: check.expectedScores });
  }
});
