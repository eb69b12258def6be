/**
 * The semantic relevance floor of on-device search, calibrated against noise: the browser keeps an
 * item as a semantic match only when its cosine with the query (embedded, then projected into the
 * item space when the model has a projection, as core/query-terms.ts does) reaches the floor, so
 * gibberish finds nothing. The builder computes it once per model and records it in the manifest.
 *
 * Null calibration: 256 seeded random-character strings go through the same path as a query (the
 * quantised encoder the browser embeds with, then the projection), and the floor is the highest
 * cosine any of them reaches with any item, rounded up. The maximum rather than a high percentile:
 * a floor at the maximum lets none of the 256 strings through, so at most about 1 in 256 random
 * strings would pass it, where a 99th percentile would let every hundredth one find something.
 */
import type { SearchCalibration } from '../../core/manifest.ts';
import { seededRandom } from '../../core/random.ts';
import { project } from '../../core/rank.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { forEachRowBlockProduct } from './dense-product.ts';

/** How many random strings calibrate the floor. */
export const FLOOR_STRINGS = 256;
/** The default seed of the random strings. */
export const FLOOR_SEED = 0x5eed;
/** What decides the floor besides the model and the encoder: part of what the demo build's hash covers. */
export const FLOOR_CALIBRATION_VERSION = `floor-v1 strings=${FLOOR_STRINGS} seed=${FLOOR_SEED}`;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** What the floor is calibrated on. */
export interface SemanticFloorInput {
  /** The model's item vectors: count x dim, row-major (every row is an item). */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** encoder.dim x dim, row-major, or null when the items are raw encoder vectors. */
  readonly projection: Float32Array | null;
  /** The query encoder (the quantised one the browser embeds with). */
  readonly encoder: SentenceEncoder;
  /** Default FLOOR_SEED. */
  readonly seed?: number;
  /** Default FLOOR_STRINGS. */
  readonly count?: number;
}

/**
 * Random-character strings: 1 to 4 "words" of 2 to 10 characters from letters, digits and symbols.
 * @param count how many.
 * @param seed the same seed gives the same strings.
 */
export function randomStrings(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  return Array.from({ length: count }, () =>
    Array.from({ length: between(1, 4) }, () => Array.from({ length: between(2, 10) }, () => ALPHABET[between(0, ALPHABET.length - 1)] ?? 'x').join('')).join(
      ' ',
    ),
  );
}

/**
 * The highest cosine of one query vector (already in the item space) with any item.
 * @param query dim values.
 * @param vectors count x dim, row-major.
 * @param dim values per row.
 */
export function maxCosine(query: Float32Array, vectors: Float32Array, dim: number): number {
  return maxCosines([query], vectors, dim)[0] ?? -1;
}

/**
 * The highest cosine of each query vector with any item (-1 when none has a norm), in one pass over
 * the items: each item's norm once, the dot products from dense-product.ts's blocked product (each
 * a float64 sum over the coordinates in order, as a loop per query and item would take).
 * @param queries dim values each.
 * @param vectors count x dim, row-major.
 * @param dim values per row.
 */
export function maxCosines(queries: readonly Float32Array[], vectors: Float32Array, dim: number): number[] {
  const width = queries.length;
  const queryNorms = queries.map((query) => {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += (query[j] ?? 0) * (query[j] ?? 0);
    return norm;
  });
  const best = queries.map(() => -1);
  forEachRowBlockProduct(vectors, dim, queries, (_, n, block, dots) => {
    for (let r = 0; r < n; r++) {
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += (block[r * dim + j] ?? 0) * (block[r * dim + j] ?? 0);
      for (let q = 0; q < width; q++) {
        const queryNorm = queryNorms[q] ?? 0;
        if (norm > 0 && queryNorm > 0) best[q] = Math.max(best[q] ?? -1, (dots[r * width + q] ?? 0) / Math.sqrt(norm * queryNorm));
      }
    }
  });
  return best;
}

/** The calibration strings as queries in the item space, ready to be scored against any items (floorOver). */
export interface FloorQueries {
  readonly queries: readonly Float32Array[];
  /** How many strings, for the calibration's description. */
  readonly count: number;
}

/**
 * Embeds the calibration strings as the browser embeds a query (the encoder, then the projection).
 * @param input the dimension and projection, the query encoder, and optionally the strings' seed and count.
 */
export async function floorQueries(input: Omit<SemanticFloorInput, 'vectors'>): Promise<FloorQueries> {
  const { dim, projection, encoder } = input;
  const count = input.count ?? FLOOR_STRINGS;
  const strings = randomStrings(count, input.seed ?? FLOOR_SEED);
  const embedded = await encoder.embed(strings);
  const queries = strings.map((_, i) => {
    const vector = embedded.subarray(i * encoder.dim, (i + 1) * encoder.dim);
    return projection === null ? vector : project(vector, projection, dim);
  });
  return { queries, count };
}

/**
 * @param floor the embedded calibration strings.
 * @param blocks the items as the browser's semantic side scores them, in blocks of rows (each
 *   rows x dim, row-major): the stored vectors, or a paged model's codes as decoded a block at a
 *   time (core/paged-semantic-scan.ts reads their cosines), which a million items need not hold at once.
 * @returns the manifest's `search` record: the floor just above every string's best cosine.
 */
export function floorOver(floor: FloorQueries, blocks: Iterable<Float32Array>, dim: number): SearchCalibration {
  let highest = -1;
  for (const block of blocks) highest = Math.max(highest, ...maxCosines(floor.queries, block, dim));
  // The next 4-decimal number above the maximum: readable in the manifest, and strictly above every
  // calibration string even after the browser's float32 arithmetic (differences of ~1e-6).
  return { semanticFloor: Math.min(1, (Math.floor(highest * 1e4) + 1) / 1e4), calibration: `max cosine of ${floor.count} random-character strings` };
}

/**
 * Calibrates the semantic floor of a model (see the module comment).
 * @param input the model's vectors and projection, and the query encoder.
 * @returns the manifest's `search` record: the floor just above every random string's best cosine.
 */
export async function semanticFloor(input: SemanticFloorInput): Promise<SearchCalibration> {
  return floorOver(await floorQueries(input), [input.vectors], input.dim);
}
