/**
 * Embeds item texts with the sentence encoder, in batches, through the content-addressed cache on
 * disk (embedding-cache.ts), so a re-run embeds only new or changed texts (the encoder does ~15-25
 * item texts/s per core on this machine: the cache turns a two-minute rebuild into a second).
 * `embedShard` embeds one shard of the texts into its own cache file, for a build split over
 * processes or machines; the whole build then finds them all cached.
 *
 * The encoder is loaded only when something is missing, and this module imports no TF.js itself
 * (the encoder is injected), so it is cheap to test with a fake. The injected encoder may be a pool
 * of worker threads (encoder-pool.ts, one encoder per core); the cache file is still written only
 * here, by one writer in the main thread.
 */
import { RecError } from '../../core/errors.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { parseTextTemplate, renderTextTemplate } from './ingest/text-template.ts';
import { EMBEDDING_CACHE_DIR } from './paths.ts';
import { SILENT_PROGRESS, type Progress } from './progress.ts';
import { cacheKey, createMemoryCache, inShard, openCache, type Shard, type VectorCache } from './embedding-cache.ts';

export { cacheKey, type Shard };

/**
 * Texts per encoder call. The encoder runs texts of one token count together (text-encoder.ts), so
 * a call of many length-sorted texts runs in few, full executions; progress is reported per call.
 */
export const DEFAULT_BATCH_SIZE = 256;

/** The fields of an item that its embedding text is made of. */
export interface TextFields {
  readonly title: string;
  readonly category?: string | null;
  readonly description?: string | null;
}

/** The demo's text template (the CLI's is configurable). */
const ITEM_TEXT_TEMPLATE = parseTextTemplate('{title}. {category}. {description}');

/**
 * The text embedded for an item: `${title}. ${category}. ${description}`, leaving out empty parts.
 * @param item the item's text fields.
 */
export function itemText(item: TextFields): string {
  return renderTextTemplate(ITEM_TEXT_TEMPLATE, (field) =>
    field === 'title' ? item.title : field === 'category' ? (item.category ?? '') : (item.description ?? ''),
  );
}

export interface EmbedOptions {
  /** Part of every cache key: vectors of another encoder version are never reused. */
  readonly encoderVersion: string;
  /** Loads the encoder; called at most once, and only when some text is not cached. */
  readonly loadEncoder: () => Promise<SentenceEncoder>;
  /** The cache folder, or null to embed everything without a cache (default EMBEDDING_CACHE_DIR). */
  readonly cacheDir?: string | null;
  readonly batchSize?: number;
  /** Creates the progress reporter for `total` texts to embed (default: silent). */
  readonly progress?: (total: number) => Progress;
}

export interface EmbedResult {
  /** texts.length x dim, row-major, in the order of the texts. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** Distinct texts that went through the encoder in this run. */
  readonly embedded: number;
  /** Distinct texts found in the cache. */
  readonly cached: number;
  /** Distinct texts (duplicates are embedded once). */
  readonly unique: number;
  /** Seconds spent loading the encoder and embedding (0 when everything was cached). */
  readonly encoderSeconds: number;
}

/**
 * Embeds texts, reusing and extending the on-disk cache.
 * @param texts non-blank texts, one per item.
 * @param options encoder, cache and progress.
 * @throws RecError CATALOG_INVALID for a blank text; encoder errors as they come.
 */
export async function embedTexts(texts: readonly string[], options: EmbedOptions): Promise<EmbedResult> {
  const { cache, keyOf, uniqueTexts, counts } = await embedMissing(texts, options, null);
  const dim = cache.dim ?? 0;
  const vectors = new Float32Array(texts.length * dim);
  await cache.readInto(
    texts.map((text) => keyOf.get(text) ?? ''),
    vectors,
  );
  return { vectors, dim, unique: uniqueTexts.length, ...counts };
}

