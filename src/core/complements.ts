/**
 * The `complements` placement ("frequently bought together" for a product, "complete your order"
 * for the cart): what goes with the anchors (the product, or the cart's items), never what would
 * replace one of them.
 *
 *  1. Bought together: the anchors' co-purchase / co-cart partners from the model's complements
 *     file (the builder's basket statistics, offline/lib/complements.ts), each anchor voting with
 *     its co-purchase cosine, the newest anchor 1 and each older one NEIGHBOUR_RECENCY_DECAY less
 *     (neighbours.ts `neighbourVotes`).
 *  2. Goes with (the text-based fallback, for anchors nobody bought anything with, and to fill the
 *     list): the items nearest the anchors in the item space that are in another category than
 *     every anchor. A product in the anchor's own category is what the shopper might buy instead
 *     (a substitute, the `similar` placement's business); one in another category but close in
 *     text (a case for a phone, a conditioner for a shampoo) is what they might buy as well. A
 *     catalogue without categories has no such fallback.
 * Never shown: the anchors, their variants (a shared group: one replaces the other), and what the
 * caller excludes (out of stock, bought durables). When both steps come up empty, the placement
 * shows `trending` instead (placements.ts).
 */
import type { CatalogIndex } from './catalog.ts';
import { asMatrix, type ItemRows } from './item-matrix.ts';
import { neighbourVotes, NEIGHBOUR_RECENCY_DECAY, NEIGHBOUR_RECENT, type ItemNeighbours } from './neighbours.ts';
import { rowSimilarity } from './rank.ts';

/** One complement: its row, how strongly it goes with the anchors, and the anchor it goes with most. */
export interface Complement {
  readonly row: number;
  readonly relevance: number;
  /** The anchor row it was bought with, or is closest to. */
  readonly with: number;
  readonly source: 'bought-together' | 'goes-with';
}

/**
 * Rows never a complement of these anchors: the anchors and every variant of one.
 * @param anchors the anchor rows.
 * @param catalog the catalogue's index.
 */
export function substitutesOf(anchors: readonly number[], catalog: CatalogIndex): Set<number> {
  const rows = new Set(anchors);
  for (const anchor of anchors) {
    const group = catalog.items[anchor]?.group ?? null;
    for (const row of group === null ? [] : (catalog.byGroup.get(group) ?? [])) rows.add(row);
  }
  return rows;
}

/**
 * Step 1: the anchors' co-purchase partners, best first.
 * @param complements the model's complements file, or null when it has none.
 * @param anchors anchor rows, newest first.
 * @param excluded rows never returned (substitutesOf's and the caller's).
 */
export function boughtTogether(complements: ItemNeighbours | null, anchors: readonly number[], excluded: ReadonlySet<number>): Complement[] {
  if (complements === null) return [];
  return neighbourVotes(complements, anchors, excluded).map(({ row, score, by }) => ({ row, relevance: score, with: by, source: 'bought-together' }));
}

/**
 * Step 2's query and exclusions: the anchors' vectors summed with the same recency weights as the
 * votes, and the rows in any anchor's category.
 * @param anchors anchor rows, newest first.
 * @param catalog the catalogue's index.
 * @param vectors the item space's matrix.
 * @param dim its width.
 * @returns null when no anchor has a category (no fallback).
 */
export function goesWithQuery(
  anchors: readonly number[],
  catalog: CatalogIndex,
  vectors: ItemRows,
  dim: number,
): { readonly query: Float32Array; readonly sameCategory: Set<number> } | null {
  // An empty category is the catalogue not saying (catalog.ts).
  const categories = new Set(anchors.flatMap((row) => catalog.items[row]?.category || []));
  if (categories.size === 0) return null;
  const query = new Float32Array(dim);
  let weight = 1;
  const matrix = asMatrix(vectors, dim);
  for (const row of anchors.slice(0, NEIGHBOUR_RECENT)) {
    const values = matrix.row(row);
    for (let d = 0; d < dim; d++) query[d] = (query[d] ?? 0) + weight * (values[d] ?? 0);
    weight *= NEIGHBOUR_RECENCY_DECAY;
  }
  return { query, sameCategory: new Set([...categories].flatMap((category) => catalog.byCategory.get(category) ?? [])) };
}

/**
 * Step 2's list: the nearest rows found for goesWithQuery, each attributed to the anchor it is
 * closest to (among the NEIGHBOUR_RECENT newest, which made the query).
 * @param found the space's nearest rows and their scores, best first.
 * @param anchors anchor rows, newest first.
 * @param vectors the item space's matrix.
 * @param dim its width.
 */
export function goesWith(
  found: { readonly rows: readonly number[]; readonly scores: readonly number[] },
  anchors: readonly number[],
  vectors: ItemRows,
  dim: number,
): Complement[] {
  const voters = anchors.slice(0, NEIGHBOUR_RECENT);
  const matrix = asMatrix(vectors, dim);
  const dot = (a: number, b: number) => rowSimilarity(matrix, dim, a, b);
  return found.rows.map((row, rank) => {
    let closest = voters[0] ?? row;
    let best = Number.NEGATIVE_INFINITY;
    for (const anchor of voters) {
      const similarity = dot(row, anchor);
      if (similarity > best) [closest, best] = [anchor, similarity];
    }
    return { row, relevance: found.scores[rank] ?? 0, with: closest, source: 'goes-with' };
  });
}

/**
 * Step 1's list, then step 2's rows not already in it, at most `limit`.
 * @param bought boughtTogether's list.
 * @param text goesWith's list.
 * @param limit at most this many.
 */
export function mergeComplements(bought: readonly Complement[], text: readonly Complement[], limit: number): Complement[] {
  const seen = new Set(bought.map(({ row }) => row));
  return [...bought, ...text.filter(({ row }) => !seen.has(row))].slice(0, limit);
}
