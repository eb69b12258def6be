/**
 * The interests a compressed item space is measured on: sessions of a few related items. On a
 * built model, a random item followed by a walk over its behaviour neighbours (neighbours.bin), or
 * items of its category where it has none; on the synthetic catalogue, items of one leaf cluster.
 * Also that synthetic catalogue: departments, each with leaf clusters, each with items, so
 * neighbourhoods are nested as a real catalogue's are (a shop's products within a product type
 * within a department), not one flat cloud.
 */
import type { ItemNeighbours } from '../../../core/neighbours.ts';
import { normalise } from '../../../core/rank.ts';
import type { ItemVectors } from './recall.ts';

/** Items a session holds besides the first: 0 to this many. */
const MAX_FOLLOWING = 4;

/**
 * @param count the model's items; @param neighbours its behaviour neighbours, or null.
 * @param categoryOf each row's category, for rows without neighbours.
 * @param sessions how many; @param random a seeded source.
 */
export function modelSessions(
  count: number,
  neighbours: ItemNeighbours | null,
  categoryOf: readonly string[],
  sessions: number,
  random: () => number,
): number[][] {
  const byCategory = new Map<string, number[]>();
  categoryOf.forEach((category, row) => {
    const rows = byCategory.get(category);
    if (rows === undefined) byCategory.set(category, [row]);
    else rows.push(row);
  });
  const pick = <T>(values: readonly T[]): T | undefined => values[Math.floor(random() * values.length)];
  return Array.from({ length: sessions }, () => {
    const rows = [Math.floor(random() * count)];
    const following = Math.floor(random() * (MAX_FOLLOWING + 1));
    for (let i = 0; i < following; i++) {
      const last = rows[rows.length - 1] ?? 0;
      const next = pick(neighboursOf(neighbours, last)) ?? pick(byCategory.get(categoryOf[last] ?? '') ?? []);
      if (next !== undefined) rows.push(next);
    }
    return rows;
  });
}

function neighboursOf(neighbours: ItemNeighbours | null, row: number): number[] {
  if (neighbours === null) return [];
  const found: number[] = [];
  for (let slot = 0; slot < neighbours.perItem; slot++) {
    if ((neighbours.similarities[row * neighbours.perItem + slot] ?? 0) > 0) found.push(neighbours.rows[row * neighbours.perItem + slot] ?? 0);
  }
  return found;
}

/** The synthetic catalogue's shape. */
export interface ClusteredShape {
  readonly count: number;
  readonly dim: number;
  readonly departments: number;
  readonly leavesPerDepartment: number;
}

/** A synthetic catalogue: its vectors and the leaf cluster of each row (rows of a leaf are contiguous). */
export interface ClusteredSpace extends ItemVectors {
  readonly leaves: number;
  /** The first row of leaf i is leafStart[i]; leafStart[leaves] = count. */
  readonly leafStart: Int32Array;
}

/** How far a leaf's centre strays from its department's, and an item from its leaf's (per unit). */
const LEAF_SPREAD = 0.7;
const ITEM_SPREAD = 0.6;

/**
 * @param shape how many items, of what dimension, in how many departments and leaves.
 * @param random a seeded source.
 * @returns unit-length rows: department centre + LEAF_SPREAD·leaf offset + ITEM_SPREAD·item offset,
 *   each offset a random Gaussian direction.
 */
export function clusteredSpace(shape: ClusteredShape, random: () => number): ClusteredSpace {
  const { count, dim, departments, leavesPerDepartment } = shape;
  const gaussian = gaussianSource(random);
  const direction = (): Float32Array => normalise(Float32Array.from({ length: dim }, gaussian));
  const leaves = departments * leavesPerDepartment;
  const leafStart = Int32Array.from({ length: leaves + 1 }, (_, leaf) => Math.round((leaf * count) / leaves));
  const vectors = new Float32Array(count * dim);
  for (let department = 0; department < departments; department++) {
    const centre = direction();
    for (let l = 0; l < leavesPerDepartment; l++) {
      const leaf = department * leavesPerDepartment + l;
      const offset = direction();
      for (let row = leafStart[leaf] ?? 0; row < (leafStart[leaf + 1] ?? 0); row++) {
        const item = direction();
        const vector = Float32Array.from({ length: dim }, (_, j) => (centre[j] ?? 0) + LEAF_SPREAD * (offset[j] ?? 0) + ITEM_SPREAD * (item[j] ?? 0));
        vectors.set(normalise(vector), row * dim);
      }
    }
  }
  return { vectors, count, dim, leaves, leafStart };
}

/** Sessions of 1 to 5 items of one random leaf. */
export function clusteredSessions(space: ClusteredSpace, sessions: number, random: () => number): number[][] {
  return Array.from({ length: sessions }, () => {
    const leaf = Math.floor(random() * space.leaves);
    const [start, end] = [space.leafStart[leaf] ?? 0, space.leafStart[leaf + 1] ?? 0];
    return Array.from({ length: 1 + Math.floor(random() * (MAX_FOLLOWING + 1)) }, () => start + Math.floor(random() * (end - start)));
  });
}

/** Standard normal draws (Box-Muller) from a uniform source. */
function gaussianSource(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
