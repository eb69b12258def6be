// loadModel's progress reports and the checks of its popularity and file sizes, exactly.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash.ts';
import { loadModel, type LoadProgress, type ModelSource } from './model.ts';
import { fixtureModelFiles, memoryModelSource } from './test-support.ts';

const COUNT = 12;
const DIM = 8;

async function files(popularity = Float32Array.from({ length: COUNT }, (_, i) => i / (COUNT - 1))): Promise<Map<string, Uint8Array>> {
  return fixtureModelFiles({ count: COUNT, dim: DIM, popularity });
}

/** A source whose byte counts run ahead of what it read (as a compressed response's can). */
function overReporting(source: ModelSource): ModelSource {
  return { location: source.location, read: (path, onBytes) => source.read(path, (loaded) => onBytes(loaded + 1000)) };
}

describe('loadModel progress', () => {
  it('reports the manifest, each file’s bytes as a running total, verifying and ready, in that order', async () => {
    const model = await files();
    const sizes = ['vectors.bin', 'catalog.json', 'popularity.f32'].map((path) => model.get(path)?.byteLength ?? 0);
    const total = sizes.reduce((a, b) => a + b, 0);
    const progress: LoadProgress[] = [];
    await loadModel(memoryModelSource(model), (p) => progress.push(p));
    expect(progress).toEqual([
      { phase: 'manifest', loadedBytes: 0, totalBytes: 0 },
      { phase: 'files', loadedBytes: sizes[0], totalBytes: total },
      { phase: 'files', loadedBytes: (sizes[0] ?? 0) + (sizes[1] ?? 0), totalBytes: total },
      { phase: 'files', loadedBytes: total, totalBytes: total },
      { phase: 'verifying', loadedBytes: total, totalBytes: total },
      { phase: 'ready', loadedBytes: total, totalBytes: total },
    ]);
  });

  it('never reports more bytes than the files hold', async () => {
    const model = await files();
    const [vectors = 0, catalog = 0, popularity = 0] = ['vectors.bin', 'catalog.json', 'popularity.f32'].map((path) => model.get(path)?.byteLength ?? 0);
    const total = vectors + catalog + popularity;
    const progress: LoadProgress[] = [];
    await loadModel(overReporting(memoryModelSource(model)), (p) => progress.push(p));
    // Each file reports 1000 bytes more than it has: the running total is capped at the files' size.
    expect(progress.filter((p) => p.phase === 'files').map((p) => p.loadedBytes)).toEqual([
      Math.min(vectors + 1000, total),
      Math.min(vectors + catalog + 2000, total),
      total,
    ]);
    expect(vectors + 1000).toBeLessThan(total); // so the first report is not capped and the cap is what the others show
  });
});

describe('loadModel checks', () => {
  /** The fixture with its popularity file replaced, and the manifest's size and checksum for it. */
  async function withPopularity(values: number[]): Promise<Map<string, Uint8Array>> {
    const model = await files();
    const bytes = new Uint8Array(Float32Array.from(values).buffer);
    const manifest = JSON.parse(new TextDecoder().decode(model.get('manifest.json'))) as { files: Record<string, unknown> };
    manifest.files['popularity'] = { path: 'popularity.f32', bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
    model.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
    model.set('popularity.f32', bytes);
    return model;
  }

  it('accepts popularity from 0 to 1 inclusive and refuses the first value outside, naming it', async () => {
    const edges = [0, 1, ...Array.from({ length: COUNT - 2 }, () => 0.5)];
    expect((await loadModel(memoryModelSource(await withPopularity(edges)))).popularity?.slice(0, 2)).toEqual(Float32Array.from([0, 1]));
    for (const [index, value] of [
      [3, 1.5],
      [4, -0.25],
    ] as const) {
      const values = Array.from({ length: COUNT }, (_, i) => (i === index ? value : 0.5));
      await expect(loadModel(memoryModelSource(await withPopularity(values)))).rejects.toMatchObject({
        code: 'MODEL_VECTORS_INVALID',
        message: `models/fixture/popularity.f32: popularity ${index} is ${value}, expected a number in [0, 1]`,
      });
    }
  });

  it('says a file longer than the manifest says is not truncated', async () => {
    const model = await files();
    const vectors = model.get('vectors.bin') ?? new Uint8Array();
    model.set('vectors.bin', Uint8Array.from([...vectors, 0, 0, 0, 0]));
    await expect(loadModel(memoryModelSource(model))).rejects.toMatchObject({
      code: 'MODEL_FILE_SIZE_MISMATCH',
      message: `models/fixture/vectors.bin: expected ${vectors.byteLength} bytes (manifest), found ${vectors.byteLength + 4}`,
    });
  });
});
