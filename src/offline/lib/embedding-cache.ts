/**
 * The embedding cache on disk: content-addressed item-text vectors, so a re-run embeds only new or
 * changed texts, and a build split into shards (`--shard i/n`, possibly on other machines) hands its
 * vectors to the final build by leaving files in one folder.
 *
 * One append-only file per encoder version and writer: `<cacheDir>/<slug>.vec` for a whole build,
 * `<cacheDir>/<slug>.shard-<i>-of-<n>.vec` for shard i of n, so shards sharing a folder never write
 * to one file. A build reads all of its encoder's files and writes only its own.
 *   header (16 bytes): "VTEC", uint32 layout version, uint32 dim, uint32 reserved (0)
 *   records: 32-byte sha256(encoderVersion + "\0" + text), then dim float32 (little-endian)
 * New records are appended after every batch, so an interrupted build keeps what it embedded; a
 * torn last record is dropped on the next open.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RecError } from '../../core/errors.ts';

const MAGIC = 'VTEC';
/**
 * 2: vectors embedded one token length per batch (engine/text-encoder.ts byTokenCount). Version 1
 * files hold vectors of padded batches, which differ in the last bits, so they are not reused.
 */
const LAYOUT_VERSION = 2;
const HEADER_BYTES = 16;
const KEY_BYTES = 32;

/** Shard `index` (1-based) of `count`: the texts whose cache key falls in it. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * The cache key of a text: hex sha256 of the encoder version, a NUL and the text.
 * @param encoderVersion the encoder's version string.
 * @param text the embedded text.
 */
export function cacheKey(encoderVersion: string, text: string): string {
  return createHash('sha256').update(`${encoderVersion}\u0000${text}`, 'utf8').digest('hex');
}

/**
 * Shards split texts by their cache key, not their place in the catalogue: a text stays in its
 * shard when items are added or reordered, and duplicates land in one shard.
 * @param key a cache key (hex).
 * @param shard the shard.
 */
export function inShard(key: string, shard: Shard): boolean {
  return Number.parseInt(key.slice(0, 8), 16) % shard.count === shard.index - 1;
}

/**
 * @param shard "i/n" as typed.
 * @returns the shard.
 * @throws RecError CONFIG_INVALID naming what is wrong with it.
 */
export function parseShard(shard: string): Shard {
  const match = /^(\d+)\/(\d+)$/u.exec(shard.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || count > 10_000 || index < 1 || index > count) {
    throw new RecError('CONFIG_INVALID', `--shard takes i/n with 1 <= i <= n <= 10000 (e.g. 1/4), found "${shard}"`);
  }
  return { index, count };
}

export interface VectorCache {
  /** Null until the first vector (or a valid file) fixes it. */
  readonly dim: number | null;
  has(key: string): boolean;
  get(key: string): Float32Array | undefined;
  add(entries: readonly { key: string; vector: Float32Array }[]): Promise<void>;
  /** Drops everything and fixes the dimension. */
  reset(dim: number): Promise<void>;
}

export function createMemoryCache(): VectorCache {
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

/**
 * Opens the cache of one encoder version in a folder: reads every file of that version there (the
 * whole build's and each shard's), and appends to the one of `shard` (the whole build's for null).
 * @param cacheDir the folder.
 * @param encoderVersion the encoder's version string.
 * @param shard the shard this process embeds, or null for a whole build.
 */
export async function openCache(cacheDir: string, encoderVersion: string, shard: Shard | null): Promise<VectorCache> {
  const prefix = slug(encoderVersion);
  const own = shard === null ? `${prefix}.vec` : `${prefix}.shard-${shard.index}-of-${shard.count}.vec`;
  const file = join(cacheDir, own);
  const memory = createMemoryCache();
  const ownRecords = await readRecords(file, true);
  let onDisk = ownRecords !== null;
  if (ownRecords !== null) {
    await memory.reset(ownRecords.dim);
    await memory.add(ownRecords.entries);
  }
  for (const name of await siblingFiles(cacheDir, prefix, own)) {
    const records = await readRecords(join(cacheDir, name), false);
    // Another shard's file of another dimension was written by another encoder: not these vectors.
    if (records === null || (memory.dim !== null && records.dim !== memory.dim)) continue;
    if (memory.dim === null) await memory.reset(records.dim);
    await memory.add(records.entries);
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

/** The other cache files of an encoder version in the folder (none when it does not exist yet). */
async function siblingFiles(cacheDir: string, prefix: string, own: string): Promise<string[]> {
  try {
    return (await readdir(cacheDir))
      .filter((name) => name !== own && (name === `${prefix}.vec` || (name.startsWith(`${prefix}.shard-`) && name.endsWith('.vec'))))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * @param file a cache file.
 * @param repair whether to cut a torn last record (only the file's own writer may).
 * @returns its dimension and records, or null when it is missing or not a cache file of this layout.
 */
async function readRecords(file: string, repair: boolean): Promise<{ dim: number; entries: { key: string; vector: Float32Array }[] } | null> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (bytes.byteLength < HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dim = view.getUint32(8, true);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC || view.getUint32(4, true) !== LAYOUT_VERSION || dim === 0 || dim > 4096) return null;
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
  const validBytes = HEADER_BYTES + records * recordBytes;
  // A torn record from an interrupted run: cut it so appends stay aligned.
  if (repair && validBytes !== bytes.byteLength) await truncate(file, validBytes);
  return { dim, entries };
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
