/**
 * Steps 1-3 of behaviour.ts (see its header for the maths): from interaction sequences to the
 * sparse, shifted, smoothed positive PMI matrix of item co-occurrences over the active items.
 * Pure and deterministic for a seed.
 */
import { seededRandom } from '../../core/random.ts';
import type { Sequence } from './behaviour.ts';
import type { CsrMatrix } from './linalg.ts';

/** Occurrences with a positive weight per item; validates rows and weights. */
export function countOccurrences(sequences: readonly Sequence[], itemCount: number): Float64Array {
  const counts = new Float64Array(itemCount);
  sequences.forEach((sequence, s) => {
    const { rows, weights } = sequence;
    if (weights !== undefined && weights.length !== rows.length) {
      throw new RangeError(`sequence ${s}: ${weights.length} weights for ${rows.length} rows`);
    }
    rows.forEach((row, p) => {
      if (!Number.isInteger(row) || row < 0 || row >= itemCount) {
        throw new RangeError(`sequence ${s} position ${p}: row ${row} is not an integer in [0, ${itemCount})`);
      }
      const weight = weights?.[p] ?? 1;
      if (!Number.isFinite(weight)) throw new RangeError(`sequence ${s} position ${p}: weight ${weight} is not finite`);
      if (weight > 0) counts[row] = (counts[row] ?? 0) + 1;
    });
  });
  return counts;
}

/** The kept elements of all sequences, concatenated, with per-sequence offsets. */
export interface FlatSequences {
  /** Active index of each element. */
  readonly items: Int32Array;
  readonly weights: Float64Array;
  /** sequenceCount + 1 offsets into items. */
  readonly starts: Int32Array;
  /** Sequence of each element. */
  readonly sequenceOf: Int32Array;
  readonly sequenceCount: number;
  /** Item row of each active index. */
  readonly itemOfActive: Int32Array;
}

/**
 * Drops rare items and non-positive elements (step 1 in behaviour.ts), and shuffles sets too large
 * for all pairs (seeded) so a circular window samples them without bias.
 */
export function flattenSequences(
  sequences: readonly Sequence[],
  counts: Float64Array,
  itemCount: number,
  minCount: number,
  window: number,
  maxContext: number,
  seed: number,
): FlatSequences {
  const activeOf = new Int32Array(itemCount).fill(-1);
  const itemOfActive: number[] = [];
  for (let item = 0; item < itemCount; item++) {
    if ((counts[item] ?? 0) >= minCount && (counts[item] ?? 0) > 0) {
      activeOf[item] = itemOfActive.length;
      itemOfActive.push(item);
    }
  }
  const items: number[] = [];
  const weights: number[] = [];
  const starts: number[] = [0];
  const random = seededRandom(seed ^ 0x5bd1e995);
  for (const { rows, weights: w } of sequences) {
    const from = items.length;
    rows.forEach((row, p) => {
      const weight = w?.[p] ?? 1;
      const active = activeOf[row] ?? -1;
      if (weight > 0 && active >= 0) {
        items.push(active);
        weights.push(weight);
      }
    });
    const length = items.length - from;
    if (length < 2) {
      items.length = from;
      weights.length = from;
      continue;
    }
    if (window === Number.POSITIVE_INFINITY && length - 1 > 2 * maxContext) {
      // A set too large for all pairs: a seeded shuffle, then a circular window (see the header).
      for (let i = length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const a = from + i;
        const b = from + j;
        [items[a], items[b]] = [items[b] ?? 0, items[a] ?? 0];
        [weights[a], weights[b]] = [weights[b] ?? 0, weights[a] ?? 0];
      }
    }
    starts.push(items.length);
  }
  const sequenceCount = starts.length - 1;
  const sequenceOf = new Int32Array(items.length);
  for (let s = 0; s < sequenceCount; s++) sequenceOf.fill(s, starts[s] ?? 0, starts[s + 1] ?? 0);
  return {
    items: Int32Array.from(items),
    weights: Float64Array.from(weights),
    starts: Int32Array.from(starts),
    sequenceOf,
    sequenceCount,
    itemOfActive: Int32Array.from(itemOfActive),
  };
}

/**
 * A growable pair of typed arrays for CSR columns and values. At a million items they hold about
 * 10^8 entries (1.2 GB), so they grow by half, not double, and the finished matrix views them
 * instead of copying them out.
 */
class CsrBuilder {
  cols: Int32Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.cols = new Int32Array(Math.max(1, capacity));
    this.values = new Float64Array(Math.max(1, capacity));
  }

  push(col: number, value: number): void {
    if (this.length === this.cols.length) {
      const capacity = Math.ceil(this.cols.length * 1.5);
      const cols = new Int32Array(capacity);
      cols.set(this.cols);
      this.cols = cols;
      const values = new Float64Array(capacity);
      values.set(this.values);
      this.values = values;
    }
    this.cols[this.length] = col;
    this.values[this.length] = value;
    this.length++;
  }

  /** The matrix of what was pushed, with these row offsets (views of the builder's arrays). */
  matrix(n: number, rowStart: Float64Array): CsrMatrix {
    return { n, rowStart, cols: this.cols.subarray(0, this.length), values: this.values.subarray(0, this.length) };
  }
}

