/**
 * The benchmark page (bench.html): runs the cases that e2e/bench/run-bench.ts sends it, on the
 * same vectors for every method, in this one page, and answers plain numbers (bench-types.ts).
 * It is a composition root like src/app: it wires the engine, core's reference math and the peer
 * libraries, and is built only for `npm run bench` and the e2e suite (vite.config.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { EmbeddingIndex } from 'client-vector-search';
import voyWasmUrl from 'voy-search/voy_search_bg.wasm?url';
import * as voyGlue from 'voy-search/voy_search_bg.js';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import type { BackendName, InterestEngine } from '../core/ports.ts';
import { normalise, scoreAll, topK, updateInterest, type RankedRows } from '../core/rank.ts';
import { seededRandom } from '../core/random.ts';
import { decodeVectors, encodeVectors } from '../core/vectors.ts';
import { compareRankings, createInterestEngine, initBackend, onBackend } from '../engine/index.ts';
import { initialSequenceWeights, sequenceInterest } from '../engine/sequence-model.ts';
import { WASM_PATHS } from '../app/wasm-paths.ts';
import type { BenchCaseResult, BenchCaseSpec, BenchEnvironment, BenchMethod, BenchMethodResult, BenchPageApi, KernelCheck, KernelCheckSpec, SequenceBenchResult, SequenceBenchSpec } from './bench-types.ts';

/** The vectors of one case: the float32 originals, and the dtype's values as every method scores them. */
interface CaseData {
  readonly count: number;
  readonly dim: number;
  readonly original: Float32Array;
  /** The dtype's values decoded to float32 (= original for float32). */
  readonly decoded: Float32Array;
  readonly popularity: Float32Array;
  readonly queries: readonly Float32Array[];
}

/** Distinct interest vectors the timed calls cycle through; recall is the mean over the first RECALL_QUERIES. */
const QUERIES = 8;
const RECALL_QUERIES = QUERIES;
/** Items per synthetic cluster: embeddings of a catalogue cluster by kind of product. */
const ITEMS_PER_CLUSTER = 100;

/**
 * Seeded synthetic embeddings shaped like a catalogue's: rows scattered around cluster centres,
 * and interest vectors that are blends of a few items (as the engine's are).
 */
async function makeData(spec: Pick<BenchCaseSpec, 'source' | 'count' | 'dim' | 'dtype' | 'seed'>): Promise<CaseData> {
  const random = seededRandom(spec.seed);
  const original = spec.source === 'demo-model' ? await demoModelVectors(spec.count, spec.dim) : syntheticVectors(spec, random);
  const decoded = spec.dtype === 'float32' ? original : decodeVectors(encodeVectors(original, spec.count, spec.dim, spec.dtype), spec.count, spec.dim, spec.dtype, 'bench');
  const popularity = Float32Array.from({ length: spec.count }, () => random());
  const queries = Array.from({ length: QUERIES }, () => {
    const blend = new Float32Array(spec.dim);
    for (let n = 0; n < 3; n++) {
      const at = Math.floor(random() * spec.count) * spec.dim;
      for (let j = 0; j < spec.dim; j++) blend[j] = (blend[j] ?? 0) + (original[at + j] ?? 0);
    }
    return normalise(blend);
  });
  return { count: spec.count, dim: spec.dim, original, decoded, popularity, queries };
}

