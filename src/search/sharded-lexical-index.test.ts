import { describe, expect, it } from 'vitest';
import { parseCatalog, type CatalogItem } from '../core/catalog.ts';
import { RecError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import type { ModelFile } from '../core/manifest.ts';
import type { LexicalHit } from '../core/ports.ts';
import { seededRandom } from '../core/random.ts';
import { searchIndexPath, type SearchIndexFiles } from '../core/search-index-files.ts';
import { DEMO_ITEM_COUNT, generateDemoCatalog } from '../offline/builder/demo-catalog.ts';
import { decodeShard, hashedShardOf, isHashedTerm, splitIndex } from './index-shards.ts';
import { createLexicalIndex, indexJson } from './lexical-index.ts';
import { loadShardedLexicalIndex } from './sharded-lexical-index.ts';
import { words } from './tokens.ts';

/** The demo catalogue with a few items whose titles carry codes and sizes (words found only as themselves). */
const demo = parseCatalog({ items: generateDemoCatalog().items }, DEMO_ITEM_COUNT, 'demo catalogue');
const coded = ['Label Maker 429561', 'USB 3 Hub 2m', 'Air Fryer AF-5000 4 l', 'Brooch 429561 silver', 'Kettle 1.7 l 2200w'].map((title, i): CatalogItem => ({
  ...(demo[i] as CatalogItem),
  id: `coded-${i}` as CatalogItem['id'],
  title,
}));
const items = [...demo, ...coded];
const whole = createLexicalIndex(items);

/** The whole index cut into small shards (2 kB), served from memory; `reads` lists what was fetched. */
async function sharded(targetBytes = 2048) {
  const { json, fields } = indexJson(items);
  const { vocabulary, shards } = splitIndex(json, fields, targetBytes);
  const entry = async (bytes: Uint8Array, extension: 'json' | 'bin'): Promise<ModelFile> => {
    const sha256 = await sha256Hex(bytes);
    return { path: searchIndexPath(sha256, extension), bytes: bytes.length, sha256 };
  };
  const contents = new Map<string, Uint8Array>();
  const files: ModelFile[] = [];
  for (const [bytes, extension] of [[vocabulary, 'json'], ...shards.map((shard) => [shard, 'bin'])] as [Uint8Array, 'json' | 'bin'][]) {
    const file = await entry(bytes, extension);
    contents.set(file.path, bytes);
    files.push(file);
  }
  const reads: string[] = [];
  const source: SearchIndexFiles = {
    vocabulary: files[0] as ModelFile,
    shards: files.slice(1),
    read: (file) => {
      reads.push(file.path);
      return Promise.resolve(contents.get(file.path) as Uint8Array);
    },
  };
  const index = await loadShardedLexicalIndex({ files: source, items, loadCards: () => Promise.resolve(), location: 'models/test' });
  return { index, reads, source, shardCount: shards.length, vocabulary, shards };
}

/** Queries of every kind the matching rules treat apart: whole words, typos, a prefix being typed, codes, gibberish. */
function queries(): string[] {
  const random = seededRandom(20251205);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const out: string[] = ['429561', 'usb 3 hub', 'af 5000', '2200w kettle', 'kettle 1 7', 'jackt', 'warm jacket for hiking', 'xqzv blorft 42 ###', 'ga', 'gar'];
  for (let n = 0; n < 120; n++) {
    const title = words(pick(items).title);
    const start = Math.floor(random() * Math.max(1, title.length - 2));
    const chosen = title.slice(start, start + 1 + Math.floor(random() * 3));
    const last = chosen.length - 1;
    const kind = n % 3;
    // A typo in a 5+-letter word, or the last word cut short as while typing.
    if (kind === 1) chosen[last] = (chosen[last] as string).slice(0, Math.max(3, Math.ceil((chosen[last] as string).length / 2)));
    if (kind === 2) {
      const at = chosen.findIndex((word) => word.length >= 5);
      if (at >= 0) chosen[at] = `${(chosen[at] as string).slice(0, 2)}x${(chosen[at] as string).slice(3)}`;
    }
    out.push(chosen.join(' '));
  }
  return out;
}

describe('a sharded lexical index', () => {
  it('returns the whole index’s hits in its order, with its coverage and scores, for every query', async () => {
    const { index } = await sharded();
    // A word's completions are summed in the order its radix tree walks them, which a tree of fewer
    // words can change: the scores may differ in their last bits, never more.
    const rounded = (hits: readonly LexicalHit[]) => hits.map(({ row, coverage, score }) => ({ row, coverage, score: score.toPrecision(12) }));
    for (const query of queries()) expect({ query, hits: rounded(await index.search(query, 60)) }).toEqual({ query, hits: rounded(whole.search(query, 60)) });
  });

  it('suggests what the whole index suggests', async () => {
    const { index } = await sharded();
    for (const typed of ['gar', 'label ma', 'ceramic tea', 'outdo', '4295']) expect(await index.suggest(typed, 6)).toEqual(whole.suggest(typed, 6));
  });

  it('fetches the vocabulary once, then only the shards the query’s words reach', async () => {
    const { index, reads, source, shardCount } = await sharded();
    expect(reads).toEqual([source.vocabulary.path]);
    await index.search('429561', 10);
    // A code is found only as itself: one hashed shard.
    expect(reads).toHaveLength(2);
    await index.search('429561', 10);
    expect(reads).toHaveLength(2);
    await index.search('refillable label maker', 10);
    expect(reads.length).toBeGreaterThan(2);
    expect(reads.length).toBeLessThan(1 + shardCount / 4);
  });

  it('files codes, sizes and two-letter words under their hash, and lists every other word', async () => {
    expect(['429561', '2m', '3', 'af', '5000', '2200w'].map(isHashedTerm)).toEqual([true, true, true, true, true, true]);
    expect(['usb3', 'jacket', 'af5', 'x200', '12ab'].map(isHashedTerm)).toEqual([false, false, false, false, false]);
    const { vocabulary, shards } = await sharded();
    const parsed = JSON.parse(new TextDecoder().decode(vocabulary)) as { terms: string[]; termShards: number[]; hashedShards: number };
    expect(parsed.terms).toContain('refillable');
    expect(parsed.terms).not.toContain('429561');
    const bucket = parsed.termShards.length + hashedShardOf('429561', parsed.hashedShards);
    expect([...decodeShard(shards[bucket] as Uint8Array, 'bucket').keys()]).toContain('429561');
  });

  it('refuses a vocabulary that does not account for the listed shards, naming the field', async () => {
    const { source } = await sharded();
    const short = { ...source, shards: source.shards.slice(1) };
    await expect(loadShardedLexicalIndex({ files: short, items, loadCards: () => Promise.resolve(), location: 'models/test' })).rejects.toThrow(
      /models\/test\/search\/[0-9a-f]{64}\.json.*hashedShards/u,
    );
  });

  it('refuses a shard that ends inside a record, naming it', () => {
    const bytes = new TextEncoder().encode('\u0006jacket\u0001\u0000\u0005\u0001');
    expect(() => decodeShard(bytes, 'models/test/search/x.bin')).toThrow(RecError);
    expect(() => decodeShard(bytes, 'models/test/search/x.bin')).toThrow(/models\/test\/search\/x\.bin: a search index shard ends inside a record/u);
  });
});
