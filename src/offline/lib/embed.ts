/**
 * Embeds item texts with the sentence encoder, in batches, through a content-addressed cache on
 * disk, so a re-run embeds only new or changed texts (the encoder does ~22 item texts/s on this
 * machine: the cache turns a two-minute rebuild into a second).
 *
 * Cache layout: one append-only file per encoder version, `<cacheDir>/<slug>.vec`:
 *   header (16 bytes): "VTEC", uint32 layout version (1), uint32 dim, uint32 reserved (0)
 *   records: 32-byte sha256(encoderVersion + "\0" + text), then dim float32 (little-endian)
 * New records are appended after every batch, so an interrupted build keeps what it embedded; a
 * torn last record is dropped on the next open. The encoder is loaded only when something is
 * missing, and this module imports no TF.js itself (the encoder is injected), so it is cheap to
 * test with a fake. The injected encoder may be a pool of worker threads (encoder-pool.ts, one
 * encoder per core); the cache file is still written only here, by one writer in the main thread.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, truncate, appendFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RecError } from '../../core/errors.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { parseTextTemplate, renderTextTemplate } from './ingest/text-template.ts';
import { EMBEDDING_CACHE_DIR } from './paths.ts';
import { SILENT_PROGRESS, type Progress } from './progress.ts';

/** Texts per encoder call: large enough to be efficient, small enough to report progress often. */
export const DEFAULT_BATCH_SIZE = 32;

const MAGIC = 'VTEC';
const LAYOUT_VERSION = 1;
const HEADER_BYTES = 16;
const KEY_BYTES = 32;

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
  if (texts.length === 0) throw new RecError('CATALOG_INVALID', 'there are no texts to embed');
  texts.forEach((text, i) => {
    if (text.trim() === '') throw new RecError('CATALOG_INVALID', `text ${i} is blank; every item needs a title`);
  });
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const uniqueTexts = [...new Set(texts)];
  const keyOf = new Map(uniqueTexts.map((text) => [text, cacheKey(options.encoderVersion, text)]));
  const cacheDir = options.cacheDir === undefined ? EMBEDDING_CACHE_DIR : options.cacheDir;
  const cache = cacheDir === null ? createMemoryCache() : await openCache(join(cacheDir, `${slug(options.encoderVersion)}.vec`));

  let missing = uniqueTexts.filter((text) => !cache.has(keyOf.get(text) ?? ''));
  const cachedCount = uniqueTexts.length - missing.length;
  let encoderSeconds = 0;
  if (missing.length > 0) {
    const started = performance.now();
    const encoder = await options.loadEncoder();
    try {
      if (cache.dim !== null && cache.dim !== encoder.dim) {
        // A cache written by an encoder of another dimension under the same version string: start over.
        await cache.reset(encoder.dim);
        missing = uniqueTexts;
      } else if (cache.dim === null) {
        await cache.reset(encoder.dim);
      }
      const progress = (options.progress ?? (() => SILENT_PROGRESS))(missing.length);
      for (let start = 0; start < missing.length; start += batchSize) {
        const batch = missing.slice(start, start + batchSize);
        const rows = await encoder.embed(batch);
        if (rows.length !== batch.length * encoder.dim) {
          throw new RecError('INTERNAL', `the encoder returned ${rows.length} values for ${batch.length} texts x ${encoder.dim}`);
        }
        await cache.add(batch.map((text, i) => ({ key: keyOf.get(text) ?? '', vector: rows.subarray(i * encoder.dim, (i + 1) * encoder.dim) })));
        progress.update(start + batch.length);
      }
      progress.finish();
    } finally {
      encoder.dispose();
    }
    encoderSeconds = (performance.now() - started) / 1000;
  }

  const dim = cache.dim ?? 0;
  const vectors = new Float32Array(texts.length * dim);
  texts.forEach((text, row) => {
    const vector = cache.get(keyOf.get(text) ?? '');
    if (vector === undefined) throw new RecError('INTERNAL', `no vector for text ${row} after embedding`);
    vectors.set(vector, row * dim);
  });
  return { vectors, dim, embedded: missing.length, cached: missing === uniqueTexts ? 0 : cachedCount, unique: uniqueTexts.length, encoderSeconds };
}

