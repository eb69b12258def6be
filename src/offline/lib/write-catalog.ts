/**
 * catalog.json, whole or sharded (core/card-shards.ts). By default a catalogue is sharded when its
 * whole file would be over SHARD_ABOVE_BYTES. Sharding trades a click's wait for the cards it
 * brings up (fetched ahead, but not always: measured on the bench's synthetic catalogues, a click's
 * grid came in 50-150 ms sharded against 35-55 ms whole) for a first visit that does not download
 * and parse every item's text (at a million items: 152 MB instead of 270 MB, and the first grid at
 * 2.3 s instead of 3.1 s). A 13 MB catalogue (100,000 short items) stays whole; 133 MB is sharded.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cardShardPath, CARD_SHARD_FOLDER } from '../../core/card-shards.ts';
import { sha256Hex } from '../../core/hash.ts';
import type { ModelFile } from '../../core/manifest.ts';
import type { ShopRulesJson } from '../../core/shop-rules.ts';
import type { ModelItemInput } from './write-model.ts';
import { writeSearchIndex } from './write-search-index.ts';

/** A catalogue whose whole catalog.json would be larger than this is sharded unless the builder is told otherwise. */
export const SHARD_ABOVE_BYTES = 32 * 1024 * 1024;
/**
 * Rows a shard holds by default: the size of a paged model's vector page (write-pages.ts), whose
 * rows are written with similar items as neighbours (row-order.ts), so a grid of similar items
 * shares shards. A fresh grid of 24 popular items from as many shards fetches 24 of them, about
 * 220 kB of short titles and prices; a million items make 7,813 shards, whose list is 1.4 MB of
 * catalog.json (about 370 kB of the first visit's bytes, gzipped, where 64 rows a shard took 740).
 */
export const DEFAULT_ROWS_PER_SHARD = 128;

/** Writes a file into the model folder and returns its manifest entry. */
export type WriteFile = (path: string, bytes: Uint8Array) => Promise<ModelFile>;

/**
 * @param items the catalogue, in row order.
 * @param rules the shop's rules, when it has any.
 * @param shards null: the whole catalogue in catalog.json; a number: its cards in shards of that
 *   many rows; 'auto': shards of DEFAULT_ROWS_PER_SHARD when the whole file would be over SHARD_ABOVE_BYTES.
 * @returns catalog.json's manifest entry (the shards' entries are in catalog.json).
 */
export async function writeCatalog(
  dir: string,
  items: readonly ModelItemInput[],
  rules: ShopRulesJson | undefined,
  shards: number | null | 'auto',
  write: WriteFile,
): Promise<ModelFile> {
  if (shards !== null && shards !== 'auto') return writeSharded(dir, items, rules, shards, write);
  const head = '{"items":[\n';
  const tail = `\n]${rules === undefined ? '' : `,\n"rules":${JSON.stringify(rules)}`}}\n`;
  const lines = items.map(wholeItem);
  // The whole file's size from its lines, one a line joined by ",\n": a catalogue that is going to
  // be sharded is never joined and encoded whole (at a million items, two more copies of 133 MB).
  const bytes = Buffer.byteLength(head) + Buffer.byteLength(tail) + lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 2, -2);
  if (shards === 'auto' && bytes > SHARD_ABOVE_BYTES) return writeSharded(dir, items, rules, DEFAULT_ROWS_PER_SHARD, write);
  return write('catalog.json', encode(head + lines.join(',\n') + tail));
}

async function writeSharded(
  dir: string,
  items: readonly ModelItemInput[],
  rules: ShopRulesJson | undefined,
  rowsPerShard: number,
  write: WriteFile,
): Promise<ModelFile> {
  await mkdir(join(dir, CARD_SHARD_FOLDER), { recursive: true });
  const shards: ModelFile[] = [];
  for (let first = 0; first < items.length; first += rowsPerShard) {
    const bytes = encode(
      `{"cards":[\n${items
        .slice(first, first + rowsPerShard)
        .map(card)
        .join(',\n')}\n]}\n`,
    );
    shards.push(await write(cardShardPath(await sha256Hex(bytes)), bytes));
  }
  const search = await writeSearchIndex(dir, items, write);
  return write(
    'catalog.json',
    encode(`${JSON.stringify({ ...columns(items), cards: { rowsPerShard, shards }, search, ...(rules === undefined ? {} : { rules }) })}\n`),
  );
}

/** One item of the whole catalogue: one a line, so diffs stay readable. */
function wholeItem(item: ModelItemInput): string {
  return JSON.stringify({
    id: item.id,
    title: item.title,
    category: item.category ?? '',
    description: item.description ?? '',
    price: item.price ?? null,
    image: item.image ?? null,
    ...(item.group === undefined || item.group === null ? {} : { group: item.group }),
    ...(item.inStock === false ? { inStock: false } : {}),
  });
}

/** One card of a shard, without the fields the item lacks. */
function card(item: ModelItemInput): string {
  return JSON.stringify({
    title: item.title,
    ...(item.description === undefined || item.description === null || item.description === '' ? {} : { description: item.description }),
    ...(item.price === undefined || item.price === null ? {} : { price: item.price }),
    ...(item.image === undefined || item.image === null ? {} : { image: item.image }),
  });
}

/** The ranking fields as columns (core/catalog-columns.ts), each name once. */
function columns(items: readonly ModelItemInput[]): Record<string, unknown> {
  const categories = new Map<string, number>();
  const groups = new Map<string, number>();
  const indexOf = (names: Map<string, number>, name: string): number => {
    const known = names.get(name);
    if (known !== undefined) return known;
    names.set(name, names.size);
    return names.size - 1;
  };
  const category = items.map((item) => indexOf(categories, item.category ?? ''));
  const group = items.map((item) => (item.group === undefined || item.group === null ? -1 : indexOf(groups, item.group)));
  const outOfStock = items.flatMap((item, row) => (item.inStock === false ? [row] : []));
  return {
    ids: items.map((item) => item.id),
    categories: [...categories.keys()],
    category,
    ...(groups.size === 0 ? {} : { groups: [...groups.keys()], group }),
    ...(outOfStock.length === 0 ? {} : { outOfStock }),
  };
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
