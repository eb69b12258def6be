// A sharded catalogue's prebuilt search index, written by the builder and read back as the browser
// reads it: the same hits as an index built from every card, no card fetched to search, and a
// damaged index file refused by name.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCatalog } from '../../core/catalog.ts';
import { loadModel } from '../../core/model.ts';
import type { LexicalHit } from '../../core/ports.ts';
import { createLexicalIndex } from '../../search/lexical-index.ts';
import { loadShardedLexicalIndex } from '../../search/sharded-lexical-index.ts';
import { createFsModelSource, verifyModelDir, writeModel, type ModelItemInput } from './write-model.ts';

const DIM = 4;
const BRANDS = ['Hackett', 'Schroeder', 'Hoeger', 'Nader'];
const KINDS = ['Air Fryer', 'Label Maker', 'Brooch', 'Garden Gloves', 'Rain Boots', 'Teapot'];
const FINISHES = ['Bamboo', 'Brushed Steel', 'Velvet', 'Ceramic', 'Gemstone'];
/** 600 items of a few brands, kinds and finishes, each with a code; every fifth without a description, every seventh without a category. */
const items: ModelItemInput[] = Array.from({ length: 600 }, (_, row) => {
  const kind = KINDS[row % KINDS.length] as string;
  const finish = FINISHES[(row * 7) % FINISHES.length] as string;
  return {
    id: `p${row}`,
    title: `${BRANDS[row % BRANDS.length]} ${finish} ${kind} ${100000 + row * 37}`,
    ...(row % 7 === 0 ? {} : { category: ['Kitchen', 'Office', 'Jewellery', 'Garden', 'Shoes'][row % 5] as string }),
    description: row % 5 === 0 ? null : `${finish} ${kind.toLowerCase()} with a gift box, for weddings and weekends.`.repeat(1 + (row % 3)),
  };
});
const vectors = Float32Array.from({ length: items.length * DIM }, (_, i) => (i % DIM === Math.floor(i / DIM) % DIM ? 1 : 0));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vitrine-search-index-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = () =>
  writeModel({ outDir: join(dir, 'm'), catalogId: 'search', items, vectors, dim: DIM, encoder: { name: 't', version: '1' }, rowsPerShard: 64 });

describe('writeModel: a sharded catalogue’s search index', () => {
  it('answers as an index of every card does, reading the index’s files and no card', async () => {
    const written = await write();
    const source = createFsModelSource(written.dir);
    const reads: string[] = [];
    const model = await loadModel({ location: source.location, read: (path, onBytes) => (reads.push(path), source.read(path, onBytes)) });
    const files = model.searchIndex;
    if (files === undefined) throw new Error('the sharded catalogue has no search index');
    const sharded = await loadShardedLexicalIndex({ files, items: model.items, loadCards: (rows) => model.cards.load(rows), location: source.location });
    const whole = createLexicalIndex(parseCatalog({ items: items.map((item) => ({ ...item, description: item.description ?? '' })) }, items.length, 'items'));
    // Scores to 12 digits: a field length or average written wrong would move them (the sharded
    // index's own tests say why not to the last bit).
    const seen = (hits: readonly LexicalHit[]) => hits.map(({ row, coverage, score }) => ({ row, coverage, score: score.toPrecision(12) }));
    for (const query of ['air fryer', 'brooch', 'label makr', 'gar', 'gift box for weddings', '100037', 'velvet teapot 100', 'kitchen teapot']) {
      expect({ query, hits: seen(await sharded.search(query, 40)) }).toEqual({ query, hits: seen(whole.search(query, 40)) });
    }
    expect(await sharded.search('xqzv blorft', 40)).toEqual([]);
    expect(reads.filter((path) => path.startsWith('cards/'))).toEqual([]);
    expect(reads.filter((path) => path.startsWith('search/')).length).toBeGreaterThan(1);
  });

  it('refuses a search index file changed on disk, naming it and the list it is checked against', async () => {
    const written = await write();
    const catalog = JSON.parse(await readFile(join(written.dir, 'catalog.json'), 'utf8')) as { search: { shards: { path: string }[] } };
    const shard = catalog.search.shards[0]?.path ?? '';
    const bytes = await readFile(join(written.dir, shard));
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    await writeFile(join(written.dir, shard), bytes);
    await expect(verifyModelDir(written.dir)).rejects.toMatchObject({
      code: 'MODEL_CHECKSUM_MISMATCH',
      message: expect.stringContaining('(catalog.json)'),
      location: { file: join(written.dir, shard) },
    });
  });
});
