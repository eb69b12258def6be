/**
 * The baselines the browser's rule is compared with, each learning only from the split's training
 * part (except the published PopRec's whole-file popularity, kept for the sanity check):
 *
 *  - popularity: items by how often they occur; ties to the lower row. The published PopRec's
 *    stand-in orders ties the other way, higher row (item id) first, as the published numbers
 *    need: on Amazon Toys the lower row first scores HR@20 one hit above the published row (the data
 *    folder's BASELINES.md and poprec_check.txt).
 *  - item-kNN: session-aware co-occurrence. Items co-occurring within `window` positions of a
 *    training sequence (a user history or a basket) count once per pair; similarity is the count
 *    over sqrt(n_i·n_j) (cosine of occurrence vectors). A shopper's score for j sums the
 *    similarities of j to their recent items, the latest weighted 1 and each older one
 *    `recencyDecay` times less; items with no co-occurrence fall back to popularity order.
 *  - text neighbours: the items whose text vectors (USE, 512-d) are closest to the shopper's last
 *    item, scored by the engine's BatchScorer with no prior.
 */
import { topK } from '../../core/rank.ts';
import type { Sequence } from '../lib/behaviour.ts';
import { coOccurrence } from '../lib/co-occurrence.ts';
import type { BatchScorer } from '../../engine/batch-scorer.ts';
import type { EvalCase } from './dataset.ts';
import type { RankingMethod } from './method.ts';

/** Which of two rows with the same count ranks first. */
export type PopularityTies = 'lower row first' | 'higher row first';

/**
 * @param name the method's key.
 * @param description what it counted.
 * @param counts one count per row; higher first.
 * @param ties the order of equal counts.
 */
export function createPopularityMethod(name: string, description: string, counts: Float32Array, ties: PopularityTies = 'lower row first'): RankingMethod {
  const last = counts.length - 1;
  // topK keeps the earlier of two equal scores: over the counts in reverse, that is the higher row.
  const reversed = ties === 'higher row first' ? counts.slice().reverse() : null;
  const rank = (testCase: EvalCase, depth: number): readonly number[] => {
    if (reversed === null) return topK(counts, depth, testCase.masked).rows;
    const masked = new Set([...testCase.masked].map((row) => last - row));
    return topK(reversed, depth, masked).rows.map((row) => last - row);
  };
  return { name, description, rank: (cases, depth) => Promise.resolve(cases.map((testCase) => rank(testCase, depth))), dispose: () => {} };
}

export interface ItemKnnOptions {
  /** Co-occurrence within this many positions (Infinity: the whole sequence, e.g. a basket). */
  readonly window: number;
  /** Weight ratio of each older history item to the next newer one, in (0, 1]. */
  readonly recencyDecay: number;
  /** Only the latest this many history items vote. */
  readonly recent: number;
}

/** Popularity breaks ties between equal (mostly zero) kNN scores; it is scaled far below any similarity. */
const POPULARITY_TIE_BREAK = 1e-6;

/**
 * @param training the training sequences.
 * @param counts popularity per row (training counts), for the fallback order.
 * @param options window, recency decay and how many recent items vote.
 */
export function createItemKnnMethod(training: readonly Sequence[], counts: Float32Array, options: ItemKnnOptions): RankingMethod {
  const neighbours = coOccurrence(training, counts.length, options.window);
  let maxCount = 0;
  for (const count of counts) maxCount = Math.max(maxCount, count);
  const fallback = counts.map((count) => (POPULARITY_TIE_BREAK * count) / Math.max(1, maxCount));
  return {
    name: 'item-knn',
    description: `session-aware item-kNN: cosine of co-occurrence within ${options.window === Number.POSITIVE_INFINITY ? 'a whole sequence' : `${options.window} positions`} in the training sequences, summed over the latest ${options.recent} history items (each older one weighted ${options.recencyDecay}x), popularity for ties`,
    rank: (cases, depth) => Promise.resolve(cases.map((testCase) => rankOne(testCase, depth))),
    dispose: () => {},
  };

  function rankOne(testCase: EvalCase, depth: number): readonly number[] {
    const scores = fallback.slice();
    const recent = testCase.history.slice(-options.recent);
    let weight = 1;
    for (let i = recent.length - 1; i >= 0; i--) {
      for (const [row, similarity] of neighbours[(recent[i] as { row: number }).row] ?? []) scores[row] = (scores[row] ?? 0) + weight * similarity;
      weight *= options.recencyDecay;
    }
    return topK(scores, depth, testCase.masked).rows;
  }
}

/**
 * @param scorer a BatchScorer over the 512-d text vectors with no prior; owned by the method.
 * @param textVectors the same vectors, row-major.
 * @param textDim their dimension.
 */
export function createTextNeighboursMethod(scorer: BatchScorer, textVectors: Float32Array, textDim: number): RankingMethod {
  return {
    name: 'text-last-item',
    description: 'content similarity: the nearest items to the last history item by cosine of their USE text vectors (512-d)',
    async rank(cases, depth) {
      const interests = new Float32Array(cases.length * textDim);
      cases.forEach((testCase, i) => {
        const last = testCase.history[testCase.history.length - 1];
        if (last !== undefined) interests.set(textVectors.subarray(last.row * textDim, (last.row + 1) * textDim), i * textDim);
      });
      return (
        await scorer.topK(
          interests,
          depth,
          cases.map((testCase) => testCase.masked),
        )
      ).map((ranked) => ranked.rows);
    },
    dispose: () => scorer.dispose(),
  };
}