/** The demo model's item vectors (real Universal Sentence Encoder embeddings of its products). */
async function demoModelVectors(count: number, dim: number): Promise<Float32Array> {
  const response = await fetch('/models/demo/vectors.float32.bin');
  if (!response.ok) throw new Error(`models/demo/vectors.float32.bin: HTTP ${response.status} (run npm run models:demo)`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return decodeVectors(bytes, count, dim, 'float32', 'models/demo/vectors.float32.bin');
}

function syntheticVectors(spec: Pick<BenchCaseSpec, 'count' | 'dim'>, random: () => number): Float32Array {
  const gaussianish = (): number => random() + random() + random() - 1.5;
  const clusters = Math.max(1, Math.round(spec.count / ITEMS_PER_CLUSTER));
  const centres = Float32Array.from({ length: clusters * spec.dim }, gaussianish);
  const original = new Float32Array(spec.count * spec.dim);
  const row = new Float32Array(spec.dim);
  for (let r = 0; r < spec.count; r++) {
    const centre = Math.floor(random() * clusters) * spec.dim;
    for (let j = 0; j < spec.dim; j++) row[j] = (centres[centre + j] ?? 0) + 0.8 * gaussianish();
    original.set(normalise(row), r * spec.dim);
  }
  return original;
}

/** Calls `call(i)` for warm-up, then times it until the spec's run/budget limits. */
async function sample(spec: Pick<BenchCaseSpec, 'minRuns' | 'maxRuns' | 'budgetMs'>, call: (i: number) => Promise<unknown> | unknown): Promise<{ runs: number; medianMs: number; p95Ms: number }> {
  await call(0);
  await call(1);
  const times: number[] = [];
  const started = performance.now();
  while (times.length < spec.maxRuns && (times.length < spec.minRuns || performance.now() - started < spec.budgetMs)) {
    const t0 = performance.now();
    await call(times.length);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? Number.NaN;
  return { runs: times.length, medianMs: at(0.5), p95Ms: at(0.95) };
}

function recallOf(returned: readonly number[], exact: RankedRows): number {
  const wanted = new Set(exact.rows);
  return exact.rows.length === 0 ? 1 : returned.filter((row) => wanted.has(row)).length / exact.rows.length;
}

/** Mean recall of `search` over the first RECALL_QUERIES queries against the exact float32 top-k. */
async function meanRecall(data: CaseData, k: number, priorWeight: number, search: (query: Float32Array) => Promise<readonly number[]> | readonly number[]): Promise<number> {
  let sum = 0;
  for (const query of data.queries.slice(0, RECALL_QUERIES)) {
    const exact = topK(scoreAll(data.original, data.dim, query, priorWeight === 0 ? null : data.popularity, priorWeight), k, new Set());
    sum += recallOf(await search(query), exact);
  }
  return sum / RECALL_QUERIES;
}

const backendOf = (method: BenchMethod): BackendName => method.split(':')[1] as BackendName;

async function runMethod(spec: BenchCaseSpec, data: CaseData, method: BenchMethod): Promise<BenchMethodResult> {
  const priorWeight = DEFAULT_PRIOR_WEIGHT;
  const query = (i: number): Float32Array => data.queries[i % QUERIES] ?? data.queries[0] ?? new Float32Array(data.dim);
  const interactionTerms = (i: number) => [{ kind: 'row' as const, row: (i * 7919) % data.count, weight: 1 }];

  if (method === 'plain-js') {
    if (spec.mode === 'interaction') {
      let interest = query(0);
      const timing = await sample(spec, (i) => {
        interest = updateInterest(interest, 0.9, interactionTerms(i), data.decoded, data.dim);
        return topK(scoreAll(data.decoded, data.dim, interest, data.popularity, priorWeight), spec.k, new Set());
      });
      return { method, status: 'ok', ...timing };
    }
    const search = (q: Float32Array) => topK(scoreAll(data.decoded, data.dim, q, data.popularity, priorWeight), spec.k, new Set()).rows;
    const recall = await meanRecall(data, spec.k, priorWeight, search);
    const timing = await sample(spec, (i) => search(query(i)));
    return { method, status: 'ok', ...timing, recall };
  }

  if (method.startsWith('engine:')) {
    const asked = backendOf(method);
    const setupStarted = performance.now();
    let engine: InterestEngine;
    try {
      engine = await createInterestEngine({ vectors: data.decoded, dim: data.dim, popularity: data.popularity, priorWeight, backend: asked, allowedBackends: [asked], itemDtype: spec.dtype, wasmPaths: { ...WASM_PATHS } });
    } catch (error) {
      return { method, status: 'skipped', reason: error instanceof Error ? error.message : String(error) };
    }
    try {
      const setupMs = performance.now() - setupStarted;
      const recall = await meanRecall(data, spec.k, priorWeight, async (q) => {
        engine.setInterest(q);
        return (await engine.topK(spec.k, new Set())).rows;
      });
      engine.setInterest(query(0));
      const timing =
        spec.mode === 'interaction'
          ? await sample(spec, async (i) => {
              await engine.update(0.9, interactionTerms(i));
              return engine.topK(spec.k, new Set());
            })
          : await sample(spec, (i) => {
              engine.setInterest(query(i));
              return engine.topK(spec.k, new Set());
            });
      return { method, status: 'ok', backend: engine.backend, setupMs, ...timing, recall };
    } finally {
      engine.dispose();
    }
  }

  if (method.startsWith('stock:')) {
    const asked = backendOf(method);
    try {
      await initBackend({ preferred: asked, allowed: [asked], wasmPaths: { ...WASM_PATHS } });
    } catch (error) {
      return { method, status: 'skipped', reason: error instanceof Error ? error.message : String(error) };
    }
    const setupStarted = performance.now();
    const resident = await onBackend(asked, () => ({
      items: tf.tensor2d(data.decoded, [data.count, data.dim]),
      prior: tf.tensor2d(data.popularity.map((p) => priorWeight * p), [1, data.count]),
    }));
    const setupMs = performance.now() - setupStarted;
    const stockTopK = (q: Float32Array): Promise<number[]> =>
      onBackend(asked, async () => {
        const { values, indices } = tf.tidy(() => tf.topk(tf.add(tf.matMul(tf.tensor2d(q, [1, data.dim]), resident.items, false, true), resident.prior), spec.k));
        try {
          await values.data();
          return Array.from(await indices.data());
        } finally {
          values.dispose();
          indices.dispose();
        }
      });
    try {
      const recall = await meanRecall(data, spec.k, priorWeight, stockTopK);
      const timing = await sample(spec, (i) => stockTopK(query(i)));
      return { method, status: 'ok', backend: asked, setupMs, ...timing, recall };
    } finally {
      resident.items.dispose();
      resident.prior.dispose();
    }
  }

  if (method === 'peer:client-vector-search') {
    const setupStarted = performance.now();
    const index = new EmbeddingIndex(Array.from({ length: data.count }, (_, r) => ({ id: r, embedding: Array.from(data.decoded.subarray(r * data.dim, (r + 1) * data.dim)) })));
    const setupMs = performance.now() - setupStarted;
    const search = async (q: Float32Array): Promise<number[]> => (await index.search(Array.from(q), { topK: spec.k })).map((hit) => Number((hit.object as { id: number }).id));
    const recall = await meanRecall(data, spec.k, 0, search);
    const timing = await sample(spec, (i) => search(query(i)));
    return { method, status: 'ok', setupMs, ...timing, recall };
  }

  // peer:voy-search
  const Voy = await loadVoy();
  const setupStarted = performance.now();
  const voy = new Voy({
    embeddings: Array.from({ length: data.count }, (_, r) => ({ id: String(r), title: '', url: '', embeddings: Array.from(data.decoded.subarray(r * data.dim, (r + 1) * data.dim)) })),
  });
  const setupMs = performance.now() - setupStarted;
  try {
    const search = (q: Float32Array): number[] => voy.search(q, spec.k).neighbors.map((hit) => Number(hit.id));
    const recall = await meanRecall(data, spec.k, 0, search);
    const timing = await sample(spec, (i) => search(query(i)));
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

async function environment(): Promise<BenchEnvironment> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info: Record<string, unknown>; isFallbackAdapter?: boolean } | null> } }).gpu;
  const adapter = gpu === undefined ? null : await gpu.requestAdapter();
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  const fallback = adapter?.info['isFallbackAdapter'] ?? adapter?.isFallbackAdapter;
  return {
    userAgent: navigator.userAgent,
    adapter:
      adapter === null
        ? { unavailable: gpu === undefined ? 'navigator.gpu is missing' : 'requestAdapter() returned null' }
        : { vendor: text(adapter.info['vendor']), architecture: text(adapter.info['architecture']), device: text(adapter.info['device']), description: text(adapter.info['description']), isFallbackAdapter: typeof fallback === 'boolean' ? fallback : null },
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
}

