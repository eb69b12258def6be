// A model folder with behaviour neighbours or complements (the same layout): loaded and checked as every model file is.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash.ts';
import { loadModel } from './model.ts';
import { EMPTY_NEIGHBOUR, encodeNeighbours, type ItemNeighbours } from './neighbours.ts';
import { fixtureModelFiles, memoryModelSource } from './test-support.ts';

const COUNT = 4;

type Role = 'neighbours' | 'complements';

/** The fixture folder with `bytes` as its `role` file, the manifest describing it. */
async function withSlotsFile(role: Role, bytes: Uint8Array, declaredBytes = bytes.byteLength): Promise<Map<string, Uint8Array>> {
  const files = await fixtureModelFiles({ count: COUNT, dim: 8, popularity: new Float32Array(COUNT) });
  const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as { files: Record<string, unknown> };
  manifest.files[role] = { path: `${role}.bin`, bytes: declaredBytes, sha256: await sha256Hex(bytes) };
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
  files.set(`${role}.bin`, bytes);
  return files;
}

const NEIGHBOURS: ItemNeighbours = {
  perItem: 2,
  rows: Uint32Array.from([1, 2, 0, EMPTY_NEIGHBOUR, 3, 1, EMPTY_NEIGHBOUR, EMPTY_NEIGHBOUR]),
  similarities: Float32Array.from([0.5, 0.25, 0.5, 0, 0.75, 0.25, 0, 0]),
};

describe.each<Role>(['neighbours', 'complements'])('loadModel with a %s file', (role) => {
  const other: Role = role === 'neighbours' ? 'complements' : 'neighbours';
  const withNeighboursFile = (bytes: Uint8Array, declaredBytes?: number) => withSlotsFile(role, bytes, declaredBytes);

  it(`loads the file as the model's ${role} only, and a model without the file has none`, async () => {
    const loaded = await loadModel(memoryModelSource(await withNeighboursFile(encodeNeighbours(NEIGHBOURS))));
    expect(loaded[role]).toEqual(NEIGHBOURS);
    expect(loaded[other]).toBeNull();
    expect((await loadModel(memoryModelSource(await fixtureModelFiles({ count: COUNT, dim: 8, popularity: new Float32Array(COUNT) }))))[role]).toBeNull();
  });

  it('refuses a declared size that is not whole slots for every item, naming the manifest field', async () => {
    const files = await withNeighboursFile(new Uint8Array(24));
    const error = await loadModel(memoryModelSource(files)).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'MANIFEST_INVALID', location: { field: `files.${role}.bytes` } });
  });

  it('refuses a file whose rows leave the catalogue, naming the file', async () => {
    const bad = encodeNeighbours({ ...NEIGHBOURS, rows: Uint32Array.from([1, 2, 0, EMPTY_NEIGHBOUR, 9, 1, EMPTY_NEIGHBOUR, EMPTY_NEIGHBOUR]) });
    const error = await loadModel(memoryModelSource(await withNeighboursFile(bad))).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({ code: 'MODEL_VECTORS_INVALID', location: { file: expect.stringMatching(new RegExp(`${role}\\.bin$`)) } });
  });
});
