/**
 * One training step's loss: the sequence model's hidden states at every position, scored with
 * full-softmax cross-entropy against the whole catalogue (the loss that lifts SASRec from .0605 to
 * .0851 HR@10 on Beauty in the literature, against sampled/BCE training).
 *
 * Shaped by the wasm backend in Node (tfjs-node does not install here):
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
import { SEQUENCE_WEIGHTS, type SequenceArchitecture } from '../../core/sequence-spec.ts';
import { sequenceHidden, type DropoutMasks, type SequenceWeights } from '../../engine/sequence-model.ts';
import type { Batch } from './batches.ts';

/**
 * Mean cross-entropy of softmax(h · itemsᵀ + bias) against the targets, with a hand-written gradient
 * whose products are all untransposed (see the module header):
 *   g = (softmax − onehot) / M,  dh = g · items,  d(itemsᵀ) = hᵀ · g,  dbias = 1ᵀ · g.
 * The softmax is kept from the forward pass (its exponentials are the log-normaliser's), so the
 * [M, N] exponential is taken once a step, and the bias's row sum is a product with a row of ones,
 * which wasm's matMul does faster than its column Sum.
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
    const shifted = tf.sub(logits, tf.max(logits, 1, true));
    const exponentials = tf.exp(shifted);
    const sums = tf.sum(exponentials, 1, true);
    const softmax = tf.div(exponentials, sums);
    const picked = tf.gather(tf.reshape(shifted, [-1]), tf.add(tf.mul(tf.range(0, positions, 1, 'int32'), tf.scalar(itemCount, 'int32')), targets));
    save([h, e, softmax]);
    return {
      value: tf.mean(tf.sub(tf.reshape(tf.log(sums), [-1]), picked)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sh, se, ssoftmax] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const g = tf.mul(tf.sub(ssoftmax, tf.cast(tf.oneHot(targets, itemCount), 'float32')), tf.div(dy, positions)) as tf.Tensor2D;
        return [tf.matMul(g, se), tf.transpose(tf.matMul(tf.transpose(sh), g)), tf.reshape(tf.matMul(tf.ones([1, positions]), g), [itemCount])];
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
 * A batch as the model's inputs [B, L] and next-item targets [B * L]. Made outside the gradient's
 * scope and freed by the caller after it: the custom gradients read them after the forward pass's
 * tensors are freed.
 */
export function batchTensors(batch: Batch): { readonly inputs: tf.Tensor2D; readonly targets: tf.Tensor1D } {
  const inputs = tf.tensor2d(
    batch.sequences.flatMap((s) => s.slice(0, batch.length)),
    [batch.sequences.length, batch.length],
    'int32',
  );
  return {
    inputs,
    targets: tf.tensor1d(
      batch.sequences.flatMap((s) => s.slice(1)),
      'int32',
    ),
  };
}

/**
 * The mean next-item cross-entropy over every position of a batch.
 * @param weights the model's weights (variables while training).
 * @param architecture the sizes.
 * @param inputs [B, L] item rows (batchTensors).
 * @param targets [B * L] next items (batchTensors).
 * @param dropout the dropout rate and the seed of its masks (null: none).
 */
export function stepLoss(
  weights: SequenceWeights,
  architecture: SequenceArchitecture,
  inputs: tf.Tensor2D,
  targets: tf.Tensor1D,
  dropout: DropoutMasks | null,
): tf.Scalar {
  const [batch = 0, length = 0] = inputs.shape;
  const hidden = sequenceHidden(weights, architecture, inputs, lookupWithScatterGradient, dropout);
  const items = weights.get(SEQUENCE_WEIGHTS.items) as tf.Tensor2D;
  const bias = weights.get(SEQUENCE_WEIGHTS.itemBias) as tf.Tensor1D;
  return tiedSoftmaxCrossEntropy(tf.reshape(hidden, [batch * length, architecture.dim]), items, bias, targets);
}