/**
 * Where each item occurs in a concatenation of sequences: item a's positions, in order, are
 * positions[start[a]] .. positions[start[a + 1] - 1]. Counting one item's contexts then visits only
 * its own occurrences.
 * @param items the item (0 .. itemCount - 1) at each position.
 * @param itemCount how many items.
 */
export function occurrenceIndex(items: Int32Array, itemCount: number): { start: Int32Array; positions: Int32Array } {
  const start = new Int32Array(itemCount + 1);
  for (const item of items) start[item + 1] = (start[item + 1] ?? 0) + 1;
  for (let item = 0; item < itemCount; item++) start[item + 1] = (start[item + 1] ?? 0) + (start[item] ?? 0);
  const positions = new Int32Array(items.length);
  const next = start.slice(0, itemCount);
  items.forEach((item, position) => {
    positions[next[item] ?? 0] = position;
    next[item] = (next[item] ?? 0) + 1;
  });
  return { start, positions };
}

/**
 * The weighted co-occurrence matrix, one row at a time: for each item, visit its occurrences and
 * accumulate its contexts in a dense scratch row (scatter-gather), so no pair list is ever stored.
 */
export function cooccurrence(flat: FlatSequences, window: number, maxContext: number, onRow: (done: number) => void): CsrMatrix {
  const n = flat.itemOfActive.length;
  const { items, weights, starts, sequenceOf } = flat;
  const { start: occStart, positions: occurrences } = occurrenceIndex(items, n);

  const scratch = new Float64Array(n);
  const touched = new Int32Array(n);
  const rowStart = new Float64Array(n + 1);
  const out = new CsrBuilder();
  const half = Math.min(window, maxContext);
  for (let a = 0; a < n; a++) {
    let touchedCount = 0;
    const add = (position: number, weight: number): void => {
      const other = items[position] ?? 0;
      if (other === a) return;
      if (scratch[other] === 0) touched[touchedCount++] = other;
      scratch[other] = (scratch[other] ?? 0) + weight;
    };
    for (let o = occStart[a] ?? 0; o < (occStart[a + 1] ?? 0); o++) {
      const p = occurrences[o] ?? 0;
      const s = sequenceOf[p] ?? 0;
      const from = starts[s] ?? 0;
      const to = starts[s + 1] ?? 0;
      const length = to - from;
      const wp = weights[p] ?? 0;
      if (window !== Number.POSITIVE_INFINITY) {
        for (let d = 1; d <= half; d++) {
          const k = (half - d + 1) / half;
          if (p - d >= from) add(p - d, Math.sqrt(wp * (weights[p - d] ?? 0)) * k);
          if (p + d < to) add(p + d, Math.sqrt(wp * (weights[p + d] ?? 0)) * k);
        }
      } else if (length - 1 <= 2 * maxContext) {
        const k = 1 / (length - 1);
        for (let q = from; q < to; q++) if (q !== p) add(q, Math.sqrt(wp * (weights[q] ?? 0)) * k);
      } else {
        const k = 1 / (2 * maxContext);
        const at = p - from;
        for (let d = 1; d <= maxContext; d++) {
          const left = from + ((at - d + length) % length);
          const right = from + ((at + d) % length);
          add(left, Math.sqrt(wp * (weights[left] ?? 0)) * k);
          add(right, Math.sqrt(wp * (weights[right] ?? 0)) * k);
        }
      }
    }
    const row = touched.subarray(0, touchedCount).sort();
    for (const col of row) {
      out.push(col, scratch[col] ?? 0);
      scratch[col] = 0;
    }
    rowStart[a + 1] = out.length;
    onRow(a + 1);
  }
  return out.matrix(n, rowStart);
}

/** Shifted, smoothed, symmetrised positive PMI of a co-occurrence matrix (see the header). */
export function positivePmi(cooc: CsrMatrix, smoothing: number, shift: number): CsrMatrix {
  const { n, rowStart, cols, values } = cooc;
  const logRowSum = new Float64Array(n);
  let z = 0;
  for (let a = 0; a < n; a++) {
    let sum = 0;
    for (let p = rowStart[a] ?? 0; p < (rowStart[a + 1] ?? 0); p++) sum += values[p] ?? 0;
    logRowSum[a] = sum > 0 ? Math.log(sum) : 0;
    if (sum > 0) z += sum ** smoothing;
  }
  const offset = (z > 0 ? Math.log(z) : 0) - Math.log(shift);
  const half = (1 + smoothing) / 2;
  const out = new CsrBuilder(cols.length); // at most every count is kept: it never grows
  const outStart = new Float64Array(n + 1);
  for (let a = 0; a < n; a++) {
    for (let p = rowStart[a] ?? 0; p < (rowStart[a + 1] ?? 0); p++) {
      const col = cols[p] ?? 0;
      const count = values[p] ?? 0;
      if (!(count > 0)) continue;
      const pmi = Math.log(count) - half * ((logRowSum[a] ?? 0) + (logRowSum[col] ?? 0)) + offset;
      if (pmi > 0) out.push(col, pmi);
    }
    outStart[a + 1] = out.length;
  }
  return out.matrix(n, outStart);
}
