// A sharded catalogue's cards: the shard list and shard files refused precisely, and the store
// fetching each shard once, only when its rows are asked for.
import { describe, expect, it } from 'vitest';
import { cardShardPath, changedItem, createCardStore, parseCardShard, parseCardShards, ShardedItem, type CardShards } from './card-shards.ts';
import { RecError } from './errors.ts';
import { toItemId } from './ids.ts';
import type { ModelFile } from './manifest.ts';
import { thrownRecError } from './test-support.ts';

const reader = { code: 'CATALOG_INVALID' as const, file: 'models/x/catalog.json' };
const sha = (digit: string): string => digit.repeat(64);
const shardFile = (digit: string): ModelFile => ({ path: cardShardPath(sha(digit)), bytes: 10, sha256: sha(digit) });

describe('parseCardShards', () => {
  it('reads the shard list of a catalogue whose last shard is partly full', () => {
    const shards = parseCardShards(reader, { rowsPerShard: 4, shards: [shardFile('a'), shardFile('b'), shardFile('c')] }, 9);
    expect(shards.rowsPerShard).toBe(4);
    expect(shards.shards.map((file) => file.sha256)).toEqual([sha('a'), sha('b'), sha('c')]);
  });

  it('refuses a list that does not cover the items exactly, naming both counts', () => {
    const error = thrownRecError(() => parseCardShards(reader, { rowsPerShard: 4, shards: [shardFile('a'), shardFile('b')] }, 9));
    expect(error.code).toBe('CATALOG_INVALID');
    expect(error.message).toContain('cards.shards');
    expect(error.message).toContain('3 shards (9 items, 4 a shard)');
    expect(error.message).toContain('2 shards');
  });

  it('names the part of the entry that is not what it should be', () => {
    expect(thrownRecError(() => parseCardShards(reader, 'shards', 5)).message).toMatch(/: cards: expected/);
    expect(thrownRecError(() => parseCardShards(reader, { rowsPerShard: 4, shards: {} }, 5)).message).toMatch(/: cards\.shards: expected/);
    expect(thrownRecError(() => parseCardShards(reader, { rowsPerShard: 4, shards: [shardFile('a'), 'b'] }, 5)).message).toMatch(
      /: cards\.shards\[1\]: expected/,
    );
  });

  it('refuses a shard not named by its sha256, and a rows-per-shard that is not a positive integer', () => {
    const misnamed = { ...shardFile('a'), path: 'cards/other.json' };
    const error = thrownRecError(() => parseCardShards(reader, { rowsPerShard: 4, shards: [shardFile('b'), misnamed] }, 5));
    expect(error.message).toContain('cards.shards[1].path');
    expect(error.message).toContain(cardShardPath(sha('a')));
    expect(thrownRecError(() => parseCardShards(reader, { rowsPerShard: 0, shards: [] }, 5)).message).toContain('cards.rowsPerShard');
    expect(thrownRecError(() => parseCardShards(reader, { rowsPerShard: 2.5, shards: [] }, 5)).message).toContain('cards.rowsPerShard');
  });
});

describe('parseCardShard', () => {
  it('reads cards with their optional fields missing as the whole catalogue does', () => {
    const cards = parseCardShard({ cards: [{ title: 'A' }, { title: 'B', description: 'd', price: 2.5, image: 'b.png' }] }, 2, 'cards/x.json');
    expect(cards).toEqual([
      { title: 'A', description: '', price: null, image: null },
      { title: 'B', description: 'd', price: 2.5, image: 'b.png' },
    ]);
  });

  it('reads null optional fields as missing ones', () => {
    expect(parseCardShard({ cards: [{ title: 'A', description: null, price: null, image: null }] }, 1, 'f')).toEqual([
      { title: 'A', description: '', price: null, image: null },
    ]);
  });

  it('names the card and field that is wrong, and a count that is not the rows the shard must hold', () => {
    expect(thrownRecError(() => parseCardShard({ cards: [{ title: '' }] }, 1, 'f')).message).toContain('cards[0].title');
    expect(thrownRecError(() => parseCardShard([], 0, 'f')).message).toMatch(/: \(root\): expected/);
    expect(thrownRecError(() => parseCardShard({ cards: 'none' }, 0, 'f')).message).toMatch(/: cards: expected/);
    const missing = thrownRecError(() => parseCardShard({ cards: [{ title: 'A' }, { price: 1 }] }, 2, 'cards/x.json'));
    expect(missing.code).toBe('CATALOG_INVALID');
    expect(missing.location?.file).toBe('cards/x.json');
    expect(missing.message).toContain('cards[1].title');
    expect(thrownRecError(() => parseCardShard({ cards: [{ title: 'A', price: -1 }] }, 1, 'f')).message).toContain('cards[0].price');
    const short = thrownRecError(() => parseCardShard({ cards: [{ title: 'A' }] }, 2, 'f'));
    expect(short.message).toContain('2 cards');
    expect(short.message).toContain('1 cards');
  });
});

