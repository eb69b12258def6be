import { describe, expect, it } from 'vitest';
import { RecError, type RecErrorCode } from './errors.ts';
import { toItemId } from './ids.ts';
import { parseManifest } from './manifest.ts';
import { loadModel, type LoadProgress } from './model.ts';
import { fixtureModelFiles, memoryModelSource } from './test-support.ts';

const COUNT = 12;
const DIM = 8;
const fixtureFiles = () => fixtureModelFiles({ count: COUNT, dim: DIM, popularity: Float32Array.from({ length: COUNT }, (_, i) => i / COUNT) });
const sourceOf = memoryModelSource;

function manifestOf(files: Map<string, Uint8Array>): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as Record<string, unknown>;
}

async function expectRecError(promise: Promise<unknown>, code: RecErrorCode, message: RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RecError);
  expect((error as RecError).code).toBe(code);
  expect((error as RecError).message).toMatch(message);
}

describe('loadModel', () => {
  it('loads a valid model, reporting byte progress up to the total', async () => {
    const progress: LoadProgress[] = [];
    const model = await loadModel(sourceOf(await fixtureFiles()), (p) => progress.push(p));
    expect(model.items).toHaveLength(COUNT);
    expect(model.vectors).toHaveLength(COUNT * DIM);
    expect(model.popularity?.[6]).toBeCloseTo(0.5);
    expect(model.rowOf.get(model.items[5]?.id ?? toItemId(''))).toBe(5);
    const last = progress.at(-1);
    expect(last).toMatchObject({ phase: 'ready' });
    expect(last?.loadedBytes).toBe(last?.totalBytes);
    expect(last?.totalBytes).toBeGreaterThan(COUNT * DIM * 4);
  });

  // Skipped only under mutation testing (vitest.mutation.setup.mjs says why).
  it.skipIf((globalThis as { vitrineWithoutGc?: string }).vitrineWithoutGc !== undefined)(
    'keeps none of the bytes it read alive once the model is made (the float32 vectors are decoded, the catalogue parsed)',
    async () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc === undefined) throw new Error('this test needs Node started with --expose-gc (vite.config.ts test.execArgv)');
      const files = await fixtureFiles();
      const read: WeakRef<ArrayBufferLike>[] = [];
      const source = sourceOf(files);
      const model = await loadModel({
        ...source,
        async read(path, onBytes, file) {
          // A fresh copy that nothing but the loader holds.
          const bytes = (await source.read(path, onBytes, file)).slice();
          read.push(new WeakRef(bytes.buffer));
          return bytes;
        },
      });
      // Let the loader's promises settle, then collect.
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      expect(read).toHaveLength(4);
      expect(read.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
      expect(model.items).toHaveLength(COUNT);
    },
  );

  it('reports a missing file with its path', async () => {
    const files = await fixtureFiles();
    files.delete('vectors.bin');
    await expectRecError(loadModel(sourceOf(files)), 'MODEL_FETCH_FAILED', /models\/fixture\/vectors\.bin/);
  });

  it('reports a truncated file with expected and found sizes', async () => {
    const files = await fixtureFiles();
    files.set('vectors.bin', (files.get('vectors.bin') as Uint8Array).subarray(0, 100));
    await expectRecError(
      loadModel(sourceOf(files)),
      'MODEL_FILE_SIZE_MISMATCH',
      new RegExp(`vectors\\.bin: expected ${COUNT * DIM * 4} bytes \\(manifest\\), found 100 \\(truncated\\?\\)`),
    );
  });

  it('reports one flipped byte as a checksum mismatch', async () => {
    const files = await fixtureFiles();
    const corrupted = Uint8Array.from(files.get('catalog.json') as Uint8Array);
    corrupted[10] = (corrupted[10] ?? 0) ^ 1;
    files.set('catalog.json', corrupted);
    await expectRecError(loadModel(sourceOf(files)), 'MODEL_CHECKSUM_MISMATCH', /catalog\.json: expected sha256 [0-9a-f]{64} \(manifest\), found [0-9a-f]{64}/);
  });

  it('reports a manifest that is not JSON', async () => {
    const files = await fixtureFiles();
    files.set('manifest.json', new TextEncoder().encode('{"format":'));
    await expectRecError(loadModel(sourceOf(files)), 'MANIFEST_INVALID', /models\/fixture\/manifest\.json: not valid JSON/);
  });
});

