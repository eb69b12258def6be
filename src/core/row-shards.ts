/**
 * Files of consecutive rows fetched as they are needed: a sharded catalogue's cards
 * (card-shards.ts) and a paged item space's vectors (vector-pages.ts). Shard s holds rows
 * [s * rowsPerShard, (s + 1) * rowsPerShard); each is fetched once however many callers wait for
 * it, verified by the caller's reader, decoded and kept.
 */
import type { ModelFile } from './manifest.ts';
import type { ReadOptions } from './model-file.ts';

export interface RowShards<T> {
  /** Whether the row's shard is on hand. */
  has(row: number): boolean;
  /**
   * Fetches, verifies and keeps the shards of these rows that are not on hand (rows outside the
   * catalogue are ignored).
   * @param options passed to the reader for the shards this call fetches (`background`: read ahead).
   * @throws what the reader or decoder throws; a shard that failed is fetched again by the next call that needs it.
   */
  load(rows: Iterable<number>, options?: ReadOptions): Promise<void>;
  /** Every shard. */
  loadAll(): Promise<void>;
  /** @returns the decoded shard holding the row and the row's index in it, or null when not on hand. */
  held(row: number): { readonly shard: T; readonly index: number } | null;
  /** @returns every shard on hand. */
  loaded(): IterableIterator<T>;
}

/**
 * @param files the shards in row order.
 * @param rowsPerShard rows a shard holds (the last may hold fewer).
 * @param itemCount rows in all.
 * @param readVerified reads a shard file, its size and sha256 verified.
 * @param decode turns a shard's verified bytes into what is kept, given its index and row count.
 */
export function createRowShards<T>(
  files: readonly ModelFile[],
  rowsPerShard: number,
  itemCount: number,
  readVerified: (file: ModelFile, options: ReadOptions) => Promise<Uint8Array>,
  decode: (bytes: Uint8Array, file: ModelFile, rows: number) => T,
): RowShards<T> {
  const loaded = new Map<number, T>();
  const loading = new Map<number, Promise<void>>();
  const rowsOf = (index: number): number => Math.min(rowsPerShard, itemCount - index * rowsPerShard);
  const loadShard = (index: number, options: ReadOptions): Promise<void> => {
    const file = files[index] as ModelFile;
    const pending = readVerified(file, options)
      .then((bytes) => void loaded.set(index, decode(bytes, file, rowsOf(index))))
      .finally(() => loading.delete(index));
    loading.set(index, pending);
    return pending;
  };
  const load = async (indices: Iterable<number>, options: ReadOptions = {}): Promise<void> => {
    const waits: Promise<void>[] = [];
    for (const index of new Set(indices)) {
      if (loaded.has(index)) continue;
      waits.push(loading.get(index) ?? loadShard(index, options));
    }
    await Promise.all(waits);
  };
  const shardOf = (row: number): number => Math.floor(row / rowsPerShard);
  return {
    has: (row) => loaded.has(shardOf(row)),
    load: (rows, options) =>
      load(
        Array.from(rows).flatMap((row) => (row >= 0 && row < itemCount ? [shardOf(row)] : [])),
        options,
      ),
    loadAll: () => load(files.keys()),
    held(row) {
      const shard = loaded.get(shardOf(row));
      return shard === undefined ? null : { shard, index: row % rowsPerShard };
    },
    loaded: () => loaded.values(),
  };
}
