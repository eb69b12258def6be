/**
 * The sequence model as an evaluation method: each shopper's latest ≤ maxLength items go through
 * the model (engine/sequence-model.ts, as the browser runs it), and the interest vector of the
 * newest position scores the catalogue against the model's trained item vectors plus its item bias,
 * as the browser's engine does. Histories of one length are encoded together, then scored in one
 * batch by the engine's BatchScorer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../../core/errors.ts';
import type { LoadedSequenceModel } from '../../core/model.ts';
import type { BackendName } from '../../core/ports.ts';
import type { SequenceArchitecture } from '../../core/sequence-spec.ts';
import { SEQUENCE_WEIGHTS } from '../../core/sequence-spec.ts';
import { RECENT_INTERACTIONS_KEPT } from '../../core/constants.ts';
import { withLatest } from '../../core/state.ts';
import { fuseWithNeighbours, NEIGHBOUR_FUSION_POOL, neighbourRanking, type ItemNeighbours } from '../../core/neighbours.ts';
import { initBackend } from '../../engine/backend.ts';
import { createBatchScorer, type BatchScorer } from '../../engine/batch-scorer.ts';
import { decodeSequenceWeights, sequenceInterest, type SequenceWeights } from '../../engine/sequence-model.ts';
import type { EvalCase } from './dataset.ts';
import type { RankingMethod } from './method.ts';

export interface SequenceMethodOptions {
  readonly name: string;
  readonly description: string;
  /** The model's tensors on the active backend (the method reads them; the caller frees them). */
  readonly weights: SequenceWeights;
  readonly architecture: SequenceArchitecture;
  /** Where the scorer runs (null: the default order). */
  readonly backend: BackendName | null;
  /** When given, the model's ranking is fused with these behaviour neighbours of the latest items, as the ranker fuses the decay rule's. */
  readonly neighbours?: ItemNeighbours | null;
}

/**
 * @param options the model and how the method is named in reports.
 * @returns the method; its dispose() frees the scorer, not the weights.
 */
export async function createSequenceMethod(options: SequenceMethodOptions): Promise<RankingMethod> {
  const { weights, architecture } = options;
  const scorer = await scorerFor(weights, architecture, options.backend);
  return {
    name: options.name,
    description: options.description,
    async rank(cases, depth) {
      const interests = await encodeHistories(weights, architecture, cases);
      const neighbours = options.neighbours ?? null;
      const pool = neighbours === null ? depth : Math.max(depth, NEIGHBOUR_FUSION_POOL);
      const ranked = await scorer.topK(
        interests,
        pool,
        cases.map((c) => c.masked),
      );
      if (neighbours === null) return ranked.map(({ rows }) => rows);
      return ranked.map((rows, i) => {
        const { history, masked } = cases[i] as EvalCase;
        return fuseWithNeighbours(rows, neighbourRanking(neighbours, latestDistinctRows(history), masked, pool), depth).rows;
      });
    },
    dispose() {
      scorer.dispose();
    },
  };
}

/** The trained item vectors and bias, as the browser's engine scores them (prior weight 1). */
async function scorerFor(weights: SequenceWeights, architecture: SequenceArchitecture, backend: BackendName | null): Promise<BatchScorer> {
  const items = weights.get(SEQUENCE_WEIGHTS.items);
  const bias = weights.get(SEQUENCE_WEIGHTS.itemBias);
  if (items === undefined || bias === undefined) throw new RecError('INTERNAL', 'the sequence model lacks its item table');
  return createBatchScorer({
    vectors: await items.data<'float32'>(),
    dim: architecture.dim,
    popularity: await bias.data<'float32'>(),
    priorWeight: 1,
    backend,
  });
}

/**
 * The interest vector of every case (B x dim, in case order); a case with no history gets zeros,
 * which leaves the ranking to the item bias.
 */
async function encodeHistories(weights: SequenceWeights, architecture: SequenceArchitecture, cases: readonly EvalCase[]): Promise<Float32Array> {
  const { dim, maxLength } = architecture;
  const interests = new Float32Array(cases.length * dim);
  const byLength = new Map<number, number[]>();
  cases.forEach((c, i) => {
    const length = Math.min(c.history.length, maxLength);
    if (length > 0) byLength.set(length, [...(byLength.get(length) ?? []), i]);
  });
  for (const [length, indices] of byLength) {
    const rows = indices.flatMap((i) => (cases[i] as EvalCase).history.slice(-length).map((event) => event.row));
    const interest = tf.tidy(() => sequenceInterest(weights, architecture, tf.tensor2d(rows, [indices.length, length], 'int32')));
    const values = await interest.data<'float32'>();
    interest.dispose();
    indices.forEach((caseIndex, j) => interests.set(values.subarray(j * dim, (j + 1) * dim), caseIndex * dim));
  }
  return interests;
}

/** The rows whose neighbours vote: the state's rule for its recent items (core's withLatest) over a history of item interactions. */
export function latestDistinctRows(history: readonly { readonly row: number }[]): number[] {
  return history.reduce<number[]>((rows, { row }) => withLatest(rows, row, (r) => r), []);
}

/**
 * The model's sequence model as a method that also frees its weights when disposed.
 * @param neighbours when given ("sequence-neighbours"), its ranking is fused with them.
 */
export async function createSequenceEvalMethod(sequence: LoadedSequenceModel, backend: BackendName, neighbours: ItemNeighbours | null): Promise<RankingMethod> {
  const { architecture, training } = sequence.spec;
  await initBackend({ preferred: backend, allowed: [backend] });
  const weights = decodeSequenceWeights(sequence.spec, sequence.weights);
  try {
    const description = `the sequence model (${architecture.blocks} attention blocks x ${architecture.heads} heads, ${architecture.dim}-d, trained with full-softmax cross-entropy on the training split by npm run train:sequence${typeof training['epoch'] === 'number' ? `, epoch ${training['epoch']}` : ''}): its output at the newest of the latest ${architecture.maxLength} items, scored against its trained item vectors + item bias, as the browser does`;
    const fused = neighbours === null ? '' : `; ${fusedWith(neighbours)}`;
    const name = neighbours === null ? 'sequence' : 'sequence-neighbours';
    const method = await createSequenceMethod({ name, description: `${description}${fused}`, weights, architecture, backend, neighbours });
    return {
      ...method,
      dispose() {
        method.dispose();
        for (const tensor of weights.values()) tensor.dispose();
      },
    };
  } catch (error) {
    for (const tensor of weights.values()) tensor.dispose();
    throw error;
  }
}

/** How a method's ranking joins the model's behaviour neighbours, for its description. */
export function fusedWith(neighbours: ItemNeighbours): string {
  return `fused by reciprocal rank with the behaviour neighbours (${neighbours.perItem} per item, neighbours.bin) of the latest ${RECENT_INTERACTIONS_KEPT} items`;
}
