/**
 * Weight quantisation of a TF.js graph model, for the query encoder the browser downloads: a pure,
 * deterministic function from a model.json and its weight bytes to a smaller model.json and shards.
 *
 * It writes TF.js's own format (tfjs-core io_utils `decodeWeight`), so `loadGraphModel` dequantises
 * while loading and nothing else changes: each quantised float32 weight gets
 * `"quantization": { "dtype": "uint8" | "uint16", "min", "scale" }` and its stored value q decodes
 * to `q * scale + min` (affine, per tensor). int32, bool and string weights are copied untouched;
 * float32 weights with fewer than `keepFloat32Below` values (biases, layer-norm gains) stay float32,
 * a few kilobytes in all.
 */
import type { io } from '@tensorflow/tfjs-core';
import { RecError } from '../../core/errors.ts';
import { concatBytes } from '../../core/bytes.ts';

/** How the float32 weights are stored. */
export interface QuantiseScheme {
  /** Stored type of a quantised weight: 1 or 2 bytes per value. */
  readonly dtype: 'uint8' | 'uint16';
  /** float32 weights with fewer values than this stay float32. */
  readonly keepFloat32Below: number;
}

/** uint8 per tensor; tensors under 4,096 values (about 20 kB of the USE's 28 MB) stay float32. */
export const DEFAULT_SCHEME: QuantiseScheme = { dtype: 'uint8', keepFloat32Below: 4096 };

/** A graph model: its model.json (parsed) and the bytes of its shards, concatenated in manifest order. */
export interface GraphModelFiles {
  readonly modelJson: io.ModelJSON;
  readonly weightData: Uint8Array;
}

/** The quantised model: model.json (parsed) and its shards, named as the manifest lists them. */
export interface QuantisedModel {
  readonly modelJson: io.ModelJSON;
  readonly shards: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }>;
}

/** Bytes per shard, as the TF.js converter writes them (4 MiB): small enough for any cache. */
const SHARD_BYTES = 4 * 1024 * 1024;

const BYTES_PER_VALUE: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const LEVELS: Readonly<Record<QuantiseScheme['dtype'], number>> = { uint8: 255, uint16: 65535 };

/**
 * A short, file-name-safe name of a scheme, e.g. `uint8-f32below4096`.
 * @param scheme the scheme.
 */
export function schemeId(scheme: QuantiseScheme): string {
  return `${scheme.dtype}${scheme.keepFloat32Below > 0 ? `-f32below${scheme.keepFloat32Below}` : ''}`;
}

/**
 * Quantises every float32 weight of a graph model with `scheme`.
 * @param model the model.json and its weight bytes.
 * @param scheme how to store the float32 weights (default DEFAULT_SCHEME).
 * @returns a new model.json (topology and everything but the weights manifest as given) and its shards.
 * @throws RecError ENCODER_UNAVAILABLE when the weights do not fit the manifest, a weight is already
 *   quantised or holds a value that is not finite.
 */
export function quantiseGraphModel(model: GraphModelFiles, scheme: QuantiseScheme = DEFAULT_SCHEME): QuantisedModel {
  const { modelJson, weightData } = model;
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const parts: Uint8Array[] = [];
  const weights: io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization !== undefined) fail(`weight ${spec.name} is already quantised (${spec.quantization.dtype})`);
    const byteLength = weightByteLength(spec, weightData, offset);
    if (offset + byteLength > weightData.byteLength)
      fail(`weight ${spec.name} ends at byte ${offset + byteLength}, past the ${weightData.byteLength} bytes of the shards`);
    const bytes = weightData.subarray(offset, offset + byteLength);
    offset += byteLength;
    if (spec.dtype !== 'float32' || byteLength / 4 < scheme.keepFloat32Below) {
      parts.push(bytes);
      weights.push(spec);
      continue;
    }
    const values = new Float32Array(bytes.slice().buffer);
    const { stored, min, scale } = quantiseValues(values, scheme.dtype, spec.name);
    parts.push(stored);
    weights.push({ ...spec, quantization: { dtype: scheme.dtype, min, scale } });
  }
  if (offset !== weightData.byteLength) fail(`the manifest describes ${offset} bytes of weights, the shards hold ${weightData.byteLength}`);
  const data = concatBytes(parts);
  const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
  const shards = Array.from({ length: count }, (_, i) => ({
    name: `group1-shard${i + 1}of${count}`,
    bytes: data.subarray(i * SHARD_BYTES, Math.min(data.byteLength, (i + 1) * SHARD_BYTES)),
  }));
  return {
    modelJson: { ...modelJson, weightsManifest: [{ paths: shards.map((shard) => shard.name), weights }] },
    shards,
  };
}

/**
 * Affine quantisation of one tensor over its own range: q = round((x - min) / scale), so every value
 * decodes within scale / 2 of itself.
 * @param values the float32 values.
 * @param dtype the stored type.
 * @param name the weight's name, for messages.
 */
export function quantiseValues(values: Float32Array, dtype: QuantiseScheme['dtype'], name: string): { stored: Uint8Array; min: number; scale: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) fail(`weight ${name} holds ${value}, which cannot be quantised`);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const levels = LEVELS[dtype];
  // A constant tensor: every value is min, stored as 0 (any positive scale decodes it exactly).
  const scale = max > min ? (max - min) / levels : 1;
  const quantised = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) quantised[i] = Math.min(levels, Math.max(0, Math.round(((values[i] ?? min) - min) / scale)));
  return { stored: new Uint8Array(quantised.buffer), min: values.length === 0 ? 0 : min, scale };
}

/** Bytes one weight takes in the shards; a string weight's length is read from its length prefixes. */
function weightByteLength(spec: io.WeightsManifestEntry, data: Uint8Array, offset: number): number {
  const size = spec.shape.reduce((product, n) => product * n, 1);
  if (spec.dtype !== 'string') {
    const bytes = BYTES_PER_VALUE[spec.dtype];
    if (bytes === undefined) fail(`weight ${spec.name} has dtype ${spec.dtype}, which this quantiser does not know`);
    return size * bytes;
  }
  // Each string: a little-endian uint32 byte length, then the bytes (tfjs-core io_utils).
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let length = 0;
  for (let i = 0; i < size; i++) {
    if (offset + length + 4 > data.byteLength) fail(`weight ${spec.name} runs past the end of the shards`);
    length += 4 + view.getUint32(offset + length, true);
  }
  return length;
}

function fail(message: string): never {
  throw new RecError('ENCODER_UNAVAILABLE', `cannot quantise the text encoder: ${message}`, { file: 'model.json' });
}
