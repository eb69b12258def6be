/**
 * A sharded catalogue's full-text index, prebuilt: the same MiniSearch index the browser builds
 * from a whole catalogue, cut into a vocabulary and shards of postings (search/index-shards.ts) that
 * the browser fetches by the words a shopper searches, instead of every card. Written from the items'
 * words directly (search/build-index-shards.ts): a million items' whole index does not fit V8's heap.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../core/hash.ts';
import type { ModelFile } from '../../core/manifest.ts';
import { SEARCH_INDEX_FOLDER, searchIndexPath } from '../../core/search-index-files.ts';
import { buildIndexShards } from '../../search/build-index-shards.ts';
import type { Searched } from '../../search/lexical-index.ts';
import type { WriteFile } from './write-catalog.ts';
import type { ModelItemInput } from './write-model.ts';

/**
 * @param dir the model folder being written.
 * @param items the catalogue, in row order.
 * @returns catalog.json's `search` entry.
 */
export async function writeSearchIndex(
  dir: string,
  items: readonly ModelItemInput[],
  write: WriteFile,
): Promise<{ vocabulary: ModelFile; shards: ModelFile[] }> {
  await mkdir(join(dir, SEARCH_INDEX_FOLDER), { recursive: true });
  const { vocabulary, shards } = buildIndexShards(items.map(asSearched));
  const files: ModelFile[] = [];
  for (const bytes of shards) files.push(await write(searchIndexPath(await sha256Hex(bytes), 'bin'), bytes));
  return { vocabulary: await write(searchIndexPath(await sha256Hex(vocabulary), 'json'), vocabulary), shards: files };
}

/**
 * The item as the browser reads it from a sharded catalogue (columns and card), so the index holds
 * the same words and field lengths: a missing category or description is an empty one, which the
 * index counts as a field of no words.
 */
function asSearched(item: ModelItemInput): Searched {
  return { title: item.title, category: item.category ?? '', description: item.description ?? '' };
}
