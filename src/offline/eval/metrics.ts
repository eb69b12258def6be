/**
 * Ranking metrics, per case and summed over cases. With one target (leave-one-out), HR@k is
 * Recall@k and NDCG@k is 1/log2(rank + 1) when the target is within k, as in S3-Rec's evaluation.
 * With several targets (a basket):
 *   HR@k      1 when any target is within the top k;
 *   Recall@k  targets within the top k / number of targets;
 *   NDCG@k    Σ over hits 1/log2(rank + 1), over the best possible Σ_{i ≤ min(k, targets)} 1/log2(i + 1);
 *   MRR       1 / the rank of the first target, 0 beyond the ranked depth (RANK_DEPTH: 100).
 * Over the whole run:
 *   coverage@10            distinct items in all top-10 lists / all items;
 *   intra-list diversity   mean over cases of the mean pairwise (1 − cosine) of the top-10 items'
 *                          text vectors (USE 512-d, one space for every method);
 *   popularity percentile  mean over all top-10 items of their training popularity's mid-rank
 *                          percentile among all items (0 = least popular, 100 = most);
 * and HR@10 / NDCG@10 split by history length and by target popularity (cold: fewer than
 * COLD_BELOW training events; a basket is cold when all its targets are).
 */
import { intraListDiversity } from '../../core/list-quality.ts';
import { rowSimilarity } from '../../core/rank.ts';
import type { EvalCase } from './dataset.ts';

export const CUTOFFS = [5, 10, 20] as const;
/** How many rows each method ranks; MRR counts targets up to this rank. */
export const RANK_DEPTH = 100;
/** The list size of coverage, diversity and popularity. */
export const LIST_SIZE = 10;
/** A target with fewer training events than this is cold. */
export const COLD_BELOW = 10;
/** History length buckets: [lowest, highest] items before the target. */
export const HISTORY_BUCKETS: readonly (readonly [number, number])[] = [
  [1, 5],
  [6, 10],
  [11, 20],
  [21, Number.POSITIVE_INFINITY],
];

export interface BucketMetrics {
  readonly bucket: string;
  readonly cases: number;
  readonly hr10: number;
  readonly ndcg10: number;
}

export interface MethodMetrics {
  readonly cases: number;
  readonly hr: Readonly<Record<`${(typeof CUTOFFS)[number]}`, number>>;
  readonly ndcg: Readonly<Record<`${(typeof CUTOFFS)[number]}`, number>>;
  readonly recall: Readonly<Record<`${(typeof CUTOFFS)[number]}`, number>>;
  readonly mrr: number;
  readonly coverage10: number;
  /** null when no text vectors were given. */
  readonly diversity10: number | null;
  readonly popularityPercentile10: number;
  readonly byHistoryLength: readonly BucketMetrics[];
  readonly byTargetPopularity: readonly BucketMetrics[];
}

export interface MetricsContext {
  readonly itemCount: number;
  /** Training events per row (popularity percentile, cold/warm targets). */
  readonly trainingCounts: Float32Array;
  readonly textVectors: Float32Array | null;
  readonly textDim: number;
}

export interface MetricsAccumulator {
  /**
   * @param testCase the case (its targets, history length).
   * @param ranked the method's rows, best first.
   * @returns the case's own scores (kept per case for paired comparisons, see per-case.ts).
   */
  add(testCase: EvalCase, ranked: readonly number[]): CaseScore;
  summary(): MethodMetrics;
}

