/**
 * Training product-quantiser codebooks (core/product-quantiser.ts): for each slice of the vectors,
 * k-means with 256 centroids on a seeded sample of the rows (Lloyd's iterations from distinct
 * sampled rows). A centroid that loses all its rows keeps its place, so every code stays usable.
 */
import { PQ_CENTROIDS, nearestCentroid, type ProductQuantiser } from '../../core/product-quantiser.ts';
import { seededRandom, shuffledIndices } from '../../core/random.ts';

export interface TrainQuantiserOptions {
  /** How many slices; must divide the dimension. */
  readonly subspaces: number;
  /** Rows trained on (a seeded sample; all when fewer). Default 32,768. */
  readonly sample?: number;
  /** Lloyd iterations. Default 15. */
  readonly iterations?: number;
  readonly seed?: number;
}

/**
 * @param vectors count × dim, row-major.
 * @param count rows; at least 256 (one per centroid).
 * @param dim the dimension.
 * @throws RangeError when `subspaces` does not divide `dim` or there are fewer rows than centroids.
 */
export function trainProductQuantiser(vectors: Float32Array, count: number, dim: number, options: TrainQuantiserOptions): ProductQuantiser {
  const { subspaces, iterations = 15, seed = 1 } = options;
  if (!Number.isInteger(subspaces) || subspaces < 1 || dim % subspaces !== 0)
    throw new RangeError(`subspaces must divide the dimension ${dim}, found ${subspaces}`);
  if (count < PQ_CENTROIDS) throw new RangeError(`product quantisation needs at least ${PQ_CENTROIDS} rows, found ${count}`);
  const width = dim / subspaces;
  const rows = shuffledIndices(count, seededRandom(seed)).subarray(0, Math.min(count, options.sample ?? 32_768));
  // The sample's slices, contiguous per slice: slices[s] is rows.length × width.
  const codebooks = new Float32Array(subspaces * PQ_CENTROIDS * width);
  for (let s = 0; s < subspaces; s++) {
    const slice = new Float32Array(rows.length * width);
    rows.forEach((row, i) => slice.set(vectors.subarray(row * dim + s * width, row * dim + (s + 1) * width), i * width));
    codebooks.set(kMeans(slice, rows.length, width, iterations), s * PQ_CENTROIDS * width);
  }
  return { dim, subspaces, codebooks };
}

/**
 * `k` centroids of `count` points of `width` (count ≥ k), started from the first k points, which
 * the caller has shuffled; a centroid that loses all its points keeps its place.
 */
export function kMeans(points: Float32Array, count: number, width: number, iterations: number, k = PQ_CENTROIDS): Float32Array {
  const centroids = points.slice(0, k * width);
  const sums = new Float64Array(k * width);
  const sizes = new Int32Array(k);
  for (let iteration = 0; iteration < iterations; iteration++) {
    sums.fill(0);
    sizes.fill(0);
    for (let p = 0; p < count; p++) {
      const c = nearestCentroid(centroids, 0, points, p * width, width, k);
      sizes[c] = (sizes[c] ?? 0) + 1;
      for (let j = 0; j < width; j++) sums[c * width + j] = (sums[c * width + j] ?? 0) + (points[p * width + j] ?? 0);
    }
    for (let c = 0; c < k; c++) {
      const size = sizes[c] ?? 0;
      if (size === 0) continue;
      for (let j = 0; j < width; j++) centroids[c * width + j] = (sums[c * width + j] ?? 0) / size;
    }
  }
  return centroids;
}
