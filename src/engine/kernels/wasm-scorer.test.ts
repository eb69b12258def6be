// The wasm scorer against core/rank.ts's reference, in Node's WebAssembly (the same SIMD
// instructions Chromium runs): its coarse int8 pass plus exact re-rank must give core's ranking and
// float32 scores exactly, for float32, int8-decoded and unnormalised matrices, near-ties and exact
// ties included. The item space's use of it on the TF.js wasm backend: ../scorer-resident.test.ts.
import { describe, expect, it } from 'vitest';
import { isRecError } from '../../core/errors.ts';
import { normalise, scanAbove, scoreAll, topK, type RankedRows } from '../../core/rank.ts';
import { seededRandom } from '../../core/test-support.ts';
import { decodeVectors, encodeVectors } from '../../core/vectors.ts';
import { WASM_BASE64 } from './score-int8-wasm-bytes.ts';
import { createWasmScorer, interestQuantisationMax, wasmScorerSupportsDim, type WasmScorerItems } from './wasm-scorer.ts';

const random = seededRandom(8);
const randomVector = (dim: number): Float32Array => Float32Array.from({ length: dim }, () => random() - 0.5);
const unitRows = (count: number, dim: number): Float32Array => {
  const values = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) values.set(normalise(randomVector(dim)), row * dim);
  return values;
};

/** Tight clusters: many rows within int8 rounding of each other's scores, the case the bound must get right. */
function clusteredRows(count: number, dim: number): Float32Array {
  const centres = Array.from({ length: 4 }, () => normalise(randomVector(dim)));
  const values = new Float32Array(count * dim);
  for (let row = 0; row < count; row++) {
    const centre = centres[row % centres.length] ?? new Float32Array(dim);
    values.set(normalise(centre.map((c) => c + 0.002 * (random() - 0.5))), row * dim);
  }
  return values;
}

async function scorer(items: WasmScorerItems) {
  const created = await createWasmScorer(items);
  if (created === null) throw new Error('this WebAssembly has no SIMD');
  return created;
}

const reference = (items: WasmScorerItems, interest: Float32Array, k: number, excluded: ReadonlySet<number>): RankedRows =>
  topK(scoreAll(items.vectors, items.dim, interest, items.popularity, items.priorWeight), k, excluded);

describe('createWasmScorer', () => {
  it("returns core's ranking and scores exactly: float32, int8-decoded, clustered and unnormalised matrices, every width, prior, exclusions, any k", async () => {
    const count = 301;
    for (const dim of [16, 48, 128, 512]) {
      const float32 = unitRows(count, dim);
      const matrices = {
        float32,
        int8: decodeVectors(encodeVectors(float32, count, dim, 'int8'), count, dim, 'int8', 'vectors.int8.bin', false),
        clustered: clusteredRows(count, dim),
        // A sequence model's item table: rows of any length, its item bias as the prior at weight 1.
        unnormalised: float32.map((v, i) => v * (1 + (i % 7))),
      };
      for (const [name, vectors] of Object.entries(matrices)) {
        const items = { vectors, dim, popularity: Float32Array.from({ length: count }, () => 0.1 * random()), priorWeight: name === 'unnormalised' ? 1 : 0.3 };
        const scored = await scorer(items);
        const interest = name === 'clustered' ? normalise(vectors.slice(0, dim).map((v) => v + 0.01 * (random() - 0.5))) : normalise(randomVector(dim));
        const excluded = new Set([3, 7, 200]);
        for (const k of [1, 24, count])
          expect([name, dim, k, scored.topK(interest, k, excluded)]).toEqual([name, dim, k, reference(items, interest, k, excluded)]);
      }
    }
  });

  it('breaks exact ties to the lower row, scores the plain dot product without a prior, and ranks a zero interest by row', async () => {
    const dim = 32;
    const row = normalise(randomVector(dim));
    const vectors = new Float32Array(10 * dim);
    for (let r = 0; r < 10; r++) vectors.set(r % 2 === 0 ? row : normalise(randomVector(dim)), r * dim);
    const items = { vectors, dim, popularity: null, priorWeight: 0.3 };
    const scored = await scorer(items);
    expect(scored.topK(row, 5, new Set([2]))).toEqual(reference(items, row, 5, new Set([2])));
    expect(scored.topK(row, 3, new Set()).rows).toEqual([0, 2, 4]);
    expect(scored.topK(new Float32Array(dim), 3, new Set())).toEqual({ rows: [0, 1, 2], scores: [0, 0, 0] });
    expect(scored.topK(row, 0, new Set())).toEqual({ rows: [], scores: [] });
  });

  it('cannot overflow int32: the widest rows at the extreme int8 values against an interest at its largest', async () => {
    for (const dim of [512, 1024, 4096]) {
      // Row 0 all ones, row 1 all minus ones: their int8 sums are +-dim * 127 * max.
      const vectors = new Float32Array(2 * dim).fill(1).fill(-1, dim);
      const scored = await scorer({ vectors, dim, popularity: null, priorWeight: 0 });
      expect(scored.topK(new Float32Array(dim).fill(1), 2, new Set())).toEqual({ rows: [0, 1], scores: [dim, -dim] });
      expect(dim * 127 * interestQuantisationMax(dim)).toBeLessThanOrEqual(2 ** 31 - 1);
    }
  });

  it('refuses widths it cannot read and sizes that do not fit, naming the field', async () => {
    expect(wasmScorerSupportsDim(128)).toBe(true);
    expect(wasmScorerSupportsDim(100)).toBe(false);
    const failure = async (promise: Promise<unknown>): Promise<string | undefined> =>
      promise.then(
        () => undefined,
        (error: unknown) => (isRecError(error) ? `${error.code}:${String(error.location.field)}` : String(error)),
      );
    const vectors = unitRows(10, 16);
    expect(await failure(createWasmScorer({ vectors, dim: 20, popularity: null, priorWeight: 0 }))).toBe('MODEL_DIMENSION_MISMATCH:dim');
    expect(await failure(createWasmScorer({ vectors: vectors.subarray(1), dim: 16, popularity: null, priorWeight: 0 }))).toBe(
      'MODEL_DIMENSION_MISMATCH:vectors',
    );
    expect(await failure(createWasmScorer({ vectors, dim: 16, popularity: new Float32Array(9), priorWeight: 0 }))).toBe('MODEL_DIMENSION_MISMATCH:popularity');
  });
});

describe('the module’s above', () => {
  it('finds what scanAbove finds, from every row, for every threshold among the values, NaN, infinities and signed zeros', async () => {
    const { instance } = await WebAssembly.instantiate(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
    const { memory, above } = instance.exports as unknown as {
      memory: WebAssembly.Memory;
      above: (at: number, from: number, count: number, t: number) => number;
    };
    // Offset 8: the module reads four rows a step from any row, aligned or not.
    const at = 8;
    const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0];
    for (const count of [0, 1, 3, 4, 5, 9, 23]) {
      const values = new Float32Array(memory.buffer, at, count);
      values.set(Float32Array.from({ length: count }, (_, i) => (i % 5 === 4 ? (specials[i % specials.length] ?? 0) : Math.round(8 * random()) / 4)));
      const expected = scanAbove(values);
      for (const threshold of [...new Set([...values, ...specials, 1e9, -1e9])])
        for (let from = 0; from <= count; from++)
          expect([count, threshold, from, above(at, from, count, threshold)]).toEqual([count, threshold, from, expected(from, threshold)]);
    }
  });
});
