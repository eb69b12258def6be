// The codes kernel against core's scoreCodes, in Node's WebAssembly: the same float32 scores, bit for
// bit, for the written-out 16 slices and the general loop, with and without a prior; the codes move
// into the module, which then gives their dot products without the prior (search's semantic side). The paged item space's use of it: ../paged-item-space.test.ts.
import { describe, expect, it } from 'vitest';
import { isRecError } from '../../core/errors.ts';
import { PQ_CENTROIDS, scoreCodes, type ProductQuantiser } from '../../core/product-quantiser.ts';
import { seededRandom } from '../../core/test-support.ts';
import { createWasmCodeScorer } from './wasm-code-scorer.ts';

const random = seededRandom(21);

/** Codes and a table of random values (the kernel never reads the codebooks: only their shape). */
function fixture(count: number, subspaces: number) {
  const codes = Uint8Array.from({ length: count * subspaces }, () => Math.floor(random() * PQ_CENTROIDS));
  const quantiser: ProductQuantiser = { dim: subspaces * 2, subspaces, codebooks: new Float32Array(PQ_CENTROIDS * subspaces * 2) };
  const moved: Uint8Array[] = [];
  const kernelDots: ((table: Float32Array) => Float32Array)[] = [];
  const paged = {
    quantiser,
    codes,
    moveCodes(copy: Uint8Array, dotProducts: (table: Float32Array) => Float32Array) {
      moved.push(copy);
      kernelDots.push(dotProducts);
    },
  };
  const table = () => Float32Array.from({ length: subspaces * PQ_CENTROIDS }, () => (random() - 0.5) * 3);
  return { codes, paged, moved, kernelDots, table };
}

async function scorerOf(...args: Parameters<typeof createWasmCodeScorer>) {
  const scorer = await createWasmCodeScorer(...args);
  if (scorer === null) throw new Error('this WebAssembly cannot run the kernel');
  return scorer;
}

describe('createWasmCodeScorer', () => {
  it.each([
    [16, 'written out'],
    [8, 'the general loop'],
    [3, 'the general loop, an odd count'],
  ])('gives scoreCodes’ scores bit for bit at %i slices (%s), with and without a prior', async (subspaces) => {
    const count = 1001;
    const prior = Float32Array.from({ length: count }, () => random());
    for (const [withPrior, weight] of [
      [prior, 0.37],
      [null, 0],
    ] as const) {
      const { codes, paged, table } = fixture(count, subspaces);
      const scorer = await scorerOf(paged, withPrior, weight);
      // Two tables in a row: the second call's scores are the second table's, not a mix.
      for (const values of [table(), table()]) expect(scorer.score(values)).toEqual(scoreCodes(values, codes, subspaces, withPrior, weight));
    }
  });

  it('gives the moved codes’ dot products without the prior it scores with', async () => {
    const count = 777;
    const { codes, paged, kernelDots, table } = fixture(count, 16);
    const scorer = await scorerOf(
      paged,
      Float32Array.from({ length: count }, () => random()),
      0.5,
    );
    const [dotProducts] = kernelDots;
    const values = table();
    expect(dotProducts?.(values)).toEqual(scoreCodes(values, codes, 16));
    // The ranking's next call still adds the prior.
    expect(scorer.score(values)).not.toEqual(scoreCodes(values, codes, 16));
  });

  it('moves the codes into its memory and counts that memory', async () => {
    const { codes, paged, moved } = fixture(50, 16);
    const scorer = await scorerOf(paged, null, 0);
    expect(moved).toHaveLength(1);
    const [copy] = moved;
    expect(copy).toEqual(codes);
    expect(copy?.buffer).not.toBe(codes.buffer);
    // The table, the prior, the scores (float32) and the codes, in whole 64 kB pages.
    expect(scorer.bytes).toBe(65_536);
    const large = fixture(20_000, 16);
    expect((await scorerOf(large.paged, null, 0)).bytes).toBe(Math.ceil((16 * 256 * 4 + 20_000 * 8 + 20_000 * 16) / 65_536) * 65_536);
  });

  it('refuses a prior of another length, naming it, and a table of another shape', async () => {
    const { paged, table } = fixture(10, 16);
    const refused = await createWasmCodeScorer(paged, new Float32Array(9), 1).catch((error: unknown) => error);
    expect(isRecError(refused) && refused.code === 'MODEL_DIMENSION_MISMATCH' && refused.location.field === 'popularity').toBe(true);
    expect((refused as Error).message).toBe("popularity: the prior has 9 values for 10 items' codes");
    const scorer = await scorerOf(paged, null, 0);
    const wrongTable = (() => {
      try {
        scorer.score(table().subarray(1));
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(isRecError(wrongTable) && wrongTable.code === 'INTERNAL').toBe(true);
    expect((wrongTable as Error).message).toBe('a table of 4095 values for 16 slices of 256 centroids');
  });
});
