/**
 * The trained sequence model's item table and item bias, read from its verified weight bytes
 * without TF.js: the browser scores the catalogue against them (as the item matrix and, with prior
 * weight 1, the prior), exactly as the offline evaluation does (eval/sequence-method.ts). The
 * tensors lie in the weights file one after another in the spec's order, float32 or, when the spec
 * says so, float16 (TF.js's weight quantisation, IEEE half floats like core/vectors.ts's layout).
 */
import { RecError } from './errors.ts';
import type { LoadedSequenceModel } from './model.ts';
import { SEQUENCE_WEIGHTS, sequenceWeightBytes } from './sequence-spec.ts';
import { decodeVectors } from './vectors.ts';

/** What the browser's engine scores with when the model has a sequence model. */
export interface SequenceItemTable {
  /** itemCount x dim, row-major: the trained (tied) item vectors, not unit length. */
  readonly vectors: Float32Array;
  /** One learned score offset per item. */
  readonly bias: Float32Array;
}

/**
 * @param sequence the loaded sequence model (its spec validated and its weights' size checked by loadModel).
 * @returns the item table and the item bias, decoded.
 * @throws RecError MODEL_VECTORS_INVALID when a value is not finite; MANIFEST_INVALID when the spec
 *   lacks either tensor.
 */
export function decodeSequenceItemTable(sequence: LoadedSequenceModel): SequenceItemTable {
  const { spec, weights } = sequence;
  const { itemCount, dim } = spec.architecture;
  const group = spec.weightsManifest[0];
  const file = group.paths[0];
  const read = (name: string, rows: number, width: number): Float32Array => {
    let offset = 0;
    for (const entry of group.weights) {
      const bytes = sequenceWeightBytes([entry]);
      if (entry.name === name) {
        const dtype = entry.quantization === undefined ? 'float32' : 'float16';
        return decodeVectors(weights.subarray(offset, offset + bytes), rows, width, dtype, `${file} (${name})`, false);
      }
      offset += bytes;
    }
    throw new RecError('MANIFEST_INVALID', `the weights manifest has no tensor "${name}"`, { file });
  };
  return { vectors: read(SEQUENCE_WEIGHTS.items, itemCount, dim), bias: read(SEQUENCE_WEIGHTS.itemBias, itemCount, 1) };
}