/**
 * The cache key of a text: hex sha256 of the encoder version, a NUL and the text.
 * @param encoderVersion the encoder's version string.
 * @param text the embedded text.
 */
export function cacheKey(encoderVersion: string, text: string): string {
  return createHash('sha256').update(`${encoderVersion}\u0000${text}`, 'utf8').digest('hex');
}

interface VectorCache {
  /** Null until the first vector (or a valid file) fixes it. */
  readonly dim: number | null;
  has(key: string): boolean;
  get(key: string): Float32Array | undefined;
  add(entries: readonly { key: string; vector: Float32Array }[]): Promise<void>;
  /** Drops everything and fixes the dimension. */
  reset(dim: number): Promise<void>;
}

function createMemoryCache(): VectorCache {
  const map = new Map<string, Float32Array>();
  let dim: number | null = null;
  return {
    get dim() {
      return dim;
    },
    has: (key) => map.has(key),
    get: (key) => map.get(key),
    async add(entries) {
      for (const { key, vector } of entries) map.set(key, vector.slice());
    },
    async reset(newDim) {
      map.clear();
      dim = newDim;
    },
  };
}

async function openCache(file: string): Promise<VectorCache> {
  const memory = createMemoryCache();
  let bytes: Uint8Array | null = null;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let onDisk = false;
  if (bytes !== null && bytes.byteLength >= HEADER_BYTES) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const magic = new TextDecoder().decode(bytes.subarray(0, 4));
    const dim = view.getUint32(8, true);
    if (magic === MAGIC && view.getUint32(4, true) === LAYOUT_VERSION && dim > 0 && dim <= 4096) {
      await memory.reset(dim);
      const recordBytes = KEY_BYTES + dim * 4;
      const records = Math.floor((bytes.byteLength - HEADER_BYTES) / recordBytes);
      const entries = [];
      for (let r = 0; r < records; r++) {
        const at = HEADER_BYTES + r * recordBytes;
        const key = Buffer.from(bytes.subarray(at, at + KEY_BYTES)).toString('hex');
        const vector = new Float32Array(dim);
        for (let j = 0; j < dim; j++) vector[j] = view.getFloat32(at + KEY_BYTES + j * 4, true);
        entries.push({ key, vector });
      }
      await memory.add(entries);
      const validBytes = HEADER_BYTES + records * recordBytes;
      // A torn record from an interrupted run: cut it so appends stay aligned.
      if (validBytes !== bytes.byteLength) await truncate(file, validBytes);
      onDisk = true;
    }
  }
  return {
    get dim() {
      return memory.dim;
    },
    has: memory.has,
    get: memory.get,
    async add(entries) {
      await memory.add(entries);
      const dim = memory.dim ?? 0;
      const out = new Uint8Array(entries.length * (KEY_BYTES + dim * 4));
      const view = new DataView(out.buffer);
      entries.forEach(({ key, vector }, r) => {
        const at = r * (KEY_BYTES + dim * 4);
        out.set(Buffer.from(key, 'hex'), at);
        for (let j = 0; j < dim; j++) view.setFloat32(at + KEY_BYTES + j * 4, vector[j] ?? 0, true);
      });
      if (!onDisk) await writeHeader(file, dim);
      onDisk = true;
      await appendFile(file, out);
    },
    async reset(dim) {
      await memory.reset(dim);
      await writeHeader(file, dim);
      onDisk = true;
    },
  };
}

async function writeHeader(file: string, dim: number): Promise<void> {
  const header = new Uint8Array(HEADER_BYTES);
  header.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(header.buffer);
  view.setUint32(4, LAYOUT_VERSION, true);
  view.setUint32(8, dim, true);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, header);
}

/** A file-name-safe form of an encoder version, with a short hash so distinct versions never collide. */
function slug(version: string): string {
  const readable = version
    .replace(/[^a-zA-Z0-9.-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return `${readable}-${createHash('sha256').update(version).digest('hex').slice(0, 8)}`;
}
