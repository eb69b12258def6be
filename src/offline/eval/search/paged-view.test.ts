// The evaluation's paged view of a whole model: a search on it ranks by the codes' cosines, as the
// browser's paged search does, and any read of a vector page fails, naming the page.
import { describe, expect, it } from 'vitest';
import { isRecError } from '../../../core/errors.ts';
import { loadModel } from '../../../core/model.ts';
import { isPagedMatrix, loadVectorRows } from '../../../core/paged-matrix.ts';
import { codeCosine, decodeWithQuantiser } from '../../../core/product-quantiser.ts';
import { createSearcher } from '../../../core/search.ts';
import { fixtureModelFiles, memoryModelSource } from '../../../core/test-support.ts';
import type { LexicalIndex } from '../../../core/ports.ts';
import { fakeEncoder } from '../../lib/test-support.ts';
import { floorOver, floorQueries } from '../../lib/semantic-floor.ts';
import { asPagedModel } from './paged-view.ts';

const COUNT = 300;
const DIM = 8;

async function whole() {
  const files = await fixtureModelFiles({ count: COUNT, dim: DIM, popularity: new Float32Array(COUNT).fill(0.5) });
  return loadModel(memoryModelSource(files));
}

const dot = (vectors: Float32Array, row: number, query: Float32Array): number =>
  query.reduce((sum, value, j) => sum + value * (vectors[row * DIM + j] ?? 0), 0);

/** The floor's strings through a fake encoder of the items' width (no projection). */
const floorStrings = async () => floorQueries({ dim: DIM, projection: null, encoder: await fakeEncoder(DIM).load(), count: 16 });

const NO_WORDS: LexicalIndex = { search: () => [], suggest: () => [] };

describe('asPagedModel', () => {
  it('holds every item as codes of the builder’s default layout, fitted to the dimension, and no readable page', async () => {
    const model = await whole();
    const floor = await floorStrings();
    const view = asPagedModel(model, floor);
    expect(isPagedMatrix(view.matrix)).toBe(true);
    expect(view.paged?.layout).toEqual({ subspaces: 8, rowsPerPage: 128, rerank: 400, hotRows: 0 });
    expect(view.paged?.codes.length).toBe(COUNT * 8);
    // The floor is taken over the codes as decoded, as the builder takes a paged model's.
    const { quantiser, codes } = view.paged ?? { quantiser: null, codes: new Uint8Array(0) };
    if (quantiser === null) throw new Error('the view is not paged');
    expect(view.manifest.search).toEqual(floorOver(floor, [decodeWithQuantiser(quantiser, codes, COUNT)], DIM));
    expect(view.manifest.search).not.toEqual(floorOver(floor, [model.vectors], DIM));
    const refused = await loadVectorRows(view.matrix, [130]).catch((error: unknown) => error);
    expect(isRecError(refused) && refused.code === 'INTERNAL').toBe(true);
    expect((refused as Error).message).toBe("the search read vectors/page-1.bin: a paged model's search reads only the codes");
  });

  it('answers a search by the codes’ cosines, reading no page', async () => {
    const model = await whole();
    const view = asPagedModel(model, await floorStrings());
    const paged = view.paged;
    if (paged === undefined || paged === null) throw new Error('the view is not paged');
    const query = model.vectors.slice(17 * DIM, 18 * DIM);
    const searcher = createSearcher({ model: view, loadLexicalIndex: () => Promise.resolve(NO_WORDS), embedQuery: () => Promise.resolve(query) });
    const found = await searcher.find('anything', 'semantic');
    const cosine = codeCosine(paged.quantiser, paged.codes, query);
    const expected = Array.from({ length: COUNT }, (_, row) => ({ row, similarity: cosine(row) }))
      .filter(({ similarity }) => similarity >= (view.manifest.search?.semanticFloor ?? 0.5))
      .sort((a, b) => b.similarity - a.similarity || a.row - b.row);
    // The exact cosines order them otherwise, or this would not tell the codes from the vectors.
    const exact = Array.from({ length: COUNT }, (_, row) => row).sort((a, b) => dot(model.vectors, b, query) - dot(model.vectors, a, query) || a - b);
    expect(exact.slice(0, 5)).not.toEqual(expected.slice(0, 5).map(({ row }) => row));
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(found.matches.slice(0, 5).map((match) => match.row)).toEqual(expected.slice(0, 5).map(({ row }) => row));
  });
});
