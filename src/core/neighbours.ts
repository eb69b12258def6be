/**
 * Behaviour neighbours: for each item, the items most often bought or viewed near it in the shop's
 * log (co-occurrence cosine, computed by the builder), and how they join the decay rule's ranking.
 *
 * The decay rule ranks by the interest's cosine to each item's fused vector; the neighbours rank by
 * what shoppers did next to the shopper's latest items (session-aware item-kNN). The two are
 * fused by reciprocal rank, each weighted 1 (plain RRF: nothing tuned per data set). On Amazon
 * Beauty's validation users this lifted the decay rule's HR@10 from .0856 to .0952, and on its
 * test users from .0720 to .0815 (docs/results.md). The fused list keeps the decay list's
 * scores by position, so what arranges the grid (diversity, boosts) sees the scale it always had.
 *
 * File layout (neighbours.bin): itemCount x perItem uint32 rows (little-endian; EMPTY_NEIGHBOUR
 * pads an item with fewer neighbours), then itemCount x perItem float32 similarities, best first.
 */
import { RecError } from './errors.ts';
import type { ItemId } from './ids.ts';
import type { ItemSpace } from './ports.ts';
import type { RankedRows } from './rank.ts';
import { RRF_K } from './search.ts';
import type { InterestState } from './state.ts';

/** A padding slot of an item with fewer neighbours than the file holds per item. */
export const EMPTY_NEIGHBOUR = 0xffffffff;
/** Bytes per neighbour slot: a uint32 row and a float32 similarity. */
export const NEIGHBOUR_SLOT_BYTES = 8;
/** How many of the shopper's latest items vote, and how much less each older one weighs. */
export const NEIGHBOUR_RECENT = 10;
export const NEIGHBOUR_RECENCY_DECAY = 0.8;
/** How many rows of each ranking the fusion reads. */
export const NEIGHBOUR_FUSION_POOL = 200;

export interface ItemNeighbours {
  readonly perItem: number;
  /** itemCount x perItem rows, best first, EMPTY_NEIGHBOUR where there are fewer. */
  readonly rows: Uint32Array;
  /** The co-occurrence cosine of each slot, in (0, 1]; 0 for an empty slot. */
  readonly similarities: Float32Array;
}

/**
 * The file's bytes, in the layout above.
 * @param neighbours what to write.
 */
export function encodeNeighbours(neighbours: ItemNeighbours): Uint8Array {
  const bytes = new Uint8Array(neighbours.rows.length * NEIGHBOUR_SLOT_BYTES);
  const view = new DataView(bytes.buffer);
  const half = neighbours.rows.length * 4;
  neighbours.rows.forEach((row, i) => view.setUint32(i * 4, row, true));
  neighbours.similarities.forEach((similarity, i) => view.setFloat32(half + i * 4, similarity, true));
  return bytes;
}

/**
 * Reads and checks a neighbours file.
 * @param bytes the file.
 * @param itemCount the model's items.
 * @param file the file's name, for errors.
 * @throws RecError MODEL_VECTORS_INVALID naming the slot of a row outside the catalogue or a similarity outside [0, 1].
 */
