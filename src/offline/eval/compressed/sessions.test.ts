import { describe, expect, it } from 'vitest';
import type { ItemNeighbours } from '../../../core/neighbours.ts';
import { seededRandom } from '../../../core/random.ts';
import { clusteredSessions, clusteredSpace, modelSessions } from './sessions.ts';

describe('measurement sessions', () => {
  it('on a model, each next item is a behaviour neighbour of the previous one, or of its category when it has none', () => {
    // Rows 0-3 each have one neighbour (the next row, cyclic); rows 4-9 none, in categories a and b.
    const neighbours: ItemNeighbours = {
      perItem: 2,
      rows: Uint32Array.from({ length: 20 }, (_, i) => (i % 2 === 0 && i < 8 ? (i / 2 + 1) % 4 : 0)),
      similarities: Float32Array.from({ length: 20 }, (_, i) => (i % 2 === 0 && i < 8 ? 0.5 : 0)),
    };
    const categories = ['x', 'x', 'x', 'x', 'a', 'a', 'a', 'b', 'b', 'b'];
    const sessions = modelSessions(10, neighbours, categories, 300, seededRandom(2));
    expect(sessions).toHaveLength(300);
    expect(new Set(sessions.map((s) => s.length))).toEqual(new Set([1, 2, 3, 4, 5]));
    for (const session of sessions) {
      for (let i = 1; i < session.length; i++) {
        const [previous, next] = [session[i - 1] ?? -1, session[i] ?? -1];
        if (previous < 4) expect(next).toBe((previous + 1) % 4);
        else expect(categories[next]).toBe(categories[previous]);
      }
    }
  });

  it('the synthetic catalogue has unit rows in contiguous leaves, nearer within a leaf than across departments', () => {
    const space = clusteredSpace({ count: 400, dim: 16, departments: 2, leavesPerDepartment: 4 }, seededRandom(5));
    expect(space.leaves).toBe(8);
    expect([...space.leafStart]).toEqual([0, 50, 100, 150, 200, 250, 300, 350, 400]);
    const row = (r: number) => space.vectors.subarray(r * 16, (r + 1) * 16);
    const dot = (a: number, b: number) => row(a).reduce((sum, value, j) => sum + value * (row(b)[j] ?? 0), 0);
    for (const r of [0, 199, 399]) expect(dot(r, r)).toBeCloseTo(1, 5);
    // Leaf 0 and leaf 1 share a department; leaf 4 is in the other.
    const mean = (pairs: [number, number][]) => pairs.reduce((sum, [a, b]) => sum + dot(a, b), 0) / pairs.length;
    const sameLeaf = mean(Array.from({ length: 40 }, (_, i) => [i, i + 1]));
    const sameDepartment = mean(Array.from({ length: 40 }, (_, i) => [i, 50 + i]));
    const otherDepartment = mean(Array.from({ length: 40 }, (_, i) => [i, 200 + i]));
    expect(sameLeaf).toBeGreaterThan(sameDepartment);
    expect(sameDepartment).toBeGreaterThan(otherDepartment + 0.2);
  });

  it('synthetic sessions hold 1 to 5 items of one leaf', () => {
    const space = clusteredSpace({ count: 300, dim: 8, departments: 3, leavesPerDepartment: 2 }, seededRandom(1));
    const sessions = clusteredSessions(space, 200, seededRandom(3));
    expect(new Set(sessions.map((s) => s.length))).toEqual(new Set([1, 2, 3, 4, 5]));
    for (const session of sessions) expect(new Set(session.map((r) => Math.floor(r / 50))).size).toBe(1);
  });
});
