/**
 * The sequence model's file format, defined once: a self-attentive next-item model (SASRec-style)
 * stored in TF.js's weights format. `sequence.json` holds the architecture and a TF.js
 * `weightsManifest` (name, shape, dtype of each tensor, in file order); the bytes are in the
 * manifest's `sequenceWeights` file. Core validates the description against the model it belongs to
 * (same items, same dimension) and knows which tensors the architecture needs, so a file that lacks
 * one, or has one of the wrong shape, is refused by name before any tensor is made. The engine
 * (engine/sequence-model.ts) decodes and runs it.
 */
import { fail, readArray, readNumber, readOneOf, readRecord, readString, type Reader } from './validate.ts';

export const SEQUENCE_FORMAT = 'vitrine-sequence-model';
export const SEQUENCE_FORMAT_VERSION = 1;

/** The architecture: sizes only; every tensor's shape follows from them (`sequenceWeightShapes`). */
export interface SequenceArchitecture {
  /** Items scored; equals the model's itemCount. */
  readonly itemCount: number;
  /** Width of every layer and of the item vectors; equals the model's dim. */
  readonly dim: number;
  /** The model reads at most this many of the shopper's latest items. */
  readonly maxLength: number;
  readonly blocks: number;
  /** Attention heads per block; dim must be a multiple of it. */
  readonly heads: number;
  /** Inner width of each block's feed-forward layer. */
  readonly ffnDim: number;
}

/** One tensor in the weights file (TF.js `WeightsManifestEntry`, with the dtypes used here). */
export interface SequenceWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
  /** Stored as float16 and widened to float32 on load (TF.js's weight quantisation). */
  readonly quantization?: { readonly dtype: 'float16' };
}

export interface SequenceModelSpec {
  readonly format: typeof SEQUENCE_FORMAT;
  readonly formatVersion: typeof SEQUENCE_FORMAT_VERSION;
  readonly architecture: SequenceArchitecture;
  /** TF.js `weightsManifest`: one group whose one path is the weights file. */
  readonly weightsManifest: readonly [{ readonly paths: readonly [string]; readonly weights: readonly SequenceWeightSpec[] }];
  /** How it was trained (command, epochs, loss, validation figures), for reports; not read by the app. */
  readonly training: Readonly<Record<string, unknown>>;
}

/** Names of the tensors of one attention block. */
export function blockWeightNames(
  block: number,
): Record<
  | 'attentionNormGamma'
  | 'attentionNormBeta'
  | 'query'
  | 'queryBias'
  | 'key'
  | 'keyBias'
  | 'value'
  | 'valueBias'
  | 'output'
  | 'outputBias'
  | 'ffnNormGamma'
  | 'ffnNormBeta'
  | 'ffnIn'
  | 'ffnInBias'
  | 'ffnOut'
  | 'ffnOutBias',
  string
> {
  const p = `block${block}`;
  return {
    attentionNormGamma: `${p}/attention_norm/gamma`,
    attentionNormBeta: `${p}/attention_norm/beta`,
    query: `${p}/query/kernel`,
    queryBias: `${p}/query/bias`,
    key: `${p}/key/kernel`,
    keyBias: `${p}/key/bias`,
    value: `${p}/value/kernel`,
    valueBias: `${p}/value/bias`,
    output: `${p}/output/kernel`,
    outputBias: `${p}/output/bias`,
    ffnNormGamma: `${p}/ffn_norm/gamma`,
    ffnNormBeta: `${p}/ffn_norm/beta`,
    ffnIn: `${p}/ffn_in/kernel`,
    ffnInBias: `${p}/ffn_in/bias`,
    ffnOut: `${p}/ffn_out/kernel`,
    ffnOutBias: `${p}/ffn_out/bias`,
  };
}

/** Names of the tensors outside the blocks. */
export const SEQUENCE_WEIGHTS = {
  /** [itemCount, dim]: input embeddings and, tied, the output vectors the interest is scored against. */
  items: 'items',
  /** [itemCount]: each item's learned score offset (the model's prior). */
  itemBias: 'item_bias',
  /** [maxLength, dim]: counted from the newest item (row maxLength-1 is the newest). */
  positions: 'positions',
  finalNormGamma: 'final_norm/gamma',
  finalNormBeta: 'final_norm/beta',
} as const;

/**
 * Every tensor the architecture needs, with its shape, in the order the trainer writes them.
 * @param a the architecture.
 */
export function sequenceWeightShapes(a: SequenceArchitecture): Map<string, readonly number[]> {
  const shapes = new Map<string, readonly number[]>([
    [SEQUENCE_WEIGHTS.items, [a.itemCount, a.dim]],
    [SEQUENCE_WEIGHTS.itemBias, [a.itemCount]],
    [SEQUENCE_WEIGHTS.positions, [a.maxLength, a.dim]],
  ]);
  for (let b = 0; b < a.blocks; b++) {
    const n = blockWeightNames(b);
    for (const [name, shape] of [
      [n.attentionNormGamma, [a.dim]],
      [n.attentionNormBeta, [a.dim]],
      [n.query, [a.dim, a.dim]],
      [n.queryBias, [a.dim]],
      [n.key, [a.dim, a.dim]],
      [n.keyBias, [a.dim]],
      [n.value, [a.dim, a.dim]],
      [n.valueBias, [a.dim]],
      [n.output, [a.dim, a.dim]],
      [n.outputBias, [a.dim]],
      [n.ffnNormGamma, [a.dim]],
      [n.ffnNormBeta, [a.dim]],
      [n.ffnIn, [a.dim, a.ffnDim]],
      [n.ffnInBias, [a.ffnDim]],
      [n.ffnOut, [a.ffnDim, a.dim]],
      [n.ffnOutBias, [a.dim]],
    ] as const) {
      shapes.set(name, shape);
    }
  }
  shapes.set(SEQUENCE_WEIGHTS.finalNormGamma, [a.dim]);
  shapes.set(SEQUENCE_WEIGHTS.finalNormBeta, [a.dim]);
  return shapes;
}

