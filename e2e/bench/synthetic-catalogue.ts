/**
 * The bench's synthetic catalogues (100,000 items always; 10,000 and 1,000,000 with `--catalog 1m`):
 * a model folder (models/bench-10k, models/bench-100k, models/bench-1m) written with the builder's
 * own writeModel (core's createManifest and loadModel behind it), so the storefront loads it as any
 * shop's. The vectors are synthetic, 128-d and clustered as a real catalogue's are: a seeded centre
 * per department of the demo catalogue, leaf clusters of about 1,000 items around it, and each item
 * near its leaf's centre, so clicks still pull a department up and an item's nearest neighbours are
 * mostly its leaf's. The items come in a seeded shuffle, as a catalogue exported by id or date does,
 * not leaf by leaf: a paged item space (the builder pages the million's 132 MB of vectors:
 * write-pages.ts) has to find the leaves itself to write similar items as neighbours (row-order.ts).
 * Each row reuses, numbered, the title and price of its department's demo items in turn. Popularity
 * is Zipf-like over a seeded shuffle. Stored as int8, as the builder stores a large catalogue when its recall allows.
 * Written once: kept while its catalogue id (which names the generator's version) matches.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalise } from '../../src/core/rank.ts';
import { seededRandom, shuffledIndices } from '../../src/core/random.ts';
import { writeModel, type ModelItemInput, type WriteModelOptions } from '../../src/offline/lib/write-model.ts';

/** The sizes the bench generates, by the name in their folder (the storefront's `?models=bench-<size>`). */
export const SYNTHETIC_SIZES = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 } as const;
export type SyntheticSize = keyof typeof SYNTHETIC_SIZES;
const DIM = 128;
/** What the storefront's search encoder (the Universal Sentence Encoder) gives. */
const QUERY_ENCODER_DIM = 512;
/** How far an item strays from its leaf's centre (per coordinate, before normalising). */
const SPREAD = 0.35;
/**
 * How far a leaf's centre lies from its department's (per coordinate, before normalising): about 0.8
 * in all against the unit centre, so a department's leaves are clusters of their own yet closer to
 * each other (cosine about 0.6) than to another department's (about 0).
 */
const LEAF_OFFSET = 0.25;
/** About how many items a leaf holds. */
const LEAF_ITEMS = 1000;

interface DemoItem {
  readonly title: string;
  readonly category?: string;
  readonly price?: number | null;
}

/**
 * Writes models/bench-<size> unless it is already there from this generator.
 * @param root the repository root.
 * @param size how many items.
 * @returns the folder's name under models/.
 */
export async function ensureSyntheticCatalogue(root: string, size: SyntheticSize): Promise<string> {
  const name = `bench-${size}`;
  // v11: the rows shuffled; the builder pages the million's vectors (write-pages.ts) in its own order (row-order.ts), cards in shards
  // of 128, and prebuilds the sharded catalogue's search index; a query projection.
  const catalogId = `${name}-v11`;
  const count = SYNTHETIC_SIZES[size];
  const dir = join(root, 'models', name);
  const manifestFile = join(dir, 'manifest.json');
  if (existsSync(manifestFile) && (JSON.parse(await readFile(manifestFile, 'utf8')) as { catalogId?: string }).catalogId === catalogId) return name;
  const demo = (JSON.parse(await readFile(join(root, 'models/demo/catalog.json'), 'utf8')) as { items: DemoItem[] }).items;
  const departments = new Map<string, DemoItem[]>();
  for (const item of demo) departments.set(item.category ?? '', [...(departments.get(item.category ?? '') ?? []), item]);
  const random = seededRandom(count + DIM);
  const noise = (scale: number): Float32Array => Float32Array.from({ length: DIM }, () => scale * (random() - 0.5));
  const near = (centre: Float32Array, scale: number): Float32Array => normalise(noise(scale).map((value, j) => value + (centre[j] ?? 0)));
  const items: ModelItemInput[] = new Array<ModelItemInput>(count);
  const vectors = new Float32Array(count * DIM);
  // Where each generated item goes: the leaves' items are spread over the rows.
  const place = shuffledIndices(count, random);
  [...departments].forEach(([category, sources], d) => {
    const centre = normalise(noise(1));
    // The department's share of the rows, cut into leaves of about LEAF_ITEMS.
    const first = Math.floor((d * count) / departments.size);
    const rows = Math.floor(((d + 1) * count) / departments.size) - first;
    const leaves = Math.max(1, Math.round(rows / LEAF_ITEMS));
    for (let leaf = 0; leaf < leaves; leaf++) {
      const leafCentre = near(centre, LEAF_OFFSET);
      for (let k = Math.floor((leaf * rows) / leaves); k < Math.floor(((leaf + 1) * rows) / leaves); k++) {
        const row = place[first + k] as number;
        const source = sources[k % sources.length] as DemoItem;
        items[row] = { id: `s${String(row).padStart(6, '0')}`, title: `${source.title} ${row}`, category, price: source.price ?? null };
        vectors.set(near(leafCentre, SPREAD), row * DIM);
      }
    }
  });
  // Which row gets which popularity rank.
  const ranks = shuffledIndices(count, random);
  const popularity = new Float32Array(count);
  ranks.forEach((row, rank) => (popularity[row] = 1 / (1 + rank) ** 0.8));
  console.log(`bench: writing the ${count.toLocaleString()}-item synthetic catalogue to models/${name} ...`);
  await writeModel({
    outDir: dir,
    catalogId,
    items,
    vectors,
    dim: DIM,
    dtype: 'int8',
    popularity,
    ...queryProjection(count),
  });
  return name;
}

/**
 * A seeded random map from the search encoder's space into the synthetic one, so a search embeds
 * its query and reads its candidates' vectors as it would on a shop's model (what a search costs);
 * the synthetic vectors have no meaning, so neither has the semantic side's order here.
 */
function queryProjection(count: number): Pick<WriteModelOptions, 'encoder' | 'projection'> {
  const random = seededRandom(count + QUERY_ENCODER_DIM);
  const scale = 2 / Math.sqrt(QUERY_ENCODER_DIM);
  return {
    encoder: { name: 'synthetic', version: '1', dim: QUERY_ENCODER_DIM },
    projection: Float32Array.from({ length: QUERY_ENCODER_DIM * DIM }, () => scale * (random() - 0.5)),
  };
}
