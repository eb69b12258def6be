/**
 * The sequence model on TF.js: a causal self-attention next-item model in the style of SASRec
 * (Kang & McAuley 2018), with the tensors core/sequence-spec.ts names. The same code runs in Node
 * (training, evaluation) and in the browser (on the item space's backend, WebGPU first).
 *
 *   x_t = items[i_t]·sqrt(dim) + positions[t]            t counted so the newest item is maxLength-1
 *   x  ← x + Attention(LN(x))   (causal: position t sees 0..t; `heads` heads)      } `blocks` times,
 *   x  ← x + FFN(LN(x))         (ReLU, ffnDim wide)                                } pre-norm
 *   h_t = LN(x_t);   score(j | i_0..i_t) = h_t · items[j] + item_bias[j]
 *
 * The item table is tied: the input embeddings are the output vectors the interest is scored
 * against, and training starts it from the model's fused text+behaviour vectors, so an item seen
 * rarely or never in training keeps a vector its text placed. In the browser, h of the newest
 * position is the interest vector, and `items` / `item_bias` replace the item matrix and prior.
 *
 * Sequences in one call all have the same length (callers bucket by length), so nothing is padded
 * and no mask beyond the causal one is needed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../core/errors.ts';
import { encodeVectors } from '../core/vectors.ts';
import {
  blockWeightNames,
  SEQUENCE_FORMAT,
  SEQUENCE_FORMAT_VERSION,
  SEQUENCE_WEIGHTS,
  sequenceWeightShapes,
  type SequenceArchitecture,
  type SequenceModelSpec,
} from '../core/sequence-spec.ts';

/** The model's tensors by name (core/sequence-spec.ts); variables while training. */
export type SequenceWeights = ReadonlyMap<string, tf.Tensor>;

const LAYER_NORM_EPSILON = 1e-6;

/**
 * Fresh weights: the item table from the given vectors, the rest Glorot-uniform (kernels) or
 * standard (norms 1/0, biases 0, positions small normal), from a fixed seed.
 * @param architecture the sizes.
 * @param itemVectors itemCount x dim, row-major: the model's fused vectors.
 * @param seed for the random initialisation.
 */
