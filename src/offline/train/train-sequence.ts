/**
 * Trains the sequence model (engine/sequence-model.ts) on the training part of a model's log, with
 * full-softmax cross-entropy over every item at every position: each position of a training
 * sequence predicts the next item against the whole catalogue (the loss that lifts SASRec from
 * .0605 to .0851 HR@10 on Beauty in the literature, against sampled/BCE training).
 *
 * Shaped by the wasm backend in Node (tfjs-node does not install here):
 *  - Sequences are bucketed by length, so a batch is [B, L] with no padding, and every position
 *    with a next item is a training position: no masked work, and no gather of valid positions.
 *  - TF.js's wasm matMul is 5-10x slower with a transposed operand (measured, 2048 x 128 x 12,101:
 *    2.7 s transposed, 0.25-0.5 s plain). The softmax layer, nearly all of the work, therefore has
 *    its own gradient (`tiedSoftmaxCrossEntropy`) in which every product is untransposed.
 *  - wasm's OneHot with dtype float32 writes the int32 bit patterns (1 reads as 1.4e-45), so the
 *    one-hot is made as int32 and cast.
 *  - The gradient of `gather` needs UnsortedSegmentSum, which wasm lacks; the item lookup's gradient
 *    is a `scatterND` (duplicate rows add up), which it has.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients. The union package's Node build registers them all, into
// the global registry tfjs-core reads (core's own ESM entry for them does not load in Node).
import '@tensorflow/tfjs';
import { RecError } from '../../core/errors.ts';
import { seededRandom } from '../../core/random.ts';
import { SEQUENCE_WEIGHTS, type SequenceArchitecture } from '../../core/sequence-spec.ts';
import { initialSequenceWeights, sequenceHidden, type SequenceWeights } from '../../engine/sequence-model.ts';
import type { Sequence } from '../lib/behaviour.ts';

export interface TrainOptions {
  readonly architecture: SequenceArchitecture;
  /** itemCount x dim, row-major: the model's fused vectors, the item table's starting point. */
  readonly itemVectors: Float32Array;
  readonly epochs: number;
  readonly learningRate: number;
  readonly dropout: number;
  /** Training positions per step (about; a batch holds whole sequences of one length). */
  readonly batchPositions: number;
  readonly seed: number;
  /** Starting weights (e.g. a checkpoint) instead of fresh ones from `itemVectors`; copied, not consumed. */
  readonly initialWeights?: SequenceWeights;
  /**
   * Called after each epoch with the current weights (read them, do not keep or free them) and the
   * epoch's record; what it returns joins the record (e.g. validation metrics).
   */
  readonly afterEpoch?: (weights: SequenceWeights, record: EpochRecord) => Promise<Record<string, number>>;
  /** Told the mean loss so far, every few steps. */
  readonly onStep?: (epoch: number, step: number, steps: number, meanLoss: number) => void;
}

export interface EpochRecord {
  readonly epoch: number;
  /** Mean training cross-entropy over the epoch's positions (nats). */
  readonly loss: number;
  readonly seconds: number;
  readonly [metric: string]: number;
}

/** What training returns: the weights (the caller disposes them) and one record per epoch. */
export interface TrainedSequenceModel {
  readonly weights: Map<string, tf.Tensor>;
  readonly history: readonly EpochRecord[];
}

/**
 * What one sequence trains on: its latest maxLength + 1 items (the browser reads only the latest
 * maxLength), giving one (input, next item) pair per position; null when it has fewer than two items.
 * @param sequence a training sequence.
 * @param maxLength the model's input length.
 */
function trainingWindow(sequence: Sequence, maxLength: number): readonly number[] | null {
  const window = sequence.rows.slice(-(maxLength + 1));
  return window.length < 2 ? null : window;
}

/**
 * Training positions per epoch: one per (input, next item) pair of every sequence's window.
 * @param sequences the training sequences.
 * @param maxLength the model's input length.
 */
export function trainingPositions(sequences: readonly Sequence[], maxLength: number): number {
  return sequences.reduce((sum, sequence) => sum + Math.max(0, (trainingWindow(sequence, maxLength)?.length ?? 1) - 1), 0);
}

/** One step's sequences: `rows` is [batch, length + 1] (inputs are the first length, targets the last length). */
interface Batch {
  readonly length: number;
  readonly sequences: readonly (readonly number[])[];
}

/**
 * Batches of equal-length training windows (`trainingWindow`), shuffled.
 * @param sequences the training sequences.
 * @param maxLength the model's input length.
 * @param batchPositions about how many positions per batch.
 * @param random the shuffle's source.
 */
export function planBatches(sequences: readonly Sequence[], maxLength: number, batchPositions: number, random: () => number): Batch[] {
  const byLength = new Map<number, (readonly number[])[]>();
  for (const sequence of sequences) {
    const window = trainingWindow(sequence, maxLength);
    if (window === null) continue;
    const length = window.length - 1;
    byLength.set(length, [...(byLength.get(length) ?? []), window]);
  }
  const batches: Batch[] = [];
  for (const [length, group] of byLength) {
    shuffle(group, random);
    const size = Math.max(1, Math.floor(batchPositions / length));
    for (let start = 0; start < group.length; start += size) batches.push({ length, sequences: group.slice(start, start + size) });
  }
  return shuffle(batches, random);
}

function shuffle<T>(values: T[], random: () => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j] as T, values[i] as T];
  }
  return values;
}

/**
 * Mean cross-entropy of softmax(h · itemsᵀ + bias) against the targets, with a hand-written gradient
 * whose products are all untransposed (see the module header):
 *   g = (softmax − onehot) / M,  dh = g · items,  d(itemsᵀ) = hᵀ · g,  dbias = Σ_rows g.
 * @param hidden [M, D] hidden states.
 * @param items [N, D] the tied item table.
 * @param bias [N] item bias.
 * @param targets [M] int32 next items (alive until the gradient has been taken).
 */
