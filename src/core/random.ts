/** Seeded randomness for deterministic builds, fixtures and the grid's exploration slots. */

/**
 * A small deterministic PRNG (mulberry32): uniform numbers in [0, 1).
 * @param seed any integer; the same seed gives the same sequence.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 0..count-1 in a seeded Fisher-Yates order: a permutation that follows `random` alone.
 * @param count how many indices.
 * @param random the source of uniform numbers in [0, 1) (e.g. seededRandom).
 */
export function shuffledIndices(count: number, random: () => number): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = swap;
  }
  return order;
}

/**
 * A 32-bit seed from text (FNV-1a), e.g. a session id, so a seeded sequence can follow it.
 * @param text any string.
 */
export function seedFromText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
