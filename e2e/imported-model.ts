// A model built by `build:models --item-vectors`, as a shop with its own embedding pipeline would
// build one: the demo's catalogue (as JSON Lines) and, for nine items in ten, 256-d vectors that
// stand in for the shop's model (tanh of a seeded random projection of the demo's own vectors, so
// they differ from the built-in encoder's but keep the departments apart), written as Arrow IPC.
// The builder runs as a child process, as a shop runs it; the demo's texts are in the embedding
// cache by then (npm run models:demo), so it embeds nothing. models/ is gitignored.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadModel, type LoadedModel } from '../src/core/model.ts';
import { seededRandom } from '../src/core/random.ts';
import { writeItemVectorFile } from '../src/offline/lib/item-vector-files.ts';
import { gaussian } from '../src/offline/lib/linalg.ts';
import { createFsModelSource } from '../src/offline/lib/write-model.ts';

/** The model folder name, for `?models=`. */
export const IMPORTED_MODEL = 'e2e-imported';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = resolve(ROOT, '.cache', IMPORTED_MODEL);
const IMPORTED_DIM = 256;
const SHARE_WITH_VECTORS = 0.9;

/** The demo model, and its catalogue written as JSON Lines into `work` (the builder's input). */
export async function demoCatalogInput(work: string): Promise<{ demo: LoadedModel; catalog: string }> {
  const demo = await loadModel(createFsModelSource(resolve(ROOT, 'models', 'demo')));
  await mkdir(work, { recursive: true });
  const catalog = resolve(work, 'items.jsonl');
  const lines = demo.items.map(({ id, title, category, description, price }) => JSON.stringify({ id, title, category, description, price }));
  await writeFile(catalog, `${lines.join('\n')}\n`);
  return { demo, catalog };
}

/**
 * Runs the builder's command line into models/<name>, as a shop runs it.
 * @param name the model folder's name.
 * @param args the options besides --out.
 */
export async function buildE2eModel(name: string, args: readonly string[]): Promise<void> {
  await promisify(execFile)('npx', ['tsx', 'src/offline/builder/cli.ts', ...args, '--out', resolve(ROOT, 'models', name), '--quiet'], { cwd: ROOT });
}

/** Writes the catalogue and the vectors, then builds models/e2e-imported with the builder's command line. */
export async function buildImportedModel(): Promise<void> {
  const { demo, catalog } = await demoCatalogInput(WORK);
  const { dim } = demo.manifest;

  const random = seededRandom(23);
  const projection = Float32Array.from({ length: dim * IMPORTED_DIM }, () => gaussian(random));
  const ids: string[] = [];
  const vectors: Float32Array[] = [];
  demo.items.forEach((item, row) => {
    if (random() >= SHARE_WITH_VECTORS) return;
    const vector = new Float32Array(IMPORTED_DIM);
    for (let k = 0; k < dim; k++) {
      const v = demo.vectors[row * dim + k] ?? 0;
      for (let j = 0; j < IMPORTED_DIM; j++) vector[j] = (vector[j] ?? 0) + v * (projection[k * IMPORTED_DIM + j] ?? 0);
    }
    ids.push(item.id);
    vectors.push(vector.map(Math.tanh));
  });
  const file = resolve(WORK, 'vectors.arrow');
  await writeItemVectorFile(file, ids, vectors);
  await buildE2eModel(IMPORTED_MODEL, ['--catalog', catalog, '--item-vectors', file, '--dim', '128']);
}
