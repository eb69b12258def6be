/**
 * The build's vector steps: behaviour embeddings from the training sequences (when there are any),
 * then fusion with the text vectors, or a PCA of the text alone (fuse.ts), unless the raw encoder
 * vectors are kept (no events and --dim = the encoder's size).
 */
import { learnBehaviourEmbeddings, type BehaviourEmbeddings } from '../lib/behaviour.ts';
import type { EmbedResult } from '../lib/embed.ts';
import type { InteractionPlan } from '../lib/sequences.ts';
import type { BuildOptions } from './build-model.ts';
import type { BuildReport } from './build-report.ts';
import type { BuildRun } from './build-run.ts';
import { fuseEmbeddings, type FusedEmbeddings } from './fuse.ts';

/** The item vectors the model stores, and how they were made. */
export interface ItemVectors {
  /** count x dim, row-major, unit rows. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** Null when the raw encoder vectors are kept (then no projection is written). */
  readonly fused: FusedEmbeddings | null;
  readonly behaviourReport: BuildReport['behaviour'];
  readonly fusionReport: BuildReport['fusion'];
}

/**
 * @param plan the training sequences, or null without events.
 * @param window the behaviour context half-width.
 * @param embedding the items' text vectors.
 * @param options dim, seed and behaviour weight.
 * @param run progress and timings.
 */
export async function learnItemVectors(
  plan: InteractionPlan | null,
  window: number,
  embedding: EmbedResult,
  options: BuildOptions,
  run: BuildRun,
): Promise<ItemVectors> {
  const count = embedding.vectors.length / embedding.dim;
  const textDim = embedding.dim;
  const behaviour = plan !== null && plan.sequences.length > 0 ? await learnBehaviour(plan, count, window, options, run) : null;
  const raw = behaviour === null && options.dim === textDim;
  const fused = raw
    ? null
    : await run.timed('fusion', () => {
        const bar = run.progress('fusion', 1);
        const result = fuseEmbeddings(embedding.vectors, textDim, behaviour ?? emptyBehaviour(count, options.dim / 2), {
          dim: options.dim,
          seed: options.seed,
          ...(options.behaviourWeight === null ? {} : { behaviourWeight: options.behaviourWeight }),
        });
        bar.update(1);
        bar.finish();
        return result;
      });
  const dim = fused?.dim ?? textDim;
  return {
    vectors: fused?.vectors ?? embedding.vectors,
    dim,
    fused,
    behaviourReport:
      behaviour === null
        ? null
        : {
            dim: behaviour.dim,
            window: window === Number.POSITIVE_INFINITY ? 'all' : window,
            trainedItems: count1(behaviour.hasEvents),
            stats: behaviour.stats ?? {},
          },
    fusionReport:
      fused === null ? null : { method: behaviour === null ? 'PCA of the text vectors' : 'text + behaviour fusion', textDim, dim, stats: fused.stats },
  };
}

function learnBehaviour(plan: InteractionPlan, count: number, window: number, options: BuildOptions, run: BuildRun): Promise<BehaviourEmbeddings> {
  const sequences = plan.sequences;
  return run.timed('behaviour', () => {
    const bar = run.progress('behaviour', 1);
    let barTotal = 1;
    let current = bar;
    // fuse.ts splits the fused vector into a text part and a behaviour part: half each.
    const learned = learnBehaviourEmbeddings(sequences, count, {
      dim: options.dim / 2,
      window,
      seed: options.seed,
      onProgress: (done, total) => {
        if (total !== barTotal) {
          barTotal = total;
          current = run.progress('behaviour', total);
        }
        current.update(done);
      },
    });
    current.finish();
    return learned;
  });
}

/** A behaviour result with no learned item: fusion then reduces the text vectors alone (PCA). */
function emptyBehaviour(count: number, dim: number): BehaviourEmbeddings {
  return { vectors: new Float32Array(count * dim), dim, hasEvents: new Uint8Array(count) };
}

function count1(flags: Uint8Array): number {
  let n = 0;
  for (const flag of flags) n += flag;
  return n;
}
