// parseSequenceSpec on one bad field at a time: the error's code, the field it names and the exact
// message, so a check that is dropped or names the wrong field fails here.
import { describe, expect, it } from 'vitest';
import {
  parseSequenceSpec,
  SEQUENCE_FORMAT,
  SEQUENCE_FORMAT_VERSION,
  SEQUENCE_WEIGHTS,
  sequenceWeightBytes,
  sequenceWeightShapes,
  type SequenceArchitecture,
} from './sequence-spec.ts';

const architecture: SequenceArchitecture = { itemCount: 12, dim: 8, maxLength: 4, blocks: 2, heads: 2, ffnDim: 16 };
const MODEL = { itemCount: 12, dim: 8 };

interface Weight {
  name: string;
  shape: number[];
  dtype: unknown;
  quantization?: unknown;
}
interface Spec {
  format: unknown;
  formatVersion: unknown;
  architecture: Record<string, unknown>;
  weightsManifest: { paths: unknown[]; weights: Weight[] }[];
  training?: unknown;
}

function spec(): Spec {
  const weights = [...sequenceWeightShapes(architecture)].map(([name, shape]) => ({ name, shape: [...shape], dtype: 'float32' as unknown }));
  return {
    format: SEQUENCE_FORMAT,
    formatVersion: SEQUENCE_FORMAT_VERSION,
    architecture: { ...architecture },
    weightsManifest: [{ paths: ['sequence.bin'], weights }],
  };
}

const group = (s: Spec) => s.weightsManifest[0] as { paths: unknown[]; weights: Weight[] };
const weight = (s: Spec, i: number) => group(s).weights[i] as Weight;

describe('parseSequenceSpec refuses', () => {
  it.each<[string, (s: Spec) => void, string, string, string]>([
    ['another format', (s) => (s.format = 'other'), 'MANIFEST_INVALID', 'format', `expected "${SEQUENCE_FORMAT}", found "other"`],
    ['another version', (s) => (s.formatVersion = 99), 'MANIFEST_INVALID', 'formatVersion', `expected ${SEQUENCE_FORMAT_VERSION}, found number 99`],
    ['a fractional size', (s) => (s.architecture['blocks'] = 1.5), 'MANIFEST_INVALID', 'architecture.blocks', 'expected an integer, found number 1.5'],
    [
      'a size above its cap',
      (s) => (s.architecture['blocks'] = 17),
      'MANIFEST_INVALID',
      'architecture.blocks',
      'expected a number in [1, 16], found number 17',
    ],
    ['a size of 0', (s) => (s.architecture['heads'] = 0), 'MANIFEST_INVALID', 'architecture.heads', 'expected a number in [1, 64], found number 0'],
    ['another dimension', (s) => (s.architecture['dim'] = 16), 'MODEL_DIMENSION_MISMATCH', 'architecture.dim', "expected 8 (the model's dim), found number 16"],
    [
      'heads that do not divide the dimension',
      (s) => (s.architecture['heads'] = 3),
      'MANIFEST_INVALID',
      'architecture.heads',
      'expected a divisor of dim 8, found number 3',
    ],
    ['two weight groups', (s) => s.weightsManifest.push(group(s)), 'MANIFEST_INVALID', 'weightsManifest', 'expected one group, found "2 groups"'],
    ['two weight files', (s) => group(s).paths.push('more.bin'), 'MANIFEST_INVALID', 'weightsManifest[0].paths', 'expected one path, found "2 paths"'],
    ['an empty weights path', (s) => (group(s).paths[0] = ''), 'MANIFEST_INVALID', 'weightsManifest[0].paths[0]', 'expected a non-empty string, found ""'],
    [
      'a tensor the architecture does not have',
      (s) => (weight(s, 3).name = 'block9/query/kernel'),
      'MANIFEST_INVALID',
      'weightsManifest[0].weights[3].name',
      'expected a tensor of the architecture, found "block9/query/kernel"',
    ],
    [
      'a tensor twice',
      (s) => (weight(s, 1).name = weight(s, 0).name),
      'MANIFEST_INVALID',
      'weightsManifest[0].weights[1].name',
      `expected each tensor once, found "${SEQUENCE_WEIGHTS.items}"`,
    ],
    [
      'a tensor of another shape',
      (s) => (weight(s, 0).shape = [12, 9]),
      'MODEL_DIMENSION_MISMATCH',
      'weightsManifest[0].weights[0].shape',
      `expected [12, 8] for ${SEQUENCE_WEIGHTS.items}, found "[12, 9]"`,
    ],
    [
      'a tensor of fewer dimensions',
      (s) => (weight(s, 0).shape = [12]),
      'MODEL_DIMENSION_MISMATCH',
      'weightsManifest[0].weights[0].shape',
      `expected [12, 8] for ${SEQUENCE_WEIGHTS.items}, found "[12]"`,
    ],
    [
      'a stored type other than float32',
      (s) => (weight(s, 2).dtype = 'int8'),
      'MANIFEST_INVALID',
      'weightsManifest[0].weights[2].dtype',
      'expected "float32", found "int8"',
    ],
    [
      'a quantisation other than float16',
      (s) => (weight(s, 0).quantization = { dtype: 'uint8' }),
      'MANIFEST_INVALID',
      'weightsManifest[0].weights[0].quantization.dtype',
      'expected one of float16, found "uint8"',
    ],
    [
      'a missing tensor',
      (s) => group(s).weights.pop(),
      'MANIFEST_INVALID',
      'weightsManifest[0].weights',
      `expected a tensor named "${SEQUENCE_WEIGHTS.finalNormBeta}", found "none"`,
    ],
    ['training notes that are not an object', (s) => (s.training = 'fast'), 'MANIFEST_INVALID', 'training', 'expected an object, found "fast"'],
  ])('%s', (_, corrupt, code, field, message) => {
    const bad = spec();
    corrupt(bad);
    expect(() => parseSequenceSpec(bad, MODEL, 'sequence.json')).toThrow(
      expect.objectContaining({ code, message: `sequence.json: ${field}: ${message}`, location: { file: 'sequence.json', field } }),
    );
  });
});

