/**
 * How well the map from the built-in encoder's space into the imported space (import-space.ts)
 * does its two jobs, measured on items it never saw: a seeded tenth of the items with an imported
 * vector (at most MAX_EVALUATED) is left out, the map is refitted on the rest, and then for each
 * left-out item:
 *
 * - search: its title alone, embedded by the encoder the browser embeds queries with, mapped: is
 *   the item's own imported vector among the RECALL_K nearest of all imported vectors?
 * - fallback: its catalogue text vector (what an item without an imported vector is placed by),
 *   mapped: the same recall, and the mean cosine to its real imported vector.
 */
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { seededRandom } from '../../core/random.ts';
import { fitTextMap, mapRow, rowsWith, type ImportSpace } from './import-space.ts';

export const RECALL_K = 10;
const EVALUATED_SHARE = 0.1;
const MAX_EVALUATED = 1000;
/** Fewer imported items than this leave too few to hold out for a meaningful figure. */
const MIN_IMPORTED = 50;
const EMBED_BATCH = 64;

/** The build report's figures; all shares in [0, 1]. */
export interface ImportMapQuality {
  readonly evaluatedItems: number;
  /** Among how many imported vectors each is retrieved (a random guess scores RECALL_K / candidates). */
  readonly candidates: number;
  readonly titleRecallAt10: number;
  readonly fallbackRecallAt10: number;
  readonly fallbackMeanCosine: number;
}

/**
 * @param space the import space (its rows with `has` are the real imported vectors).
 * @param text count x textDim catalogue text vectors.
 * @param titles the catalogue's titles, by row.
 * @param encoder the browser's query encoder.
 * @param seed the left-out sample's seed.
 * @returns null when fewer than MIN_IMPORTED items have an imported vector.
 */
export async function measureImportMap(
  space: ImportSpace,
  text: Float32Array,
  textDim: number,
  titles: readonly string[],
  encoder: SentenceEncoder,
  seed: number,
): Promise<ImportMapQuality | null> {
  const imported = rowsWith(space.has);
  if (imported.length < MIN_IMPORTED) return null;
  const random = seededRandom(seed + 2);
  const evaluated = imported.filter(() => random() < EVALUATED_SHARE).slice(0, MAX_EVALUATED);
  const left = new Set(evaluated);
  const map = fitTextMap(
    text,
    textDim,
    space.vectors,
    space.dim,
    space.has,
    imported.filter((row) => !left.has(row)),
    seed,
  );
  const titleVectors = await embedInBatches(
    evaluated.map((row) => titles[row] ?? ''),
    encoder,
  );
  let titleHits = 0;
  let fallbackHits = 0;
  let cosineSum = 0;
  evaluated.forEach((row, i) => {
    const fromTitle = mapRow(titleVectors.subarray(i * textDim, (i + 1) * textDim), map.weights, space.dim);
    const fromText = mapRow(text.subarray(row * textDim, (row + 1) * textDim), map.weights, space.dim);
    if (rankOf(row, fromTitle, space, imported) < RECALL_K) titleHits++;
    if (rankOf(row, fromText, space, imported) < RECALL_K) fallbackHits++;
    cosineSum += similarity(space, row, fromText);
  });
  const n = evaluated.length;
  return {
    evaluatedItems: n,
    candidates: imported.length,
    titleRecallAt10: n === 0 ? 0 : titleHits / n,
    fallbackRecallAt10: n === 0 ? 0 : fallbackHits / n,
    fallbackMeanCosine: n === 0 ? 0 : cosineSum / n,
  };
}

/** How many candidates score strictly higher than the item's own row (0: it comes first). */
function rankOf(own: number, query: Float32Array, space: ImportSpace, candidates: readonly number[]): number {
  const target = similarity(space, own, query);
  let above = 0;
  for (const row of candidates) if (row !== own && similarity(space, row, query) > target) above++;
  return above;
}

function similarity(space: ImportSpace, row: number, query: Float32Array): number {
  let sum = 0;
  const base = row * space.dim;
  for (let j = 0; j < space.dim; j++) sum += (space.vectors[base + j] ?? 0) * (query[j] ?? 0);
  return sum;
}

async function embedInBatches(texts: readonly string[], encoder: SentenceEncoder): Promise<Float32Array> {
  const out = new Float32Array(texts.length * encoder.dim);
  for (let start = 0; start < texts.length; start += EMBED_BATCH) {
    const batch = texts.slice(start, start + EMBED_BATCH);
    out.set(await encoder.embed(batch), start * encoder.dim);
  }
  return out;
}
