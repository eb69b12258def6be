/**
 * The benchmark page (bench.html): runs the cases that e2e/bench/run-bench.ts sends it, on the
 * same vectors for every method, in this one page, and answers plain numbers (bench-types.ts).
 * It is a composition root like src/app: it wires the item space, core's reference math and the peer
 * libraries, and is built only for `npm run bench` and the e2e suite (vite.config.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import type { BackendName, ItemSpace } from '../core/ports.ts';
import { scoreAll, topK, updateInterest, type InterestTerm } from '../core/rank.ts';
import { seededRandom } from '../core/random.ts';
import { compareRankings } from '../core/ranking-agreement.ts';
import { createItemSpace, initBackend, onBackend } from '../engine/index.ts';
import { initialSequenceWeights, sequenceInterest } from '../engine/sequence-model.ts';
import { WASM_PATHS } from '../engine/wasm-asset-urls.ts';
import { makeData, QUERIES, queryOf, syntheticVectors, type CaseData } from './bench-data.ts';
import { meanRecall, messageOf, sample } from './bench-measure.ts';
import { runClientVectorSearch, runVoy } from './bench-peers.ts';
import { runLexicalCase } from './bench-search.ts';
import type {
  BenchCaseResult,
  BenchCaseSpec,
  BenchEnvironment,
  BenchMethod,
  BenchMethodResult,
  BenchPageApi,
  KernelCheck,
  KernelCheckSpec,
  SequenceBenchResult,
  SequenceBenchSpec,
} from './bench-types.ts';

const backendOf = (method: BenchMethod): BackendName => method.split(':')[1] as BackendName;

/** Per call i of an interaction case: one item row added, as a click adds it. */
const interactionTerms = (data: CaseData, i: number): InterestTerm[] => [{ kind: 'row', row: (i * 7919) % data.count, weight: 1 }];

async function runMethod(spec: BenchCaseSpec, data: CaseData, method: BenchMethod): Promise<BenchMethodResult> {
  const priorWeight = DEFAULT_PRIOR_WEIGHT;
  if (method === 'plain-js') {
    if (spec.mode === 'interaction') {
      let interest = queryOf(data, 0);
      const timing = await sample(spec, (i) => {
        interest = updateInterest(interest, 0.9, interactionTerms(data, i), data.decoded, data.dim);
        return topK(scoreAll(data.decoded, data.dim, interest, data.popularity, priorWeight), spec.k, new Set());
      });
      return { method, status: 'ok', ...timing };
    }
    const search = (q: Float32Array) => topK(scoreAll(data.decoded, data.dim, q, data.popularity, priorWeight), spec.k, new Set()).rows;
    const recall = await meanRecall(data, spec.k, priorWeight, search);
    const timing = await sample(spec, (i) => search(queryOf(data, i)));
    return { method, status: 'ok', ...timing, recall };
  }
  if (method.startsWith('engine:')) return runEngine(spec, data, method, backendOf(method));
  if (method.startsWith('stock:')) return runStock(spec, data, method, backendOf(method));
  if (method === 'peer:client-vector-search') return runClientVectorSearch(spec, data, method);
  return runVoy(spec, data, method);
}

/** engine:B: the item space on backend B (the interest passed in with every call, as the storefront does). */
async function runEngine(spec: BenchCaseSpec, data: CaseData, method: BenchMethod, asked: BackendName): Promise<BenchMethodResult> {
  const setupStarted = performance.now();
  let space: ItemSpace;
  try {
    space = await createItemSpace({
      vectors: data.decoded,
      dim: data.dim,
      popularity: data.popularity,
      priorWeight: DEFAULT_PRIOR_WEIGHT,
      backend: asked,
      allowedBackends: [asked],
      itemDtype: spec.dtype,
      wasmPaths: { ...WASM_PATHS },
    });
  } catch (error) {
    return { method, status: 'skipped', reason: messageOf(error) };
  }
  try {
    const setupMs = performance.now() - setupStarted;
    const recall = await meanRecall(data, spec.k, DEFAULT_PRIOR_WEIGHT, async (q) => (await space.topK(q, spec.k, new Set())).rows);
    let interest = queryOf(data, 0);
    const timing =
      spec.mode === 'interaction'
        ? await sample(spec, async (i) => {
            interest = await space.update(interest, 0.9, interactionTerms(data, i));
            return space.topK(interest, spec.k, new Set());
          })
        : await sample(spec, (i) => space.topK(queryOf(data, i), spec.k, new Set()));
    return { method, status: 'ok', backend: space.backend, setupMs, ...timing, recall };
  } finally {
    space.dispose();
  }
}

