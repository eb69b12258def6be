// The demo catalogue written sharded (src/core/card-shards.ts), in shards of 8 rows, so the
// storefront's sharded path runs on real titles and pictures at a size the e2e suite can afford
// (300 shards: a grid, the first grid and the cards fetched ahead reach at most 120 of them).
// Written with the repository's own builder into models/e2e-sharded (gitignored); the pictures stay
// in the demo's folder, named by their path from the site's root.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ShopRulesJson } from '../src/core/shop-rules.ts';
import { verifyModelDir, writeModel, type WriteModelOptions } from '../src/offline/lib/write-model.ts';

export const SHARDED_MODEL = 'e2e-sharded';
export const ROWS_PER_SHARD = 8;
const MODELS_DIR = resolve(import.meta.dirname, '..', 'models');

/** What the tests check the page against. */
export interface ShardedFixture {
  /** Each item's row and title, by id. */
  readonly items: ReadonlyMap<string, { readonly row: number; readonly title: string }>;
  /** Each shard's path in the model folder, by index (as catalog.json lists them). */
  readonly shardPaths: readonly string[];
  /** The search index's files (its vocabulary, then its shards) in the model folder. */
  readonly searchPaths: readonly string[];
}

/** Writes models/e2e-sharded from models/demo. */
export function buildShardedModel(): Promise<ShardedFixture> {
  return writeDemoAs(SHARDED_MODEL, {});
}

/**
 * Writes the demo catalogue into models/<name>, its cards in shards of ROWS_PER_SHARD rows.
 * @param options more of writeModel's options (a paged layout).
 */
export async function writeDemoAs(name: string, options: Pick<WriteModelOptions, 'paged'>): Promise<ShardedFixture> {
  const demo = await verifyModelDir(resolve(MODELS_DIR, 'demo'));
  const { rules } = JSON.parse(await readFile(resolve(MODELS_DIR, 'demo', 'catalog.json'), 'utf8')) as { rules?: ShopRulesJson };
  const items = demo.items.map(({ id, title, category, description, price, image, group, inStock }) => ({
    id,
    title,
    category,
    description,
    price,
    image: image === null ? null : `/models/demo/${image}`,
    group,
    inStock,
  }));
  const written = await writeModel({
    outDir: resolve(MODELS_DIR, name),
    catalogId: name,
    items,
    vectors: demo.vectors,
    dim: demo.manifest.dim,
    dtype: demo.manifest.dtype,
    popularity: demo.popularity,
    projection: demo.projection,
    encoder: demo.manifest.encoder,
    ...(demo.manifest.search === undefined ? {} : { search: demo.manifest.search }),
    ...(rules === undefined ? {} : { rules }),
    rowsPerShard: ROWS_PER_SHARD,
    createdAt: new Date(0),
    ...options,
  });
  return {
    items: new Map(items.map((item, row) => [item.id, { row, title: item.title }])),
    ...(await pathsOf(written.dir)),
  };
}

async function pathsOf(dir: string): Promise<Pick<ShardedFixture, 'shardPaths' | 'searchPaths'>> {
  const catalog = JSON.parse(await readFile(resolve(dir, 'catalog.json'), 'utf8')) as {
    cards: { shards: { path: string }[] };
    search: { vocabulary: { path: string }; shards: { path: string }[] };
  };
  return {
    shardPaths: catalog.cards.shards.map((shard) => shard.path),
    searchPaths: [catalog.search.vocabulary, ...catalog.search.shards].map((file) => file.path),
  };
}
