/**
 * A catalogue too large for every shopper to download whole (a million items' catalog.json is
 * 133 MB). Its catalog.json then holds, for every item, only what ranking reads (ids, categories,
 * variant groups, the rows out of stock) as columns, beside the shop's rules and the list of card
 * shards: files of `rowsPerShard` consecutive rows' cards (title, description, price, image), each
 * listed with its size and sha256, so the manifest's checksum of catalog.json covers every shard.
 * A shard is named by its sha256 (`cards/<sha256>.json`), so it is immutable: caches keep it for
 * good, and a new build changes only the shards whose cards changed.
 *
 * The browser fetches the shards of the rows it is about to show, verifies each exactly as it
 * verifies any model file, and keeps it (CardStore). Items read their card fields through the store;
 * reading one before its shard is loaded is a bug in the caller, reported as such.
 */
import type { CatalogItem } from './catalog.ts';
import { RecError } from './errors.ts';
import type { ItemId } from './ids.ts';
import { parseModelFile, type ModelFile } from './manifest.ts';
import { createRowShards } from './row-shards.ts';
import { fail, parseJson, readArray, readNumber, readRecord, readString, type Reader } from './validate.ts';

/** What a card shows and ranking never reads. */
export interface ItemCard {
  readonly title: string;
  readonly description: string;
  readonly price: number | null;
  readonly image: string | null;
}

/** The shards of a catalogue's cards, as its catalog.json lists them. */
export interface CardShards {
  readonly rowsPerShard: number;
  /** In row order: shard s holds rows [s * rowsPerShard, (s + 1) * rowsPerShard). */
  readonly shards: readonly ModelFile[];
}

/** The folder of a model that holds its card shards. */
export const CARD_SHARD_FOLDER = 'cards';

/** @param sha256 the shard's checksum. @returns its path in the model folder. */
export function cardShardPath(sha256: string): string {
  return `${CARD_SHARD_FOLDER}/${sha256}.json`;
}

/**
 * Validates catalog.json's `cards` entry.
 * @param itemCount the manifest's itemCount: the shards must cover exactly that many rows.
 */
export function parseCardShards(reader: Reader, value: unknown, itemCount: number): CardShards {
  const record = readRecord(reader, value, 'cards');
  const rowsPerShard = readNumber(reader, record['rowsPerShard'], 'cards.rowsPerShard', { integer: true, min: 1 });
  const expected = Math.ceil(itemCount / rowsPerShard);
  const list = readArray(reader, record['shards'], 'cards.shards');
  if (list.length !== expected) fail(reader, 'cards.shards', `${expected} shards (${itemCount} items, ${rowsPerShard} a shard)`, `${list.length} shards`);
  const shards = list.map((entry, index) => {
    const file = parseModelFile(reader, entry, `cards.shards[${index}]`);
    if (file.path !== cardShardPath(file.sha256))
      fail(reader, `cards.shards[${index}].path`, `"${cardShardPath(file.sha256)}" (named by its sha256)`, file.path);
    return file;
  });
  return { rowsPerShard, shards };
}

/**
 * Validates one shard file.
 * @param value the parsed JSON.
 * @param count how many rows it must hold.
 * @param file where it came from, for messages.
 * @throws RecError CATALOG_INVALID naming the card and field that is wrong.
 */
export function parseCardShard(value: unknown, count: number, file: string): ItemCard[] {
  const reader: Reader = { code: 'CATALOG_INVALID', file };
  const cards = readArray(reader, readRecord(reader, value, '(root)')['cards'], 'cards');
  if (cards.length !== count) fail(reader, 'cards', `${count} cards`, `${cards.length} cards`);
  return cards.map((entry, index) => {
    const field = `cards[${index}]`;
    const record = readRecord(reader, entry, field);
    const optional = <T>(key: string, read: (value: unknown, field: string) => T): T | null =>
      record[key] === undefined || record[key] === null ? null : read(record[key], `${field}.${key}`);
    return {
      title: readString(reader, record['title'], `${field}.title`, { nonEmpty: true }),
      description: optional('description', (v, f) => readString(reader, v, f)) ?? '',
      price: optional('price', (v, f) => readNumber(reader, v, f, { min: 0 })),
      image: optional('image', (v, f) => readString(reader, v, f)),
    };
  });
}

