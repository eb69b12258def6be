import { describe, expect, it } from 'vitest';
import { decodeWithQuantiser, encodeWithQuantiser } from '../../../core/product-quantiser.ts';
import { normalise } from '../../../core/rank.ts';
import { seededRandom } from '../../../core/random.ts';
import { trainProductQuantiser } from '../../lib/train-pq.ts';
import { compressedTop, meanRecall, type ItemVectors } from './recall.ts';
import { residualTop, withResidualCodes } from './residual.ts';

const random = seededRandom(12);
const COUNT = 600;
const DIM = 8;
const vectors = new Float32Array(COUNT * DIM);
for (let row = 0; row < COUNT; row++) vectors.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);
const space: ItemVectors = { vectors, count: COUNT, dim: DIM };
const quantiser = trainProductQuantiser(vectors, COUNT, DIM, { subspaces: 2, iterations: 4 });
const first = { quantiser, codes: encodeWithQuantiser(quantiser, vectors, COUNT) };
const squaredError = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + (value - (b[i] ?? 0)) ** 2, 0);

describe('residual codes', () => {
  const levels = withResidualCodes(space, first, 2);

  it('the second code describes what the first leaves: both together are nearer the vectors than the first alone', () => {
    const once = decodeWithQuantiser(quantiser, first.codes, COUNT);
    const residuals = decodeWithQuantiser(levels.second.quantiser, levels.second.codes, COUNT);
    const twice = once.map((value, i) => value + (residuals[i] ?? 0));
    expect(levels.second.codes).toHaveLength(COUNT * 2);
    expect(squaredError(twice, vectors)).toBeLessThan(0.6 * squaredError(once, vectors));
  });

  it('without a re-rank ranks as the first code alone; with one, re-scores from both codes and finds more of the exact top', () => {
    const interest = normalise(Float32Array.from({ length: DIM }, () => random() - 0.5));
    expect(residualTop(levels, interest, 10, 0)).toEqual(compressedTop(space, quantiser, first.codes, interest, 10, 0));
    const sessions = Array.from({ length: 15 }, (_, i) => [i * 11, i * 11 + 4]);
    const [firstOnly, both] = meanRecall(space, sessions, 20, [0, COUNT], (interest, k, rerank) => residualTop(levels, interest, k, rerank));
    expect(both).toBeGreaterThan((firstOnly ?? 1) + 0.05);
    // The full vectors re-rank exactly; two codes do not.
    expect(both).toBeLessThan(1);
  });
});