export function decodeNeighbours(bytes: Uint8Array, itemCount: number, file: string): ItemNeighbours {
  const slots = bytes.byteLength / NEIGHBOUR_SLOT_BYTES;
  const perItem = slots / itemCount;
  if (!Number.isInteger(perItem) || perItem < 1) {
    throw new RecError('MODEL_VECTORS_INVALID', `${bytes.byteLength} bytes is not ${itemCount} items x a whole number of ${NEIGHBOUR_SLOT_BYTES}-byte slots`, {
      file,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows = new Uint32Array(slots);
  const similarities = new Float32Array(slots);
  for (let i = 0; i < slots; i++) {
    const row = view.getUint32(i * 4, true);
    const similarity = view.getFloat32(slots * 4 + i * 4, true);
    const where = `item ${Math.floor(i / perItem)} neighbour ${i % perItem}`;
    if (row !== EMPTY_NEIGHBOUR && row >= itemCount)
      throw new RecError('MODEL_VECTORS_INVALID', `${where} is row ${row}, expected a row below ${itemCount}`, { file });
    if (!(similarity >= 0 && similarity <= 1))
      throw new RecError('MODEL_VECTORS_INVALID', `${where} has similarity ${similarity}, expected a number in [0, 1]`, { file });
    rows[i] = row;
    similarities[i] = similarity;
  }
  return { perItem, rows, similarities };
}

/**
 * The items shoppers took next to these, best first: each latest item's neighbours weighted by
 * their similarity, the newest item 1 and each older one NEIGHBOUR_RECENCY_DECAY times less.
 * @param neighbours the model's.
 * @param latest the shopper's latest item rows, newest first (only the first NEIGHBOUR_RECENT vote).
 * @param excluded rows never returned.
 * @param depth how many rows at most.
 */
export function neighbourRanking(neighbours: ItemNeighbours, latest: readonly number[], excluded: ReadonlySet<number>, depth: number): number[] {
  return neighbourVotes(neighbours, latest, excluded)
    .slice(0, depth)
    .map(({ row }) => row);
}

/** A row the latest items' neighbours voted for: its summed vote and the item whose vote was largest. */
export interface NeighbourVote {
  readonly row: number;
  readonly score: number;
  /** The latest item that contributed the most. */
  readonly by: number;
}

/**
 * neighbourRanking's scores, best first (ties to the lower row), with who voted most for each.
 * @param neighbours the model's (or its complements: the same layout).
 * @param latest the item rows that vote, newest first (only the first NEIGHBOUR_RECENT do).
 * @param excluded rows never returned.
 */
export function neighbourVotes(neighbours: ItemNeighbours, latest: readonly number[], excluded: ReadonlySet<number>): NeighbourVote[] {
  const votes = new Map<number, { score: number; by: number; best: number }>();
  let weight = 1;
  for (const item of latest.slice(0, NEIGHBOUR_RECENT)) {
    for (let slot = item * neighbours.perItem; slot < (item + 1) * neighbours.perItem; slot++) {
      const row = neighbours.rows[slot] ?? EMPTY_NEIGHBOUR;
      if (row === EMPTY_NEIGHBOUR || excluded.has(row)) continue;
      const vote = weight * (neighbours.similarities[slot] ?? 0);
      const so = votes.get(row);
      if (so === undefined) votes.set(row, { score: vote, by: item, best: vote });
      else votes.set(row, { score: so.score + vote, ...(vote > so.best ? { by: item, best: vote } : { by: so.by, best: so.best }) });
    }
    weight *= NEIGHBOUR_RECENCY_DECAY;
  }
  return [...votes.entries()].map(([row, { score, by }]) => ({ row, score, by })).sort((a, b) => b.score - a.score || a.row - b.row);
}

/**
 * The decay ranking and the neighbour ranking fused by reciprocal rank (each weighted 1), the first
 * `depth` rows; each keeps the decay ranking's score at its position, ties to the decay order.
 * @param decay the decay rule's best rows and their scores, best first.
 * @param byNeighbours neighbourRanking's rows.
 * @param depth how many rows.
 */
export function fuseWithNeighbours(decay: RankedRows, byNeighbours: readonly number[], depth: number): RankedRows {
  if (byNeighbours.length === 0) return { rows: decay.rows.slice(0, depth), scores: decay.scores.slice(0, depth) };
  const relevance = new Map<number, number>();
  const add = (row: number, rank: number) => relevance.set(row, (relevance.get(row) ?? 0) + 1 / (RRF_K + rank + 1));
  decay.rows.forEach(add);
  byNeighbours.forEach(add);
  const decayRank = new Map(decay.rows.map((row, rank) => [row, rank]));
  const order = (row: number) => decayRank.get(row) ?? decay.rows.length;
  const rows = [...relevance.entries()]
    .sort((a, b) => b[1] - a[1] || order(a[0]) - order(b[0]) || a[0] - b[0])
    .slice(0, depth)
    .map(([row]) => row);
  const lowest = decay.scores[decay.scores.length - 1] ?? 0;
  return { rows, scores: rows.map((_, position) => decay.scores[position] ?? lowest) };
}

/**
 * The shopper's latest item rows, newest first (the state's recent items still in the catalogue),
 * whose neighbours join the decay ranking; none after a search newer than them (the grid follows
 * the query).
 * @param state the interest state.
 * @param rowOf the catalogue's rows by id.
 */
export function latestItemRows(state: Pick<InterestState, 'recent' | 'lastQuery'>, rowOf: ReadonlyMap<ItemId, number>): number[] {
  const latestItemTime = state.recent[0]?.time ?? Number.NEGATIVE_INFINITY;
  if (state.lastQuery !== null && state.lastQuery.time > latestItemTime) return [];
  return state.recent.flatMap(({ item }) => rowOf.get(item) ?? []);
}

/**
 * An item space whose topK fuses the decay rule's ranking with the neighbours of `latest`
 * (fuseWithNeighbours over NEIGHBOUR_FUSION_POOL rows of each); similarities are the space's own.
 * @param space the item space.
 * @param neighbours the model's.
 * @param latest the shopper's latest item rows, newest first.
 */
export function withNeighbours(
  space: Pick<ItemSpace, 'topK' | 'similarities'>,
  neighbours: ItemNeighbours,
  latest: readonly number[],
): Pick<ItemSpace, 'topK' | 'similarities'> {
  return {
    async topK(interest, k, excluded) {
      const pool = Math.max(k, NEIGHBOUR_FUSION_POOL);
      const decay = await space.topK(interest, pool, excluded);
      return fuseWithNeighbours(decay, neighbourRanking(neighbours, latest, excluded, pool), k);
    },
    similarities: (rows) => space.similarities(rows),
  };
}
