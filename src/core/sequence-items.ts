/**
 * The trained sequence model's item table and item bias, read from its verified weight bytes
 * without TF.js: the browser scores the catalogue against them (as the item matrix and, with prior
 * weight 1, the prior), exactly as the offline evaluation does (eval/sequence-method.ts). The
 * tensors lie in the weights file one after another in the spec's order, float32 or, when the spec
 * says so, float16 (TF.js's weight quantisation, IEEE half floats like core/vectors.ts's layout).
 */
import { RecError } from './errors.ts';
import type { LoadedSequenceModel } from './model.ts';
import { SEQUENCE_WEIGHTS, sequenceWeightBytes, type SequenceModelSpec } from './sequence-spec.ts';
import { decodeVectors } from './vectors.ts';

/** What the browser's engine scores with when the model has a sequence model. */
export interface SequenceItemTable {
  /** itemCount x dim, row-major: the trained (tied) item vectors, not unit length. */
  readonly vectors: Float32Array;
  /** One learned score offset per item. */
  readonly bias: Float32Array;
}

/**
 * Decodes every tensor of a sequence model's weights file, checking that each value is finite: one
 * NaN or infinity anywhere would make the model's interest, and so every score, NaN.
 * @param spec the validated description.
 * @param weights the weights file's bytes (its size checked against the spec).
 * @param file where the weights came from, for messages.
 * @returns each tensor's values by name, float32 (float16 ones widened).
 * @throws RecError MODEL_VECTORS_INVALID naming the tensor, the row and the column of the first
 *   value that is not finite.
 */
export function decodeSequenceTensors(spec: SequenceModelSpec, weights: Uint8Array, file: string): Map<string, Float32Array> {
  const tensors = new Map<string, Float32Array>();
  let offset = 0;
  for (const entry of spec.weightsManifest[0].weights) {
    const bytes = sequenceWeightBytes([entry]);
    const [rows = 1, ...rest] = entry.shape;
    const width = rest.reduce((n, d) => n * d, 1);
    const dtype = entry.quantization === undefined ? 'float32' : 'float16';
    tensors.set(entry.name, decodeVectors(weights.subarray(offset, offset + bytes), rows, width, dtype, `${file} (${entry.name})`, false));
    offset += bytes;
  }
  return tensors;
}

/**
 * @param sequence the loaded sequence model (its spec validated, its weights' size checked and every
 *   value found finite by loadModel).
 * @returns the item table and the item bias, decoded.
 * @throws RecError MODEL_VECTORS_INVALID when a value is not finite; MANIFEST_INVALID when the spec
 *   lacks either tensor.
 */
export function decodeSequenceItemTable(sequence: LoadedSequenceModel): SequenceItemTable {
  const { spec, weights } = sequence;
  const file = spec.weightsManifest[0].paths[0];
  const tensors = decodeSequenceTensors(spec, weights, file);
  const read = (name: string): Float32Array => {
    const values = tensors.get(name);
    if (values === undefined) throw new RecError('MANIFEST_INVALID', `the weights manifest has no tensor "${name}"`, { file });
    return values;
  };
  return { vectors: read(SEQUENCE_WEIGHTS.items), bias: read(SEQUENCE_WEIGHTS.itemBias) };
}