/** @param context catalogue size, training counts and text vectors. */
export function createMetricsAccumulator(context: MetricsContext): MetricsAccumulator {
  const percentile = popularityPercentiles(context.trainingCounts);
  const { textVectors } = context;
  const sums = { hr: [0, 0, 0], ndcg: [0, 0, 0], recall: [0, 0, 0], mrr: 0, diversity: 0, popularity: 0, listed: 0 };
  const covered = new Set<number>();
  let cases = 0;
  const historyBuckets = HISTORY_BUCKETS.map(([low, high]) => ({
    bucket: high === Number.POSITIVE_INFINITY ? `${low}+ items` : `${low}-${high} items`,
    low,
    high,
    cases: 0,
    hr10: 0,
    ndcg10: 0,
  }));
  const popularityBuckets = [
    { bucket: `cold (< ${COLD_BELOW} training events)`, cases: 0, hr10: 0, ndcg10: 0 },
    { bucket: `warm (>= ${COLD_BELOW})`, cases: 0, hr10: 0, ndcg10: 0 },
  ];
  return {
    add(testCase, ranked) {
      const result = scoreCase(testCase.targets, ranked);
      cases++;
      CUTOFFS.forEach((_, i) => {
        sums.hr[i] = (sums.hr[i] ?? 0) + (result.hr[i] ?? 0);
        sums.ndcg[i] = (sums.ndcg[i] ?? 0) + (result.ndcg[i] ?? 0);
        sums.recall[i] = (sums.recall[i] ?? 0) + (result.recall[i] ?? 0);
      });
      sums.mrr += result.mrr;
      const list = ranked.slice(0, LIST_SIZE);
      for (const row of list) {
        covered.add(row);
        sums.popularity += percentile[row] ?? 0;
      }
      sums.listed += list.length;
      if (textVectors !== null) sums.diversity += intraListDiversity(list, (a, b) => rowSimilarity(textVectors, context.textDim, a, b));
      const at10 = CUTOFFS.indexOf(10);
      const history = historyBuckets.find((b) => testCase.historyLength >= b.low && testCase.historyLength <= b.high);
      const cold = testCase.targets.every((row) => (context.trainingCounts[row] ?? 0) < COLD_BELOW);
      for (const bucket of [history, popularityBuckets[cold ? 0 : 1]]) {
        if (bucket === undefined) continue;
        bucket.cases++;
        bucket.hr10 += result.hr[at10] ?? 0;
        bucket.ndcg10 += result.ndcg[at10] ?? 0;
      }
      return result;
    },
    summary() {
      const mean = (sum: number, count: number): number => (count === 0 ? 0 : sum / count);
      const byCutoff = (values: number[]) => Object.fromEntries(CUTOFFS.map((k, i) => [`${k}`, mean(values[i] ?? 0, cases)])) as MethodMetrics['hr'];
      const buckets = (list: readonly { bucket: string; cases: number; hr10: number; ndcg10: number }[]): BucketMetrics[] =>
        list.map((b) => ({ bucket: b.bucket, cases: b.cases, hr10: mean(b.hr10, b.cases), ndcg10: mean(b.ndcg10, b.cases) }));
      return {
        cases,
        hr: byCutoff(sums.hr),
        ndcg: byCutoff(sums.ndcg),
        recall: byCutoff(sums.recall),
        mrr: mean(sums.mrr, cases),
        coverage10: mean(covered.size, context.itemCount),
        diversity10: context.textVectors === null ? null : mean(sums.diversity, cases),
        popularityPercentile10: mean(sums.popularity, sums.listed),
        byHistoryLength: buckets(historyBuckets),
        byTargetPopularity: buckets(popularityBuckets),
      };
    },
  };
}

/** One case's scores: per cutoff (CUTOFFS order) HR, NDCG and recall, and the reciprocal rank. */
export interface CaseScore {
  readonly hr: readonly number[];
  readonly ndcg: readonly number[];
  readonly recall: readonly number[];
  readonly mrr: number;
}

/**
 * @param targets the rows to find.
 * @param ranked the ranking, best first.
 * @returns the case's scores.
 */
export function scoreCase(targets: readonly number[], ranked: readonly number[]): CaseScore {
  const wanted = new Set(targets);
  const hitRanks: number[] = [];
  ranked.forEach((row, i) => {
    if (wanted.has(row)) hitRanks.push(i + 1);
  });
  const gain = (rank: number): number => 1 / Math.log2(rank + 1);
  const hr: number[] = [];
  const ndcg: number[] = [];
  const recall: number[] = [];
  for (const k of CUTOFFS) {
    const within = hitRanks.filter((rank) => rank <= k);
    let ideal = 0;
    for (let rank = 1; rank <= Math.min(k, wanted.size); rank++) ideal += gain(rank);
    hr.push(within.length > 0 ? 1 : 0);
    recall.push(wanted.size === 0 ? 0 : within.length / wanted.size);
    ndcg.push(ideal === 0 ? 0 : within.reduce((sum, rank) => sum + gain(rank), 0) / ideal);
  }
  const first = hitRanks[0];
  return { hr, ndcg, recall, mrr: first === undefined ? 0 : 1 / first };
}

/** Mid-rank percentile of each count (whole numbers) among all counts: 100 · (below + equal / 2) / n. */
function popularityPercentiles(counts: Float32Array): Float32Array {
  const sorted = Float32Array.from(counts).sort();
  const out = new Float32Array(counts.length);
  const firstAtLeast = (value: number): number => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((sorted[mid] ?? 0) < value) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  counts.forEach((count, row) => {
    const below = firstAtLeast(count);
    const equal = firstAtLeast(count + 0.5) - below; // counts are whole numbers
    out[row] = (100 * (below + equal / 2)) / counts.length;
  });
  return out;
}
