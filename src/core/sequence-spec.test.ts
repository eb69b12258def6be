import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash.ts';
import { loadModel } from './model.ts';
import { decodeSequenceItemTable } from './sequence-items.ts';
import { parseSequenceSpec, SEQUENCE_FORMAT, SEQUENCE_FORMAT_VERSION, sequenceWeightShapes, type SequenceArchitecture } from './sequence-spec.ts';
import { fixtureModelFiles, memoryModelSource } from './test-support.ts';

const COUNT = 12;
const DIM = 8;
const architecture: SequenceArchitecture = { itemCount: COUNT, dim: DIM, maxLength: 4, blocks: 1, heads: 2, ffnDim: 16 };

/** A sequence.json for `arch`, every tensor float32 in sequenceWeightShapes' order. */
function specJson(arch: SequenceArchitecture): Record<string, unknown> {
  const weights = [...sequenceWeightShapes(arch)].map(([name, shape]) => ({ name, shape, dtype: 'float32' }));
  return { format: SEQUENCE_FORMAT, formatVersion: SEQUENCE_FORMAT_VERSION, architecture: arch, weightsManifest: [{ paths: ['sequence.bin'], weights }] };
}

/**
 * The fixture model's files with a sequence model added: small finite weights, except `poison`
 * written at a float index of the weights file.
 */
async function filesWithSequence(poison?: { readonly index: number; readonly value: number }): Promise<Map<string, Uint8Array>> {
  const files = await fixtureModelFiles({ count: COUNT, dim: DIM, popularity: new Float32Array(COUNT).fill(0.5) });
  const values = [...sequenceWeightShapes(architecture).values()].reduce((n, shape) => n + shape.reduce((a, d) => a * d, 1), 0);
  const floats = Float32Array.from({ length: values }, (_, i) => ((i % 7) - 3) / 10);
  if (poison !== undefined) floats[poison.index] = poison.value;
  const weights = new Uint8Array(floats.buffer);
  const spec = new TextEncoder().encode(JSON.stringify(specJson(architecture)));
  const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as { files: Record<string, unknown> };
  manifest.files['sequence'] = { path: 'sequence.json', bytes: spec.byteLength, sha256: await sha256Hex(spec) };
  manifest.files['sequenceWeights'] = { path: 'sequence.bin', bytes: weights.byteLength, sha256: await sha256Hex(weights) };
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  files.set('sequence.json', spec);
  files.set('sequence.bin', weights);
  return files;
}

describe('a sequence model loaded with its model', () => {
  it('is loaded when every value is finite', async () => {
    const model = await loadModel(memoryModelSource(await filesWithSequence()));
    const { sequence } = model;
    expect(sequence?.spec.architecture).toEqual(architecture);
    if (sequence !== null) expect(decodeSequenceItemTable(sequence).bias).toHaveLength(COUNT);
  });

  // items is [12, 8], item_bias [12], positions [4, 8], then block0's attention norm gamma [8], beta [8], query kernel [8, 8].
  const queryKernelStart = COUNT * DIM + COUNT + 4 * DIM + DIM + DIM;
  it.each([
    ['NaN', Number.NaN],
    ['+Infinity', Number.POSITIVE_INFINITY],
  ])('refuses a %s weight, naming the tensor and the index', async (_, value) => {
    const files = await filesWithSequence({ index: queryKernelStart + 2 * DIM + 5, value });
    await expect(loadModel(memoryModelSource(files))).rejects.toMatchObject({
      code: 'MODEL_VECTORS_INVALID',
      location: { file: 'models/fixture/sequence.bin (block0/query/kernel)' },
      message: expect.stringMatching(/row 2 column 5 is (NaN|Infinity), expected a finite number/) as unknown,
    });
  });
});

describe('a sequence weights file of the wrong size', () => {
  it('is refused with the size its spec describes, even when the manifest agrees with the file', async () => {
    const files = await filesWithSequence();
    const weights = files.get('sequence.bin') ?? new Uint8Array();
    const longer = Uint8Array.from([...weights, 0, 0, 0, 0]);
    const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as { files: Record<string, unknown> };
    manifest.files['sequenceWeights'] = { path: 'sequence.bin', bytes: longer.byteLength, sha256: await sha256Hex(longer) };
    files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
    files.set('sequence.bin', longer);
    await expect(loadModel(memoryModelSource(files))).rejects.toMatchObject({
      code: 'MODEL_DIMENSION_MISMATCH',
      message: `models/fixture/sequence.bin: expected ${weights.byteLength} bytes for the tensors models/fixture/sequence.json describes, found ${longer.byteLength}`,
    });
  });
});

describe('parseSequenceSpec', () => {
  it('refuses a model trained for another catalogue size, naming the field', () => {
    const other = { ...architecture, itemCount: COUNT + 1 };
    expect(() => parseSequenceSpec(specJson(other), { itemCount: COUNT, dim: DIM }, 'sequence.json')).toThrow(
      expect.objectContaining({ code: 'MODEL_DIMENSION_MISMATCH', location: { file: 'sequence.json', field: 'architecture.itemCount' } }),
    );
  });

  it('accepts one trained for this catalogue size', () => {
    expect(parseSequenceSpec(specJson(architecture), { itemCount: COUNT, dim: DIM }, 'sequence.json').architecture).toEqual(architecture);
  });
});