/**
 * Embeds the texts of one shard into that shard's cache file (texts cached by any file of the
 * folder are skipped); the whole build run later over the same folder finds them cached.
 * @param texts non-blank texts, one per item: all of the catalogue's, as the whole build sees them.
 * @param shard which of them this run embeds.
 * @param options encoder, cache folder (it needs one) and progress.
 * @returns how many distinct texts are in the shard, and how many were embedded or found cached.
 * @throws RecError CONFIG_INVALID without a cache folder; CATALOG_INVALID for a blank text.
 */
export async function embedShard(texts: readonly string[], shard: Shard, options: EmbedOptions): Promise<Omit<EmbedResult, 'vectors' | 'dim'>> {
  if (options.cacheDir === null) throw new RecError('CONFIG_INVALID', '--shard writes its vectors to the embedding cache, so it cannot run with --no-cache');
  const { uniqueTexts, counts } = await embedMissing(texts, options, shard);
  return { unique: uniqueTexts.length, ...counts };
}

/** Checks the texts, opens the cache and embeds what it lacks (of the shard, when given). */
async function embedMissing(texts: readonly string[], options: EmbedOptions, shard: Shard | null) {
  if (texts.length === 0) throw new RecError('CATALOG_INVALID', 'there are no texts to embed');
  texts.forEach((text, i) => {
    if (text.trim() === '') throw new RecError('CATALOG_INVALID', `text ${i} is blank; every item needs a title`);
  });
  const keyOf = new Map([...new Set(texts)].map((text) => [text, cacheKey(options.encoderVersion, text)]));
  const uniqueTexts = [...keyOf.keys()].filter((text) => shard === null || inShard(keyOf.get(text) ?? '', shard));
  const cacheDir = options.cacheDir === undefined ? EMBEDDING_CACHE_DIR : options.cacheDir;
  const cache = cacheDir === null ? createMemoryCache() : await openCache(cacheDir, options.encoderVersion, shard);
  const missing = uniqueTexts.filter((text) => !cache.has(keyOf.get(text) ?? ''));
  if (missing.length === 0) return { cache, keyOf, uniqueTexts, counts: { embedded: 0, cached: uniqueTexts.length, encoderSeconds: 0 } };
  const started = performance.now();
  const restarted = await fill(cache, missing, keyOf, options, uniqueTexts);
  const embedded = restarted ? uniqueTexts.length : missing.length;
  const counts = { embedded, cached: uniqueTexts.length - embedded, encoderSeconds: (performance.now() - started) / 1000 };
  return { cache, keyOf, uniqueTexts, counts };
}

/**
 * Loads the encoder and embeds the missing texts into the cache, batch by batch.
 * @returns whether the cache had to start over (it held vectors of another dimension), so all texts were embedded.
 */
async function fill(
  cache: VectorCache,
  missing: readonly string[],
  keyOf: ReadonlyMap<string, string>,
  options: EmbedOptions,
  all: readonly string[],
): Promise<boolean> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const encoder = await options.loadEncoder();
  try {
    let todo = missing;
    if (cache.dim !== null && cache.dim !== encoder.dim) {
      // A cache written by an encoder of another dimension under the same version string: start over.
      await cache.reset(encoder.dim);
      todo = all;
    } else if (cache.dim === null) {
      await cache.reset(encoder.dim);
    }
    const restarted = todo === all;
    // Texts of a similar length have similar token counts, so each call's groups of one token count
    // are larger (fewer, fuller graph executions: about a third faster on the demo's texts).
    todo = [...todo].sort((a, b) => a.length - b.length);
    const progress = (options.progress ?? (() => SILENT_PROGRESS))(todo.length);
    for (let start = 0; start < todo.length; start += batchSize) {
      const batch = todo.slice(start, start + batchSize);
      const rows = await encoder.embed(batch);
      if (rows.length !== batch.length * encoder.dim) {
        throw new RecError('INTERNAL', `the encoder returned ${rows.length} values for ${batch.length} texts x ${encoder.dim}`);
      }
      await cache.add(batch.map((text, i) => ({ key: keyOf.get(text) ?? '', vector: rows.subarray(i * encoder.dim, (i + 1) * encoder.dim) })));
      progress.update(start + batch.length);
    }
    progress.finish();
    return restarted;
  } finally {
    encoder.dispose();
  }
}
