/**
 * Catalogue metadata: one record per item, in the same order as the rows of the vectors file.
 * The file is `{ "items": [ {id, title, category, description, price, image, group, inStock}, ... ],
 * "rules": {...} }`; the optional shop rules are read by shop-rules.ts.
 */
import { toItemId, type ItemId } from './ids.ts';
import { readArray, readBoolean, readNumber, readRecord, readString, fail, type Reader } from './validate.ts';

export interface CatalogItem {
  readonly id: ItemId;
  readonly title: string;
  /** Department shown to the shopper and used as `data-category`. */
  readonly category: string;
  readonly description: string;
  /** Price in the shop's currency; null when unknown. */
  readonly price: number | null;
  /** Image URL, relative to the model folder or absolute; null when none. */
  readonly image: string | null;
  /**
   * Variant group: items that are the same product in another colour or size share it, and the grid
   * shows at most one of them. Null when the item has no variants (or the catalogue does not say).
   */
  readonly group: string | null;
  /** False for items the shop cannot sell now: they are never recommended. Missing means true. */
  readonly inStock: boolean;
}

/**
 * Validates a parsed catalogue file. Missing description/price/image/group/inStock are allowed (real catalogues
 * lack them); a missing id or title, duplicate ids or a count that differs from the manifest are not.
 * @param value the parsed JSON.
 * @param expectedCount the manifest's itemCount.
 * @param file where it came from, for messages.
 */
export function parseCatalog(value: unknown, expectedCount: number, file: string): CatalogItem[] {
  return parseCatalogWithRows(value, expectedCount, file).items;
}

/** A validated catalogue: its items in row order, and each item's row by id. */
export interface CatalogWithRows {
  readonly items: CatalogItem[];
  readonly rowOf: ReadonlyMap<ItemId, number>;
}

/**
 * parseCatalog, with the map of rows by id that its duplicate check builds: a model needs that map,
 * and at a million items each map of the ids costs about 0.4 s of the first visit's main thread.
 * @param value the parsed JSON.
 * @param expectedCount the manifest's itemCount.
 * @param file where it came from, for messages.
 */
export function parseCatalogWithRows(value: unknown, expectedCount: number, file: string): CatalogWithRows {
  const reader: Reader = { code: 'CATALOG_INVALID', file };
  const rows = readArray(reader, readRecord(reader, value, '(root)')['items'], 'items');
  if (rows.length !== expectedCount) fail(reader, 'items', `${expectedCount} items (manifest itemCount)`, rows);
  const rowOf = new Map<ItemId, number>();
  const items = rows.map((row, index) => {
    const field = `items[${index}]`;
    const record = readRecord(reader, row, field);
    const id = toItemId(readString(reader, record['id'], `${field}.id`, { nonEmpty: true }));
    if (rowOf.has(id)) fail(reader, `${field}.id`, 'a unique id', id);
    rowOf.set(id, index);
    return {
      id,
      title: readString(reader, record['title'], `${field}.title`, { nonEmpty: true }),
      category: optional(record['category'], (v) => readString(reader, v, `${field}.category`)) ?? '',
      description: optional(record['description'], (v) => readString(reader, v, `${field}.description`)) ?? '',
      price: optional(record['price'], (v) => readNumber(reader, v, `${field}.price`, { min: 0 })),
      image: optional(record['image'], (v) => readString(reader, v, `${field}.image`)),
      group: optional(record['group'], (v) => readString(reader, v, `${field}.group`, { nonEmpty: true })),
      inStock: optional(record['inStock'], (v) => readBoolean(reader, v, `${field}.inStock`)) ?? true,
    };
  });
  return { items, rowOf };
}

function optional<T>(value: unknown, read: (value: unknown) => T): T | null {
  return value === undefined || value === null ? null : read(value);
}

/**
 * One variant of each product, as a grid shows them: the first of each variant group.
 * @param rows best first.
 * @param items the catalogue, by row.
 * @returns the rows whose item has no group or is its group's first, in their order.
 */
export function onePerGroup<T extends { readonly row: number }>(rows: readonly T[], items: readonly CatalogItem[]): T[] {
  const groups = new Set<string>();
  return rows.filter(({ row }) => {
    const group = items[row]?.group ?? null;
    if (group === null) return true;
    if (groups.has(group)) return false;
    groups.add(group);
    return true;
  });
}

/** The catalogue's rows by variant group and by category: both fixed for a model, so built once. */
export interface CatalogIndex {
  readonly items: readonly CatalogItem[];
  /** Rows of each variant group. */
  readonly byGroup: ReadonlyMap<string, readonly number[]>;
  /** Rows of each non-empty category (an empty one is the catalogue not saying). */
  readonly byCategory: ReadonlyMap<string, readonly number[]>;
}

/** @param items the catalogue, by row. */
export function indexCatalog(items: readonly CatalogItem[]): CatalogIndex {
  const byGroup = new Map<string, number[]>();
  const byCategory = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, row: number) => {
    const rows = map.get(key);
    if (rows === undefined) map.set(key, [row]);
    else rows.push(row);
  };
  items.forEach((item, row) => {
    if (item.group !== null) add(byGroup, item.group, row);
    if (item.category !== '') add(byCategory, item.category, row);
  });
  return { items, byGroup, byCategory };
}
