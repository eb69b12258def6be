/**
 * Step 3 (and 4) of fuse.ts for every item (see its header for the maths): a warm item's fused row
 * is [t P-part, beta b] rotated, a cold item's t W Q, each normalised. Kept apart from fuse.ts,
 * which fits the maps, because at a million items this is the step that must be blocked
 * (dense-product.ts) to finish in minutes.
 */
import type { BehaviourEmbeddings } from '../lib/behaviour.ts';
import { addProduct, BLOCK_ROWS, gatherRows, rowMajor } from '../lib/dense-product.ts';

/** The maps of step 3 (and 4) that fuseRows applies to every item. */
export interface RowMaps {
  /** textDim x dim, row-major: [α s P | β R] before rotation (float64). */
  readonly unrotated: Float64Array;
  /** textDim x dim: the stored (rotated, float32) query projection, which places cold items. */
  readonly projection: Float32Array;
  readonly rotation: Float64Array | null;
  readonly behaviour: BehaviourEmbeddings;
  readonly beta: number;
  readonly textPartDim: number;
  readonly dim: number;
}

/**
 * Step 3 for every item, a block of rows at a time (dense-product.ts: the same bits as one row at a
 * time): a warm item's row is [t P-part, β b] rotated, a cold item's t W Q; each is normalised.
 * @returns the unit rows, how many were cold and the sum of each row's max |x| / |x| (for stats).
 * @throws RangeError naming the first item whose row maps to zero or is not finite.
 */
export function fuseRows(
  text: Float32Array,
  textDim: number,
  count: number,
  warm: (item: number) => boolean,
  maps: RowMaps,
): { vectors: Float32Array; coldCount: number; maxAbsSum: number } {
  const { unrotated, rotation, behaviour, beta, textPartDim, dim } = maps;
  const projection = Float64Array.from(maps.projection);
  const vectors = new Float32Array(count * dim);
  const textBlock = new Float64Array(BLOCK_ROWS * textDim);
  const warmBlock = new Float64Array(BLOCK_ROWS * dim);
  const rotatedBlock = new Float64Array(BLOCK_ROWS * dim);
  const coldBlock = new Float64Array(BLOCK_ROWS * dim);
  let coldCount = 0;
  let maxAbsSum = 0;
  for (let first = 0; first < count; first += BLOCK_ROWS) {
    const last = Math.min(count, first + BLOCK_ROWS);
    const warmRows: number[] = [];
    const coldRows: number[] = [];
    for (let i = first; i < last; i++) (warm(i) ? warmRows : coldRows).push(i);
    coldCount += coldRows.length;
    gatherRows(text, textDim, warmRows, 0, warmRows.length, textBlock);
    warmBlock.fill(0);
    addProduct(warmBlock, dim, rowMajor(textBlock, textDim), rowMajor(unrotated, dim), warmRows.length, textPartDim, textDim);
    warmRows.forEach((item, r) => {
      for (let j = 0; j < dim - textPartDim; j++) warmBlock[r * dim + textPartDim + j] = beta * (behaviour.vectors[item * behaviour.dim + j] ?? 0);
    });
    let warmResult = warmBlock;
    if (rotation !== null) {
      rotatedBlock.fill(0);
      addProduct(rotatedBlock, dim, rowMajor(warmBlock, dim), rowMajor(rotation, dim), warmRows.length, dim, dim);
      warmResult = rotatedBlock;
    }
    gatherRows(text, textDim, coldRows, 0, coldRows.length, textBlock);
    coldBlock.fill(0);
    addProduct(coldBlock, dim, rowMajor(textBlock, textDim), rowMajor(projection, dim), coldRows.length, dim, textDim);
    let nextWarm = 0;
    let nextCold = 0;
    for (let i = first; i < last; i++) {
      const isWarm = warmRows[nextWarm] === i;
      const source = isWarm ? warmResult : coldBlock;
      const offset = (isWarm ? nextWarm++ : nextCold++) * dim;
      let norm = 0;
      let maxAbs = 0;
      for (let j = 0; j < dim; j++) {
        const x = source[offset + j] ?? 0;
        norm += x * x;
        maxAbs = Math.max(maxAbs, Math.abs(x));
      }
      norm = Math.sqrt(norm);
      if (!(norm > 1e-12)) throw new RangeError(`item ${i}: its text vector maps to zero or is not finite; text rows must be finite unit vectors`);
      maxAbsSum += maxAbs / norm;
      for (let j = 0; j < dim; j++) vectors[i * dim + j] = (source[offset + j] ?? 0) / norm;
    }
  }
  return { vectors, coldCount, maxAbsSum };
}
