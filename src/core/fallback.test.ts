// A model that cannot be loaded still gives the catalogue in popularity order.
// Each case breaks the in-memory model the way a server or disk would, checks that loadModel
// refuses it, and then what loadFallbackCatalog salvages.
import { describe, expect, it } from 'vitest';
import { RecError } from './errors.ts';
import { loadFallbackCatalog } from './fallback.ts';
import { loadModel, type ModelSource } from './model.ts';
import { fixtureModelFiles, memoryModelSource } from './test-support.ts';

const COUNT = 12;
const DIM = 8;
/** Distinct and not in row order: row i has (5i mod 12) / 12, so row 7 (11/12) is the most popular. */
const POPULARITY = Float32Array.from({ length: COUNT }, (_, i) => ((i * 5) % COUNT) / COUNT);
const BY_POPULARITY = [...Array(COUNT).keys()].sort((a, b) => (POPULARITY[b] ?? 0) - (POPULARITY[a] ?? 0)).map((row) => `i${row}`);
const fixtureFiles = () => fixtureModelFiles({ count: COUNT, dim: DIM, popularity: POPULARITY });
const sourceOf = memoryModelSource;
const BY_ROW = [...Array(COUNT).keys()].map((row) => `i${row}`);

function flipByte(files: Map<string, Uint8Array>, path: string, at = 10): void {
  const corrupted = Uint8Array.from(files.get(path) as Uint8Array);
  corrupted[at] = (corrupted[at] ?? 0) ^ 1;
  files.set(path, corrupted);
}

function editManifest(files: Map<string, Uint8Array>, edit: (manifest: Record<string, unknown>) => void): void {
  const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as Record<string, unknown>;
  edit(manifest);
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
}

/** loadModel must refuse the broken model with this code, or the case tests nothing. */
async function expectLoadFails(files: Map<string, Uint8Array>, code: RecError['code']): Promise<void> {
  const error: unknown = await loadModel(sourceOf(files)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RecError);
  expect((error as RecError).code).toBe(code);
}

async function salvaged(files: Map<string, Uint8Array>) {
  const fallback = await loadFallbackCatalog(sourceOf(files));
  return fallback === null ? null : { ...fallback, ids: fallback.items.map((item) => item.id as string) };
}

