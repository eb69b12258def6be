/**
 * One copy of the model being trained: its weights, its own Adam optimizer, and the two halves of
 * a synchronous data-parallel step. Each of N replicas computes the gradient of its share of the
 * batch (scaled by the share's part of the batch's positions, so the shares add up to the batch's
 * mean-loss gradient), the shares are exchanged, and every replica applies their sum, added in
 * replica order. Equal weights, equal sums and the same deterministic Adam keep every replica's
 * weights bit-identical without ever sending weights; `fingerprint` checks that they are.
 * With one replica this is plain full-batch training.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SequenceArchitecture } from '../../core/sequence-spec.ts';
import type { Batch } from './batches.ts';
import { batchTensors, stepLoss } from './step-loss.ts';

/** What every replica trains with. */
export interface ReplicaSettings {
  readonly architecture: SequenceArchitecture;
  readonly learningRate: number;
  readonly dropout: number;
  /** The training's seed: with the step and the replica it seeds the dropout masks, so a run is the same twice. */
  readonly seed: number;
}

/**
 * The weights as trainable variables (copies: the tensors given are left alone). TF.js names them
 * uniquely itself: a replica finds its gradients through the variables, not through fixed names,
 * so two trainings can share a thread.
 * @param tensors the starting weights by name.
 */
export function trainableWeights(tensors: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Variable> {
  return new Map([...tensors].map(([name, tensor]) => [name, tf.variable(tensor, true)]));
}

/** Where each weight's gradient lies in one flat array, in the weights' order (the same in every replica). */
export interface GradientLayout {
  readonly entries: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number; readonly size: number }[];
  /** Values in all. */
  readonly size: number;
}

/** @param weights the model's weights by name, in a fixed order. */
export function gradientLayout(weights: ReadonlyMap<string, tf.Tensor>): GradientLayout {
  let size = 0;
  const entries = [...weights].map(([name, tensor]) => {
    const entry = { name, shape: tensor.shape, offset: size, size: tensor.size };
    size += tensor.size;
    return entry;
  });
  return { entries, size };
}

/**
 * Replica `index`'s part of a batch: a contiguous run of its sequences, the runs as equal as they
 * can be (empty when the batch has fewer sequences than replicas).
 * @param batch one step's sequences.
 * @param index the replica, 0-based.
 * @param count how many replicas share the batch.
 */
export function batchShare(batch: Batch, index: number, count: number): Batch {
  const n = batch.sequences.length;
  return { length: batch.length, sequences: batch.sequences.slice(Math.floor((index * n) / count), Math.floor(((index + 1) * n) / count)) };
}

export interface Replica {
  /**
   * This replica's share of a step, the batch unchanged: writes its share's gradient into `out`
   * (layout order) and returns its share of the batch's mean loss.
   */
  computeShare(batch: Batch, out: Float32Array): number;
  /** One Adam step with the sum of every replica's share, added in the order given. */
  apply(shares: readonly Float32Array[]): void;
  /** A hash (FNV-1a over 32-bit words) of the weights' bits: equal in every replica while they agree. */
  fingerprint(): number;
  /** Frees the optimizer's state (the weights belong to the caller). */
  dispose(): void;
}

/**
 * @param weights the trainable weights by name (variables; read and updated, not freed).
 * @param settings architecture, step size and dropout.
 * @param index this replica, 0-based.
 * @param count how many replicas share each batch.
 */
export function createReplica(weights: ReadonlyMap<string, tf.Variable>, settings: ReplicaSettings, index: number, count: number): Replica {
  const layout = gradientLayout(weights);
  const variables = [...weights.values()];
  const variableName = (name: string): string => (weights.get(name) as tf.Variable).name;
  const optimizer = tf.train.adam(settings.learningRate);
  let step = 0;
  return {
    computeShare(batch, out) {
      const masks = { rate: settings.dropout, seed: `${settings.seed}/${step++}/${index}` };
      const share = batchShare(batch, index, count);
      const positions = share.sequences.length * share.length;
      if (positions === 0) {
        out.fill(0);
        return 0;
      }
      const fraction = positions / (batch.sequences.length * batch.length);
      const { inputs, targets } = batchTensors(share);
      try {
        const { value, grads } = tf.variableGrads(() => tf.mul(stepLoss(weights, settings.architecture, inputs, targets, masks), fraction), variables);
        for (const entry of layout.entries) out.set((grads[variableName(entry.name)] as tf.Tensor).dataSync(), entry.offset);
        const loss = value.dataSync()[0] ?? Number.NaN;
        tf.dispose([value, ...Object.values(grads)]);
        return loss;
      } finally {
        inputs.dispose();
        targets.dispose();
      }
    },
    apply(shares) {
      const sum = new Float32Array(layout.size);
      for (const share of shares) for (let i = 0; i < sum.length; i++) (sum[i] as number) += share[i] as number;
      tf.tidy(() =>
        optimizer.applyGradients(
          layout.entries.map((entry) => ({
            name: variableName(entry.name),
            tensor: tf.tensor(sum.subarray(entry.offset, entry.offset + entry.size), [...entry.shape]),
          })),
        ),
      );
    },
    fingerprint() {
      let hash = 0x811c9dc5;
      for (const variable of variables) {
        for (const bits of new Uint32Array(Float32Array.from(variable.dataSync() as Float32Array).buffer)) hash = Math.imul(hash ^ bits, 0x01000193) >>> 0;
      }
      return hash;
    },
    dispose() {
      optimizer.dispose();
    },
  };
}
