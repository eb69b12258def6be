// The device's copies of model files: read by content on the next load, stored only when they
// match the manifest, one version per file, and never in the way when Cache Storage fails.
import { describe, expect, it, vi } from 'vitest';
import { loadModel, type ModelSource } from '../core/index.ts';
import { fixtureModelFiles, memoryModelSource } from '../core/test-support.ts';
import { MODEL_CACHE_NAME, withModelFileCache } from './model-file-cache.ts';

const ORIGIN = 'https://shop.example';

/** An in-memory CacheStorage holding one cache's entries as bytes by URL; `fail` makes one operation reject. */
function memoryCaches(fail: { open?: boolean; put?: boolean } = {}) {
  const entries = new Map<string, Uint8Array>();
  const opened: string[] = [];
  const cache = {
    match: (url: string) => Promise.resolve(entries.has(url) ? new Response(entries.get(url) as Uint8Array<ArrayBuffer>) : undefined),
    async put(url: string, response: Response) {
      // Later than the load, as a real write is: a test must wait for stored() to see it.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail.put === true) throw new DOMException('quota exceeded', 'QuotaExceededError');
      entries.set(url, new Uint8Array(await response.arrayBuffer()));
    },
    keys: () => Promise.resolve([...entries.keys()].map((url) => new Request(url))),
    delete: (request: Request) => Promise.resolve(entries.delete(request.url)),
  };
  const storage = {
    open(name: string) {
      opened.push(name);
      return fail.open === true ? Promise.reject(new DOMException('denied', 'SecurityError')) : Promise.resolve(cache);
    },
  } as unknown as CacheStorage;
  return { storage, entries, opened };
}

/** A source over `files` that records every path it is asked for. */
function countingSource(files: Map<string, Uint8Array>): { source: ModelSource; reads: string[] } {
  const reads: string[] = [];
  const inner = memoryModelSource(files);
  return { reads, source: { location: inner.location, read: (path, onBytes) => (reads.push(path), inner.read(path, onBytes)) } };
}

const fixture = (scale = 1) => fixtureModelFiles({ count: 10, dim: 8, popularity: Float32Array.from({ length: 10 }, (_, i) => (scale * i) / 10) });

/** Loads the model through the cache over `files`, waits for its copies to be stored, and returns the network's reads. */
async function load(files: Map<string, Uint8Array>, caches: CacheStorage, lookup = true): Promise<string[]> {
  const { source, reads } = countingSource(files);
  const cached = withModelFileCache(source, { caches, origin: ORIGIN, lookup });
  await loadModel(cached);
  await cached.stored();
  return reads;
}