describe('loadFallbackCatalog', () => {
  it('gives every item of an intact model in popularity order, most popular first', async () => {
    expect(BY_POPULARITY[0]).toBe('i7');
    const fallback = await salvaged(await fixtureFiles());
    expect(fallback).toMatchObject({ verified: true, order: 'popularity', catalogId: 'fixture', ids: BY_POPULARITY });
    expect(fallback?.items[0]).toMatchObject({ id: 'i7', title: 'Item 7', category: 'c1', price: 8 });
  });

  it('salvages a verified catalogue in popularity order when the vectors are corrupted (one flipped byte)', async () => {
    const files = await fixtureFiles();
    flipByte(files, 'vectors.bin', 100);
    await expectLoadFails(files, 'MODEL_CHECKSUM_MISMATCH');
    expect(await salvaged(files)).toMatchObject({ verified: true, order: 'popularity', catalogId: 'fixture', ids: BY_POPULARITY });
  });

  it('salvages the same when the vectors are missing (404) or truncated, without reading them', async () => {
    const missing = await fixtureFiles();
    missing.delete('vectors.bin');
    await expectLoadFails(missing, 'MODEL_FETCH_FAILED');
    expect(await salvaged(missing)).toMatchObject({ verified: true, order: 'popularity', ids: BY_POPULARITY });

    const truncated = await fixtureFiles();
    truncated.set('vectors.bin', (truncated.get('vectors.bin') as Uint8Array).subarray(0, 100));
    await expectLoadFails(truncated, 'MODEL_FILE_SIZE_MISMATCH');
    const read: string[] = [];
    const source = sourceOf(truncated);
    const fallback = await loadFallbackCatalog({ location: source.location, read: (path, onBytes) => (read.push(path), source.read(path, onBytes)) });
    expect(fallback?.order).toBe('popularity');
    expect(read.sort()).toEqual(['catalog.json', 'manifest.json', 'popularity.f32']);
  });

  it('keeps catalogue order when the popularity file does not verify or is absent', async () => {
    const corrupted = await fixtureFiles();
    flipByte(corrupted, 'popularity.f32', 3);
    await expectLoadFails(corrupted, 'MODEL_CHECKSUM_MISMATCH');
    expect(await salvaged(corrupted)).toMatchObject({ verified: true, order: 'catalogue', ids: BY_ROW });

    const absent = await fixtureFiles();
    editManifest(absent, (m) => delete (m['files'] as Record<string, unknown>)['popularity']);
    expect(await salvaged(absent)).toMatchObject({ verified: true, order: 'catalogue', ids: BY_ROW });
  });

  it('reads catalog.json unverified, in catalogue order, when the manifest is missing (404)', async () => {
    const files = await fixtureFiles();
    files.delete('manifest.json');
    await expectLoadFails(files, 'MODEL_FETCH_FAILED');
    expect(await salvaged(files)).toMatchObject({ verified: false, order: 'catalogue', catalogId: null, ids: BY_ROW });
  });

  it('reads catalog.json unverified when the manifest is not JSON', async () => {
    const files = await fixtureFiles();
    files.set('manifest.json', new TextEncoder().encode('{"format":'));
    await expectLoadFails(files, 'MANIFEST_INVALID');
    expect(await salvaged(files)).toMatchObject({ verified: false, order: 'catalogue', ids: BY_ROW });
  });

  it('gives an unverified fallback for a newer format version, ordered by a popularity file that matches its checksum', async () => {
    const files = await fixtureFiles();
    editManifest(files, (m) => (m['formatVersion'] = 2));
    await expectLoadFails(files, 'MANIFEST_INVALID');
    expect(await salvaged(files)).toMatchObject({ verified: false, order: 'popularity', catalogId: null, ids: BY_POPULARITY });
  });

  it('gives an unverified fallback for a manifest of the wrong dimension', async () => {
    const files = await fixtureFiles();
    editManifest(files, (m) => (m['dim'] = DIM * 2));
    await expectLoadFails(files, 'MODEL_DIMENSION_MISMATCH');
    expect(await salvaged(files)).toMatchObject({ verified: false, order: 'popularity', ids: BY_POPULARITY });
  });

  it('uses no popularity that nothing can vouch for: unreadable manifest and popularity not matching its entry', async () => {
    const files = await fixtureFiles();
    editManifest(files, (m) => (m['formatVersion'] = 2));
    flipByte(files, 'popularity.f32', 3);
    expect(await salvaged(files)).toMatchObject({ verified: false, order: 'catalogue', ids: BY_ROW });

    const badEntry = await fixtureFiles();
    editManifest(badEntry, (m) => {
      m['formatVersion'] = 2;
      ((m['files'] as Record<string, unknown>)['popularity'] as Record<string, unknown>)['sha256'] = 'not a checksum';
    });
    expect(await salvaged(badEntry)).toMatchObject({ verified: false, order: 'catalogue' });
  });

  it('gives null when the catalogue is corrupted, truncated or missing too', async () => {
    const corrupted = await fixtureFiles();
    flipByte(corrupted, 'vectors.bin');
    flipByte(corrupted, 'catalog.json');
    expect(await salvaged(corrupted)).toBeNull();

    const truncated = await fixtureFiles();
    truncated.set('catalog.json', (truncated.get('catalog.json') as Uint8Array).subarray(0, 50));
    await expectLoadFails(truncated, 'MODEL_FILE_SIZE_MISMATCH');
    expect(await salvaged(truncated)).toBeNull();

    const nothing = await fixtureFiles();
    nothing.delete('manifest.json');
    nothing.delete('catalog.json');
    expect(await salvaged(nothing)).toBeNull();
  });

  it('gives null for an unverified catalogue that is not a valid catalogue or is empty', async () => {
    for (const text of ['{"items": [', '{"products": []}', '{"items": [{"id": "a", "title": "A"}, {"id": "a", "title": "B"}]}', '{"items": []}']) {
      const files = await fixtureFiles();
      files.delete('manifest.json');
      files.set('catalog.json', new TextEncoder().encode(text));
      expect(await salvaged(files), text).toBeNull();
    }
  });

  it('does not hide a programmer error behind a fallback', async () => {
    const source: ModelSource = { location: 'x', read: () => Promise.reject(new TypeError('bug')) };
    await expect(loadFallbackCatalog(source)).rejects.toThrow('bug');
  });
});
