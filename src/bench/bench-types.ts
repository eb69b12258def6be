/**
 * What the benchmark runner (e2e/bench/run-bench.ts, Node) asks the bench page (bench-page.ts, in
 * Chromium) to measure, and what the page answers: plain data, so it crosses Playwright's
 * page.evaluate as JSON.
 */
import type { BackendName } from '../core/ports.ts';
import type { VectorDtype } from '../core/vectors.ts';

/**
 * What is timed per call:
 *  - plain-js: core/rank.ts `scoreAll` + `topK` on a Float32Array (the reference, no library);
 *  - engine:B: the ItemSpace's `topK` on backend B (on webgpu: the scoring kernel, over the
 *    matrix stored in the case's dtype);
 *  - stock:B: TF.js's own `matMul(u, items, false, true)` + prior + `tf.topk`, read back;
 *  - peer:*: an in-browser vector-search library from npm (cosine only: no popularity prior).
 * In an interaction case, engine:B and plain-js time `update` (one item row) + `topK` instead.
 */
export type BenchMethod = 'plain-js' | `engine:${BackendName}` | `stock:${BackendName}` | 'peer:client-vector-search' | 'peer:voy-search';

export interface BenchCaseSpec {
  /** 'score': scoring + top-K; 'interaction': interest update + scoring + top-K (the engine's work per click). */
  readonly mode: 'score' | 'interaction';
  /**
   * Where the vectors come from: seeded synthetic clusters of `count` x `dim`, or the built demo
   * model's real sentence-encoder embeddings (models/demo, float32; count and dim must match it).
   */
  readonly source: 'synthetic' | 'demo-model';
  readonly count: number;
  readonly dim: number;
  readonly dtype: VectorDtype;
  readonly k: number;
  readonly methods: readonly BenchMethod[];
  readonly seed: number;
  /** Timed calls per method: at least minRuns, at most maxRuns, stopping after budgetMs once minRuns are done. */
  readonly minRuns: number;
  readonly maxRuns: number;
  readonly budgetMs: number;
}

export interface BenchMethodResult {
  readonly method: BenchMethod;
  readonly status: 'ok' | 'skipped' | 'failed';
  /** Why skipped or failed. */
  readonly reason?: string;
  /** The backend the engine really ran on (it names a fallback if the asked one failed). */
  readonly backend?: string;
  /** Building the index / uploading the matrix, once. */
  readonly setupMs?: number;
  readonly runs?: number;
  readonly medianMs?: number;
  readonly p95Ms?: number;
  /**
   * Share of the exact float32 top-k (same prior, or none for peers) that this method returned for
   * the first query: int8/float16 quantisation shows here.
   */
  readonly recall?: number;
}

export interface BenchCaseResult {
  readonly spec: BenchCaseSpec;
  readonly results: readonly BenchMethodResult[];
}

export interface BenchEnvironment {
  readonly userAgent: string;
  /** GPUAdapterInfo of navigator.gpu.requestAdapter(), or why there is none. */
  readonly adapter:
    | {
        readonly vendor: string;
        readonly architecture: string;
        readonly device: string;
        readonly description: string;
        readonly isFallbackAdapter: boolean | null;
      }
    | { readonly unavailable: string };
  readonly hardwareConcurrency: number;
  readonly crossOriginIsolated: boolean;
}

/** What the e2e kernel check returns (e2e/scoring-kernel.spec.ts). */
/** One check of a scoring kernel (e2e/scoring-kernel.spec.ts, e2e/wasm-scorer.spec.ts). */
export interface KernelCheckSpec {
  readonly count: number;
  readonly dim: number;
  readonly dtype: VectorDtype;
  readonly k: number;
  readonly excluded: readonly number[];
  /** webgpu: the WebGPU kernel (the default); wasm: the wasm scorer. */
  readonly backend?: 'webgpu' | 'wasm';
  /** Every row the same vector with the same popularity: every score ties, so the ranking is rows in order. */
  readonly allTied?: boolean;
}

export interface KernelCheck {
  readonly backend: string;
  readonly agree: boolean;
  readonly rows: readonly number[];
  readonly expectedRows: readonly number[];
  readonly scores: readonly number[];
  readonly expectedScores: readonly number[];
  readonly maxScoreDifference: number;
  /** TF.js data buffers (tensors and the kernel's intermediate outputs) left behind by a second call. */
  readonly leakedBuffers: number;
}

/**
 * The sequence model's work per interaction, per backend, which decides whether a backend that
 * scores fast is still fast once each interaction also encodes a history: encode the shopper's
 * latest `length` items (engine/sequence-model.ts `sequenceInterest`, read back), then the item
 * space's score + top-k over the item table. The weights are freshly initialised, not trained: the time
 * depends on the architecture only.
 */
export interface SequenceBenchSpec {
  readonly itemCount: number;
  readonly dim: number;
  readonly blocks: number;
  readonly heads: number;
  readonly maxLength: number;
  /** Items in the encoded history (≤ maxLength). */
  readonly length: number;
  readonly k: number;
  readonly backends: readonly BackendName[];
  readonly seed: number;
  readonly minRuns: number;
  readonly maxRuns: number;
  readonly budgetMs: number;
}

export interface SequenceBenchResult {
  readonly backend: BackendName;
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly reason?: string;
  readonly runs?: number;
  /** Encoding alone. */
  readonly encodeMedianMs?: number;
  readonly encodeP95Ms?: number;
  /** Encoding + scoring + top-k: the engine's whole work for one interaction. */
  readonly interactionMedianMs?: number;
  readonly interactionP95Ms?: number;
}

/**
 * Search as you type: the lexical index (src/search) over a synthetic catalogue of `count` items made
 * from the demo catalogue's texts (bench-search.ts), built in the page, then `suggest` + `search`
 * timed for every prefix of each query, typed letter by letter.
 */
export interface LexicalBenchSpec {
  readonly count: number;
  readonly seed: number;
  readonly queries: readonly string[];
  /** Times each query is typed (the keystrokes timed are rounds x the queries' lengths). */
  readonly rounds: number;
  /** Suggestions asked per keystroke. */
  readonly suggestions: number;
}

export interface LexicalBenchResult {
  readonly spec: LexicalBenchSpec;
  readonly status: 'ok' | 'failed';
  readonly reason?: string;
  /** createLexicalIndex over the catalogue, once. */
  readonly buildMs?: number;
  readonly keystrokes?: number;
  /** suggest + search for one keystroke. */
  readonly keystrokeMedianMs?: number;
  readonly keystrokeP95Ms?: number;
}

/** The page's API, on `window.vitrineBench`. */
export interface BenchPageApi {
  environment(): Promise<BenchEnvironment>;
  runCase(spec: BenchCaseSpec): Promise<BenchCaseResult>;
  runSequenceCase(spec: SequenceBenchSpec): Promise<SequenceBenchResult[]>;
  runLexicalCase(spec: LexicalBenchSpec): Promise<LexicalBenchResult>;
  /** The engine's scoring kernel on a backend against core's reference. */
  checkKernel(spec: KernelCheckSpec): Promise<KernelCheck>;
}
