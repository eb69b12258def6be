/**
 * What the trainer feeds the model: each training sequence's latest window, grouped into shuffled
 * batches of one length (so a batch is [B, L] with no padding and every position trains).
 */
import type { Sequence } from '../lib/behaviour.ts';

/**
 * What one sequence trains on: its latest maxLength + 1 items (the browser reads only the latest
 * maxLength), giving one (input, next item) pair per position; null when it has fewer than two items.
 * @param sequence a training sequence.
 * @param maxLength the model's input length.
 */
function trainingWindow(sequence: Sequence, maxLength: number): readonly number[] | null {
  const window = sequence.rows.slice(-(maxLength + 1));
  return window.length < 2 ? null : window;
}

/**
 * Training positions per epoch: one per (input, next item) pair of every sequence's window.
 * @param sequences the training sequences.
 * @param maxLength the model's input length.
 */
export function trainingPositions(sequences: readonly Sequence[], maxLength: number): number {
  return sequences.reduce((sum, sequence) => sum + Math.max(0, (trainingWindow(sequence, maxLength)?.length ?? 1) - 1), 0);
}

/** One step's sequences, each length + 1 items (inputs are the first length, targets the last length). */
export interface Batch {
  readonly length: number;
  readonly sequences: readonly (readonly number[])[];
}

/**
 * Batches of equal-length training windows (`trainingWindow`), shuffled.
 * @param sequences the training sequences.
 * @param maxLength the model's input length.
 * @param batchPositions about how many positions per batch.
 * @param random the shuffle's source.
 */
export function planBatches(sequences: readonly Sequence[], maxLength: number, batchPositions: number, random: () => number): Batch[] {
  const byLength = new Map<number, (readonly number[])[]>();
  for (const sequence of sequences) {
    const window = trainingWindow(sequence, maxLength);
    if (window === null) continue;
    const length = window.length - 1;
    byLength.set(length, [...(byLength.get(length) ?? []), window]);
  }
  const batches: Batch[] = [];
  for (const [length, group] of byLength) {
    shuffle(group, random);
    const size = Math.max(1, Math.floor(batchPositions / length));
    for (let start = 0; start < group.length; start += size) batches.push({ length, sequences: group.slice(start, start + size) });
  }
  return shuffle(batches, random);
}

function shuffle<T>(values: T[], random: () => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j] as T, values[i] as T];
  }
  return values;
}
