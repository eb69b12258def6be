// The builder's sharded catalogue, read back through core's loadModel as the browser reads it: the
// same items as the whole catalogue, only the shards asked for fetched, every shard verified, and a
// recommender whose every list's cards are on hand when it is shown.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../core/catalog.ts';
import { DEFAULT_PRIOR_WEIGHT } from '../../core/constants.ts';
import { toItemId, toSessionId } from '../../core/ids.ts';
import { createMemoryEventStore } from '../../core/memory-store.ts';
import { loadFallbackCatalog } from '../../core/fallback.ts';
import { loadModel, type LoadedModel } from '../../core/model.ts';
import { createRecommender } from '../../core/recommender.ts';
import { createReferenceSpace, createWordIndex } from '../../core/test-support.ts';
import { SHARD_ABOVE_BYTES } from './write-catalog.ts';
import { createFsModelSource, verifyModelDir, writeModel, type ModelItemInput } from './write-model.ts';

const COUNT = 30;
const DIM = 4;
const ROWS_PER_SHARD = 7;

const items: ModelItemInput[] = Array.from({ length: COUNT }, (_, i) => ({
  id: `t${i}`,
  title: `Item ${i}`,
  category: ['Toys', 'Books', ''][i % 3] ?? '',
  description: i % 4 === 0 ? null : `About item ${i}`,
  price: i % 5 === 0 ? null : i + 0.5,
  image: i % 2 === 0 ? `images/${i}.png` : null,
  group: i % 6 === 0 ? `g${i % 12}` : null,
  inStock: i !== 11,
}));

/** Unit rows: item i along axis i mod DIM, tilted a little by i so no two are equal. */
function vectorsOf(count: number, dim: number): Float32Array {
  const out = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) {
    const tilt = (row % 7) / 20;
    const norm = Math.hypot(1, tilt);
    out[row * dim + (row % dim)] = 1 / norm;
    out[row * dim + ((row + 1) % dim)] = tilt / norm;
  }
  return out;
}

