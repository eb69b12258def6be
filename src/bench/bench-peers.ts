/**
 * The in-browser vector-search libraries from npm the bench compares the item space with (cosine
 * only: they have no popularity prior), timed and scored for recall exactly like the other methods.
 */
import { EmbeddingIndex } from 'client-vector-search';
import voyWasmUrl from 'voy-search/voy_search_bg.wasm?url';
import * as voyGlue from 'voy-search/voy_search_bg.js';
import { queryOf, type CaseData } from './bench-data.ts';
import { meanRecall, sample } from './bench-measure.ts';
import type { BenchCaseSpec, BenchMethod, BenchMethodResult } from './bench-types.ts';

/** peer:client-vector-search. */
export async function runClientVectorSearch(spec: BenchCaseSpec, data: CaseData, method: BenchMethod): Promise<BenchMethodResult> {
  const setupStarted = performance.now();
  const index = new EmbeddingIndex(
    Array.from({ length: data.count }, (_, r) => ({ id: r, embedding: Array.from(data.decoded.subarray(r * data.dim, (r + 1) * data.dim)) })),
  );
  const setupMs = performance.now() - setupStarted;
  const search = async (q: Float32Array): Promise<number[]> =>
    (await index.search(Array.from(q), { topK: spec.k })).map((hit) => Number((hit.object as { id: number }).id));
  const recall = await meanRecall(data, spec.k, 0, search);
  const timing = await sample(spec, (i) => search(queryOf(data, i)));
  return { method, status: 'ok', setupMs, ...timing, recall };
}

/** peer:voy-search. */
export async function runVoy(spec: BenchCaseSpec, data: CaseData, method: BenchMethod): Promise<BenchMethodResult> {
  const Voy = await loadVoy();
  const setupStarted = performance.now();
  const voy = new Voy({
    embeddings: Array.from({ length: data.count }, (_, r) => ({
      id: String(r),
      title: '',
      url: '',
      embeddings: Array.from(data.decoded.subarray(r * data.dim, (r + 1) * data.dim)),
    })),
  });
  const setupMs = performance.now() - setupStarted;
  try {
    const search = (q: Float32Array): number[] => voy.search(q, spec.k).neighbors.map((hit) => Number(hit.id));
    const recall = await meanRecall(data, spec.k, 0, search);
    const timing = await sample(spec, (i) => search(queryOf(data, i)));
    return { method, status: 'ok', setupMs, ...timing, recall };
  } finally {
    voy.free();
  }
}

let voyClass: Promise<typeof voyGlue.Voy> | null = null;

/** voy-search's glue expects a bundler that imports .wasm as a module; we instantiate it ourselves. */
function loadVoy(): Promise<typeof voyGlue.Voy> {
  voyClass ??= WebAssembly.instantiateStreaming(fetch(voyWasmUrl), { './voy_search_bg.js': { ...voyGlue } }).then(({ instance }) => {
    voyGlue.__wbg_set_wasm(instance.exports);
    return voyGlue.Voy;
  });
  return voyClass;
}
