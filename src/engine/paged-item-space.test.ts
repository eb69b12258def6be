// The storefront's paged item space: its codes scored in the WebAssembly kernel must rank exactly as
// core's loop in JavaScript does, scores included, with the codes held once, in the kernel.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { loadModel } from '../core/model.ts';
import { pagedSpaceOf } from '../core/paged-item-space.ts';
import { pagedModelFiles } from '../core/paged-test-support.ts';
import { memoryModelSource, seededRandom } from '../core/test-support.ts';
import { openPagedItemSpace } from './paged-item-space.ts';

const COUNT = 300;
const DIM = 16;

async function fixture() {
  const { files } = await pagedModelFiles({ count: COUNT, dim: DIM, layout: { subspaces: 8, rowsPerPage: 32, rerank: 20, hotRows: 4 } });
  const load = () => loadModel(memoryModelSource(files), undefined, { pagedVectors: true });
  return { files, load };
}

describe('openPagedItemSpace', () => {
  it('ranks as core’s space in JavaScript does, its codes scored in the kernel', async () => {
    const { load } = await fixture();
    const [kernelModel, jsModel] = [await load(), await load()];
    const opened = await openPagedItemSpace(kernelModel, DEFAULT_PRIOR_WEIGHT);
    const js = pagedSpaceOf(jsModel, DEFAULT_PRIOR_WEIGHT);
    if (opened === null || js === null) throw new Error('the fixture is not paged');
    expect(opened.choice).toEqual({
      backend: 'wasm',
      reason: 'a paged catalogue is scored from its codes (in a WebAssembly kernel), with its best candidates re-scored from their pages',
    });
    expect(js.backend).toBe('cpu');
    const random = seededRandom(5);
    for (let trial = 0; trial < 6; trial++) {
      const interest = Float32Array.from({ length: DIM }, () => random() - 0.5);
      const excluded = new Set([trial, trial * 7]);
      expect(await opened.space.topK(interest, 10, excluded)).toEqual(await js.topK(interest, 10, excluded));
    }
  });

  it('holds the codes once, in the kernel’s memory, which it counts instead of the codes', async () => {
    const { load } = await fixture();
    const model = await load();
    const before = model.paged?.codes;
    const opened = await openPagedItemSpace(model, DEFAULT_PRIOR_WEIGHT);
    const after = model.paged?.codes;
    expect(after).toEqual(before);
    expect(after?.buffer).not.toBe(before?.buffer);
    const memory = opened?.space.memory();
    expect(memory?.tableBytes).toBe(model.paged?.quantiser.codebooks.byteLength);
    // One 64 kB page holds the table, the prior, the scores and the codes of 300 items.
    expect(memory?.backendBytes).toBe(65_536);
  });

  it('gives no space for a model read whole', async () => {
    const { files } = await fixture();
    expect(await openPagedItemSpace(await loadModel(memoryModelSource(files)), DEFAULT_PRIOR_WEIGHT)).toBeNull();
  });
});
