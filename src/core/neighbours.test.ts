import { describe, expect, it } from 'vitest';
import {
  decodeNeighbours,
  EMPTY_NEIGHBOUR,
  encodeNeighbours,
  fuseWithNeighbours,
  latestItemRows,
  NEIGHBOUR_FUSION_POOL,
  neighbourRanking,
  withNeighbours,
  type ItemNeighbours,
} from './neighbours.ts';
import { toItemId } from './ids.ts';
import { RRF_K } from './search.ts';
import { thrownRecError } from './test-support.ts';

const E = EMPTY_NEIGHBOUR;
/** Four items, two slots each: 0 -> 1, 2; 1 -> 0; 2 -> 3, 1; 3 -> none. */
const NEIGHBOURS: ItemNeighbours = {
  perItem: 2,
  rows: Uint32Array.from([1, 2, 0, E, 3, 1, E, E]),
  similarities: Float32Array.from([0.5, 0.25, 0.5, 0, 0.75, 0.25, 0, 0]),
};

describe('the neighbours file', () => {
  it('reads back what was written: rows first, then similarities, little-endian', () => {
    const bytes = encodeNeighbours(NEIGHBOURS);
    expect(bytes.byteLength).toBe(64);
    expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(1);
    expect(new DataView(bytes.buffer).getFloat32(32, true)).toBe(0.5);
    expect(decodeNeighbours(bytes, 4, 'n.bin')).toEqual(NEIGHBOURS);
  });

  it('refuses a size that is not whole slots per item, a row outside the catalogue and a similarity outside [0, 1], naming the slot', () => {
    expect(thrownRecError(() => decodeNeighbours(new Uint8Array(24), 4, 'n.bin')).message).toBe(
      'n.bin: 24 bytes is not 4 items x a whole number of 8-byte slots',
    );
    const badRow = encodeNeighbours({ ...NEIGHBOURS, rows: Uint32Array.from([1, 2, 0, E, 4, 1, E, E]) });
    expect(thrownRecError(() => decodeNeighbours(badRow, 4, 'n.bin'))).toMatchObject({
      code: 'MODEL_VECTORS_INVALID',
      message: 'n.bin: item 2 neighbour 0 is row 4, expected a row below 4',
      location: { file: 'n.bin' },
    });
    expect(thrownRecError(() => decodeNeighbours(new Uint8Array(0), 4, 'n.bin'))).toMatchObject({
      code: 'MODEL_VECTORS_INVALID',
      message: 'n.bin: 0 bytes is not 4 items x a whole number of 8-byte slots',
    });
    expect(thrownRecError(() => decodeNeighbours(new Uint8Array(24), 4, 'n.bin')).code).toBe('MODEL_VECTORS_INVALID');
    for (const similarity of [Number.NaN, 1.5, -0.25]) {
      const bad = encodeNeighbours({ ...NEIGHBOURS, similarities: Float32Array.from([0.5, 0.25, 0.5, 0, 0.75, similarity, 0, 0]) });
      expect(thrownRecError(() => decodeNeighbours(bad, 4, 'n.bin'))).toMatchObject({
        code: 'MODEL_VECTORS_INVALID',
        message: `n.bin: item 2 neighbour 1 has similarity ${similarity}, expected a number in [0, 1]`,
      });
    }
  });

  it('reads one neighbour per item, and similarities at both ends of [0, 1]', () => {
    const single: ItemNeighbours = { perItem: 1, rows: Uint32Array.from([1, 0]), similarities: Float32Array.from([1, 0]) };
    expect(decodeNeighbours(encodeNeighbours(single), 2, 'n.bin')).toEqual(single);
  });
});

