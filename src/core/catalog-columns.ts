/**
 * A sharded catalogue's catalog.json (card-shards.ts): every item's ranking fields as columns,
 *
 *   { "ids": [...], "categories": [names], "category": [index per row],
 *     "groups": [names], "group": [index per row, -1 for none],    (both absent when no item has one)
 *     "outOfStock": [rows],                                          (absent when none)
 *     "cards": { "rowsPerShard": n, "shards": [{path, bytes, sha256}, ...] },
 *     "search": { "vocabulary": {path, bytes, sha256}, "shards": [...] },   (search-index-files.ts; absent when not built)
 *     "rules": {...} }
 *
 * A name is written once however many items share it, so the file is a small fraction of the
 * whole catalogue (about 10 MB at a million items, against 133 MB), and parses as a few flat arrays.
 */
import type { CatalogWithRows } from './catalog.ts';
import { parseCardShards, ShardedItem, type CardShards, type ItemCard } from './card-shards.ts';
import { toItemId, type ItemId } from './ids.ts';
import { parseSearchIndexEntry, type SearchIndexFiles } from './search-index-files.ts';
import { fail, readArray, readNumber, readRecord, readString, type Reader } from './validate.ts';

/** Whether a parsed catalog.json is in the sharded shape (it has `cards`) rather than the whole one. */
export function isShardedCatalog(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'cards' in value;
}

/**
 * Validates a sharded catalog.json and makes its items, whose cards come from `cards`.
 * @param value the parsed JSON.
 * @param expectedCount the manifest's itemCount.
 * @param file where it came from, for messages.
 * @param cards where the items read their cards (the store made from the returned shard list).
 * @throws RecError CATALOG_INVALID naming the first bad field and row.
 */
export function parseCatalogColumns(
  value: unknown,
  expectedCount: number,
  file: string,
  cards: () => { card(row: number): ItemCard },
): CatalogWithRows & { readonly shards: CardShards; readonly search: Pick<SearchIndexFiles, 'vocabulary' | 'shards'> | null } {
  const reader: Reader = { code: 'CATALOG_INVALID', file };
  const root = readRecord(reader, value, '(root)');
  const ids = readColumn(reader, root['ids'], 'ids', expectedCount);
  const categoryNames = readNames(reader, root['categories'], 'categories', { nonEmpty: false });
  const category = readIndices(reader, root['category'], 'category', expectedCount, categoryNames.length, false);
  const hasGroups = root['groups'] !== undefined || root['group'] !== undefined;
  const groupNames = hasGroups ? readNames(reader, root['groups'], 'groups', { nonEmpty: true }) : [];
  const group = hasGroups ? readIndices(reader, root['group'], 'group', expectedCount, groupNames.length, true) : null;
  const outOfStock = new Set(
    root['outOfStock'] === undefined
      ? []
      : readArray(reader, root['outOfStock'], 'outOfStock').map((row, index) =>
          readNumber(reader, row, `outOfStock[${index}]`, { integer: true, min: 0, max: expectedCount - 1 }),
        ),
  );
  const shards = parseCardShards(reader, root['cards'], expectedCount);
  const search = root['search'] === undefined ? null : parseSearchIndexEntry(reader, root['search']);
  const rowOf = new Map<ItemId, number>();
  const store = { card: (row: number) => cards().card(row) };
  const items = ids.map((raw, row) => {
    const id = toItemId(readString(reader, raw, `ids[${row}]`, { nonEmpty: true }));
    if (rowOf.has(id)) fail(reader, `ids[${row}]`, 'a unique id', id);
    rowOf.set(id, row);
    const groupIndex = group?.[row] ?? -1;
    return new ShardedItem(
      id,
      categoryNames[category[row] as number] as string,
      groupIndex < 0 ? null : (groupNames[groupIndex] as string),
      !outOfStock.has(row),
      row,
      store,
    );
  });
  return { items, rowOf, shards, search };
}

function readColumn(reader: Reader, value: unknown, field: string, count: number): readonly unknown[] {
  const column = readArray(reader, value, field);
  if (column.length !== count) fail(reader, field, `${count} entries (manifest itemCount)`, `${column.length} entries`);
  return column;
}

function readNames(reader: Reader, value: unknown, field: string, options: { nonEmpty: boolean }): string[] {
  return readArray(reader, value, field).map((name, index) => readString(reader, name, `${field}[${index}]`, options));
}

/** A column of indices into a list of `names` (-1 allowed for none when `optional`). */
function readIndices(reader: Reader, value: unknown, field: string, count: number, names: number, optional: boolean): readonly number[] {
  const column = readColumn(reader, value, field, count);
  const min = optional ? -1 : 0;
  for (let row = 0; row < column.length; row++) {
    const index = column[row];
    if (!Number.isInteger(index) || (index as number) < min || (index as number) >= names) {
      fail(reader, `${field}[${row}]`, `an integer from ${min} to ${names - 1}`, index);
    }
  }
  return column as readonly number[];
}
