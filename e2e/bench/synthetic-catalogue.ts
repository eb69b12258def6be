/**
 * The bench's 100,000-item catalogue: a model folder (models/bench-100k) written with the builder's
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

/** The folder's name under models/ (the storefront's `?models=`). */
export const SYNTHETIC_MODEL = 'bench-100k';
const CATALOG_ID = 'bench-100k-v1';
const COUNT = 100_000;
const DIM = 128;
/** How far an item strays from its department's centre (per coordinate, before normalising). */
const SPREAD = 0.35;

interface DemoItem {
  readonly title: string;
  readonly category?: string;
  readonly price?: number | null;
}

/**
 * Writes models/bench-100k unless it is already there from this generator.
 * @param root the repository root.
 * @returns the folder's name under models/.
 */
export async function ensureSyntheticCatalogue(root: string): Promise<string> {
  const dir = join(root, 'models', SYNTHETIC_MODEL);
  const manifestFile = join(dir, 'manifest.json');
  if (existsSync(manifestFile) && (JSON.parse(await readFile(manifestFile, 'utf8')) as { catalogId?: string }).catalogId === CATALOG_ID) return SYNTHETIC_MODEL;
  const demo = (JSON.parse(await readFile(join(root, 'models/demo/catalog.json'), 'utf8')) as { items: DemoItem[] }).items;
  const random = seededRandom(COUNT + DIM);
  const departments = [...new Set(demo.map((item) => item.category ?? ''))];
  const centres = new Map(departments.map((name) => [name, normalise(Float32Array.from({ length: DIM }, () => random() - 0.5))]));
  const items: ModelItemInput[] = [];
  const vectors = new Float32Array(COUNT * DIM);
  for (let row = 0; row < COUNT; row++) {
    const source = demo[row % demo.length] as DemoItem;
    items.push({ id: `s${String(row).padStart(6, '0')}`, title: `${source.title} ${row}`, category: source.category ?? '', price: source.price ?? null });
    const centre = centres.get(source.category ?? '') as Float32Array;
    vectors.set(normalise(Float32Array.from(centre, (value) => value + SPREAD * (random() - 0.5))), row * DIM);
  }
  // Which row gets which popularity rank.
  const ranks = shuffledIndices(COUNT, random);
  const popularity = new Float32Array(COUNT);
  ranks.forEach((row, rank) => (popularity[row] = 1 / (1 + rank) ** 0.8));
  console.log(`bench: writing the ${COUNT.toLocaleString()}-item synthetic catalogue to models/${SYNTHETIC_MODEL} ...`);
  await writeModel({ outDir: dir, catalogId: CATALOG_ID, items, vectors, dim: DIM, dtype: 'int8', popularity, encoder: { name: 'synthetic', version: '1' } });
  return SYNTHETIC_MODEL;
}
