/**
 * The build's quantisation step: measures how well float16 and int8 storage keep the float32
 * ranking on real user histories (single items when there are none), and picks the stored type:
 * the one asked for, or with --dtype auto the smallest whose recall holds.
 */
import type { VectorDtype } from '../../core/vectors.ts';
import { sampleInOrder, type InteractionPlan } from '../lib/sequences.ts';
import type { BuildOptions } from './build-model.ts';
import { round, type BuildReport } from './build-report.ts';
import type { BuildRun } from './build-run.ts';
import { quantisationRecall } from './quantise-check.ts';

/** Recall is measured at the size of a storefront's candidate list. */
export const RECALL_K = 50;

/** The stored type and the measurements behind it. */
export interface DtypeChoiceResult {
  readonly dtype: VectorDtype;
  readonly report: NonNullable<BuildReport['quantisation']>;
}

/**
 * @param vectors count x dim float32 item vectors.
 * @param count the item count.
 * @param dim the vector size.
 * @param plan the user histories, or null without events.
 * @param options --dtype, --min-recall, --recall-sample, --seed.
 * @param run progress, timings and warnings (a recall below --min-recall is warned about).
 */
export async function chooseDtype(
  vectors: Float32Array,
  count: number,
  dim: number,
  plan: InteractionPlan | null,
  options: Pick<BuildOptions, 'dtype' | 'minRecall' | 'recallSample' | 'seed'>,
  run: Pick<BuildRun, 'timed' | 'progress' | 'loud'>,
): Promise<DtypeChoiceResult> {
  // The plan holds its histories sampled with the same count and seed (build-inputs.ts).
  const historySource = plan !== null && plan.historyCount > 0 ? 'user histories' : 'single-item queries (no user histories)';
  const histories =
    plan !== null && plan.historyCount > 0
      ? plan.sampledHistories
      : sampleInOrder(
          Array.from({ length: count }, (_, row) => [row]),
          options.recallSample,
          options.seed,
        );
  const recall = await run.timed('quantisation check', () => {
    const bar = run.progress('quantisation check (histories)', histories.length);
    const measured = quantisationRecall(vectors, count, dim, histories, { k: RECALL_K, onProgress: (done) => bar.update(done) });
    bar.finish();
    // Nothing measured is no evidence that a smaller type ranks alike: 0, which keeps float32.
    if (histories.length === 0) return { float16: 0, int8: 0 };
    return { float16: round(measured.float16, 5), int8: round(measured.int8, 5) };
  });
  const below = (['float16', 'int8'] as const).filter((dtype) => recall[dtype] < options.minRecall);
  const dtype: VectorDtype =
    options.dtype !== 'auto' ? options.dtype : recall.int8 >= options.minRecall ? 'int8' : recall.float16 >= options.minRecall ? 'float16' : 'float32';
  for (const d of below) {
    run.loud(
      `${d} recall@${RECALL_K} is ${recall[d].toFixed(4)}, below the minimum ${options.minRecall}${d === dtype ? '' : ` (not used: stored as ${dtype})`}`,
    );
  }
  return {
    dtype,
    report: {
      k: RECALL_K,
      histories: histories.length,
      source: historySource,
      recall,
      minRecall: options.minRecall,
      dtype,
      requestedDtype: options.dtype,
      belowThreshold: below,
    },
  };
}
