/**
 * Item co-occurrence in the training sequences, the behaviour signal of session-aware item-kNN:
 * two items count once each time they occur within `window` positions of one sequence (a user
 * history, a session or a basket), and their similarity is that count over sqrt(n_a * n_b), the
 * cosine of their occurrence vectors. Elements with a weight of 0 or less (skips) take no part.
 */
import { EMPTY_NEIGHBOUR, type ItemNeighbours } from '../../core/neighbours.ts';
import type { Sequence } from './behaviour.ts';

/**
 * Behaviour neighbours the builder keeps per item: 20 x 8 bytes per item (about 1.9 MB for 12,000
 * items), while the storefront reads at most 8 latest items' lists.
 */
export const NEIGHBOURS_PER_ITEM = 20;

/**
 * The model's neighbours file: each item's NEIGHBOURS_PER_ITEM most co-occurring items.
 * @param sequences the training sequences (none: no file).
 * @param itemCount the catalogue's items.
 * @param window co-occurrence within this many positions.
 * @returns the neighbours, or null without sequences.
 */
export function behaviourNeighbours(sequences: readonly Sequence[], itemCount: number, window: number): ItemNeighbours | null {
  return sequences.length === 0 ? null : topNeighbours(coOccurrence(sequences, itemCount, window), NEIGHBOURS_PER_ITEM);
}

/**
 * @param sequences the training sequences.
 * @param itemCount the catalogue's items.
 * @param window co-occurrence within this many positions (Infinity: the whole sequence).
 * @returns per row, its co-occurring rows and their cosine.
 */
export function coOccurrence(sequences: readonly Sequence[], itemCount: number, window: number): Map<number, number>[] {
  const neighbours: Map<number, number>[] = Array.from({ length: itemCount }, () => new Map());
  const occurrences = new Float64Array(itemCount);
  for (const { rows: all, weights } of sequences) {
    const rows = weights === undefined ? all : all.filter((_, i) => (weights[i] ?? 1) > 0);
    for (let i = 0; i < rows.length; i++) {
      const a = rows[i] as number;
      occurrences[a] = (occurrences[a] ?? 0) + 1;
      const end = Math.min(rows.length, i + 1 + window);
      for (let j = i + 1; j < end; j++) {
        const b = rows[j] as number;
        if (a === b) continue;
        const ab = neighbours[a] as Map<number, number>;
        const ba = neighbours[b] as Map<number, number>;
        ab.set(b, (ab.get(b) ?? 0) + 1);
        ba.set(a, (ba.get(a) ?? 0) + 1);
      }
    }
  }
  for (const [a, list] of neighbours.entries()) {
    for (const [b, count] of list) list.set(b, count / Math.sqrt((occurrences[a] ?? 1) * (occurrences[b] ?? 1)));
  }
  return neighbours;
}

/**
 * Each item's `perItem` most similar co-occurring items, best first (ties to the lower row), in
 * the layout of the model's neighbours file.
 * @param similarities coOccurrence's result.
 * @param perItem slots per item.
 */
export function topNeighbours(similarities: readonly Map<number, number>[], perItem: number): ItemNeighbours {
  const rows = new Uint32Array(similarities.length * perItem).fill(EMPTY_NEIGHBOUR);
  const values = new Float32Array(similarities.length * perItem);
  similarities.forEach((list, item) => {
    const best = [...list.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, perItem);
    best.forEach(([row, similarity], slot) => {
      rows[item * perItem + slot] = row;
      // A cosine of counts is at most 1; float rounding must not carry it past the file's range.
      values[item * perItem + slot] = Math.min(1, similarity);
    });
  });
  return { perItem, rows, similarities: values };
}
