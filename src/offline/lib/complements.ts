/**
 * What is bought together: the co-purchase / co-cart statistics behind the storefront's
 * `complements` placement ("frequently bought together", "complete your order").
 *
 * A basket is what the log groups into one sequence: a session (an order, an invoice) when the log
 * has sessions, else a user's purchases within `window` positions of each other (a log with only
 * an order, such as review histories). Only basket events count: carts and purchases, i.e. events
 * weighing at least BASKET_MIN_WEIGHT (under the default weights: add_to_cart .5, purchase, review
 * and rating 1; views and clicks, .2, are browsing, not buying). Two items score the cosine of their
 * basket occurrences (co-occurrence.ts); variants of one product (a shared `group`) are never each
 * other's complement: one replaces the other.
 */
import type { ItemNeighbours } from '../../core/neighbours.ts';
import type { Sequence } from './behaviour.ts';
import { NEIGHBOURS_PER_ITEM, topCoOccurring } from './co-occurrence.ts';

/** Events lighter than this (views, clicks) are not in a basket. */
export const BASKET_MIN_WEIGHT = 0.5;

/**
 * The model's complements file: each item's NEIGHBOURS_PER_ITEM most co-bought items.
 * @param sequences the training sequences (sessions or user histories), with their event weights.
 * @param groups each row's variant group, or null.
 * @param window items within this many positions of a sequence share a basket (Infinity: the whole sequence).
 * @returns the complements, or null when no two items were ever bought together.
 */
export function basketComplements(sequences: readonly Sequence[], groups: readonly (string | null)[], window: number): ItemNeighbours | null {
  const baskets = sequences.map(({ rows, weights }) => ({ rows, weights: rows.map((_, i) => ((weights?.[i] ?? 1) >= BASKET_MIN_WEIGHT ? 1 : 0)) }));
  const notVariants = (row: number, other: number): boolean => {
    const group = groups[row] ?? null;
    return group === null || groups[other] !== group;
  };
  const { neighbours, pairs } = topCoOccurring(baskets, groups.length, window, NEIGHBOURS_PER_ITEM, notVariants);
  return pairs === 0 ? null : neighbours;
}