export function initialSequenceWeights(architecture: SequenceArchitecture, itemVectors: Float32Array, seed: number): Map<string, tf.Tensor> {
  const { itemCount, dim } = architecture;
  if (itemVectors.length !== itemCount * dim) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${itemCount} x ${dim} item values, found ${itemVectors.length}`, { field: 'items' });
  }
  const weights = new Map<string, tf.Tensor>();
  let nextSeed = seed;
  for (const [name, shape] of sequenceWeightShapes(architecture)) {
    const [fanIn = 1, fanOut = 1] = shape;
    let tensor: tf.Tensor;
    if (name === SEQUENCE_WEIGHTS.items) tensor = tf.tensor2d(itemVectors, [itemCount, dim]);
    else if (name === SEQUENCE_WEIGHTS.positions) tensor = tf.randomNormal([...shape], 0, 0.02, 'float32', nextSeed++);
    else if (name.endsWith('/gamma')) tensor = tf.ones([...shape]);
    else if (shape.length === 2) {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      tensor = tf.randomUniform([...shape], -limit, limit, 'float32', nextSeed++);
    } else tensor = tf.zeros([...shape]);
    weights.set(name, tensor);
  }
  return weights;
}

function weight(weights: SequenceWeights, name: string): tf.Tensor {
  const tensor = weights.get(name);
  if (tensor === undefined) throw new RecError('INTERNAL', `the sequence model has no tensor "${name}"`);
  return tensor;
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LAYER_NORM_EPSILON))), gamma), beta);
}

/** x [B, L, in] · kernel [in, out] + bias, as one 2-d product (the fast path on every backend). */
function dense(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [batch = 1, length = 1, width = 1] = x.shape;
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [batch * length, width]), kernel as tf.Tensor2D), bias), [batch, length, kernel.shape[1] ?? 1]);
}

/** Additive mask [L, L]: 0 where a position may look (itself and earlier), a large negative elsewhere. */
function causalMask(length: number): tf.Tensor {
  return tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([length, length]), -1, 0)), -1e9);
}

/** Dropout while training (rate 0 or not training: identity). */
type Dropout = (x: tf.Tensor) => tf.Tensor;

/**
 * Dropout while training: its rate, and the seed its masks are drawn from (each dropout of a pass
 * draws from `<seed>/<n>`, n counting the pass's dropouts), so a training run is the same twice.
 */
export interface DropoutMasks {
  readonly rate: number;
  readonly seed: string;
}

function attention(x: tf.Tensor, weights: SequenceWeights, block: number, architecture: SequenceArchitecture, dropout: Dropout): tf.Tensor {
  const n = blockWeightNames(block);
  const [batch = 1, length = 1] = x.shape;
  const { heads, dim } = architecture;
  const headDim = dim / heads;
  const split = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [batch, length, heads, headDim]), [0, 2, 1, 3]);
  const q = split(dense(x, weight(weights, n.query), weight(weights, n.queryBias)));
  const k = split(dense(x, weight(weights, n.key), weight(weights, n.keyBias)));
  const v = split(dense(x, weight(weights, n.value), weight(weights, n.valueBias)));
  const logits = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(headDim)), causalMask(length));
  const context = tf.matMul(dropout(tf.softmax(logits)), v);
  const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, length, dim]);
  return dense(merged, weight(weights, n.output), weight(weights, n.outputBias));
}

/**
 * The hidden state at every position: h [B, L, dim].
 * @param weights the model's tensors.
 * @param architecture its sizes.
 * @param inputs [B, L] int32 item rows, oldest first, L ≤ maxLength.
 * @param embed looks up item rows in the table (the trainer swaps in a lookup with a gradient that
 *   wasm supports); defaults to tf.gather.
 * @param dropout while training; null for inference.
 */
export function sequenceHidden(
  weights: SequenceWeights,
  architecture: SequenceArchitecture,
  inputs: tf.Tensor2D,
  embed: (items: tf.Tensor, rows: tf.Tensor) => tf.Tensor = (items, rows) => tf.gather(items, rows),
  dropout: DropoutMasks | null = null,
): tf.Tensor3D {
  const [, length = 0] = inputs.shape;
  if (length < 1 || length > architecture.maxLength) {
    throw new RecError('INTERNAL', `a sequence of ${length} items; the model reads 1 to ${architecture.maxLength}`);
  }
  let drawn = 0;
  const drop: Dropout = (t) => (dropout === null || dropout.rate === 0 ? t : tf.dropout(t, dropout.rate, undefined, `${dropout.seed}/${drawn++}`));
  const positions = tf.slice(weight(weights, SEQUENCE_WEIGHTS.positions), [architecture.maxLength - length, 0], [length, architecture.dim]);
  let x = drop(tf.add(tf.mul(embed(weight(weights, SEQUENCE_WEIGHTS.items), inputs), Math.sqrt(architecture.dim)), positions));
  for (let b = 0; b < architecture.blocks; b++) {
    const n = blockWeightNames(b);
    x = tf.add(x, drop(attention(layerNorm(x, weight(weights, n.attentionNormGamma), weight(weights, n.attentionNormBeta)), weights, b, architecture, drop)));
    const normed = layerNorm(x, weight(weights, n.ffnNormGamma), weight(weights, n.ffnNormBeta));
    const inner = drop(tf.relu(dense(normed, weight(weights, n.ffnIn), weight(weights, n.ffnInBias))));
    x = tf.add(x, drop(dense(inner, weight(weights, n.ffnOut), weight(weights, n.ffnOutBias))));
  }
  return layerNorm(x, weight(weights, SEQUENCE_WEIGHTS.finalNormGamma), weight(weights, SEQUENCE_WEIGHTS.finalNormBeta)) as tf.Tensor3D;
}

/**
 * The interest vector of each sequence: h at its newest position, [B, dim].
 * @param weights the model's tensors.
 * @param architecture its sizes.
 * @param inputs [B, L] int32 item rows, oldest first; sequences longer than maxLength must be cut first.
 */
export function sequenceInterest(weights: SequenceWeights, architecture: SequenceArchitecture, inputs: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const hidden = sequenceHidden(weights, architecture, inputs);
    const [batch = 1, length = 1] = hidden.shape;
    return tf.reshape(tf.slice(hidden, [0, length - 1, 0], [batch, 1, architecture.dim]), [batch, architecture.dim]) as tf.Tensor2D;
  });
}

/**
 * Decodes a verified weights file into tensors on the active backend.
 * @param spec the validated description (core/sequence-spec.ts).
 * @param bytes the weights file.
 * @returns the tensors; the caller disposes them.
 */
export function decodeSequenceWeights(spec: SequenceModelSpec, bytes: Uint8Array): Map<string, tf.Tensor> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const decoded = tf.io.decodeWeights(
    buffer,
    spec.weightsManifest[0].weights.map((w) => ({ ...w, shape: [...w.shape] })),
  );
  return new Map(Object.entries(decoded));
}

/**
 * Encodes tensors into the TF.js weights format: the description (`sequence.json`) and the bytes.
 * The item table, the bulk of the file, is stored as float16 when `halfItems`.
 * @param weights the tensors, in any order (written in the spec's order).
 * @param architecture the sizes.
 * @param weightsPath the weights file's name, relative to the description.
 * @param training how it was trained, recorded for reports.
 * @param halfItems store the item table as float16 (half the download; scores change by ~1e-3).
 */
export async function encodeSequenceModel(
  weights: SequenceWeights,
  architecture: SequenceArchitecture,
  weightsPath: string,
  training: Record<string, unknown>,
  halfItems: boolean,
): Promise<{ spec: SequenceModelSpec; bytes: Uint8Array }> {
  const parts: Uint8Array[] = [];
  const specs: SequenceModelSpec['weightsManifest'][0]['weights'][number][] = [];
  for (const [name, shape] of sequenceWeightShapes(architecture)) {
    const values = await weight(weights, name).data<'float32'>();
    const half = halfItems && name === SEQUENCE_WEIGHTS.items;
    parts.push(half ? encodeVectors(values, values.length, 1, 'float16') : new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice());
    specs.push(half ? { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } } : { name, shape, dtype: 'float32' });
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return {
    spec: {
      format: SEQUENCE_FORMAT,
      formatVersion: SEQUENCE_FORMAT_VERSION,
      architecture,
      weightsManifest: [{ paths: [weightsPath], weights: specs }],
      training,
    },
    bytes,
  };
}
