import { describe, expect, it } from 'vitest';
import { parseCatalog, type CatalogItem } from '../core/catalog.ts';
import { RecError } from '../core/errors.ts';
import { sha256Hex } from '../core/hash.ts';
import type { ModelFile } from '../core/manifest.ts';
import type { LexicalHit } from '../core/ports.ts';
import { seededRandom } from '../core/random.ts';
import { searchIndexPath, type SearchIndexFiles } from '../core/search-index-files.ts';
import { DEMO_ITEM_COUNT, generateDemoCatalog } from '../offline/builder/demo-catalog.ts';
import { decodeShard, hashedShardOf, isHashedTerm, parseVocabulary, splitIndex } from './index-shards.ts';
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
async function sharded(targetBytes = 2048, loadCards: (rows: Iterable<number>) => Promise<void> = () => Promise.resolve()) {
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
  const index = await loadShardedLexicalIndex({ files: source, items, loadCards, location: 'models/test' });
  return { index, reads, source, shardCount: shards.length, vocabulary, shards, contents };
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

  it('suggests what the whole index suggests, loading the cards of the titles it read', async () => {
    const loaded: number[] = [];
    const { index } = await sharded(2048, (rows) => (loaded.push(...rows), Promise.resolve()));
    for (const typed of ['gar', 'label ma', 'ceramic tea', 'outdo', '4295', '']) expect(await index.suggest(typed, 6)).toEqual(whole.suggest(typed, 6));
    const titles = await index.suggest('label ma', 6);
    const rows = titles.flatMap((suggestion) => (suggestion.row === null ? [] : [suggestion.row]));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(loaded).toContain(row);
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

  it('expands a prefix for the last word only, so a finished word fetches only its own shards', async () => {
    const last = await sharded();
    await last.index.search('kettle gar', 10);
    const first = await sharded();
    await first.index.search('gar kettle', 10);
    // "gar" last reaches garden, gardening, garlic... in shards of their own; first, it is a word alone.
    expect(first.reads.length).toBeLessThan(last.reads.length);
  });

  it('files codes, sizes and two-letter words under their hash, and lists every other word', async () => {
    expect(['429561', '2m', '3', 'af', '5000', '2200w', '1a2b3', '123'].map(isHashedTerm)).toEqual([true, true, true, true, true, true, true, true]);
    expect(['usb3', 'jacket', 'af5', 'x200', '12ab', '12a', 'a123'].map(isHashedTerm)).toEqual([false, false, false, false, false, false, false]);
    // FNV-1a's published 32-bit values, so a hash the builder and the page compute alike is still the named one.
    expect(hashedShardOf('a', 2 ** 32)).toBe(0xe40c292c);
    expect(hashedShardOf('foobar', 2 ** 32)).toBe(0xbf9cf968);
    const { vocabulary, shards } = await sharded();
    const parsed = JSON.parse(new TextDecoder().decode(vocabulary)) as { terms: string[]; termShards: number[]; hashedShards: number };
    expect(parsed.terms).toContain('refillable');
    expect(parsed.terms).not.toContain('429561');
    const bucket = parsed.termShards.length + hashedShardOf('429561', parsed.hashedShards);
    expect([...decodeShard(shards[bucket] as Uint8Array, 'bucket').keys()]).toContain('429561');
  });

  it('fills each listed shard up to the target size, and makes a word larger than it a shard of its own', async () => {
    const { vocabulary, shards } = await sharded(2048);
    const parsed = JSON.parse(new TextDecoder().decode(vocabulary)) as { termShards: number[] };
    const listedSizes = shards.slice(0, parsed.termShards.length).map((shard) => shard.length);
    listedSizes.forEach((size, s) => expect(size <= 2048 || parsed.termShards[s] === 1, `shard ${s}: ${size} bytes`).toBe(true));
    // Greedy: the next shard's first word did not fit, so no two neighbours would fit in one.
    for (let s = 1; s < listedSizes.length; s++) expect((listedSizes[s - 1] ?? 0) + (listedSizes[s] ?? 0)).toBeGreaterThan(2048);
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

  it('refuses a vocabulary of another format, with averages that do not match its fields, or counts that do not match its words, naming the field', async () => {
    const { vocabulary, shardCount } = await sharded();
    const parsed = JSON.parse(new TextDecoder().decode(vocabulary)) as Record<string, unknown> & { termShards: number[] };
    const refused = (changes: Record<string, unknown>) => () => parseVocabulary({ ...parsed, ...changes }, shardCount, 'models/test/search/v.json');
    expect(refused({ format: 2 })).toThrow(/models\/test\/search\/v\.json.*format.*1/u);
    expect(refused({ averageFieldLength: [1, 2] })).toThrow(/averageFieldLength.*3 numbers/u);
    expect(refused({ termShards: [...parsed.termShards.slice(1), (parsed.termShards[0] ?? 0) + 1] })).toThrow(/termShards.*counts summing to/u);
    expect(() => parseVocabulary(parsed, shardCount, 'v.json')).not.toThrow();
  });

  it('refuses a vocabulary that is not JSON, and a shard cut short, naming the file', async () => {
    const { source, contents } = await sharded();
    const broken = (path: string, bytes: Uint8Array): SearchIndexFiles => ({
      ...source,
      read: (file) => Promise.resolve(file.path === path ? bytes : (contents.get(file.path) as Uint8Array)),
    });
    const load = (files: SearchIndexFiles) => loadShardedLexicalIndex({ files, items, loadCards: () => Promise.resolve(), location: 'models/test' });
    await expect(load(broken(source.vocabulary.path, new TextEncoder().encode('{"format": 1,')))).rejects.toMatchObject({
      code: 'CATALOG_INVALID',
      message: expect.stringContaining(`models/test/${source.vocabulary.path}`),
    });
    const parsed = JSON.parse(new TextDecoder().decode(contents.get(source.vocabulary.path))) as { termShards: number[]; hashedShards: number };
    const shard = source.shards[parsed.termShards.length + hashedShardOf('429561', parsed.hashedShards)] as ModelFile;
    const index = await load(broken(shard.path, (contents.get(shard.path) as Uint8Array).subarray(0, 5)));
    await expect(index.search('429561', 5)).rejects.toThrow(`models/test/${shard.path}: a search index shard ends inside a record`);
  });
});
