/**
 * Test support shared by unit tests (never imported by app code): a seeded fixture model with
 * clustered vectors, and an ItemSpace that runs core's reference math (rank.ts).
 */
import { WHOLE_CATALOG_CARDS } from './card-shards.ts';
import type { CatalogItem } from './catalog.ts';
import { toItemId } from './ids.ts';
import { float32Matrix } from './item-matrix.ts';
import type { ModelManifest } from './manifest.ts';
import { RecError } from './errors.ts';
import { sha256Hex } from './hash.ts';
import type { LoadedModel, ModelSource } from './model.ts';
import { encodeVectors } from './vectors.ts';
import type { ItemSpace, LexicalIndex, SyncChannel } from './ports.ts';
import { gramMatrix, normalise, scoreAll, topK, updateInterest } from './rank.ts';
import { seededRandom } from './random.ts';
import { DEFAULT_SHOP_RULES, type ShopRules } from './shop-rules.ts';

export { seededRandom } from './random.ts';

/**
 * Items in `categories` clusters: each vector is its cluster centre plus noise, normalised.
 * Items are interleaved by category (item i is in category i % categories).
 */
export function makeFixtureModel(options: { count: number; dim: number; categories: number; seed?: number; popularity?: boolean }): LoadedModel {
  const { count, dim, categories } = options;
  const random = seededRandom(options.seed ?? 1);
  const centres = Array.from({ length: categories }, () => normalise(Float32Array.from({ length: dim }, () => random() * 2 - 1)));
  const vectors = new Float32Array(count * dim);
  const items: CatalogItem[] = [];
  for (let i = 0; i < count; i++) {
    const category = i % categories;
    const centre = centres[category] as Float32Array;
    const row = normalise(Float32Array.from({ length: dim }, (_, j) => (centre[j] ?? 0) + (random() - 0.5) * 0.6));
    vectors.set(row, i * dim);
    items.push({ id: toItemId(`i${i}`), title: `Item ${i}`, category: `c${category}`, description: '', price: 1 + i, image: null, group: null, inStock: true });
  }
  const manifest: ModelManifest = {
    format: 'vitrine-model',
    formatVersion: 1,
    catalogId: 'fixture',
    createdAt: '2026-01-01T00:00:00Z',
    itemCount: count,
    dim,
    dtype: 'float32',
    encoder: { name: 'fixture', version: '1', dim },
    files: {
      vectors: { path: 'vectors.bin', bytes: count * dim * 4, sha256: 'a'.repeat(64) },
      catalog: { path: 'catalog.json', bytes: 1, sha256: 'b'.repeat(64) },
    },
  };
  const popularity = options.popularity === true ? Float32Array.from({ length: count }, () => random()) : null;
  return {
    manifest,
    items,
    cards: WHOLE_CATALOG_CARDS,
    matrix: float32Matrix(vectors, dim),
    vectors,
    popularity,
    projection: null,
    rowOf: new Map(items.map((item, row) => [item.id, row])),
    rules: DEFAULT_SHOP_RULES,
    sequence: null,
  };
}

/**
 * Shop rules that leave the grid in score order: no diversity re-ranking, variant similarity or
 * exploration. For tests of what the ranking is made from (state, replay, tabs), not how it is arranged.
 */
export const RELEVANCE_ONLY_RULES: ShopRules = {
  ...DEFAULT_SHOP_RULES,
  diversity: { ...DEFAULT_SHOP_RULES.diversity, lambda: 1, variantSimilarity: null },
  exploration: { ...DEFAULT_SHOP_RULES.exploration, share: 0 },
};

/** An ItemSpace on core's reference math, for testing the recommender without TF.js. */
export function createReferenceSpace(model: LoadedModel, priorWeight: number): ItemSpace & { readonly disposed: boolean } {
  const { dim } = model.manifest;
  let disposed = false;
  return {
    backend: 'cpu',
    get disposed() {
      return disposed;
    },
    update(interest, decay, terms) {
      return Promise.resolve(updateInterest(interest, decay, terms, model.vectors, dim));
    },
    topK(interest, k, excluded) {
      return Promise.resolve(topK(scoreAll(model.vectors, dim, interest, model.popularity, priorWeight), k, excluded));
    },
    similarities(rows) {
      return Promise.resolve(gramMatrix(model.vectors, dim, rows));
    },
    memory() {
      return { matrixBytes: model.vectors.byteLength + (model.popularity?.byteLength ?? 0), tableBytes: 0, backendBytes: 0 };
    },
    dispose() {
      disposed = true;
    },
  };
}

