/**
 * The row order of a paged model (core/vector-pages.ts): similar items as neighbouring rows, so a
 * vector page holds items alike. The browser re-scores every row of the pages it fetches for its
 * candidates (core's rowsFetchedWith): in this order those rows are the candidates' closest rivals,
 * the items the codes blur; in a catalogue's own order (by id, by date) they are any items. Measured
 * on the bench's million: recall@50 0.95 with the pages' rows in order, 0.59 from the candidates
 * alone (docs/decisions/compressed-item-space.md).
 *
 * Two levels of k-means over whole vectors, each trained on a seeded sample: the rows go by their
 * nearest top centroid, then within it by their nearest second-level one, and keep their catalogue
 * order within that. The clusters of a level follow each other nearest next (a greedy walk over
 * their centroids), so a cluster k-means cut in two keeps its halves side by side. Two levels of b
 * clusters cost 2b distances a row where one level of b² would cost b² (a million rows: 128 against
 * 4,096).
 */
import { nearestCentroid } from '../../core/product-quantiser.ts';
import { EMPTY_NEIGHBOUR, type ItemNeighbours } from '../../core/neighbours.ts';
import { seededRandom, shuffledIndices } from '../../core/random.ts';
import { kMeans } from './train-pq.ts';

/** Rows each level's centroids are trained on (all when fewer). */
const SAMPLE = 16_384;
const ITERATIONS = 8;
/** The most clusters a level has (64 × 64 leaves: about 250 rows each at a million). */
const MAX_BRANCHING = 64;

/**
 * @param vectors count × dim, row-major.
 * @param leafRows about how many rows a second-level cluster should hold (a page's).
 * @param seed the samples'.
 * @returns every row once: order[i] is the row written i-th.
 */
export function localityOrder(vectors: Float32Array, count: number, dim: number, leafRows: number, seed: number): Uint32Array {
  const branching = Math.min(MAX_BRANCHING, Math.max(1, Math.ceil(Math.sqrt(count / Math.max(1, leafRows)))));
  const all = Uint32Array.from({ length: count }, (_, row) => row);
  const order = new Uint32Array(count);
  let written = 0;
  for (const cluster of clustersOf(vectors, dim, all, branching, seed)) {
    for (const leaf of clustersOf(vectors, dim, cluster, branching, seed + 1)) {
      order.set(leaf, written);
      written += leaf.length;
    }
  }
  return order;
}

/** The rows grouped by their nearest of up to k centroids (k-means on a sample of them), each group in the rows' order. */
function clustersOf(vectors: Float32Array, dim: number, rows: Uint32Array, k: number, seed: number): Uint32Array[] {
  const clusters = Math.min(k, rows.length);
  if (clusters <= 1) return [rows];
  const picked = shuffledIndices(rows.length, seededRandom(seed)).subarray(0, Math.min(rows.length, Math.max(clusters, SAMPLE)));
  const sample = new Float32Array(picked.length * dim);
  picked.forEach((index, i) => {
    const row = rows[index] as number;
    sample.set(vectors.subarray(row * dim, (row + 1) * dim), i * dim);
  });
  const centroids = kMeans(sample, picked.length, dim, ITERATIONS, clusters);
  const of = rows.map((row) => nearestCentroid(centroids, 0, vectors, row * dim, dim, clusters));
  const sizes = new Uint32Array(clusters);
  for (const cluster of of) sizes[cluster] = (sizes[cluster] ?? 0) + 1;
  const groups = Array.from(sizes, (size) => ({ rows: new Uint32Array(size), filled: 0 }));
  of.forEach((cluster, i) => {
    const group = groups[cluster] as { rows: Uint32Array; filled: number };
    group.rows[group.filled++] = rows[i] as number;
  });
  return nearestNextWalk(centroids, dim, clusters)
    .map((cluster) => (groups[cluster] as { rows: Uint32Array }).rows)
    .filter((group) => group.length > 0);
}

/** The clusters from the first, each followed by the nearest of those not yet visited. */
function nearestNextWalk(centroids: Float32Array, dim: number, clusters: number): number[] {
  const walk = [0];
  const left = new Set(Array.from({ length: clusters - 1 }, (_, i) => i + 1));
  while (left.size > 0) {
    const from = (walk.at(-1) as number) * dim;
    let next = -1;
    let nearest = Number.POSITIVE_INFINITY;
    for (const cluster of left) {
      let distance = 0;
      for (let j = 0; j < dim; j++) distance += ((centroids[from + j] as number) - (centroids[cluster * dim + j] as number)) ** 2;
      if (distance < nearest) [next, nearest] = [cluster, distance];
    }
    walk.push(next);
    left.delete(next);
  }
  return walk;
}

/** What a model holds per row, in the builder's terms. */
export interface RowsInput<Item> {
  readonly items: readonly Item[];
  readonly vectors: Float32Array;
  readonly popularity?: Float32Array | null;
  readonly neighbours?: ItemNeighbours | null;
  readonly complements?: ItemNeighbours | null;
}

/**
 * @param input the rows in their first order.
 * @param order order[i] is the row to write i-th (localityOrder's).
 * @returns the same rows in that order: each item keeps its vector and popularity, and its
 *   neighbours and complements name the same items at their new rows.
 */
export function reorderRows<Item, Input extends RowsInput<Item>>(input: Input, order: Uint32Array, dim: number): Input {
  const newRow = new Uint32Array(order.length);
  order.forEach((row, i) => (newRow[row] = i));
  const vectors = new Float32Array(input.vectors.length);
  order.forEach((row, i) => vectors.set(input.vectors.subarray(row * dim, (row + 1) * dim), i * dim));
  const popularity = input.popularity ?? null;
  return {
    ...input,
    items: Array.from(order, (row) => input.items[row] as Item),
    vectors,
    popularity: popularity === null ? null : Float32Array.from(order, (row) => popularity[row] as number),
    neighbours: reorderNeighbours(input.neighbours ?? null, order, newRow),
    complements: reorderNeighbours(input.complements ?? null, order, newRow),
  };
}

function reorderNeighbours(neighbours: ItemNeighbours | null, order: Uint32Array, newRow: Uint32Array): ItemNeighbours | null {
  if (neighbours === null) return null;
  const { perItem } = neighbours;
  const rows = new Uint32Array(neighbours.rows.length);
  const similarities = new Float32Array(neighbours.similarities.length);
  order.forEach((row, i) => {
    for (let slot = 0; slot < perItem; slot++) {
      const neighbour = neighbours.rows[row * perItem + slot] as number;
      rows[i * perItem + slot] = neighbour === EMPTY_NEIGHBOUR ? EMPTY_NEIGHBOUR : (newRow[neighbour] as number);
      similarities[i * perItem + slot] = neighbours.similarities[row * perItem + slot] as number;
    }
  });
  return { perItem, rows, similarities };
}
