/**
 * Trains the sequence model (engine/sequence-model.ts) on the training part of a model's log, with
 * full-softmax cross-entropy over every item at every position (step-loss.ts): each position of a
 * training sequence predicts the next item against the whole catalogue. Batches hold sequences of
 * one length (batches.ts); each step is shared by data-parallel replicas, one per core
 * (replica-group.ts), which apply the same summed gradient.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../../core/errors.ts';
import { seededRandom } from '../../core/random.ts';
import type { SequenceArchitecture } from '../../core/sequence-spec.ts';
import { initialSequenceWeights, type SequenceWeights } from '../../engine/sequence-model.ts';
import type { Sequence } from '../lib/behaviour.ts';
import { planBatches } from './batches.ts';
import { trainableWeights } from './replica.ts';
import { startReplicas, type ReplicaGroup } from './replica-group.ts';

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
  /** Data-parallel replicas, one thread each (default 1: this thread only). */
  readonly threads?: number;
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
 * @param training the training sequences (item rows, oldest first).
 * @param options architecture, starting vectors, schedule and callbacks.
 * @returns the trained weights and the per-epoch history.
 * @throws RecError CONFIG_INVALID when no sequence has two items.
 */
export async function trainSequenceModel(training: readonly Sequence[], options: TrainOptions): Promise<TrainedSequenceModel> {
  const { architecture } = options;
  const random = seededRandom(options.seed);
  const initial = options.initialWeights ?? initialSequenceWeights(architecture, options.itemVectors, options.seed);
  const weights = trainableWeights(initial);
  if (options.initialWeights === undefined) for (const tensor of initial.values()) tensor.dispose();
  const settings = { architecture, learningRate: options.learningRate, dropout: options.dropout, seed: options.seed };
  let replicas: ReplicaGroup | null = null;
  const history: EpochRecord[] = [];
  try {
    replicas = await startReplicas(weights, settings, options.threads ?? 1);
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const started = performance.now();
      const batches = planBatches(training, architecture.maxLength, options.batchPositions, random);
      if (batches.length === 0)
        throw new RecError('CONFIG_INVALID', 'no training sequence has two items, so there is nothing to learn from', { field: 'training' });
      let lossSum = 0;
      let positions = 0;
      for (const [step, batch] of batches.entries()) {
        const count = batch.sequences.length * batch.length;
        lossSum += (await replicas.step(batch)) * count;
        positions += count;
        if (step % 20 === 0 || step === batches.length - 1) options.onStep?.(epoch, step + 1, batches.length, lossSum / positions);
      }
      await replicas.checkAgreement();
      const loss = lossSum / positions;
      if (!Number.isFinite(loss)) throw new RecError('INTERNAL', `the training loss became ${loss} in epoch ${epoch}; lower --learning-rate`);
      const record: EpochRecord = { epoch, loss, seconds: (performance.now() - started) / 1000 };
      history.push({ ...record, ...(options.afterEpoch === undefined ? {} : await options.afterEpoch(weights, record)) });
    }
  } catch (error) {
    for (const variable of weights.values()) variable.dispose();
    throw error;
  } finally {
    replicas?.dispose();
  }
  return { weights, history };
}