describe('withModelFileCache', () => {
  it('downloads every file on the first load and only the manifest on the next, which reads the same model from the device', async () => {
    const files = await fixture();
    const { storage, entries, opened } = memoryCaches();
    expect(await load(files, storage)).toEqual(['manifest.json', 'vectors.bin', 'catalog.json', 'popularity.f32']);
    expect(opened).toEqual([MODEL_CACHE_NAME]);
    expect([...entries.keys()].sort()).toEqual(
      ['catalog.json', 'popularity.f32', 'vectors.bin'].map((path) =>
        expect.stringMatching(new RegExp(`^${ORIGIN}/models/fixture/${path.replace('.', '\\.')}\\?sha256=[0-9a-f]{64}$`)),
      ),
    );

    const { source, reads } = countingSource(files);
    const progress: number[] = [];
    const again = await loadModel(withModelFileCache(source, { caches: storage, origin: ORIGIN }), (p) => progress.push(p.loadedBytes));
    expect(reads).toEqual(['manifest.json']);
    expect(again.vectors).toEqual((await loadModel(memoryModelSource(files))).vectors);
    // Progress still reaches the model's size when its files come from the device.
    expect(progress.at(-1)).toBe([...files].filter(([path]) => path !== 'manifest.json').reduce((sum, [, bytes]) => sum + bytes.byteLength, 0));
  });

  it('hashes each downloaded file once: the copy stored is the one core verified', async () => {
    const files = await fixture();
    const { storage, entries } = memoryCaches();
    const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
    try {
      await load(files, storage);
      // vectors.bin, catalog.json and popularity.f32: one sha256 each, all three stored.
      expect(digest).toHaveBeenCalledTimes(3);
      expect(entries.size).toBe(3);
    } finally {
      digest.mockRestore();
    }
  });

  it('after a model update downloads only the file whose checksum changed, and keeps one version of it', async () => {
    const { storage, entries } = memoryCaches();
    await load(await fixture(1), storage);
    const before = [...entries.keys()];
    // Only the popularity differs between the two builds.
    expect(await load(await fixture(0.5), storage)).toEqual(['manifest.json', 'popularity.f32']);
    const after = [...entries.keys()];
    expect(after).toHaveLength(3);
    expect(after.filter((url) => !before.includes(url))).toEqual([expect.stringContaining('/popularity.f32?sha256=')]);
  });

  it('keeps two models’ files of the same name apart', async () => {
    const { storage, entries } = memoryCaches();
    const files = await fixture();
    await load(files, storage);
    const other = withModelFileCache({ ...memoryModelSource(files), location: '/models/other' }, { caches: storage, origin: ORIGIN });
    await loadModel(other);
    await other.stored();
    expect([...entries.keys()].filter((url) => url.includes('/vectors.bin?'))).toEqual([
      expect.stringContaining(`${ORIGIN}/models/fixture/vectors.bin?`),
      expect.stringContaining(`${ORIGIN}/models/other/vectors.bin?`),
    ]);
  });

  it('stores nothing that does not match its manifest entry, and hands it on for core to refuse', async () => {
    const files = await fixture();
    const damaged = new Map(files);
    const vectors = Uint8Array.from(files.get('vectors.bin') ?? []);
    vectors[0] = (vectors[0] ?? 0) ^ 0xff;
    damaged.set('vectors.bin', vectors);
    const { storage, entries } = memoryCaches();
    const cached = withModelFileCache(memoryModelSource(damaged), { caches: storage, origin: ORIGIN });
    await expect(loadModel(cached)).rejects.toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH', location: { file: 'models/fixture/vectors.bin' } });
    await cached.stored();
    expect([...entries.keys()].some((url) => url.includes('/vectors.bin?'))).toBe(false);
  });

  it('a copy damaged on the device is refused by core; a read without lookup downloads it again and replaces it', async () => {
    const files = await fixture();
    const { storage, entries } = memoryCaches();
    await load(files, storage);
    const [vectorsUrl] = [...entries.keys()].filter((url) => url.includes('/vectors.bin?'));
    const copy = Uint8Array.from(entries.get(vectorsUrl ?? '') ?? []);
    copy[3] = (copy[3] ?? 0) ^ 0x01;
    entries.set(vectorsUrl ?? '', copy);
    await expect(loadModel(withModelFileCache(memoryModelSource(files), { caches: storage, origin: ORIGIN }))).rejects.toMatchObject({
      code: 'MODEL_CHECKSUM_MISMATCH',
    });
    expect(await load(files, storage, false)).toEqual(['manifest.json', 'vectors.bin', 'catalog.json', 'popularity.f32']);
    expect(entries.get(vectorsUrl ?? '')).toEqual(files.get('vectors.bin'));
  });

  it('a copy of the wrong size (a write cut short) is a miss, downloaded again', async () => {
    const files = await fixture();
    const { storage, entries } = memoryCaches();
    await load(files, storage);
    const [catalogUrl = ''] = [...entries.keys()].filter((url) => url.includes('/catalog.json?'));
    entries.set(catalogUrl, (entries.get(catalogUrl) ?? new Uint8Array()).slice(0, 5));
    expect(await load(files, storage)).toEqual(['manifest.json', 'catalog.json']);
    expect(entries.get(catalogUrl)).toEqual(files.get('catalog.json'));
  });

  it.each([
    ['a Cache Storage that refuses to open', { open: true }],
    ['a full Cache Storage', { put: true }],
  ])('with %s, every load downloads every file and succeeds', async (_name, fail) => {
    const files = await fixture();
    const { storage, entries } = memoryCaches(fail);
    for (let visit = 0; visit < 2; visit++) expect(await load(files, storage)).toEqual(['manifest.json', 'vectors.bin', 'catalog.json', 'popularity.f32']);
    expect(entries.size).toBe(0);
  });

  it('hands a read without a manifest entry (a vector page) to the network as it was asked, background or not', async () => {
    const asked: unknown[] = [];
    const network: ModelSource = {
      location: '/m',
      read: (path, _onBytes, file, options) => (asked.push([path, file, options]), Promise.resolve(new Uint8Array(1))),
    };
    const cached = withModelFileCache(network, { caches: memoryCaches().storage, origin: ORIGIN, lookup: true });
    await cached.read('vectors/a.bin', () => {}, undefined, { background: true });
    await cached.read('vectors/b.bin', () => {});
    expect(asked).toEqual([
      ['vectors/a.bin', undefined, { background: true }],
      ['vectors/b.bin', undefined, undefined],
    ]);
  });

  it('without Cache Storage (an insecure context) reads everything from the network', async () => {
    const files = await fixture();
    const { source, reads } = countingSource(files);
    await loadModel(withModelFileCache(source, { caches: undefined, origin: ORIGIN }));
    expect(reads).toEqual(['manifest.json', 'vectors.bin', 'catalog.json', 'popularity.f32']);
  });
});

describe('withModelFileCache: when and how copies are stored', () => {
  it('stores a verified copy only when `later` runs it, and stored() waits for it', async () => {
    const files = await fixture();
    const { storage, entries } = memoryCaches();
    const waiting: (() => void)[] = [];
    const cached = withModelFileCache(memoryModelSource(files), { caches: storage, origin: ORIGIN, later: (task) => waiting.push(task) });
    await loadModel(cached);
    expect(waiting).toHaveLength(3);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(entries.size).toBe(0);
    for (const task of waiting) task();
    await cached.stored();
    expect(entries.size).toBe(3);
  });

  it('keeps older copies of other files when it stores a file named by its content, without listing the cache', async () => {
    const { storage, entries } = memoryCaches();
    const bytes = new TextEncoder().encode('{"cards":[]}');
    const sha256 = 'c'.repeat(64);
    const older = `${ORIGIN}/models/fixture/cards/${'d'.repeat(64)}.json?sha256=${'d'.repeat(64)}`;
    entries.set(older, bytes);
    const cache = await storage.open(MODEL_CACHE_NAME);
    const keys = vi.spyOn(cache, 'keys');
    const source = withModelFileCache({ location: '/models/fixture', read: () => Promise.resolve(bytes) }, { caches: storage, origin: ORIGIN });
    const file = { path: `cards/${sha256}.json`, bytes: bytes.byteLength, sha256 };
    source.verified?.(file, await source.read(file.path, () => {}, file));
    await source.stored();
    expect([...entries.keys()].sort()).toEqual([`${ORIGIN}/models/fixture/cards/${sha256}.json?sha256=${sha256}`, older]);
    expect(keys).not.toHaveBeenCalled();
  });
});