describe('parseManifest', () => {
  const cases: Array<[string, (m: Record<string, unknown>) => void, RecErrorCode, RegExp]> = [
    ['wrong format', (m) => (m['format'] = 'other'), 'MANIFEST_INVALID', /format: expected "vitrine-model", found "other"/],
    ['newer format version', (m) => (m['formatVersion'] = 2), 'MANIFEST_INVALID', /formatVersion: expected 1 .*found number 2/],
    ['missing catalogId', (m) => delete m['catalogId'], 'MANIFEST_INVALID', /catalogId: expected a string, found nothing \(missing\)/],
    ['fractional itemCount', (m) => (m['itemCount'] = 1.5), 'MANIFEST_INVALID', /itemCount: expected an integer, found number 1.5/],
    ['unknown dtype', (m) => (m['dtype'] = 'float64'), 'MANIFEST_INVALID', /dtype: expected one of float32, float16, int8, found "float64"/],
    [
      'dimension that does not fit the vector file',
      (m) => (m['dim'] = DIM * 2),
      'MODEL_DIMENSION_MISMATCH',
      new RegExp(`files\\.vectors\\.bytes: expected ${COUNT * DIM * 8} \\(${COUNT} x ${DIM * 2} float32\\), found number ${COUNT * DIM * 4}`),
    ],
    [
      'missing vectors file',
      (m) => delete (m['files'] as Record<string, unknown>)['vectors'],
      'MANIFEST_INVALID',
      /files\.vectors: expected an object, found nothing \(missing\)/,
    ],
    [
      'bad checksum text',
      (m) => (((m['files'] as Record<string, Record<string, unknown>>)['catalog'] as Record<string, unknown>)['sha256'] = 'XYZ'),
      'MANIFEST_INVALID',
      /files\.catalog\.sha256: expected 64 lower-case hex digits/,
    ],
    [
      'path escaping the model folder',
      (m) => (((m['files'] as Record<string, Record<string, unknown>>)['catalog'] as Record<string, unknown>)['path'] = '../secret.json'),
      'MANIFEST_INVALID',
      /files\.catalog\.path: expected a relative path inside the model folder/,
    ],
    [
      'unknown file role',
      (m) => ((m['files'] as Record<string, unknown>)['extra'] = {}),
      'MANIFEST_INVALID',
      /files\.extra: expected a role among vectors, catalog, popularity/,
    ],
    [
      'reduced dimension without a query projection',
      (m) => ((m['encoder'] as Record<string, unknown>)['dim'] = 512),
      'MODEL_DIMENSION_MISMATCH',
      /files\.projection: expected a projection from the encoder's 512 to 8 dimensions, found nothing/,
    ],
    [
      'projection of the wrong size',
      (m) => {
        (m['encoder'] as Record<string, unknown>)['dim'] = 16;
        (m['files'] as Record<string, unknown>)['projection'] = { path: 'projection.f32', bytes: 16 * 4, sha256: 'c'.repeat(64) };
      },
      'MODEL_DIMENSION_MISMATCH',
      /files\.projection\.bytes: expected 512 \(16 x 8 float32\), found number 64/,
    ],
    [
      'popularity of the wrong length',
      (m) => (((m['files'] as Record<string, Record<string, unknown>>)['popularity'] as Record<string, unknown>)['bytes'] = 4),
      'MANIFEST_INVALID',
      /files\.popularity\.bytes: expected 48 \(one float32 per item\)/,
    ],
  ];

  it.each(cases)('rejects a %s with its own message', async (_name, mutate, code, message) => {
    const manifest = manifestOf(await fixtureFiles());
    mutate(manifest);
    const parse = () => parseManifest(manifest, 'm.json');
    expect(parse).toThrow(RecError);
    expect(parse).toThrow(message);
    try {
      parse();
    } catch (error) {
      expect((error as RecError).code).toBe(code);
    }
  });
});
