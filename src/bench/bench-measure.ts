/**
 * How the bench page times a method and scores its recall, the same way for every method.
 */
import { scoreAll, topK, type RankedRows } from '../core/rank.ts';
import { percentiles } from '../core/percentiles.ts';
import { RECALL_QUERIES, type CaseData } from './bench-data.ts';
import type { BenchCaseSpec } from './bench-types.ts';

/** Calls `call(i)` for warm-up, then times it until the spec's run/budget limits. */
export async function sample(
  spec: Pick<BenchCaseSpec, 'minRuns' | 'maxRuns' | 'budgetMs'>,
  call: (i: number) => Promise<unknown> | unknown,
): Promise<{ runs: number; medianMs: number; p95Ms: number }> {
  await call(0);
  await call(1);
  const times: number[] = [];
  const started = performance.now();
  while (times.length < spec.maxRuns && (times.length < spec.minRuns || performance.now() - started < spec.budgetMs)) {
    const t0 = performance.now();
    await call(times.length);
    times.push(performance.now() - t0);
  }
  return { runs: times.length, ...percentiles(times) };
}

function recallOf(returned: readonly number[], exact: RankedRows): number {
  const wanted = new Set(exact.rows);
  return exact.rows.length === 0 ? 1 : returned.filter((row) => wanted.has(row)).length / exact.rows.length;
}

/** Mean recall of `search` over the first RECALL_QUERIES queries against the exact float32 top-k. */
export async function meanRecall(
  data: CaseData,
  k: number,
  priorWeight: number,
  search: (query: Float32Array) => Promise<readonly number[]> | readonly number[],
): Promise<number> {
  let sum = 0;
  for (const query of data.queries.slice(0, RECALL_QUERIES)) {
    const exact = topK(scoreAll(data.original, data.dim, query, priorWeight === 0 ? null : data.popularity, priorWeight), k, new Set());
    sum += recallOf(await search(query), exact);
  }
  return sum / RECALL_QUERIES;
}

/** The message of anything thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
