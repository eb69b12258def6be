import { describe, expect, it } from 'vitest';
import { encodeWithQuantiser } from '../../../core/product-quantiser.ts';
import { seededRandom } from '../../../core/random.ts';
import { trainProductQuantiser } from '../../lib/train-pq.ts';
import { clusteredSpace } from './sessions.ts';
import { coarseShards, shardTouches } from './shards.ts';

// 4 departments × 1 leaf × 100 items: four tight, well separated groups of rows.
const space = clusteredSpace({ count: 400, dim: 16, departments: 4, leavesPerDepartment: 1 }, seededRandom(3));

describe('coarse shards', () => {
  it('puts each well separated group of rows in a shard of its own', () => {
    const shards = coarseShards(space, 100, 1);
    expect(shards.sizes).toHaveLength(4);
    expect([...shards.sizes].reduce((sum, size) => sum + size, 0)).toBe(400);
    for (let group = 0; group < 4; group++) {
      const inGroup = new Set(Array.from({ length: 100 }, (_, i) => shards.of[group * 100 + i]));
      expect(inGroup.size, `group ${group}`).toBe(1);
    }
    expect(new Set(shards.of).size).toBe(4);
  });

  it('refuses a shard larger than the catalogue', () => {
    expect(() => coarseShards(space, 401, 1)).toThrow('a shard of 401 rows is more than the 400 items');
  });

  it('counts the shards an interaction’s candidates fall in, and their rows’ bytes', () => {
    const pq = trainProductQuantiser(space.vectors, 400, 16, { subspaces: 4, iterations: 3 });
    const codes = encodeWithQuantiser(pq, space.vectors, 400);
    // Shards by hand: row r in shard r % 4 (every group spread over all four), sizes 100 each.
    const shards = { of: Int32Array.from({ length: 400 }, (_, r) => r % 4), sizes: Int32Array.of(100, 100, 100, 100) };
    const sessions = [[5], [210, 220]];
    const [one, all] = shardTouches(space, pq, codes, shards, sessions, [1, 400], 20);
    expect(one).toEqual({ rerank: 1, meanShards: 1, p95Shards: 1, meanBytes: 100 * 20 });
    expect(all).toEqual({ rerank: 400, meanShards: 4, p95Shards: 4, meanBytes: 400 * 20 });
  });
});
