// The demo catalogue written as a paged model (src/core/vector-pages.ts): its vectors in pages of 8
// rows (300 pages) beside product-quantisation codes, and its cards sharded, so the storefront's
// paged path runs on real titles and vectors at a size the e2e suite can afford. Written with the
// repository's own builder into models/e2e-paged (gitignored).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { decodePageList, type PagedLayout } from '../src/core/vector-pages.ts';
import { writeDemoAs, type ShardedFixture } from './sharded-model.ts';

export const PAGED_MODEL = 'e2e-paged';
export const PAGED_LAYOUT: PagedLayout = { subspaces: 16, rowsPerPage: 8, rerank: 200, hotRows: 256 };
const MODELS_DIR = resolve(import.meta.dirname, '..', 'models');

export interface PagedFixture extends ShardedFixture {
  /** Each vector page's path in the model folder, by index. */
  readonly pagePaths: readonly string[];
}

/** Writes models/e2e-paged from models/demo. */
export async function buildPagedModel(): Promise<PagedFixture> {
  const fixture = await writeDemoAs(PAGED_MODEL, { paged: PAGED_LAYOUT });
  const dir = resolve(MODELS_DIR, PAGED_MODEL);
  const manifest = JSON.parse(await readFile(resolve(dir, 'manifest.json'), 'utf8')) as { itemCount: number; dim: number; dtype: 'int8' };
  const list = await readFile(resolve(dir, 'vector-pages.bin'));
  const pages = decodePageList(new Uint8Array(list), manifest.itemCount, PAGED_LAYOUT, manifest.dim, manifest.dtype);
  return { ...fixture, pagePaths: pages.map((page) => page.path) };
}