/**
 * A stand-in for the full-text index (src/search): a row matches when its title or category contains
 * every word of the query (case-insensitive); more words in the title score higher.
 * @param items the catalogue.
 */
export function createWordIndex(items: readonly CatalogItem[]): LexicalIndex {
  const words = (text: string): string[] =>
    text
      .toLowerCase()
      .split(/\W+/u)
      .filter((word) => word !== '');
  const texts = items.map((item) => ({ title: new Set(words(item.title)), all: new Set([...words(item.title), ...words(item.category)]) }));
  return {
    search(query, limit) {
      const wanted = words(query);
      if (wanted.length === 0) return [];
      return texts
        .flatMap(({ title, all }, row) =>
          wanted.every((word) => all.has(word)) ? [{ row, score: wanted.filter((word) => title.has(word)).length + 1, coverage: 1 }] : [],
        )
        .sort((a, b) => b.score - a.score || a.row - b.row)
        .slice(0, limit);
    },
    suggest(partial, limit) {
      const prefix = partial.toLowerCase();
      return items
        .flatMap((item, row) => (item.title.toLowerCase().startsWith(prefix) ? [{ text: item.title, kind: 'title' as const, row }] : []))
        .slice(0, limit);
    },
  };
}

/**
 * Tabs in one test: each channel delivers what it publishes to the others (not to itself), a
 * structured clone, asynchronously, in order — as BroadcastChannel does.
 */
export function createSyncHub(): { channel(): SyncChannel; settled(): Promise<void> } {
  const listeners = new Map<SyncChannel, Set<(message: unknown) => void>>();
  let pending = Promise.resolve();
  return {
    channel() {
      const own = new Set<(message: unknown) => void>();
      const channel: SyncChannel = {
        publish(message) {
          const copy = structuredClone(message);
          pending = pending.then(() => {
            for (const [other, set] of listeners) if (other !== channel) for (const listener of set) listener(copy);
          });
        },
        subscribe(listener) {
          own.add(listener);
          return () => own.delete(listener);
        },
        close() {
          listeners.delete(channel);
        },
      };
      listeners.set(channel, own);
      return channel;
    },
    settled: () => pending,
  };
}

/**
 * The files of a valid model (manifest, vectors, catalogue, popularity), built in memory the way
 * src/offline/lib/write-model.ts writes them, for tests of loading and salvaging.
 */
export async function fixtureModelFiles(options: { count: number; dim: number; popularity: Float32Array }): Promise<Map<string, Uint8Array>> {
  const { count, dim } = options;
  const model = makeFixtureModel({ count, dim, categories: 3 });
  const vectors = encodeVectors(model.vectors, count, dim, 'float32');
  const catalog = new TextEncoder().encode(JSON.stringify({ items: model.items }));
  const popularity = new Uint8Array(options.popularity.buffer.slice(0));
  const describeFile = async (path: string, bytes: Uint8Array) => ({ path, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) });
  // The fixture model's manifest, with the real sizes and checksums of the files written here.
  const manifest = {
    ...model.manifest,
    files: {
      vectors: await describeFile('vectors.bin', vectors),
      catalog: await describeFile('catalog.json', catalog),
      popularity: await describeFile('popularity.f32', popularity),
    },
  };
  return new Map([
    ['manifest.json', new TextEncoder().encode(JSON.stringify(manifest))],
    ['vectors.bin', vectors],
    ['catalog.json', catalog],
    ['popularity.f32', popularity],
  ]);
}

/** Serves model files from memory; a missing one is an HTTP 404, as the browser's source reports it. */
export function memoryModelSource(files: Map<string, Uint8Array>): ModelSource {
  return {
    location: 'models/fixture',
    read(path, onBytes) {
      const bytes = files.get(path);
      if (bytes === undefined)
        return Promise.reject(new RecError('MODEL_FETCH_FAILED', 'expected HTTP 200, found HTTP 404', { file: `models/fixture/${path}` }));
      onBytes(bytes.byteLength);
      return Promise.resolve(bytes);
    },
  };
}

/**
 * For property tests of parsers: a parser either returns or throws a RecError.
 * @returns what `read` returns, or the RecError it threw (any other error fails the test).
 */
export function attemptRead<T>(read: () => T): T | RecError {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof RecError)) throw new Error(`expected a RecError, found ${String(error)}`, { cause: error });
    return error;
  }
}

/** @returns the RecError `run` throws (fails the test when it throws nothing or something else). */
export function thrownRecError(run: () => unknown): RecError {
  try {
    run();
  } catch (error) {
    if (error instanceof RecError) return error;
    throw error;
  }
  throw new Error('expected a RecError');
}
