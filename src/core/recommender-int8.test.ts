// The storefront's recommender over an int8 model read in place (item-matrix.ts): the same rankings,
// placements and search as over the decoded float32 rows, without ever decoding the whole matrix.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from './constants.ts';
import { toItemId } from './ids.ts';
import { float32Matrix } from './item-matrix.ts';
import type { LoadedModel } from './model.ts';
import { createRecommender, type Recommender } from './recommender.ts';
import { browse, deps, ids, model } from './recommender-test-support.ts';
import { createReferenceSpace } from './test-support.ts';
import { decodeMatrix, decodeVectors, encodeVectors } from './vectors.ts';

const { itemCount, dim } = { itemCount: model.items.length, dim: model.manifest.dim };
const file = encodeVectors(model.vectors, itemCount, dim, 'int8');
const decoded = decodeVectors(file, itemCount, dim, 'int8', 'vectors.bin');
const float32Model: LoadedModel = { ...model, matrix: float32Matrix(decoded, dim), vectors: decoded };
/** The int8 model as the storefront loads it, whose float32 vectors must never be asked for. */
const int8Model = (): LoadedModel =>
  Object.defineProperty({ ...model, matrix: decodeMatrix(file, itemCount, dim, 'int8', 'vectors.bin') }, 'vectors', {
    get: () => {
      throw new Error('the recommender read model.vectors, the whole matrix decoded to float32');
    },
  }) as LoadedModel;

async function session(recommender: Recommender) {
  const grid = ids(await browse(recommender, [3, 10, 17, 40]));
  const similar = (await recommender.placement({ kind: 'similar', item: toItemId('i6') }, 8)).items.map((entry) => entry.item.id);
  const search = ids(await recommender.search('Item 1'));
  const inPlace = await recommender.rankItems(['i5', 'i50', 'i95', 'i7'].map(toItemId));
  return { grid, similar, search, inPlace };
}

describe('createRecommender over an int8 model read in place', () => {
  it('ranks, lists similar items, searches and orders in place as over the decoded float32 rows, without reading model.vectors', async () => {
    const space = () => createReferenceSpace(float32Model, DEFAULT_PRIOR_WEIGHT);
    const overInt8 = await session(await createRecommender(deps({ model: int8Model(), space: space() })));
    const overFloat32 = await session(await createRecommender(deps({ model: float32Model, space: space() })));
    expect(overInt8.grid).toHaveLength(12);
    expect(overInt8.search.length).toBeGreaterThan(0);
    expect(overInt8).toEqual(overFloat32);
  });
});
