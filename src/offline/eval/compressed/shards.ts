/**
 * Where an exact re-rank's vectors would come from at a size the device cannot hold them all: rows
 * grouped by a coarse k-means over whole vectors (one shard per cluster, fetched on demand), and how
 * many shards, and bytes, the re-rank candidates of one interaction fall in.
 */
import { dotTable, nearestCentroid, scoreCodes, type ProductQuantiser } from '../../../core/product-quantiser.ts';
import { topK } from '../../../core/rank.ts';
import { seededRandom, shuffledIndices } from '../../../core/random.ts';
import { kMeans } from '../../lib/train-pq.ts';
import { sessionInterest, type ItemVectors } from './recall.ts';

/** Rows the coarse centroids are trained on (all when fewer). */
const SAMPLE = 32_768;
const ITERATIONS = 10;
const NONE: ReadonlySet<number> = new Set();

/** Each row's shard: its nearest of count / rowsPerShard coarse centroids. */
export interface Shards {
  readonly of: Int32Array;
  /** Rows in each shard. */
  readonly sizes: Int32Array;
}

/**
 * @param space the items; @param rowsPerShard the shards' mean size; @param seed the sample's.
 * @throws RangeError when there are fewer rows than one shard.
 */
export function coarseShards(space: ItemVectors, rowsPerShard: number, seed: number): Shards {
  const k = Math.floor(space.count / rowsPerShard);
  if (k < 1) throw new RangeError(`a shard of ${rowsPerShard} rows is more than the ${space.count} items`);
  const rows = shuffledIndices(space.count, seededRandom(seed)).subarray(0, Math.max(k, Math.min(space.count, SAMPLE)));
  const sample = new Float32Array(rows.length * space.dim);
  rows.forEach((row, i) => sample.set(space.vectors.subarray(row * space.dim, (row + 1) * space.dim), i * space.dim));
  const centroids = kMeans(sample, rows.length, space.dim, ITERATIONS, k);
  const of = new Int32Array(space.count);
  const sizes = new Int32Array(k);
  for (let row = 0; row < space.count; row++) {
    const shard = nearestCentroid(centroids, 0, space.vectors, row * space.dim, space.dim, k);
    of[row] = shard;
    sizes[shard] = (sizes[shard] ?? 0) + 1;
  }
  return { of, sizes };
}

/** Per re-rank depth: the shards one interaction's candidates fall in (mean, p95) and their rows' bytes. */
export interface ShardTouches {
  readonly rerank: number;
  readonly meanShards: number;
  readonly p95Shards: number;
  /** Mean bytes of the touched shards' rows at `bytesPerRow` each. */
  readonly meanBytes: number;
}

/**
 * @param bytesPerRow what a row's full vector costs (int8: dim + a float32 scale).
 */
export function shardTouches(
  space: ItemVectors,
  pq: ProductQuantiser,
  codes: Uint8Array,
  shards: Shards,
  sessions: readonly (readonly number[])[],
  reranks: readonly number[],
  bytesPerRow: number,
): ShardTouches[] {
  const counts = reranks.map((): number[] => []);
  const bytes = reranks.map((): number[] => []);
  for (const session of sessions) {
    const approximate = scoreCodes(dotTable(pq, sessionInterest(space, session)), codes, pq.subspaces);
    reranks.forEach((rerank, i) => {
      const touched = new Set(topK(approximate, rerank, NONE).rows.map((row) => shards.of[row] ?? -1));
      counts[i]?.push(touched.size);
      bytes[i]?.push([...touched].reduce((sum, shard) => sum + (shards.sizes[shard] ?? 0) * bytesPerRow, 0));
    });
  }
  return reranks.map((rerank, i) => {
    const sorted = [...(counts[i] ?? [])].sort((a, b) => a - b);
    const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    // The 95th percentile by nearest rank.
    const p95 = sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)] ?? 0;
    return { rerank, meanShards: mean(sorted), p95Shards: p95, meanBytes: mean(bytes[i] ?? []) };
  });
}