/** The cards of a catalogue's rows, fetched by shard as they are needed. */
export interface CardStore {
  /** True for a catalogue downloaded whole (every card on hand from the start). */
  readonly whole: boolean;
  /** Whether the row's card is on hand (always, for a catalogue downloaded whole). */
  has(row: number): boolean;
  /**
   * Fetches, verifies and keeps the shards of these rows that are not on hand; one fetch per shard
   * however many callers wait for it.
   * @throws RecError as the model's files are refused (fetch failed, size, checksum, content); a
   *   shard that failed is fetched again by the next call that needs it.
   */
  load(rows: Iterable<number>): Promise<void>;
  /** Every shard (what the search index is built from). */
  loadAll(): Promise<void>;
}

/** A catalogue downloaded whole has every card already. */
export const WHOLE_CATALOG_CARDS: CardStore = { whole: true, has: () => true, load: () => Promise.resolve(), loadAll: () => Promise.resolve() };

/**
 * @param shards the catalogue's shard list.
 * @param itemCount how many rows.
 * @param readVerified reads a shard file, its size and sha256 verified.
 * @param location the model folder, for messages.
 * @returns the store, and the card of a row it has (throws when it does not).
 */
export function createCardStore(
  shards: CardShards,
  itemCount: number,
  readVerified: (file: ModelFile) => Promise<Uint8Array>,
  location: string,
): CardStore & { card(row: number): ItemCard } {
  const store = createRowShards(shards.shards, shards.rowsPerShard, itemCount, readVerified, (bytes, file, rows) => {
    const where = `${location}/${file.path}`;
    return parseCardShard(parseJson({ code: 'CATALOG_INVALID', file: where }, new TextDecoder().decode(bytes)), rows, where);
  });
  return {
    whole: false,
    has: (row) => store.has(row),
    load: (rows) => store.load(rows),
    loadAll: () => store.loadAll(),
    card(row) {
      const held = store.held(row);
      const card = held?.shard[held.index];
      if (card === undefined) throw new RecError('INTERNAL', `the card of row ${row} was read before its shard was loaded`);
      return card;
    },
  };
}

/**
 * An item of a sharded catalogue: what ranking reads is its own, its card is read from the store.
 * One class for a million items (its card fields are on the prototype), not a million closures.
 */
export class ShardedItem implements CatalogItem {
  readonly id: ItemId;
  readonly category: string;
  readonly group: string | null;
  readonly inStock: boolean;
  private readonly row: number;
  private readonly cards: { card(row: number): ItemCard };

  constructor(id: ItemId, category: string, group: string | null, inStock: boolean, row: number, cards: { card(row: number): ItemCard }) {
    this.id = id;
    this.category = category;
    this.group = group;
    this.inStock = inStock;
    this.row = row;
    this.cards = cards;
  }

  get title(): string {
    return this.cards.card(this.row).title;
  }

  get description(): string {
    return this.cards.card(this.row).description;
  }

  get price(): number | null {
    return this.cards.card(this.row).price;
  }

  get image(): string | null {
    return this.cards.card(this.row).image;
  }
}

/**
 * An item with some of its fields changed (the host's stock and price changes: live-catalog.ts).
 * A sharded catalogue's item is not copied field by field, which would drop the card it reads from
 * its shard: the changed item stands on it and overrides those fields.
 */
export function changedItem(item: CatalogItem, changes: Partial<Pick<CatalogItem, 'inStock' | 'price'>>): CatalogItem {
  if (!(item instanceof ShardedItem)) return { ...item, ...changes };
  const fields = Object.entries(changes).map(([key, value]) => [key, { value, enumerable: true }] as const);
  return Object.create(item, Object.fromEntries(fields)) as CatalogItem;
}
