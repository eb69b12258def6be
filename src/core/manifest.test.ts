import { describe, expect, it } from 'vitest';
import { RecError } from './errors.ts';
import { createManifest, formatManifest, parseManifest, withSequenceModel, type ManifestInput, type ModelFile } from './manifest.ts';

const file = (path: string, bytes: number): ModelFile => ({ path, bytes, sha256: 'a'.repeat(64) });
const INPUT: ManifestInput = {
  catalogId: 'shop',
  createdAt: '2026-01-02T03:04:05.000Z',
  itemCount: 3,
  dim: 2,
  dtype: 'float32',
  encoder: { name: 'enc', version: 'enc@1', dim: 4 },
  // Given out of the format's order: the manifest still lists them in it.
  files: { projection: file('projection.f32', 4 * 2 * 4), catalog: file('catalog.json', 10), vectors: file('vectors.float32.bin', 3 * 2 * 4) },
};

describe('createManifest', () => {
  it('writes the format, its version and the keys in the order parseManifest reads them back', () => {
    const manifest = createManifest(INPUT);
    expect(Object.keys(manifest)).toEqual(['format', 'formatVersion', 'catalogId', 'createdAt', 'itemCount', 'dim', 'dtype', 'encoder', 'files']);
    expect(Object.keys(manifest.files)).toEqual(['vectors', 'catalog', 'projection']);
    const text = formatManifest(manifest);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseManifest(JSON.parse(text), 'm.json')).toEqual(manifest);
    expect(formatManifest(parseManifest(JSON.parse(text), 'm.json'))).toBe(text);
  });

  it('refuses what the browser would refuse, naming the field', () => {
    expect(() => createManifest({ ...INPUT, files: { vectors: INPUT.files.vectors, catalog: INPUT.files.catalog } }, 'out/manifest.json')).toThrow(RecError);
    expect(() => createManifest({ ...INPUT, itemCount: 4 }, 'out/manifest.json')).toThrow(/files\.vectors\.bytes/);
  });

  it('adds a sequence model, or replaces the one a manifest had', () => {
    const first = withSequenceModel(createManifest(INPUT), file('sequence.1.json', 5), file('sequence.1.bin', 6));
    expect(Object.keys(first.files)).toEqual(['vectors', 'catalog', 'projection', 'sequence', 'sequenceWeights']);
    const second = withSequenceModel(first, file('sequence.2.json', 7), file('sequence.2.bin', 8));
    expect(second.files.sequence?.path).toBe('sequence.2.json');
    expect(second.files.sequenceWeights?.path).toBe('sequence.2.bin');
    expect({ ...second, files: { ...second.files, sequence: undefined, sequenceWeights: undefined } }).toEqual({
      ...createManifest(INPUT),
      files: { ...createManifest(INPUT).files, sequence: undefined, sequenceWeights: undefined },
    });
  });
});

describe('the search calibration', () => {
  const search = { semanticFloor: 0.4123, calibration: 'max cosine of 256 random-character strings' };

  it('is optional: absent in older folders, kept last and read back when given', () => {
    expect(createManifest(INPUT).search).toBeUndefined();
    const manifest = createManifest({ ...INPUT, search });
    expect(manifest.search).toEqual(search);
    expect(Object.keys(manifest).at(-1)).toBe('search');
    expect(parseManifest(JSON.parse(formatManifest(manifest)))).toEqual(manifest);
    expect(withSequenceModel(manifest, file('sequence.1.json', 5), file('sequence.1.bin', 6)).search).toEqual(search);
    expect(createManifest({ ...INPUT, search: { ...search, semanticFloor: -1 } }).search?.semanticFloor).toBe(-1);
  });

  it('refuses a floor that is not a finite number in [-1, 1], or no calibration, naming the field', () => {
    for (const semanticFloor of [1.01, -1.5, Number.NaN, '0.4', null]) {
      expect(() => parseManifest({ ...JSON.parse(formatManifest(createManifest(INPUT))), search: { ...search, semanticFloor } }, 'm.json')).toThrow(
        expect.objectContaining({ code: 'MANIFEST_INVALID', message: expect.stringContaining('search.semanticFloor') }),
      );
    }
    expect(() => createManifest({ ...INPUT, search: { ...search, calibration: '' } })).toThrow(/search\.calibration/);
    expect(() => parseManifest({ ...JSON.parse(formatManifest(createManifest(INPUT))), search: 0.4 })).toThrow(/search/);
  });
});