describe('neighbourRanking', () => {
  it('sums the latest items neighbours, the newest weighted 1 and each older 0.8 times less, skipping empty slots and excluded rows', () => {
    // Latest 2 then 0: row 3 0.75, row 1 0.25 + 0.8 x 0.5 = 0.65, row 2 0.8 x 0.25 = 0.2; latest 0 then 2: 1 0.7, 3 0.6, 2 0.25.
    expect(neighbourRanking(NEIGHBOURS, [2, 0], new Set(), 10)).toEqual([3, 1, 2]);
    expect(neighbourRanking(NEIGHBOURS, [0, 2], new Set(), 10)).toEqual([1, 3, 2]);
    expect(neighbourRanking(NEIGHBOURS, [2, 0], new Set([3]), 2)).toEqual([1, 2]);
    expect(neighbourRanking(NEIGHBOURS, [3], new Set(), 10)).toEqual([]);
    expect(neighbourRanking(NEIGHBOURS, [2, 0], new Set(), 1)).toEqual([3]);
    // Equal scores: the lower row first.
    const tied: ItemNeighbours = { perItem: 2, rows: Uint32Array.from([2, 1, E, E, E, E]), similarities: Float32Array.from([0.5, 0.5, 0, 0, 0, 0]) };
    expect(neighbourRanking(tied, [0], new Set(), 10)).toEqual([1, 2]);
  });

  it('lets only the 10 latest items vote', () => {
    const many: ItemNeighbours = { perItem: 1, rows: Uint32Array.from({ length: 12 }, (_, i) => (i + 1) % 12), similarities: new Float32Array(12).fill(1) };
    const latest = Array.from({ length: 11 }, (_, i) => i);
    expect(neighbourRanking(many, latest, new Set(latest), 20)).toEqual([]);
    expect(neighbourRanking(many, latest, new Set(), 20)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('fuseWithNeighbours', () => {
  const decay = { rows: [10, 11, 12, 13], scores: [0.9, 0.8, 0.7, 0.6] };

  it('orders by summed reciprocal rank, ties in the decay order, each position keeping the decay score', () => {
    // With k = 60: 12 1/63 + 1/61; 13 1/64 + 1/62; 10 1/61; 11 1/62; 20 1/63.
    expect(RRF_K).toBe(60);
    const fused = fuseWithNeighbours(decay, [12, 13, 20], 5);
    expect(fused.rows).toEqual([12, 13, 10, 11, 20]);
    expect(fused.scores).toEqual([0.9, 0.8, 0.7, 0.6, 0.6]);
    expect(fuseWithNeighbours(decay, [12, 13, 20], 2).rows).toEqual([12, 13]);
  });

  it('breaks a tie of summed ranks by the decay order, not the row', () => {
    // 11 and 10 are first and second in one ranking each, the other way round in the other.
    expect(fuseWithNeighbours({ rows: [11, 10], scores: [0.9, 0.8] }, [10, 11], 2).rows).toEqual([11, 10]);
  });

  it('is the decay ranking itself without neighbours', () => {
    expect(fuseWithNeighbours(decay, [], 3)).toEqual({ rows: [10, 11, 12], scores: [0.9, 0.8, 0.7] });
  });
});

describe('withNeighbours', () => {
  it('asks the space for the fusion pool, fuses with the neighbours of the latest items, and keeps its similarities', async () => {
    const asked: number[] = [];
    const space = {
      topK: async (_interest: Float32Array, k: number, excluded: ReadonlySet<number>) => {
        asked.push(k);
        const rows = [0, 1, 2, 3].filter((row) => !excluded.has(row));
        return { rows, scores: rows.map((row) => 1 - row / 10) };
      },
      similarities: async (rows: readonly number[]) => new Float32Array(rows.length * rows.length).fill(0.25),
    };
    const fused = withNeighbours(space, NEIGHBOURS, [2]);
    const ranked = await fused.topK(new Float32Array(2), 3, new Set([2]));
    expect(asked).toEqual([NEIGHBOUR_FUSION_POOL]);
    // Decay 0, 1, 3; neighbours of 2: 3, 1. 3: 1/63 + 1/61 > 1: 2/62 > 0: 1/61.
    expect(ranked).toEqual({ rows: [3, 1, 0], scores: [1, 0.9, 0.7] });
    expect(await fused.similarities([0, 1])).toEqual(new Float32Array(4).fill(0.25));
  });
});

describe('latestItemRows', () => {
  const rowOf = new Map([
    [toItemId('a'), 0],
    [toItemId('b'), 1],
  ]);
  const recent = [
    { item: toItemId('b'), type: 'view' as const, time: 30 },
    { item: toItemId('gone'), type: 'view' as const, time: 20 },
    { item: toItemId('a'), type: 'add_to_cart' as const, time: 10 },
  ];

  it("gives the state's recent items newest first, without those no longer in the catalogue", () => {
    expect(latestItemRows({ recent, lastQuery: null }, rowOf)).toEqual([1, 0]);
    expect(latestItemRows({ recent, lastQuery: { query: 'lamp', time: 25 } }, rowOf)).toEqual([1, 0]);
  });

  it('gives none after a search newer than the latest item', () => {
    expect(latestItemRows({ recent, lastQuery: { query: 'lamp', time: 31 } }, rowOf)).toEqual([]);
  });
});
