/**
 * Product quantisation of the item space (Jégou et al., 2011): each item vector is cut into
 * `subspaces` equal slices, and each slice is stored as the one byte naming the nearest of 256
 * centroids of that slice's codebook. An item then costs `subspaces` bytes instead of `dim` (int8)
 * or 4·dim (float32). An interest is scored against every item by asymmetric distance computation:
 * one table of the interest's dot product with every centroid of every slice, then per item the sum
 * of `subspaces` table entries. The codebooks are trained by the builder (offline/lib/train-pq.ts).
 */

/** 256 centroids per slice: one byte per slice per item. */
export const PQ_CENTROIDS = 256;

export interface ProductQuantiser {
  readonly dim: number;
  /** How many slices a vector is cut into; divides `dim`. */
  readonly subspaces: number;
  /** subspaces × PQ_CENTROIDS × (dim / subspaces) float32: slice s's centroid c starts at (s·256 + c)·sliceDim. */
  readonly codebooks: Float32Array;
}

/** The length of one slice. */
export const sliceDim = (pq: ProductQuantiser): number => pq.dim / pq.subspaces;

/**
 * @param pq the codebooks.
 * @param vectors count × dim, row-major.
 * @param count how many rows.
 * @returns count × subspaces codes, row-major: each slice's nearest centroid (squared distance).
 */
export function encodeWithQuantiser(pq: ProductQuantiser, vectors: Float32Array, count: number): Uint8Array {
  const { dim, subspaces, codebooks } = pq;
  const width = sliceDim(pq);
  const codes = new Uint8Array(count * subspaces);
  for (let row = 0; row < count; row++) {
    for (let s = 0; s < subspaces; s++) {
      codes[row * subspaces + s] = nearestCentroid(codebooks, s * PQ_CENTROIDS * width, vectors, row * dim + s * width, width);
    }
  }
  return codes;
}

/**
 * The nearest of `count` consecutive centroids to one slice; ties go to the lower index.
 * @param centroids the codebook array; @param first where the slice's centroids start.
 * @param values the vector array; @param at where the slice starts; @param width its length.
 * @param count how many centroids (a codebook's 256 unless said).
 */
export function nearestCentroid(centroids: Float32Array, first: number, values: Float32Array, at: number, width: number, count = PQ_CENTROIDS): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < count; c++) {
    const base = first + c * width;
    let distance = 0;
    for (let j = 0; j < width; j++) {
      const d = (values[at + j] ?? 0) - (centroids[base + j] ?? 0);
      distance += d * d;
    }
    if (distance < bestDistance) {
      bestDistance = distance;
      best = c;
    }
  }
  return best;
}

/**
 * @param pq the codebooks; @param codes count × subspaces; @param count how many rows.
 * @returns count × dim: each row the centroids its codes name, end to end.
 */
export function decodeWithQuantiser(pq: ProductQuantiser, codes: Uint8Array, count: number): Float32Array {
  const width = sliceDim(pq);
  const vectors = new Float32Array(count * pq.dim);
  for (let row = 0; row < count; row++) {
    for (let s = 0; s < pq.subspaces; s++) {
      const first = (s * PQ_CENTROIDS + (codes[row * pq.subspaces + s] ?? 0)) * width;
      vectors.set(pq.codebooks.subarray(first, first + width), row * pq.dim + s * width);
    }
  }
  return vectors;
}

/**
 * @param pq the codebooks.
 * @param interest a dim-long vector.
 * @returns subspaces × 256: the interest's slice s dotted with slice s's centroid c at s·256 + c.
 */
export function dotTable(pq: ProductQuantiser, interest: Float32Array): Float32Array {
  const width = sliceDim(pq);
  const table = new Float32Array(pq.subspaces * PQ_CENTROIDS);
  for (let s = 0; s < pq.subspaces; s++) {
    for (let c = 0; c < PQ_CENTROIDS; c++) {
      const base = (s * PQ_CENTROIDS + c) * width;
      let dot = 0;
      for (let j = 0; j < width; j++) dot += (interest[s * width + j] ?? 0) * (pq.codebooks[base + j] ?? 0);
      table[s * PQ_CENTROIDS + c] = dot;
    }
  }
  return table;
}

/**
 * Every item's approximate dot product with the interest the table was made from, plus its prior.
 * @param table dotTable's output; @param codes count × subspaces; @param subspaces per item.
 * @param prior one value per item, added times `priorWeight` (in the same pass: at a million items a
 *   second pass over the scores cost as much as the look-ups), or null.
 */
