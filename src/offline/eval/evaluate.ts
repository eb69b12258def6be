/**
 * Runs ranking methods over a split's cases and checks the sanity row: pure of files and
 * processes, so the unit test drives it on a fixture exactly as the CLI drives it on real data.
 */
import type { EvalSplit } from './dataset.ts';
import type { RankingMethod } from './method.ts';
import { createMetricsAccumulator, CUTOFFS, RANK_DEPTH, type MethodMetrics, type MetricsContext } from './metrics.ts';
import type { CaseScores } from './per-case.ts';
import { SANITY_ROW, type NoPublishedRows, type PublishedMetric, type PublishedResults } from './published.ts';

export interface MethodResult {
  readonly method: string;
  readonly description: string;
  readonly metrics: MethodMetrics;
  /** Wall time of this method over all cases. */
  readonly seconds: number;
}

/** The whole-file popularity against the data set's published PopRec, or why there is no such check. */
export type SanityCheck =
  | {
      readonly status: 'pass' | 'fail';
      readonly method: string;
      readonly publishedRow: string;
      /** Per metric the published row gives: ours rounded to 4 decimals, and the published value. */
      readonly compared: readonly { readonly metric: PublishedMetric; readonly ours: number; readonly published: number }[];
    }
  | { readonly status: 'not applicable'; readonly reason: string };

/** Cases per rank() call: enough for a matrix product to pay off, small enough to hold B x items scores. */
export const BATCH_SIZE = 256;

/** The method whose popularity counts the whole file, as the published PopRec does. */
export const PUBLISHED_POPULARITY = 'popularity-published';

/**
 * @param split the cases.
 * @param methods evaluated one after another (each is disposed by the caller).
 * @param context what the metrics need besides the rankings.
 * @param onDone told after each method, with its HR@10 and NDCG@10 per case in the split's order.
 */
export async function evaluateMethods(
  split: EvalSplit,
  methods: readonly RankingMethod[],
  context: Omit<MetricsContext, 'trainingCounts'>,
  onDone: (result: MethodResult, perCase: CaseScores) => void = () => {},
): Promise<MethodResult[]> {
  const results: MethodResult[] = [];
  const at10 = CUTOFFS.indexOf(10);
  for (const method of methods) {
    const started = performance.now();
    const metrics = createMetricsAccumulator({ ...context, trainingCounts: split.trainingCounts });
    const perCase = { hr10: new Uint8Array(split.cases.length), ndcg10: new Float32Array(split.cases.length) };
    for (let start = 0; start < split.cases.length; start += BATCH_SIZE) {
      const batch = split.cases.slice(start, start + BATCH_SIZE);
      const ranked = await method.rank(batch, RANK_DEPTH);
      batch.forEach((testCase, i) => {
        const score = metrics.add(testCase, ranked[i] ?? []);
        perCase.hr10[start + i] = score.hr[at10] ?? 0;
        perCase.ndcg10[start + i] = score.ndcg[at10] ?? 0;
      });
    }
    const result = { method: method.name, description: method.description, metrics: metrics.summary(), seconds: (performance.now() - started) / 1000 };
    results.push(result);
    onDone(result, perCase);
  }
  return results;
}

/**
 * Compares the whole-file popularity with the published PopRec row, to 4 decimals, on every
 * metric the row gives.
 * @param results the methods' results.
 * @param published the data set's published rows, or why there are none.
 */
export function checkSanity(results: readonly MethodResult[], published: PublishedResults | NoPublishedRows): SanityCheck {
  if ('none' in published) return { status: 'not applicable', reason: published.none };
  const row = published.rows.find((r) => r.model === SANITY_ROW);
  if (row === undefined) return { status: 'not applicable', reason: `${published.file} has no ${SANITY_ROW} row` };
  const ours = results.find((result) => result.method === PUBLISHED_POPULARITY);
  if (ours === undefined) return { status: 'not applicable', reason: `${PUBLISHED_POPULARITY} was not among the methods` };
  const round4 = (value: number): number => Math.round(value * 1e4) / 1e4;
  const compared = (['5', '10', '20'] as const).flatMap((k) =>
    [
      { metric: `HR@${k}` as const, ours: round4(ours.metrics.hr[k]) },
      { metric: `NDCG@${k}` as const, ours: round4(ours.metrics.ndcg[k]) },
    ].flatMap(({ metric, ours: value }) => {
      const at = row.metrics[metric];
      return at === undefined ? [] : [{ metric, ours: value, published: at }];
    }),
  );
  const pass = compared.every((c) => Math.abs(c.ours - c.published) < 1e-9);
  return { status: pass ? 'pass' : 'fail', method: ours.method, publishedRow: row.model, compared };
}
