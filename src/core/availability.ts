/**
 * What can be recommended now: not what is out of stock, nor what the shopper bought, unless the
 * shop's repurchase rules (shop-rules.ts) make it due again.
 */
import type { CatalogItem } from './catalog.ts';
import type { ItemId } from './ids.ts';
import { matches, type ShopRules } from './shop-rules.ts';

const MS_PER_DAY = 24 * 60 * 60 * 1000;

/**
 * Rows out of stock. Computed when the catalogue changes (live-catalog.ts), not on every re-rank.
 * @param items the catalogue, by row.
 */
export function outOfStockRows(items: readonly CatalogItem[]): ReadonlySet<number> {
  const rows = new Set<number>();
  items.forEach((item, row) => {
    if (!item.inStock) rows.add(row);
  });
  return rows;
}

/**
 * How due a bought item is to be bought again, by the shop's repurchase rules (a rule naming the
 * item overrides its category's).
 * @param rules the shop's rules.
 * @param item the item bought; @param row its row.
 * @param boughtAt its latest purchase (epoch ms); @param now the time now (epoch ms).
 * @returns null for a durable (no rule names it); else the time since the purchase over the rule's
 *   interval: 1 or more once it is due.
 */
export function repurchaseDue(rules: ShopRules, item: CatalogItem, row: number, boughtAt: number, now: number): number | null {
  const rule =
    rules.repurchase.find((candidate) => candidate.target.kind === 'item' && candidate.target.row === row) ??
    rules.repurchase.find((candidate) => matches(candidate.target, item, row));
  if (rule === undefined) return null;
  const interval = rule.afterDays * MS_PER_DAY;
  if (interval === 0) return now >= boughtAt ? Number.POSITIVE_INFINITY : 0;
  return (now - boughtAt) / interval;
}

/**
 * Rows never to recommend now: out of stock, or bought and not (yet) due again.
 * @param outOfStock the catalogue's out-of-stock rows (outOfStockRows).
 * @param items the catalogue, by row.
 * @param rules the shop's rules.
 * @param purchased the shopper's purchases (latest time per item).
 * @param rowOf the row of each item id.
 * @param now epoch ms.
 */
export function unavailableRows(
  outOfStock: ReadonlySet<number>,
  items: readonly CatalogItem[],
  rules: ShopRules,
  purchased: readonly { readonly item: ItemId; readonly time: number }[],
  rowOf: ReadonlyMap<ItemId, number>,
  now: number,
): Set<number> {
  const rows = new Set(outOfStock);
  for (const { item: id, time } of purchased) {
    const row = rowOf.get(id);
    const item = row === undefined ? undefined : items[row];
    if (row === undefined || item === undefined) continue;
    const due = repurchaseDue(rules, item, row, time, now);
    if (due === null || due < 1) rows.add(row);
  }
  return rows;
}
