/**
 * The search evaluation's metrics, at the first page of results (10): per query, nDCG@10 (binary
 * relevance, over the best possible ordering of min(10, relevant) hits), HR@10 (any relevant item
 * within the top 10) and MRR@10 (1 / the rank of the first relevant item, 0 beyond rank 10); and
 * per set, their means and the share of queries that found nothing at all.
 * The per-query figures come from the recommender evaluation's `scoreCase`, so both evaluations
 * count a hit the same way.
 */
import { CUTOFFS, scoreCase } from '../metrics.ts';

/** The result page the metrics look at. */
export const PAGE = 10;

/** One query's (or the mean of a set's) figures at PAGE. */
export interface SearchScores {
  readonly ndcg10: number;
  readonly hr10: number;
  readonly mrr10: number;
}

/** A set's means, with how many queries they average and how many returned no match. */
export interface SetScores extends SearchScores {
  readonly queries: number;
  /** Share of the queries with no match at all, in [0, 1]. */
  readonly zeroResultRate: number;
}

const AT_PAGE = CUTOFFS.indexOf(PAGE);

/**
 * @param relevant the rows that answer the query.
 * @param ranked the matches' rows, most relevant first.
 */
export function scoreQuery(relevant: readonly number[], ranked: readonly number[]): SearchScores {
  const { hr, ndcg, mrr } = scoreCase(relevant, ranked);
  return { ndcg10: ndcg[AT_PAGE] ?? 0, hr10: hr[AT_PAGE] ?? 0, mrr10: mrr >= 1 / PAGE ? mrr : 0 };
}

/** Sums queries' scores into a set's means. */
export interface SetAccumulator {
  /**
   * @param relevant the rows that answer the query (none for a query that should find nothing).
   * @param ranked the matches' rows, most relevant first.
   */
  add(relevant: readonly number[], ranked: readonly number[]): void;
  summary(): SetScores;
}

export function createSetAccumulator(): SetAccumulator {
  const sums = { ndcg10: 0, hr10: 0, mrr10: 0, empty: 0, queries: 0 };
  return {
    add(relevant, ranked) {
      const scores = scoreQuery(relevant, ranked);
      sums.ndcg10 += scores.ndcg10;
      sums.hr10 += scores.hr10;
      sums.mrr10 += scores.mrr10;
      if (ranked.length === 0) sums.empty++;
      sums.queries++;
    },
    summary() {
      const mean = (sum: number): number => (sums.queries === 0 ? 0 : sum / sums.queries);
      return { queries: sums.queries, ndcg10: mean(sums.ndcg10), hr10: mean(sums.hr10), mrr10: mean(sums.mrr10), zeroResultRate: mean(sums.empty) };
    },
  };
}