/**
 * Bytes of the weights file a spec describes (4 per float32 value, 2 per float16 one).
 * @param weights the spec's weight entries.
 */
export function sequenceWeightBytes(weights: readonly SequenceWeightSpec[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((n, d) => n * d, 1) * (w.quantization === undefined ? 4 : 2), 0);
}

/**
 * Validates a parsed `sequence.json` against the model it belongs to.
 * @param value the parsed JSON.
 * @param model the item count and dimension of the model's manifest.
 * @param file where it came from, for messages.
 * @throws RecError MANIFEST_INVALID naming the first bad field, or MODEL_DIMENSION_MISMATCH when it
 *   was trained for another catalogue size or dimension, or a tensor has the wrong shape.
 */
export function parseSequenceSpec(value: unknown, model: { readonly itemCount: number; readonly dim: number }, file: string): SequenceModelSpec {
  const reader: Reader = { code: 'MANIFEST_INVALID', file };
  const mismatch: Reader = { ...reader, code: 'MODEL_DIMENSION_MISMATCH' };
  const root = readRecord(reader, value, '(root)');
  if (root['format'] !== SEQUENCE_FORMAT) fail(reader, 'format', `"${SEQUENCE_FORMAT}"`, root['format']);
  if (root['formatVersion'] !== SEQUENCE_FORMAT_VERSION) fail(reader, 'formatVersion', `${SEQUENCE_FORMAT_VERSION}`, root['formatVersion']);
  const arch = readRecord(reader, root['architecture'], 'architecture');
  const size = (field: keyof SequenceArchitecture, max: number): number =>
    readNumber(reader, arch[field], `architecture.${field}`, { integer: true, min: 1, max });
  const architecture: SequenceArchitecture = {
    itemCount: size('itemCount', 10_000_000),
    dim: size('dim', 4096),
    maxLength: size('maxLength', 1000),
    blocks: size('blocks', 16),
    heads: size('heads', 64),
    ffnDim: size('ffnDim', 16384),
  };
  if (architecture.itemCount !== model.itemCount) fail(mismatch, 'architecture.itemCount', `${model.itemCount} (the model's items)`, architecture.itemCount);
  if (architecture.dim !== model.dim) fail(mismatch, 'architecture.dim', `${model.dim} (the model's dim)`, architecture.dim);
  if (architecture.dim % architecture.heads !== 0) fail(reader, 'architecture.heads', `a divisor of dim ${architecture.dim}`, architecture.heads);

  const groups = readArray(reader, root['weightsManifest'], 'weightsManifest');
  if (groups.length !== 1) fail(reader, 'weightsManifest', 'one group', `${groups.length} groups`);
  const group = readRecord(reader, groups[0], 'weightsManifest[0]');
  const paths = readArray(reader, group['paths'], 'weightsManifest[0].paths');
  if (paths.length !== 1) fail(reader, 'weightsManifest[0].paths', 'one path', `${paths.length} paths`);
  const path = readString(reader, paths[0], 'weightsManifest[0].paths[0]', { nonEmpty: true });
  const expected = sequenceWeightShapes(architecture);
  const seen = new Set<string>();
  const weights = readArray(reader, group['weights'], 'weightsManifest[0].weights').map((entry, i): SequenceWeightSpec => {
    const field = `weightsManifest[0].weights[${i}]`;
    const record = readRecord(reader, entry, field);
    const name = readString(reader, record['name'], `${field}.name`, { nonEmpty: true });
    const shape = expected.get(name);
    if (shape === undefined) fail(reader, `${field}.name`, 'a tensor of the architecture', name);
    if (seen.has(name)) fail(reader, `${field}.name`, 'each tensor once', name);
    seen.add(name);
    const found = readArray(reader, record['shape'], `${field}.shape`);
    if (found.length !== shape.length || found.some((d, j) => d !== shape[j]))
      fail(mismatch, `${field}.shape`, `[${shape.join(', ')}] for ${name}`, `[${found.join(', ')}]`);
    if (record['dtype'] !== 'float32') fail(reader, `${field}.dtype`, '"float32"', record['dtype']);
    if (record['quantization'] === undefined) return { name, shape, dtype: 'float32' };
    const quantization = readRecord(reader, record['quantization'], `${field}.quantization`);
    readOneOf(reader, quantization['dtype'], `${field}.quantization.dtype`, ['float16'] as const);
    return { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } };
  });
  const missing = [...expected.keys()].find((name) => !seen.has(name));
  if (missing !== undefined) fail(reader, 'weightsManifest[0].weights', `a tensor named "${missing}"`, 'none');
  const training = root['training'] === undefined ? {} : readRecord(reader, root['training'], 'training');
  return { format: SEQUENCE_FORMAT, formatVersion: SEQUENCE_FORMAT_VERSION, architecture, weightsManifest: [{ paths: [path], weights }], training };
}