/** An item's fields as plain data (a sharded item's card fields are getters). */
const plain = ({ id, title, category, description, price, image, group, inStock }: CatalogItem) => ({
  id,
  title,
  category,
  description,
  price,
  image,
  group,
  inStock,
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vitrine-shards-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (outDir: string, rowsPerShard: number | null | 'default', list = items) =>
  writeModel({
    outDir,
    catalogId: 'shards',
    items: list,
    vectors: vectorsOf(list.length, DIM),
    dim: DIM,
    encoder: { name: 't', version: '1' },
    ...(rowsPerShard === 'default' ? {} : { rowsPerShard }),
    ...(list === items ? { rules: { pin: [{ item: 't3', position: 4 }], boost: [{ category: 'Books', by: 0.1 }] } } : {}),
  });

/** The model loaded as the browser loads it (no shard read yet), and the paths its source read. */
async function loadCounting(folder: string): Promise<{ model: LoadedModel; reads: string[] }> {
  const source = createFsModelSource(folder);
  const reads: string[] = [];
  const model = await loadModel({ location: source.location, read: (path, onBytes) => (reads.push(path), source.read(path, onBytes)) });
  return { model, reads };
}

describe('writeModel: a sharded catalogue', () => {
  it('reads back every item, field for field, as the whole catalogue does, with the same rules', async () => {
    const whole = await verifyModelDir((await write(join(dir, 'whole'), null)).dir);
    const sharded = await verifyModelDir((await write(join(dir, 'sharded'), ROWS_PER_SHARD)).dir);
    expect(sharded.items.map(plain)).toEqual(whole.items.map(plain));
    // Shards that divide the items exactly: no empty shard at the end.
    const even = await verifyModelDir((await write(join(dir, 'even'), COUNT / 3)).dir);
    expect(even.items.map(plain)).toEqual(whole.items.map(plain));
    expect(sharded.rules).toEqual(whole.rules);
    expect([...sharded.rowOf]).toEqual([...whole.rowOf]);
    expect(whole.items[11]?.inStock).toBe(false);
    expect(sharded.items[6]?.group).toBe('g6');
  });

  it('fetches no shard on load and only the shards of the rows asked for', async () => {
    await write(join(dir, 'm'), ROWS_PER_SHARD);
    const { model, reads } = await loadCounting(join(dir, 'm'));
    expect(reads.filter((path) => path.startsWith('cards/'))).toEqual([]);
    await model.cards.load([8, 9, 29]);
    const shardReads = reads.filter((path) => path.startsWith('cards/'));
    expect(shardReads).toHaveLength(2);
    expect(model.items[8]?.title).toBe('Item 8');
    expect(model.items[29]?.title).toBe('Item 29');
    expect(model.cards.has(0)).toBe(false);
    expect(() => model.items[0]?.title).toThrow(/row 0 was read before its shard/);
  });

  it('refuses a shard changed on disk, naming it, and a shard that is gone', async () => {
    const written = await write(join(dir, 'm'), ROWS_PER_SHARD);
    const catalog = JSON.parse(await readFile(join(written.dir, 'catalog.json'), 'utf8')) as { cards: { shards: { path: string }[] } };
    const second = catalog.cards.shards[1]?.path ?? '';
    const bytes = await readFile(join(written.dir, second), 'utf8');
    await writeFile(join(written.dir, second), bytes.replace('Item 7', 'Item X'));
    await expect(verifyModelDir(written.dir)).rejects.toMatchObject({
      code: 'MODEL_CHECKSUM_MISMATCH',
      message: expect.stringContaining('(catalog.json)'),
      location: { file: join(written.dir, second) },
    });
    await rm(join(written.dir, second));
    await expect(verifyModelDir(written.dir)).rejects.toMatchObject({ code: 'MODEL_FETCH_FAILED', location: { file: join(written.dir, second) } });
  });

  it('shards a catalogue by default when its whole file would be over SHARD_ABOVE_BYTES, and keeps a smaller one whole', async () => {
    // Items of a mebibyte each (a long description): the whole file is a little over the count in MiB.
    const mebibyte = 'x'.repeat(1024 * 1024);
    const many = Array.from({ length: SHARD_ABOVE_BYTES / 1024 / 1024 }, (_, i) => ({ id: `m${i}`, title: `M ${i}`, description: mebibyte }));
    const large = await write(join(dir, 'large'), 'default', many);
    const small = await write(join(dir, 'small'), 'default', many.slice(1));
    const shape = async (folder: string) => Object.keys(JSON.parse(await readFile(join(folder, 'catalog.json'), 'utf8')) as object);
    expect(await shape(large.dir)).toContain('cards');
    expect(await shape(small.dir)).toEqual(['items']);
    // Told to, the builder keeps even the large one whole.
    const told = await write(join(dir, 'told'), null, many);
    expect(await shape(told.dir)).toEqual(['items']);
  });
});

describe('writeModel: the 32 MB rule, to the byte', () => {
  it('keeps a catalogue whose whole file is exactly SHARD_ABOVE_BYTES whole, and shards one a byte larger', async () => {
    const withDescription = (length: number): ModelItemInput[] => [{ id: 'm0', title: 'M 0', description: 'x'.repeat(length) }];
    const probe = await write(join(dir, 'probe'), null, withDescription(1000));
    const overhead = (await readFile(join(probe.dir, 'catalog.json'))).byteLength - 1000;
    const shape = async (folder: string) => Object.keys(JSON.parse(await readFile(join(folder, 'catalog.json'), 'utf8')) as object);
    const exact = await write(join(dir, 'exact'), 'default', withDescription(SHARD_ABOVE_BYTES - overhead));
    expect((await readFile(join(exact.dir, 'catalog.json'))).byteLength).toBe(SHARD_ABOVE_BYTES);
    expect(await shape(exact.dir)).toEqual(['items']);
    const over = await write(join(dir, 'over'), 'default', withDescription(SHARD_ABOVE_BYTES - overhead + 1));
    expect(await shape(over.dir)).toContain('cards');
  });
});

describe('writeModel: the catalogue files’ text', () => {
  const few: ModelItemInput[] = [
    { id: 'a', title: 'A' },
    { id: 'b', title: 'B', category: 'Toys', description: '', price: null, image: null, group: null, inStock: true },
    { id: 'c', title: 'C', category: 'Toys', description: 'd', price: 1, image: 'c.png', group: 'g', inStock: false },
  ];

  it('writes a shard without the fields an item lacks, and no group or stock column that no item needs', async () => {
    const written = await write(join(dir, 'm'), 3, few);
    const catalog = JSON.parse(await readFile(join(written.dir, 'catalog.json'), 'utf8')) as Record<string, unknown> & {
      cards: { shards: { path: string }[] };
    };
    expect(await readFile(join(written.dir, catalog.cards.shards[0]?.path ?? ''), 'utf8')).toBe(
      '{"cards":[\n{"title":"A"},\n{"title":"B"},\n{"title":"C","description":"d","price":1,"image":"c.png"}\n]}\n',
    );
    expect(catalog).toMatchObject({ ids: ['a', 'b', 'c'], categories: ['', 'Toys'], category: [0, 1, 1], groups: ['g'], group: [-1, -1, 0], outOfStock: [2] });
    const plainOnes = await write(join(dir, 'plain'), 3, few.slice(0, 2));
    expect(Object.keys(JSON.parse(await readFile(join(plainOnes.dir, 'catalog.json'), 'utf8')) as object)).toEqual([
      'ids',
      'categories',
      'category',
      'cards',
      'search',
    ]);
  });

  it('writes the whole catalogue one item a line, with a group and stock only where they say something', async () => {
    const written = await write(join(dir, 'm'), null, few);
    expect((await readFile(join(written.dir, 'catalog.json'), 'utf8')).split('\n').slice(1, 4)).toEqual([
      '{"id":"a","title":"A","category":"","description":"","price":null,"image":null},',
      '{"id":"b","title":"B","category":"Toys","description":"","price":null,"image":null},',
      '{"id":"c","title":"C","category":"Toys","description":"d","price":1,"image":"c.png","group":"g","inStock":false}',
    ]);
  });
});

describe('the fallback of a sharded catalogue whose vectors are broken', () => {
  it('shows the most popular items with their cards, fetching only their shards, and nothing when one of those shards is refused', async () => {
    const written = await writeModel({
      outDir: join(dir, 'm'),
      catalogId: 'shards',
      items,
      vectors: vectorsOf(COUNT, DIM),
      dim: DIM,
      encoder: { name: 't', version: '1' },
      // Row 29 most popular, then 28, ...: the first five are rows 29-25, in shards 4 and 3.
      popularity: Float32Array.from({ length: COUNT }, (_, row) => (row + 1) / COUNT),
      rowsPerShard: ROWS_PER_SHARD,
    });
    const vectorsFile = join(written.dir, written.manifest.files.vectors.path);
    await writeFile(vectorsFile, new Uint8Array(written.manifest.files.vectors.bytes));
    await expect(verifyModelDir(written.dir)).rejects.toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH' });
    const source = createFsModelSource(written.dir);
    const reads: string[] = [];
    const fallback = await loadFallbackCatalog({ location: source.location, read: (path, onBytes) => (reads.push(path), source.read(path, onBytes)) }, 5);
    expect(fallback?.items.slice(0, 5).map((item) => item.title)).toEqual(['Item 29', 'Item 28', 'Item 27', 'Item 26', 'Item 25']);
    expect(reads.filter((path) => path.startsWith('cards/'))).toHaveLength(2);
    const catalog = JSON.parse(await readFile(join(written.dir, 'catalog.json'), 'utf8')) as { cards: { shards: { path: string }[] } };
    await writeFile(join(written.dir, catalog.cards.shards[4]?.path ?? ''), '{"cards":[]}');
    expect(await loadFallbackCatalog(createFsModelSource(written.dir), 5)).toBeNull();
  });
});

describe('a recommender over a sharded catalogue', () => {
  it('has every card of its grid, its reasons, its placements and its cart on hand when it shows them', async () => {
    await write(join(dir, 'm'), ROWS_PER_SHARD);
    const { model, reads } = await loadCounting(join(dir, 'm'));
    let clock = 1_000_000;
    const recommender = await createRecommender({
      model,
      space: createReferenceSpace(model, DEFAULT_PRIOR_WEIGHT),
      store: createMemoryEventStore(),
      loadEncoder: () => Promise.reject(new Error('no encoder in this test')),
      loadLexicalIndex: async () => {
        await model.cards.loadAll();
        return createWordIndex(model.items);
      },
      session: toSessionId('s'),
      gridSize: 6,
      now: () => (clock += 1000),
    });
    // Each card's title, beside the one its id says it has.
    const titles = (list: { readonly items: readonly { readonly item: CatalogItem }[] }) =>
      list.items.map(({ item }) => [item.title, `Item ${item.id.slice(1)}`]);
    const matching = (pairs: string[][]) => pairs.length > 0 && pairs.every(([title, expected]) => title === expected);
    expect(matching(titles(recommender.ranking()))).toBe(true);
    // The first grid fetched its own rows' shards, and no other.
    const shardsOf = (rows: readonly number[]) => new Set(rows.map((row) => Math.floor(row / ROWS_PER_SHARD))).size;
    expect(reads.filter((path) => path.startsWith('cards/'))).toHaveLength(shardsOf(recommender.ranking().items.map(({ row }) => row)));
    const viewed = await recommender.record({ type: 'view', item: toItemId('t22') });
    expect(matching(titles(viewed))).toBe(true);
    const reasonTitles = viewed.items.flatMap(({ reason }) => (reason?.kind === 'similar' ? [reason.to.title] : []));
    expect(reasonTitles).toContain('Item 22');
    await recommender.record({ type: 'add_to_cart', item: toItemId('t25') });
    expect(recommender.cart().map((item) => item.title)).toEqual(['Item 25']);
    const similar = await recommender.placement({ kind: 'similar', item: toItemId('t1') }, 5);
    expect(matching(titles(similar))).toBe(true);
    recommender.dispose();
  });
});
