// Loading during a redeploy: files that do not match their manifest are read once more, from a
// fresh source, and only a second failure is reported (as loadModel reports it); any other
// failure is reported at once.
import { describe, expect, it } from 'vitest';
import { loadModel, type LoadProgress, type ModelSource } from '../core/index.ts';
import { fixtureModelFiles, memoryModelSource } from '../core/test-support.ts';
import { loadModelRetryingMismatch, type LoadAttempt } from './model-load.ts';

const COUNT = 12;
const deploy = (dim: number, popularityScale = 1) =>
  fixtureModelFiles({ count: COUNT, dim, popularity: Float32Array.from({ length: COUNT }, (_, i) => (popularityScale * i) / COUNT) });

/** The manifest of one deploy with the data files of another, as a page loading during a redeploy may read them. */
function mixed(manifestFrom: Map<string, Uint8Array>, filesFrom: Map<string, Uint8Array>): Map<string, Uint8Array> {
  return new Map([...filesFrom, ['manifest.json', manifestFrom.get('manifest.json') ?? new Uint8Array()]]);
}

/** Serves `perAttempt[attempt]` and records which attempts asked for a source. */
function sources(perAttempt: Record<LoadAttempt, Map<string, Uint8Array>>): { open: (attempt: LoadAttempt) => ModelSource; opened: LoadAttempt[] } {
  const opened: LoadAttempt[] = [];
  return {
    opened,
    open: (attempt) => {
      opened.push(attempt);
      return memoryModelSource(perAttempt[attempt]);
    },
  };
}

describe('loadModelRetryingMismatch', () => {
  it('reads a model whose file is from the next deploy (a size mismatch) once more, fresh, and loads the consistent one', async () => {
    const [before, after] = [await deploy(8), await deploy(16)];
    const { open, opened } = sources({ first: mixed(before, after), fresh: after });
    const progress: LoadProgress[] = [];
    const loaded = await loadModelRetryingMismatch(open, (p) => progress.push(p));
    expect(opened).toEqual(['first', 'fresh']);
    expect(loaded.kind).toBe('loaded');
    expect(loaded.kind === 'loaded' ? loaded.model.manifest.dim : null).toBe(16);
    // The retry starts again from the manifest, and ends ready.
    expect(progress.filter((p) => p.phase === 'manifest')).toHaveLength(2);
    expect(progress.at(-1)?.phase).toBe('ready');
  });

  it('retries a checksum mismatch too (a file of the same size from another deploy)', async () => {
    const [before, after] = [await deploy(8), await deploy(8, 0.5)];
    const { open, opened } = sources({ first: mixed(after, before), fresh: after });
    const loaded = await loadModelRetryingMismatch(open, () => {});
    expect(opened).toEqual(['first', 'fresh']);
    expect(loaded.kind === 'loaded' ? loaded.model.popularity?.[6] : null).toBeCloseTo(0.25);
  });

  it('reports the second mismatch as loadModel reports it, with the fresh source for salvaging', async () => {
    const [before, after] = [await deploy(8), await deploy(16)];
    // Both reads straddle the deploy: the first gets the old manifest, the retry the new one.
    const [first, fresh] = [mixed(before, after), mixed(after, before)];
    const expected: unknown = await loadModel(memoryModelSource(fresh)).catch((e: unknown) => e);
    expect(expected).toMatchObject({ code: 'MODEL_FILE_SIZE_MISMATCH' });
    const { open, opened } = sources({ first, fresh });
    const loaded = await loadModelRetryingMismatch(open, () => {});
    expect(opened).toEqual(['first', 'fresh']);
    expect(loaded.kind).toBe('failed');
    if (loaded.kind !== 'failed') return;
    expect(loaded.error).toEqual(expected);
    expect(loaded.error.message).toMatch(/^models\/fixture\/vectors\.bin: expected \d+ bytes \(manifest\), found \d+ \(truncated\?\)$/);
    expect(await loaded.source.read('manifest.json', () => {})).toBe(fresh.get('manifest.json'));
  });

  it('reports any other failure at once, and loads a consistent model with one read', async () => {
    const model = await deploy(8);
    const missing = new Map(model);
    missing.delete('vectors.bin');
    const failing = sources({ first: missing, fresh: model });
    const loaded = await loadModelRetryingMismatch(failing.open, () => {});
    expect(failing.opened).toEqual(['first']);
    expect(loaded).toMatchObject({ kind: 'failed', error: { code: 'MODEL_FETCH_FAILED' } });

    const consistent = sources({ first: model, fresh: new Map() });
    expect((await loadModelRetryingMismatch(consistent.open, () => {})).kind).toBe('loaded');
    expect(consistent.opened).toEqual(['first']);
  });
});