export function tiedSoftmaxCrossEntropy(hidden: tf.Tensor2D, items: tf.Tensor2D, bias: tf.Tensor1D, targets: tf.Tensor1D): tf.Scalar {
  const [positions = 0] = hidden.shape;
  const [itemCount = 0] = items.shape;
  const loss = tf.customGrad((...args: unknown[]) => {
    const [h, e, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const logits = tf.add(tf.matMul(h, tf.transpose(e)), b);
    const logNormaliser = tf.logSumExp(logits, 1, true);
    const picked = tf.gather(tf.reshape(logits, [-1]), tf.add(tf.mul(tf.range(0, positions, 1, 'int32'), tf.scalar(itemCount, 'int32')), targets));
    save([h, e, logits, logNormaliser]);
    return {
      value: tf.mean(tf.sub(tf.reshape(logNormaliser, [-1]), picked)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sh, se, slogits, slse] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const g = tf.mul(tf.sub(tf.exp(tf.sub(slogits, slse)), tf.cast(tf.oneHot(targets, itemCount), 'float32')), tf.div(dy, positions)) as tf.Tensor2D;
        return [tf.matMul(g, se), tf.transpose(tf.matMul(tf.transpose(sh), g)), tf.sum(g, 0)];
      },
    };
  });
  return loss(hidden, items, bias) as tf.Scalar;
}

/** tf.gather of item rows, with scatterND as its gradient (wasm has no UnsortedSegmentSum). */
function lookupWithScatterGradient(items: tf.Tensor, rows: tf.Tensor): tf.Tensor {
  const [itemCount = 0, dim = 0] = items.shape;
  const lookup = tf.customGrad((...args: unknown[]) => {
    const [table] = args as [tf.Tensor];
    return {
      value: tf.gather(table, rows),
      gradFunc: (dy: tf.Tensor) => tf.scatterND(tf.reshape(rows, [-1, 1]), tf.reshape(dy, [-1, dim]), [itemCount, dim]),
    };
  });
  return lookup(items);
}

/**
 * @param training the training sequences (item rows, oldest first).
 * @param options architecture, starting vectors, schedule and callbacks.
 * @returns the trained weights and the per-epoch history.
 * @throws RecError CONFIG_INVALID when no sequence has two items.
 */
export async function trainSequenceModel(training: readonly Sequence[], options: TrainOptions): Promise<TrainedSequenceModel> {
  const { architecture } = options;
  const random = seededRandom(options.seed);
  const initial = options.initialWeights ?? initialSequenceWeights(architecture, options.itemVectors, options.seed);
  // tf.variable copies, so fresh weights are freed here and a caller's checkpoint is left alone.
  const weights = new Map<string, tf.Variable>([...initial].map(([name, tensor]) => [name, tf.variable(tensor, true, `sequence/${name}`)]));
  if (options.initialWeights === undefined) for (const tensor of initial.values()) tensor.dispose();
  const variables = [...weights.values()];
  const optimizer = tf.train.adam(options.learningRate);
  const history: EpochRecord[] = [];
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const started = performance.now();
      const batches = planBatches(training, architecture.maxLength, options.batchPositions, random);
      if (batches.length === 0)
        throw new RecError('CONFIG_INVALID', 'no training sequence has two items, so there is nothing to learn from', { field: 'training' });
      let lossSum = 0;
      let positions = 0;
      for (const [step, batch] of batches.entries()) {
        const count = batch.sequences.length * batch.length;
        // Made outside minimize's scope: the custom gradients read them after the forward pass's tensors are freed.
        const inputs = tf.tensor2d(
          batch.sequences.flatMap((s) => s.slice(0, batch.length)),
          [batch.sequences.length, batch.length],
          'int32',
        );
        const targets = tf.tensor1d(
          batch.sequences.flatMap((s) => s.slice(1)),
          'int32',
        );
        let cost: tf.Scalar | null;
        try {
          cost = optimizer.minimize(() => stepLoss(weights, architecture, inputs, targets, options.dropout), true, variables);
        } finally {
          inputs.dispose();
          targets.dispose();
        }
        lossSum += ((await cost?.data())?.[0] ?? Number.NaN) * count;
        cost?.dispose();
        positions += count;
        if (step % 20 === 0 || step === batches.length - 1) options.onStep?.(epoch, step + 1, batches.length, lossSum / positions);
      }
      const loss = lossSum / positions;
      if (!Number.isFinite(loss)) throw new RecError('INTERNAL', `the training loss became ${loss} in epoch ${epoch}; lower --learning-rate`);
      const record: EpochRecord = { epoch, loss, seconds: (performance.now() - started) / 1000 };
      history.push({ ...record, ...(options.afterEpoch === undefined ? {} : await options.afterEpoch(weights, record)) });
    }
  } catch (error) {
    for (const variable of variables) variable.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  return { weights, history };
}

function stepLoss(weights: SequenceWeights, architecture: SequenceArchitecture, inputs: tf.Tensor2D, targets: tf.Tensor1D, dropout: number): tf.Scalar {
  const [batch = 0, length = 0] = inputs.shape;
  const hidden = sequenceHidden(weights, architecture, inputs, lookupWithScatterGradient, dropout);
  const items = weights.get(SEQUENCE_WEIGHTS.items) as tf.Tensor2D;
  const bias = weights.get(SEQUENCE_WEIGHTS.itemBias) as tf.Tensor1D;
  return tiedSoftmaxCrossEntropy(tf.reshape(hidden, [batch * length, architecture.dim]), items, bias, targets);
}