describe('parseSequenceSpec accepts', () => {
  it('a float16-stored tensor and training notes, and keeps them', () => {
    const good = spec();
    weight(good, 0).quantization = { dtype: 'float16' };
    good.training = { epochs: 3 };
    const parsed = parseSequenceSpec(good, MODEL, 'sequence.json');
    expect(parsed.weightsManifest[0]?.weights[0]).toEqual({
      name: SEQUENCE_WEIGHTS.items,
      shape: [12, 8],
      dtype: 'float32',
      quantization: { dtype: 'float16' },
    });
    expect(parsed.weightsManifest[0]?.weights[1]).toEqual({ name: SEQUENCE_WEIGHTS.itemBias, shape: [12], dtype: 'float32' });
    expect(parsed.training).toEqual({ epochs: 3 });
    expect(parseSequenceSpec(spec(), MODEL, 'sequence.json').training).toEqual({});
  });
});

describe('sequenceWeightShapes and sequenceWeightBytes', () => {
  it('lists every block’s tensors and the final norm, and counts 4 bytes a float32 value, 2 a float16 one', () => {
    const shapes = sequenceWeightShapes(architecture);
    // 3 leading tensors, 16 per block, the final norm's 2.
    expect(shapes.size).toBe(3 + 16 * architecture.blocks + 2);
    expect(shapes.get(SEQUENCE_WEIGHTS.finalNormGamma)).toEqual([8]);
    expect(shapes.get(SEQUENCE_WEIGHTS.finalNormBeta)).toEqual([8]);
    expect(shapes.get('block1/query/kernel')).toEqual([8, 8]);
    const weights = [
      { name: 'a', shape: [3, 2], dtype: 'float32' as const },
      { name: 'b', shape: [5], dtype: 'float32' as const, quantization: { dtype: 'float16' as const } },
    ];
    expect(sequenceWeightBytes(weights)).toBe(6 * 4 + 5 * 2);
  });
});
