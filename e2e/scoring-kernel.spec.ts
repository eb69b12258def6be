// The WebGPU scoring kernel (src/engine/kernels) on the real software adapter, against core's
// reference scoreAll + topK on the same values: every stored dtype (unpacked in the shader), one
// small and large matrices, excluded rows, and every score tied (the threshold selection's hardest
// case: the ranking is then rows in order). Runs on the bench page (built into e2e builds).
import type { BenchPageApi, KernelCheckSpec } from '../src/bench/bench-types.ts';
import { expect, test } from './fixtures.ts';

const CASES: readonly KernelCheckSpec[] = [
  { count: 3000, dim: 64, dtype: 'float32', k: 24, excluded: [] },
  { count: 3000, dim: 64, dtype: 'float16', k: 24, excluded: [] },
  { count: 70_000, dim: 128, dtype: 'int8', k: 50, excluded: [3, 17, 400] },
  { count: 20_000, dim: 64, dtype: 'float32', k: 50, excluded: [0, 7], allTied: true },
];

test('the WebGPU scoring kernel ranks as core’s reference does, for float32, float16 and int8 matrices', async ({ page }) => {
  await page.goto('/src/bench/bench.html');
  await page.waitForFunction(() => 'vitrineBench' in window);
  for (const c of CASES) {
    const check = await page.evaluate((spec) => (window as unknown as { vitrineBench: BenchPageApi }).vitrineBench.checkKernel(spec), c);
    const label = `${c.count} x ${c.dim} ${c.dtype}, k ${c.k}${c.allTied === true ? ', all tied' : ''}`;
    expect(check.backend, label).toBe('webgpu');
    expect(check.rows, label).toHaveLength(c.k);
    expect(
      check.rows.filter((row) => (c.excluded as readonly number[]).includes(row)),
      label,
    ).toEqual([]);
    expect(check.leakedBuffers, `${label}: buffers left behind`).toBe(0);
    expect(check.agree, `${label}: rows ${check.rows.join(',')} vs ${check.expectedRows.join(',')}, max score difference ${check.maxScoreDifference}`).toBe(
      true,
    );
    // Tied scores agree whatever the rows: the rows themselves must be the lowest, as core's are.
    if (c.allTied === true) expect(check.rows, label).toEqual(check.expectedRows);
  }
});