async function runCase(spec: BenchCaseSpec): Promise<BenchCaseResult> {
  const data = await makeData(spec);
  const results: BenchMethodResult[] = [];
  for (const method of spec.methods) {
    try {
      results.push(await runMethod(spec, data, method));
    } catch (error) {
      results.push({ method, status: 'failed', reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { spec, results };
}

/** See SequenceBenchSpec: per backend, the encoder alone and encoder + the engine's top-k. */
async function runSequenceCase(spec: SequenceBenchSpec): Promise<SequenceBenchResult[]> {
  const { itemCount, dim } = spec;
  const architecture = { itemCount, dim, maxLength: spec.maxLength, blocks: spec.blocks, heads: spec.heads, ffnDim: dim };
  const items = syntheticVectors({ count: itemCount, dim }, seededRandom(spec.seed));
  const random = seededRandom(spec.seed + 1);
  const histories = Array.from({ length: QUERIES }, () => Array.from({ length: spec.length }, () => Math.floor(random() * itemCount)));
  const results: SequenceBenchResult[] = [];
  for (const backend of spec.backends) {
    let engine: InterestEngine;
    try {
      engine = await createInterestEngine({ vectors: items, dim, popularity: null, backend, allowedBackends: [backend], wasmPaths: { ...WASM_PATHS } });
    } catch (error) {
      results.push({ backend, status: 'skipped', reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const weights = await onBackend(engine.backend, () => initialSequenceWeights(architecture, items, spec.seed));
    const encode = (i: number): Promise<Float32Array> =>
      onBackend(engine.backend, async () => {
        const interest = sequenceInterest(weights, architecture, tf.tensor2d(histories[i % QUERIES] ?? [], [1, spec.length], 'int32'));
        try {
          return await interest.data<'float32'>();
        } finally {
          interest.dispose();
        }
      });
    try {
      const encoding = await sample(spec, encode);
      const interaction = await sample(spec, async (i) => {
        engine.setInterest(await encode(i));
        return engine.topK(spec.k, new Set());
      });
      results.push({ backend: engine.backend, status: 'ok', runs: encoding.runs, encodeMedianMs: encoding.medianMs, encodeP95Ms: encoding.p95Ms, interactionMedianMs: interaction.medianMs, interactionP95Ms: interaction.p95Ms });
    } catch (error) {
      results.push({ backend, status: 'failed', reason: error instanceof Error ? error.message : String(error) });
    } finally {
      for (const tensor of weights.values()) tensor.dispose();
      engine.dispose();
    }
  }
  return results;
}

/** The kernel (engine on webgpu, matrix stored as `dtype`) against core's reference on the same decoded values. */
async function checkKernel({ count, dim, dtype, k, excluded, backend = 'webgpu', allTied = false }: KernelCheckSpec): Promise<KernelCheck> {
  const data = await makeData({ source: 'synthetic', count, dim, dtype, seed: count + dim });
  if (allTied) {
    for (let row = 1; row < count; row++) data.decoded.copyWithin(row * dim, 0, dim);
    data.popularity.fill(0.5);
  }
  const engine = await createInterestEngine({ vectors: data.decoded, dim, popularity: data.popularity, backend, allowedBackends: [backend], itemDtype: dtype, wasmPaths: { ...WASM_PATHS } });
  try {
    const query = data.queries[0] ?? new Float32Array(dim);
    engine.setInterest(query);
    const skip = new Set(excluded);
    const ranked = await engine.topK(k, skip);
    // The first call uploaded the interest vector; a second one must leave nothing behind.
    const buffers = tf.memory().numDataBuffers;
    await engine.topK(k, skip);
    const leakedBuffers = tf.memory().numDataBuffers - buffers;
    const expected = topK(scoreAll(data.decoded, dim, query, data.popularity, DEFAULT_PRIOR_WEIGHT), k, skip);
    const { agree, maxScoreDifference } = compareRankings(ranked, expected);
    return { backend: engine.backend, agree, rows: ranked.rows, expectedRows: expected.rows, scores: ranked.scores, expectedScores: expected.scores, maxScoreDifference, leakedBuffers };
  } finally {
    engine.dispose();
  }
}

const api: BenchPageApi = { environment, runCase, runSequenceCase, checkKernel };
(window as unknown as { vitrineBench: BenchPageApi }).vitrineBench = api;
