/**
 * The catalogue as the shop has it now: stock and prices change by the hour, and rebuilding the
 * model for that would be wrong. The host page passes changes at run time (`setAvailability`); the
 * grid, search and every placement read the items and the out-of-stock rows from here, so a change
 * holds from the next ranking on. Items the model does not have (new since its build) cannot be
 * ranked without a vector: they are reported and left out until the next build.
 */
import { changedItem } from './card-shards.ts';
import type { CatalogItem } from './catalog.ts';
import { toItemId, type ItemId } from './ids.ts';
import type { LoadedModel } from './model.ts';
import { outOfStockRows } from './availability.ts';
import { fail, readArray, readBoolean, readNumber, readRecord, readString, type Reader } from './validate.ts';

/**
 * The shop's changes as a file beside the model, in parseAvailabilityChanges' format (app/availability-file.ts
 * reads it). Not in the manifest: the shop rewrites it between builds. The builder writes an empty one.
 */
export const AVAILABILITY_FILE = 'availability.json';

/** One item's change: whether it can be bought now and/or its price (null: on request). */
export interface AvailabilityChange {
  readonly item: ItemId;
  readonly inStock?: boolean;
  readonly price?: number | null;
}

export interface LiveCatalog {
  /** The model's items with the changes so far, by row. */
  items(): readonly CatalogItem[];
  /** Rows that cannot be bought now. */
  outOfStock(): ReadonlySet<number>;
  /** @returns the items of `ids`, in order, leaving out ids the model does not have (a cart kept from an older model). */
  itemsOf(ids: readonly ItemId[]): CatalogItem[];
  /**
   * Applies changes, later ones winning.
   * @returns the ids the model does not have (ignored until the next build).
   */
  apply(changes: readonly AvailabilityChange[]): readonly ItemId[];
}

/** @param model the loaded model: its catalogue is the starting point, its rows never change. */
export function createLiveCatalog(model: LoadedModel): LiveCatalog {
  let items = model.items;
  let outOfStock = outOfStockRows(items);
  return {
    items: () => items,
    outOfStock: () => outOfStock,
    itemsOf: (ids) =>
      ids.flatMap((id) => {
        const row = model.rowOf.get(id);
        return row === undefined ? [] : [items[row] as CatalogItem];
      }),
    apply(changes) {
      const next = [...items];
      const unknown: ItemId[] = [];
      for (const change of changes) {
        const row = model.rowOf.get(change.item);
        const item = row === undefined ? undefined : next[row];
        if (row === undefined || item === undefined) {
          unknown.push(change.item);
          continue;
        }
        next[row] = changedItem(item, {
          ...(change.inStock === undefined ? {} : { inStock: change.inStock }),
          ...(change.price === undefined ? {} : { price: change.price }),
        });
      }
      items = next;
      outOfStock = outOfStockRows(items);
      return unknown;
    },
  };
}

/**
 * Reads a host page's changes (often plain JavaScript).
 * @param value an array of `{item, inStock?, price?}`.
 * @param file where it came from, for messages.
 * @throws RecError CONFIG_INVALID naming the entry and field that is wrong.
 */
export function parseAvailabilityChanges(value: unknown, file: string): AvailabilityChange[] {
  const reader: Reader = { code: 'CONFIG_INVALID', file };
  return readArray(reader, value, '(changes)').map((entry, index) => {
    const field = (name: string) => `[${index}].${name}`;
    const record = readRecord(reader, entry, `[${index}]`);
    const item = toItemId(readString(reader, record['item'], field('item'), { nonEmpty: true }));
    const inStock = record['inStock'] === undefined ? undefined : readBoolean(reader, record['inStock'], field('inStock'));
    const rawPrice = record['price'];
    const price = rawPrice === undefined || rawPrice === null ? rawPrice : readNumber(reader, rawPrice, field('price'), { min: 0 });
    if (inStock === undefined && price === undefined) fail(reader, `[${index}]`, 'inStock (true or false) or price (a number, or null)', entry);
    return { item, ...(inStock === undefined ? {} : { inStock }), ...(price === undefined ? {} : { price }) };
  });
}
