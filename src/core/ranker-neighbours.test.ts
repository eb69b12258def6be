// The decay grid with a model's behaviour neighbours fused in (neighbours.ts), through the recommender.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { toItemId } from './ids.ts';
import { EMPTY_NEIGHBOUR, type ItemNeighbours } from './neighbours.ts';
import { createRecommender } from './recommender.ts';
import { deps, ids, model } from './recommender-test-support.ts';
import type { SequenceEncoder } from './ports.ts';
import { createReferenceSpace } from './test-support.ts';

/** i0's one neighbour is i5, of another category (items are interleaved by category, six of them). */
const neighbours: ItemNeighbours = {
  perItem: 1,
  rows: Uint32Array.from(model.items, (_, row) => (row === 0 ? 5 : EMPTY_NEIGHBOUR)),
  similarities: Float32Array.from(model.items, (_, row) => (row === 0 ? 1 : 0)),
};
const withNeighbours = { ...model, neighbours };

async function gridAfterViewing(shop: typeof model, item: string, sequenceEncoder?: SequenceEncoder) {
  const space = createReferenceSpace(shop, DEFAULT_PRIOR_WEIGHT);
  const recommender = await createRecommender(deps({ model: shop, space, ...(sequenceEncoder === undefined ? {} : { sequenceEncoder }) }));
  const viewed = await recommender.record({ type: 'view', item: toItemId(item) });
  return { recommender, viewed: ids(viewed) };
}

describe('the decay grid with behaviour neighbours', () => {
  it("brings the viewed item's neighbour into the grid, which the vectors alone rank far lower", async () => {
    const without = await gridAfterViewing(model, 'i0');
    const fused = await gridAfterViewing(withNeighbours, 'i0');
    expect(without.viewed).not.toContain('i5');
    expect(fused.viewed.indexOf(toItemId('i5'))).toBe(0);
    // The rest are the vectors' best, the first row in their order (the viewed item waits after it).
    expect(fused.viewed.slice(0, 4)).toEqual(['i5', ...without.viewed.slice(0, 3)]);
    expect(new Set(fused.viewed.slice(1))).toEqual(new Set(without.viewed.slice(0, 11)));
    without.recommender.dispose();
    fused.recommender.dispose();
  });

  it('changes nothing when the latest items have no neighbours, or after a search newer than them', async () => {
    const without = await gridAfterViewing(model, 'i1');
    const fused = await gridAfterViewing(withNeighbours, 'i1');
    expect(fused.viewed).toEqual(without.viewed);

    const searched = await gridAfterViewing(withNeighbours, 'i0');
    await searched.recommender.search(model.items[2]?.title ?? '');
    const plain = await gridAfterViewing(model, 'i0');
    await plain.recommender.search(model.items[2]?.title ?? '');
    expect(ids(await searched.recommender.clearSearch())).toEqual(ids(await plain.recommender.clearSearch()));
    for (const { recommender } of [without, fused, searched, plain]) recommender.dispose();
  });
});

describe('the sequence grid', () => {
  /** A sequence model whose interest is i2's vector, whatever the items. */
  const encoder: SequenceEncoder = {
    maxLength: 4,
    interest: () => Promise.resolve(model.vectors.slice(2 * model.manifest.dim, 3 * model.manifest.dim)),
    dispose: () => {},
  };

  // Fusing them lowered a trained sequence model's validation figures on Beauty and Toys (docs/results.md).
  it("is the sequence model's alone: the behaviour neighbours are not fused in", async () => {
    const without = await gridAfterViewing(model, 'i0', encoder);
    const fused = await gridAfterViewing(withNeighbours, 'i0', encoder);
    expect(fused.recommender.ranking().interestModel).toBe('sequence');
    expect(fused.viewed).not.toContain('i5');
    expect(fused.viewed).toEqual(without.viewed);
    without.recommender.dispose();
    fused.recommender.dispose();
  });
});