/** stock:B: TF.js's own ops on backend B, the baseline the WebGPU kernel is measured against. */
async function runStock(spec: BenchCaseSpec, data: CaseData, method: BenchMethod, asked: BackendName): Promise<BenchMethodResult> {
  const priorWeight = DEFAULT_PRIOR_WEIGHT;
  try {
    await initBackend({ preferred: asked, allowed: [asked], wasmPaths: { ...WASM_PATHS } });
  } catch (error) {
    return { method, status: 'skipped', reason: messageOf(error) };
  }
  const setupStarted = performance.now();
  const resident = await onBackend(asked, () => ({
    items: tf.tensor2d(data.decoded, [data.count, data.dim]),
    prior: tf.tensor2d(
      data.popularity.map((p) => priorWeight * p),
      [1, data.count],
    ),
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
    const timing = await sample(spec, (i) => stockTopK(queryOf(data, i)));
    return { method, status: 'ok', backend: asked, setupMs, ...timing, recall };
  } finally {
    resident.items.dispose();
    resident.prior.dispose();
  }
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
        : {
            vendor: text(adapter.info['vendor']),
            architecture: text(adapter.info['architecture']),
            device: text(adapter.info['device']),
            description: text(adapter.info['description']),
            isFallbackAdapter: typeof fallback === 'boolean' ? fallback : null,
          },
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
      results.push({ method, status: 'failed', reason: messageOf(error) });
    }
  }
  return { spec, results };
}

/** See SequenceBenchSpec: per backend, the encoder alone and encoder + the item space's top-k. */
async function runSequenceCase(spec: SequenceBenchSpec): Promise<SequenceBenchResult[]> {
  const { itemCount, dim } = spec;
  const architecture = { itemCount, dim, maxLength: spec.maxLength, blocks: spec.blocks, heads: spec.heads, ffnDim: dim };
  const items = syntheticVectors({ count: itemCount, dim }, seededRandom(spec.seed));
  const random = seededRandom(spec.seed + 1);
  const histories = Array.from({ length: QUERIES }, () => Array.from({ length: spec.length }, () => Math.floor(random() * itemCount)));
  const results: SequenceBenchResult[] = [];
  for (const backend of spec.backends) {
    let space: ItemSpace;
    try {
      space = await createItemSpace({ vectors: items, dim, popularity: null, backend, allowedBackends: [backend], wasmPaths: { ...WASM_PATHS } });
    } catch (error) {
      results.push({ backend, status: 'skipped', reason: messageOf(error) });
      continue;
    }
    const weights = await onBackend(space.backend, () => initialSequenceWeights(architecture, items, spec.seed));
    const encode = (i: number): Promise<Float32Array> =>
      onBackend(space.backend, async () => {
        const interest = sequenceInterest(weights, architecture, tf.tensor2d(histories[i % QUERIES] ?? [], [1, spec.length], 'int32'));
        try {
          return await interest.data<'float32'>();
        } finally {
          interest.dispose();
        }
      });
    try {
      const encoding = await sample(spec, encode);
      const interaction = await sample(spec, async (i) => space.topK(await encode(i), spec.k, new Set()));
      results.push({
        backend: space.backend,
        status: 'ok',
        runs: encoding.runs,
        encodeMedianMs: encoding.medianMs,
        encodeP95Ms: encoding.p95Ms,
        interactionMedianMs: interaction.medianMs,
        interactionP95Ms: interaction.p95Ms,
      });
    } catch (error) {
      results.push({ backend, status: 'failed', reason: messageOf(error) });
    } finally {
      for (const tensor of weights.values()) tensor.dispose();
      space.dispose();
    }
  }
  return results;
}

/** A backend's scoring (on webgpu the kernel, over the matrix stored as `dtype`) against core's reference on the same decoded values. */
async function checkKernel({ count, dim, dtype, k, excluded, backend = 'webgpu', allTied = false }: KernelCheckSpec): Promise<KernelCheck> {
  const data = await makeData({ source: 'synthetic', count, dim, dtype, seed: count + dim });
  if (allTied) {
    for (let row = 1; row < count; row++) data.decoded.copyWithin(row * dim, 0, dim);
    data.popularity.fill(0.5);
  }
  const space = await createItemSpace({
    vectors: data.decoded,
    dim,
    popularity: data.popularity,
    backend,
    allowedBackends: [backend],
    itemDtype: dtype,
    wasmPaths: { ...WASM_PATHS },
  });
  try {
    const query = data.queries[0] ?? new Float32Array(dim);
    const skip = new Set(excluded);
    // Counted around a second call, once the first has set up whatever the backend keeps between
    // calls (compiled programs): a call must leave no tensor data behind.
    const ranked = await space.topK(query, k, skip);
    const buffers = tf.memory().numDataBuffers;
    await space.topK(query, k, skip);
    const leakedBuffers = tf.memory().numDataBuffers - buffers;
    const expected = topK(scoreAll(data.decoded, dim, query, data.popularity, DEFAULT_PRIOR_WEIGHT), k, skip);
    const { agree, maxScoreDifference } = compareRankings(ranked, expected);
    return {
      backend: space.backend,
      agree,
      rows: ranked.rows,
      expectedRows: expected.rows,
      scores: ranked.scores,
      expectedScores: expected.scores,
      maxScoreDifference,
      leakedBuffers,
    };
  } finally {
    space.dispose();
  }
}

const api: BenchPageApi = { environment, runCase, runSequenceCase, runLexicalCase, checkKernel };
(window as unknown as { vitrineBench: BenchPageApi }).vitrineBench = api;
