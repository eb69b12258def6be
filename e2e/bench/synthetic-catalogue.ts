/**
 * The bench's synthetic catalogues (100,000 items always; 10,000 and 1,000,000 with `--catalog 1m`):
 * a model folder (models/bench-10k, models/bench-100k, models/bench-1m) written with the builder's
 * own writeModel (core's createManifest and loadModel behind it), so the storefront loads it as any
 * shop's. The items reuse the demo catalogue's titles, departments and prices in turn (numbered);
 * the vectors are synthetic: 128-d, one seeded cluster per department, so clicks still pull a
 * department up; popularity is Zipf-like over a seeded shuffle. Stored as int8, as the builder
 * stores a large catalogue when its recall allows. Written once: kept while its catalogue id (which
 * names the generator's version) matches.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalise } from '../../src/core/rank.ts';
import { seededRandom, shuffledIndices } from '../../src/core/random.ts';
import { writeModel, type ModelItemInput } from '../../src/offline/lib/write-model.ts';

/** The sizes the bench generates, by the name in their folder (the storefront's `?models=bench-<size>`). */
export const SYNTHETIC_SIZES = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 } as const;
export type SyntheticSize = keyof typeof SYNTHETIC_SIZES;
const DIM = 128;
/** How far an item strays from its department's centre (per coordinate, before normalising). */
const SPREAD = 0.35;

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
  // v3: the builder's default shards a catalogue whose whole file is over 32 MB (write-catalog.ts): the million's.
  const catalogId = `${name}-v3`;
  const count = SYNTHETIC_SIZES[size];
  const dir = join(root, 'models', name);
  const manifestFile = join(dir, 'manifest.json');
  if (existsSync(manifestFile) && (JSON.parse(await readFile(manifestFile, 'utf8')) as { catalogId?: string }).catalogId === catalogId) return name;
  const demo = (JSON.parse(await readFile(join(root, 'models/demo/catalog.json'), 'utf8')) as { items: DemoItem[] }).items;
  const random = seededRandom(count + DIM);
  const departments = [...new Set(demo.map((item) => item.category ?? ''))];
  const centres = new Map(departments.map((name) => [name, normalise(Float32Array.from({ length: DIM }, () => random() - 0.5))]));
  const items: ModelItemInput[] = [];
  const vectors = new Float32Array(count * DIM);
  for (let row = 0; row < count; row++) {
    const source = demo[row % demo.length] as DemoItem;
    items.push({ id: `s${String(row).padStart(6, '0')}`, title: `${source.title} ${row}`, category: source.category ?? '', price: source.price ?? null });
    const centre = centres.get(source.category ?? '') as Float32Array;
    vectors.set(normalise(Float32Array.from(centre, (value) => value + SPREAD * (random() - 0.5))), row * DIM);
  }
  // Which row gets which popularity rank.
  const ranks = shuffledIndices(count, random);
  const popularity = new Float32Array(count);
  ranks.forEach((row, rank) => (popularity[row] = 1 / (1 + rank) ** 0.8));
  console.log(`bench: writing the ${count.toLocaleString()}-item synthetic catalogue to models/${name} ...`);
  await writeModel({ outDir: dir, catalogId, items, vectors, dim: DIM, dtype: 'int8', popularity, encoder: { name: 'synthetic', version: '1' } });
  return name;
}