export function scoreCodes(table: Float32Array, codes: Uint8Array, subspaces: number, prior: Float32Array | null = null, priorWeight = 0): Float32Array {
  if (subspaces === 16) return scoreSixteenCodes(table, codes, prior, priorWeight);
  const count = codes.length / subspaces;
  const scores = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    let score = 0;
    const at = row * subspaces;
    for (let s = 0; s < subspaces; s++) score += table[s * PQ_CENTROIDS + (codes[at + s] ?? 0)] ?? 0;
    scores[row] = prior === null ? score : score + priorWeight * (prior[row] ?? 0);
  }
  return scores;
}

/**
 * Scores every item's codes as scoreCodes does, with the prior and its weight it was made with, to
 * the same float32 scores (the engine's WebAssembly kernel: wasm-code-scorer.ts).
 */
export interface CodeScorer {
  /**
   * @param table dotTable's output.
   * @returns one score per item, valid until the next call (the kernel's memory).
   */
  score(table: Float32Array): Float32Array;
  /** The bytes it holds: the codes (moved there, PagedItems.moveCodes), a copy of the prior and the scores. */
  readonly bytes: number;
}

/**
 * scoreCodes for 16 subspaces (the builder's default), written out: the same look-ups summed in the
 * same order, so the same scores, in about a third of the loop's time (a million items: 11 ms
 * against 29 in Node here), which a click at that size waits for.
 */
function scoreSixteenCodes(table: Float32Array, codes: Uint8Array, prior: Float32Array | null, priorWeight: number): Float32Array {
  const count = codes.length / 16;
  const scores = new Float32Array(count);
  for (let row = 0, at = 0; row < count; row++, at += 16) {
    const score =
      (table[codes[at] as number] as number) +
      (table[256 + (codes[at + 1] as number)] as number) +
      (table[512 + (codes[at + 2] as number)] as number) +
      (table[768 + (codes[at + 3] as number)] as number) +
      (table[1024 + (codes[at + 4] as number)] as number) +
      (table[1280 + (codes[at + 5] as number)] as number) +
      (table[1536 + (codes[at + 6] as number)] as number) +
      (table[1792 + (codes[at + 7] as number)] as number) +
      (table[2048 + (codes[at + 8] as number)] as number) +
      (table[2304 + (codes[at + 9] as number)] as number) +
      (table[2560 + (codes[at + 10] as number)] as number) +
      (table[2816 + (codes[at + 11] as number)] as number) +
      (table[3072 + (codes[at + 12] as number)] as number) +
      (table[3328 + (codes[at + 13] as number)] as number) +
      (table[3584 + (codes[at + 14] as number)] as number) +
      (table[3840 + (codes[at + 15] as number)] as number);
    scores[row] = prior === null ? score : score + priorWeight * (prior[row] as number);
  }
  return scores;
}

/**
 * Cosines from the codes alone, for rows whose vectors are not on hand: each row stands for the
 * centroids its codes name, whose squared length is the sum of theirs (the slices do not overlap).
 * @param pq the codebooks; @param codes count × subspaces.
 * @param vector a dim-long vector.
 * @returns the cosine of `vector` with a row's centroids (0 for a zero vector or row).
 */
export function codeCosine(pq: ProductQuantiser, codes: Uint8Array, vector: Float32Array): (row: number) => number {
  const table = dotTable(pq, vector);
  const width = sliceDim(pq);
  // Each centroid's squared length, at the same place as its dot product in the table.
  const lengths = new Float32Array(pq.subspaces * PQ_CENTROIDS);
  for (let cell = 0; cell < lengths.length; cell++) {
    let sum = 0;
    for (let j = 0; j < width; j++) sum += (pq.codebooks[cell * width + j] ?? 0) ** 2;
    lengths[cell] = sum;
  }
  let vectorLength = 0;
  for (const value of vector) vectorLength += value * value;
  vectorLength = Math.sqrt(vectorLength);
  return (row) => {
    let dot = 0;
    let squared = 0;
    for (let s = 0, at = row * pq.subspaces; s < pq.subspaces; s++) {
      const cell = s * PQ_CENTROIDS + (codes[at + s] ?? 0);
      dot += table[cell] ?? 0;
      squared += lengths[cell] ?? 0;
    }
    return vectorLength === 0 || squared === 0 ? 0 : dot / (vectorLength * Math.sqrt(squared));
  };
}