/** A store over shards of `rowsPerShard` rows whose cards are titled by row; counts the reads. */
function storeOf(itemCount: number, rowsPerShard: number, fail: (file: ModelFile) => boolean = () => false) {
  const count = Math.ceil(itemCount / rowsPerShard);
  const shards: CardShards = { rowsPerShard, shards: Array.from({ length: count }, (_, s) => shardFile(String.fromCharCode(97 + s))) };
  const reads: string[] = [];
  const read = (file: ModelFile): Promise<Uint8Array> => {
    reads.push(file.sha256[0] as string);
    if (fail(file)) return Promise.reject(new RecError('MODEL_FETCH_FAILED', 'expected HTTP 200, found HTTP 503', { file: file.path }));
    const first = shards.shards.indexOf(file) * rowsPerShard;
    const titles = Array.from({ length: Math.min(rowsPerShard, itemCount - first) }, (_, i) => ({ title: `row ${first + i}` }));
    return Promise.resolve(new TextEncoder().encode(JSON.stringify({ cards: titles })));
  };
  return { store: createCardStore(shards, itemCount, read, 'models/x'), reads };
}

describe('createCardStore', () => {
  it('fetches only the shards of the rows asked for, each once however many ask at once', async () => {
    const { store, reads } = storeOf(10, 4);
    expect(store.whole).toBe(false);
    expect(store.has(5)).toBe(false);
    await Promise.all([store.load([5, 6]), store.load([4, 9])]);
    expect(reads.sort()).toEqual(['b', 'c']);
    expect(store.has(4) && store.has(9)).toBe(true);
    expect(store.has(3)).toBe(false);
    expect(store.card(9).title).toBe('row 9');
    await store.load([7]);
    expect(reads).toHaveLength(2);
  });

  it('leaves rows outside the catalogue alone', async () => {
    const { store, reads } = storeOf(10, 4);
    await store.load([-1, 10, 12, -5]);
    expect(reads).toEqual([]);
  });

  it('says plainly when a card is read before its shard is loaded', async () => {
    const { store } = storeOf(10, 4);
    await store.load([0]);
    const error = thrownRecError(() => store.card(4));
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toContain('row 4');
  });

  it('passes a shard that cannot be fetched to the caller, and fetches it again on the next call', async () => {
    let failing = true;
    const { store, reads } = storeOf(8, 4, (file) => failing && file.sha256.startsWith('b'));
    await expect(store.load([1, 5])).rejects.toMatchObject({ code: 'MODEL_FETCH_FAILED' });
    expect(store.has(1)).toBe(true);
    failing = false;
    await store.load([5]);
    expect(store.card(5).title).toBe('row 5');
    expect(reads.filter((shard) => shard === 'b')).toHaveLength(2);
  });

  it('refuses a shard whose bytes are not JSON, naming the shard', async () => {
    const shards: CardShards = { rowsPerShard: 2, shards: [shardFile('a')] };
    const store = createCardStore(shards, 2, () => Promise.resolve(new TextEncoder().encode('{"cards": [')), 'models/x');
    await expect(store.load([0])).rejects.toMatchObject({
      code: 'CATALOG_INVALID',
      message: expect.stringContaining('not valid JSON'),
      location: { file: `models/x/${cardShardPath(sha('a'))}` },
    });
  });

  it('loads every shard for loadAll', async () => {
    const { store, reads } = storeOf(9, 4);
    await store.loadAll();
    expect(reads.sort()).toEqual(['a', 'b', 'c']);
    expect(store.card(8).title).toBe('row 8');
  });
});

describe('ShardedItem and changedItem', () => {
  it('reads its card from the store, and a changed copy keeps it while overriding stock and price', async () => {
    const { store } = storeOf(4, 2);
    await store.loadAll();
    const item = new ShardedItem(toItemId('x3'), 'Toys', 'g1', true, 3, store);
    expect([item.title, item.price, item.description, item.image]).toEqual(['row 3', null, '', null]);
    const changed = changedItem(item, { inStock: false, price: 9.5 });
    expect([changed.id, changed.title, changed.category, changed.group, changed.inStock, changed.price]).toEqual([
      toItemId('x3'),
      'row 3',
      'Toys',
      'g1',
      false,
      9.5,
    ]);
    expect(item.inStock).toBe(true);
  });

  it('copies a whole catalogue’s item field by field', () => {
    const item = { id: toItemId('a'), title: 'A', category: '', description: '', price: 1, image: null, group: null, inStock: true };
    expect(changedItem(item, { price: 2 })).toEqual({ ...item, price: 2 });
  });
});
