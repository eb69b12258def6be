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
import { appendFile, mkdir, open, readdir, truncate, writeFile } from 'node:fs/promises';
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
  /**
   * Copies the vector of `keys[i]` into row i of `out` (dim floats per row).
   * @throws RecError INTERNAL for a key the cache does not hold.
   */
  readInto(keys: readonly string[], out: Float32Array): Promise<void>;
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
    async readInto(keys, out) {
      keys.forEach((key, row) => {
        const vector = map.get(key);
        if (vector === undefined) throw new RecError('INTERNAL', `the embedding cache has no vector for key ${key}`);
        out.set(vector, row * vector.length);
      });
    },
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
 * Opens the cache of one encoder version in a folder: indexes every file of that version there (the
 * whole build's and each shard's), and appends to the one of `shard` (the whole build's for null).
 * Only the keys are held in memory, with the file each is in: vectors stay on disk until
 * `readInto` copies them, file by file in one pass each, into the caller's matrix (a million
 * 512-d vectors are 2 GB, which a build should hold once, not twice).
 * @param cacheDir the folder.
 * @param encoderVersion the encoder's version string.
 * @param shard the shard this process embeds, or null for a whole build.
 */
export async function openCache(cacheDir: string, encoderVersion: string, shard: Shard | null): Promise<VectorCache> {
  const prefix = slug(encoderVersion);
  const own = shard === null ? `${prefix}.vec` : `${prefix}.shard-${shard.index}-of-${shard.count}.vec`;
  const ownFile = join(cacheDir, own);
  // files[0] is this writer's own file; a key is found in the first file that holds it.
  const files = [ownFile];
  const where = new Map<string, number>();
  let dim: number | null = await indexRecords(ownFile, 0, where, true);
  let onDisk = dim !== null;
  for (const name of await siblingFiles(cacheDir, prefix, own)) {
    const found = await indexRecords(join(cacheDir, name), files.length, where, false, dim);
    // Another shard's file of another dimension was written by another encoder: not these vectors.
    if (found === null) continue;
    dim ??= found;
    files.push(join(cacheDir, name));
  }
  return {
    get dim() {
      return dim;
    },
    has: (key) => where.has(key),
    async readInto(keys, out) {
      const rowsByFile = files.map(() => new Map<string, number[]>());
      keys.forEach((key, row) => {
        const file = where.get(key);
        if (file === undefined) throw new RecError('INTERNAL', `the embedding cache has no vector for key ${key}`);
        const rows = rowsByFile[file]?.get(key);
        if (rows === undefined) rowsByFile[file]?.set(key, [row]);
        else rows.push(row);
      });
      const width = dim ?? 0;
      for (const [file, rows] of rowsByFile.entries()) {
        if (rows.size === 0) continue;
        await forEachRecord(files[file] ?? '', width, (key, record) => {
          for (const row of rows.get(key) ?? []) {
            for (let j = 0; j < width; j++) out[row * width + j] = record.getFloat32(KEY_BYTES + j * 4, true);
          }
        });
      }
    },
    async add(entries) {
      const width = dim ?? 0;
      const out = new Uint8Array(entries.length * (KEY_BYTES + width * 4));
      const view = new DataView(out.buffer);
      entries.forEach(({ key, vector }, r) => {
        const at = r * (KEY_BYTES + width * 4);
        out.set(Buffer.from(key, 'hex'), at);
        for (let j = 0; j < width; j++) view.setFloat32(at + KEY_BYTES + j * 4, vector[j] ?? 0, true);
      });
      if (!onDisk) await writeHeader(ownFile, width);
      onDisk = true;
      await appendFile(ownFile, out);
      for (const { key } of entries) where.set(key, 0);
    },
    async reset(newDim) {
      where.clear();
      files.length = 1;
      dim = newDim;
      await writeHeader(ownFile, newDim);
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

/** Records read at a time: a few MB at 512 dimensions. */
const RECORDS_PER_READ = 4096;

/**
 * Indexes a cache file's keys: each key not yet in `where` is set to `file`.
 * @param path a cache file.
 * @param file its number in the cache's list of files.
 * @param repair whether to cut a torn last record (only the file's own writer may).
 * @param dim the dimension the file must have (null: any).
 * @returns the file's dimension, or null when it is missing, not a cache file of this layout, or of another dimension.
 */
async function indexRecords(path: string, file: number, where: Map<string, number>, repair: boolean, dim: number | null = null): Promise<number | null> {
  const header = await readHeader(path);
  if (header === null || (dim !== null && header.dim !== dim)) return null;
  const validBytes = await forEachRecord(path, header.dim, (key) => {
    if (!where.has(key)) where.set(key, file);
  });
  // A torn record from an interrupted run: cut it so appends stay aligned.
  if (repair && validBytes !== header.bytes) await truncate(path, validBytes);
  return header.dim;
}

/** A cache file's dimension and size, or null when it is missing or not a cache file of this layout. */
async function readHeader(path: string): Promise<{ dim: number; bytes: number } | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const bytes = (await handle.stat()).size;
    const header = new Uint8Array(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES) return null;
    const view = new DataView(header.buffer);
    const dim = view.getUint32(8, true);
    if (new TextDecoder().decode(header.subarray(0, 4)) !== MAGIC || view.getUint32(4, true) !== LAYOUT_VERSION || dim === 0 || dim > 4096) return null;
    return { dim, bytes };
  } finally {
    await handle.close();
  }
}

/**
 * Reads a cache file's whole records in order, a block at a time.
 * @param visit called with each record's key (hex) and a view of the record (key, then the floats);
 *   the view is valid only during the call.
 * @returns the bytes up to the end of the last whole record.
 */
async function forEachRecord(path: string, dim: number, visit: (key: string, record: DataView) => void): Promise<number> {
  const recordBytes = KEY_BYTES + dim * 4;
  const handle = await open(path, 'r');
  try {
    const block = new Uint8Array(recordBytes * RECORDS_PER_READ);
    let position = HEADER_BYTES;
    for (;;) {
      const { bytesRead } = await handle.read(block, 0, block.byteLength, position);
      const records = Math.floor(bytesRead / recordBytes);
      for (let r = 0; r < records; r++) {
        const at = r * recordBytes;
        visit(Buffer.from(block.buffer, at, KEY_BYTES).toString('hex'), new DataView(block.buffer, at, recordBytes));
      }
      position += records * recordBytes;
      if (bytesRead < block.byteLength) return position;
    }
  } finally {
    await handle.close();
  }
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
