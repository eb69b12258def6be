// The wasm scorer (src/engine/kernels/wasm-scorer.ts: a WebAssembly SIMD pass over an int8 copy,
// then an exact re-rank) in the real Chromium, against core's reference scoreAll + topK on the same
// values: the ranking and the float32 scores must be the reference's exactly, for a float32 matrix
// and the decoded values of an int8 one, with excluded rows. Runs on the bench page (built into e2e builds).
import type { BenchPageApi } from '../src/bench/bench-types.ts';
import { expect, test } from './fixtures.ts';

const CASES = [
  { count: 70_000, dim: 128, dtype: 'float32', k: 50, excluded: [3, 17, 400] },
  { count: 3000, dim: 512, dtype: 'int8', k: 24, excluded: [] },
] as const;

test('the wasm scorer ranks exactly as core’s reference does, in Chromium', async ({ page }) => {
  await page.goto('/src/bench/bench.html');
  await page.waitForFunction(() => 'vitrineBench' in window);
  for (const c of CASES) {
    const check = await page.evaluate((spec) => (window as unknown as { vitrineBench: BenchPageApi }).vitrineBench.checkKernel(spec.count, spec.dim, spec.dtype, spec.k, spec.excluded, 'wasm'), c);
    const label = `${c.count} x ${c.dim} ${c.dtype}, k ${c.k}`;
    expect(check.backend, label).toBe('wasm');
    expect(check.rows, label).toHaveLength(c.k);
    expect({ rows: check.rows, scores: check.scores }, label).toEqual({ rows: check.expectedRows, scores: check.expectedScores });
  }
});
