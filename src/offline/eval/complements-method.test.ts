import { afterAll, describe, expect, it } from 'vitest';
import { makeFixtureModel } from '../../core/test-support.ts';
import { EMPTY_NEIGHBOUR } from '../../core/neighbours.ts';
import { createBatchScorer } from '../../engine/batch-scorer.ts';
import { createComplementsMethod } from './complements-method.ts';
import type { EvalCase } from './dataset.ts';
import type { RankingMethod } from './method.ts';

// 24 items in 4 categories (row % 4); item 0's complements file lists 5 (c1) then 8 (c0).
const fixture = makeFixtureModel({ count: 24, dim: 8, categories: 4 });
const PER_ITEM = 2;
const rows = new Uint32Array(24 * PER_ITEM).fill(EMPTY_NEIGHBOUR);
const similarities = new Float32Array(24 * PER_ITEM);
rows.set([5, 8], 0);
similarities.set([0.9, 0.4], 0);
const model = { ...fixture, complements: { perItem: PER_ITEM, rows, similarities } };
/** Training counts: higher rows more popular, so the fill is recognisable. */
const counts = Float32Array.from({ length: 24 }, (_, row) => row);
const at = (row: number) => ({ row, time: 0 });
const caseOf = (history: readonly number[], masked: readonly number[] = history): EvalCase => ({
  user: 0,
  history: history.map(at),
  historyLength: history.length,
  masked: new Set(masked),
  targets: [1],
});

const methods: RankingMethod[] = [];
afterAll(() => methods.forEach((method) => method.dispose()));
async function method(withModel: typeof model | typeof fixture = model): Promise<RankingMethod> {
  const created = createComplementsMethod(withModel, await createBatchScorer({ vectors: model.vectors, dim: 8, popularity: null, backend: 'cpu' }), counts);
  methods.push(created);
  return created;
}

describe('the complements method', () => {
  it('ranks what was bought with the history first, then items from other categories, then by popularity, never a masked row', async () => {
    const [ranked] = await (await method()).rank([caseOf([0], [0, 16])], 24);
    expect(ranked?.slice(0, 2)).toEqual([5, 8]);
    const text = ranked?.slice(2, 19) ?? [];
    // Every item outside c0 (18 of them) but 5, already listed, and none in c0, before the fill.
    expect(text.every((row) => row % 4 !== 0)).toBe(true);
    expect(new Set([...text, 5]).size).toBe(18);
    // The rest of c0 by training popularity (higher rows first), without 0 and 16 (masked) and 8 (listed).
    expect(ranked?.slice(19)).toEqual([20, 12, 4]);
  });

  it('without a complements file, ranks only by the text step and popularity', async () => {
    const [ranked] = await (await method(fixture)).rank([caseOf([0])], 5);
    expect(ranked).toHaveLength(5);
    expect(ranked?.every((row) => row % 4 !== 0)).toBe(true);
  });
});
