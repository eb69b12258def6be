/**
 * Item co-occurrence in the training sequences, the behaviour signal of session-aware item-kNN:
 * two items count once each time they occur within `window` positions of one sequence (a user
 * history, a session or a basket), and their similarity is that count over sqrt(n_a * n_b), the
 * cosine of their occurrence vectors. Elements with a weight of 0 or less (skips) take no part.
 */
import { EMPTY_NEIGHBOUR, type ItemNeighbours } from '../../core/neighbours.ts';
import type { Sequence } from './behaviour.ts';
import { occurrenceIndex } from './cooccurrence.ts';

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
  return sequences.length === 0 ? null : topCoOccurring(sequences, itemCount, window, NEIGHBOURS_PER_ITEM).neighbours;
}

/**
 * @param sequences the training sequences.
 * @param itemCount the catalogue's items.
 * @param window co-occurrence within this many positions (Infinity: the whole sequence).
 * @returns per row, its co-occurring rows and their cosine (for evaluation baselines: a Map per
 *   item holds every pair, which the builder's own lists avoid at a million items).
 */
export function coOccurrence(sequences: readonly Sequence[], itemCount: number, window: number): Map<number, number>[] {
  const neighbours: Map<number, number>[] = Array.from({ length: itemCount }, () => new Map());
  forEachCoOccurrenceRow(sequences, itemCount, window, (row, partners, similarities) => {
    const list = neighbours[row] as Map<number, number>;
    partners.forEach((partner, i) => list.set(partner, similarities[i] ?? 0));
  });
  return neighbours;
}

/**
 * Each item's `perItem` most similar co-occurring items, best first (ties to the lower row), in
 * the layout of the model's neighbours file, one item's counts at a time.
 * @param sequences the training sequences.
 * @param itemCount the catalogue's items.
 * @param window co-occurrence within this many positions (Infinity: the whole sequence).
 * @param perItem slots per item.
 * @param keep which pairs may be listed (all by default), e.g. not two variants of one product.
 * @returns the lists and how many pairs (row, partner) were kept before the cut to perItem.
 */
export function topCoOccurring(
  sequences: readonly Sequence[],
  itemCount: number,
  window: number,
  perItem: number,
  keep: (row: number, partner: number) => boolean = () => true,
): { neighbours: ItemNeighbours; pairs: number } {
  const rows = new Uint32Array(itemCount * perItem).fill(EMPTY_NEIGHBOUR);
  const values = new Float32Array(itemCount * perItem);
  let pairs = 0;
  forEachCoOccurrenceRow(sequences, itemCount, window, (row, partners, similarities) => {
    const kept: number[] = [];
    partners.forEach((partner, i) => {
      if (keep(row, partner)) kept.push(i);
    });
    pairs += kept.length;
    kept.sort((a, b) => (similarities[b] ?? 0) - (similarities[a] ?? 0) || (partners[a] ?? 0) - (partners[b] ?? 0));
    kept.slice(0, perItem).forEach((i, slot) => {
      rows[row * perItem + slot] = partners[i] ?? 0;
      // A cosine of counts is at most 1; float rounding must not carry it past the file's range.
      values[row * perItem + slot] = Math.min(1, similarities[i] ?? 0);
    });
  });
  return { neighbours: { perItem, rows, similarities: values }, pairs };
}

/**
 * The co-occurrence similarities row by row: for each item with a partner (in row order), its
 * partners and their cosine count / sqrt(n_a n_b). Each row is counted on its own from an index of
 * where every item occurs, in a dense scratch row, so memory grows with the elements, never with
 * the pairs (tens of millions at a million items). The views passed to onRow are reused.
 */
function forEachCoOccurrenceRow(
  sequences: readonly Sequence[],
  itemCount: number,
  window: number,
  onRow: (row: number, partners: Int32Array, similarities: Float64Array) => void,
): void {
  const { items, sequenceStart, sequenceOf } = positiveElements(sequences);
  const { start: occurrenceStart, positions } = occurrenceIndex(items, itemCount);
  // Each item's number of occurrences: the length of its run in the index.
  const occurrences = Float64Array.from({ length: itemCount }, (_, item) => (occurrenceStart[item + 1] ?? 0) - (occurrenceStart[item] ?? 0));
  const counts = new Float64Array(itemCount);
  const partners = new Int32Array(itemCount);
  const similarities = new Float64Array(itemCount);
  for (let a = 0; a < itemCount; a++) {
    let found = 0;
    for (let o = occurrenceStart[a] ?? 0; o < (occurrenceStart[a + 1] ?? 0); o++) {
      const p = positions[o] ?? 0;
      const s = sequenceOf[p] ?? 0;
      const from = Math.max(sequenceStart[s] ?? 0, p - window);
      const to = Math.min(sequenceStart[s + 1] ?? 0, p + window + 1);
      for (let q = from; q < to; q++) {
        const b = items[q] ?? 0;
        if (b === a) continue;
        if (counts[b] === 0) partners[found++] = b;
        counts[b] = (counts[b] ?? 0) + 1;
      }
    }
    if (found === 0) continue;
    for (let i = 0; i < found; i++) {
      const b = partners[i] ?? 0;
      similarities[i] = (counts[b] ?? 0) / Math.sqrt((occurrences[a] ?? 1) * (occurrences[b] ?? 1));
      counts[b] = 0;
    }
    onRow(a, partners.subarray(0, found), similarities.subarray(0, found));
  }
}

/** The elements with a positive weight (skips take no part), concatenated, with each sequence's bounds. */
function positiveElements(sequences: readonly Sequence[]): { items: Int32Array; sequenceStart: Int32Array; sequenceOf: Int32Array } {
  let total = 0;
  for (const { rows } of sequences) total += rows.length;
  const items = new Int32Array(total);
  const sequenceOf = new Int32Array(total);
  const sequenceStart = new Int32Array(sequences.length + 1);
  let length = 0;
  sequences.forEach(({ rows, weights }, s) => {
    rows.forEach((row, i) => {
      if ((weights?.[i] ?? 1) > 0) {
        items[length] = row;
        sequenceOf[length++] = s;
      }
    });
    sequenceStart[s + 1] = length;
  });
  return { items: items.subarray(0, length), sequenceStart, sequenceOf: sequenceOf.subarray(0, length) };
}
