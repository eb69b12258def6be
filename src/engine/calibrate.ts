/**
 * Choosing the scoring backend by measurement on the shopper's device. A fixed order (webgpu first)
 * is wrong on many devices: on a software WebGPU adapter the GPU is a CPU in disguise, and for a
 * small catalogue the fixed cost of a GPU round trip exceeds the whole CPU computation
 * (docs/benchmarks.md). So, at start-up, each backend that initialises runs a few real interactions
 * (an interest update + scoring + top-k) on the model itself; a backend counts only if its ranking
 * agrees with core's reference math, and the fastest one that agrees wins. With a sequence model
 * every interaction also encodes the shopper's latest items and ranks by that, so each trial does
 * too (a full-length history): on a software WebGPU adapter the encoder alone costs ~30x wasm's. The verdict is cached
 * (e.g. in localStorage) under a key naming the device and the model's shape, so later visits skip
 * the measurement; an explicit backend (the `?backend=` parameter) skips it too.
 */
import { RecError } from '../core/errors.ts';
import type { LoadedSequenceModel } from '../core/model.ts';
import { BACKEND_NAMES, type BackendName, type InterestEngine, type SequenceEncoder } from '../core/ports.ts';
import { normalise, scoreAll, topK, updateInterest, type RankedRows } from '../core/rank.ts';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { seededRandom } from '../core/random.ts';
import { createInterestEngine, type InterestEngineOptions } from './interest-engine.ts';
import { createSequenceEncoder } from './sequence-encoder.ts';

/** Where verdicts are kept between visits (localStorage fits); failures to read or write are ignored. */
export interface CalibrationStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Settings of createCalibratedInterestEngine, beyond createInterestEngine's. */
export interface CalibrationOptions {
  /** Keeps verdicts between visits; none: measure every time. */
  readonly store?: CalibrationStore;
  /** Names the device (browser + GPU adapter) in the cache key, e.g. backend.ts describeDevice(). */
  readonly device: string;
  /** Timed interactions per backend, after one untimed warm-up (default 5). */
  readonly trials?: number;
  /**
   * The model's sequence model, when it has one: each trial also encodes a full history with it on
   * the candidate backend, and the verdict is cached per architecture (the time depends on the
   * shape, not the values).
   */
  readonly sequence?: LoadedSequenceModel;
}

/** The chosen backend and why, in words for the storefront's backend indicator. */
export interface BackendChoice {
  readonly backend: BackendName;
  readonly reason: string;
}

/** How many rows the calibration ranks (a grid's worth). */
const CALIBRATION_K = 24;
/** Scores may differ by float32 rounding (summation order differs per backend). */
const SCORE_TOLERANCE = 1e-4;
const DEFAULT_TRIALS = 5;
const CACHE_PREFIX = 'vitrine.backend.v1:';

/** How two rankings of the same items compare. */
export interface RankingAgreement {
  /** Same scores position by position (within the tolerance), and the same rows apart from ties at the cut-off. */
  readonly agree: boolean;
  readonly maxScoreDifference: number;
}

/**
 * Compares a backend's ranking with the reference. Rows may legitimately differ where scores tie
 * within the tolerance (backends sum in different orders), so it compares scores position by
 * position, and accepts a row missing from the reference only when it ties with the reference's
 * last score.
 * @param actual the backend's ranking.
 * @param expected core's `topK(scoreAll(...))`.
 * @param tolerance the largest score difference that counts as equal.
 */
export function compareRankings(actual: RankedRows, expected: RankedRows, tolerance = SCORE_TOLERANCE): RankingAgreement {
  let maxScoreDifference = 0;
  expected.scores.forEach((score, i) => {
    maxScoreDifference = Math.max(maxScoreDifference, Math.abs((actual.scores[i] ?? Number.POSITIVE_INFINITY) - score));
  });
  if (actual.rows.length !== expected.rows.length) return { agree: false, maxScoreDifference: Number.POSITIVE_INFINITY };
  const cutOff = expected.scores[expected.scores.length - 1] ?? 0;
  const expectedRows = new Set(expected.rows);
  const rowsAgree = actual.rows.every((row, i) => expectedRows.has(row) || Math.abs((actual.scores[i] ?? Number.NaN) - cutOff) <= tolerance);
  return { agree: rowsAgree && maxScoreDifference <= tolerance, maxScoreDifference };
}

/**
 * Creates the engine on the backend that measures fastest here and computes correctly, or on
 * `options.backend` when one is given (an explicit choice wins; no measurement).
 * @param options the engine's options; `backend` null means "choose by measurement".
 * @param calibration where verdicts are cached, the device's name, and the trial count.
 * @returns the engine and the choice with its reason.
 * @throws RecError BACKEND_UNAVAILABLE when no backend works (or none agrees with the reference).
 */
export async function createCalibratedInterestEngine(options: InterestEngineOptions, calibration: CalibrationOptions): Promise<{ engine: InterestEngine; choice: BackendChoice }> {
  if (options.backend !== null) {
    const engine = await createInterestEngine(options);
    const reason = engine.backend === options.backend ? `asked for ${options.backend}` : `asked for ${options.backend}, which does not work here`;
    return explained(engine, { backend: engine.backend, reason });
  }
  const sequence = calibration.sequence?.spec.architecture;
  const sequenceKey = sequence === undefined ? '' : `|sequence ${sequence.blocks}x${sequence.heads}x${sequence.ffnDim}x${sequence.maxLength}`;
  const key = `${CACHE_PREFIX}${calibration.device}|${options.vectors.length / options.dim}x${options.dim}|${options.itemDtype ?? 'float32'}${sequenceKey}`;
  const cached = readCache(calibration.store, key);
  if (cached !== null) {
    const engine = await createInterestEngine({ ...options, backend: cached.backend }).catch(() => null);
    if (engine?.backend === cached.backend) return explained(engine, { backend: cached.backend, reason: `${cached.reason} (measured on an earlier visit)` });
    engine?.dispose();
  }

  const probe = calibrationProbe(options, sequence?.maxLength ?? 0);
  const timings: { backend: BackendName; ms: number }[] = [];
  const rejected: string[] = [];
  let best: { engine: InterestEngine; ms: number } | null = null;
  for (const backend of BACKEND_NAMES.filter((name) => options.allowedBackends?.includes(name) ?? true)) {
    const engine = await createInterestEngine({ ...options, backend, allowedBackends: [backend] }).catch((error: unknown) => {
      rejected.push(`${backend}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    });
    if (engine === null) continue;
    const sequenceModel = calibration.sequence;
    const encoder =
      sequenceModel === undefined
        ? null
        : await createSequenceEncoder({ model: sequenceModel, backend: () => engine.backend }).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (typeof encoder === 'string') {
      rejected.push(`${backend}: the sequence model failed (${encoder})`);
      engine.dispose();
      continue;
    }
    const measured = await measure(engine, encoder, probe, calibration.trials ?? DEFAULT_TRIALS)
      .catch((error: unknown) => (error instanceof Error ? error.message : String(error)))
      .finally(() => encoder?.dispose());
    if (typeof measured === 'string' || !measured.agree) {
      rejected.push(`${backend}: ${typeof measured === 'string' ? measured : 'its ranking disagreed with the reference'}`);
      engine.dispose();
      continue;
    }
    timings.push({ backend, ms: measured.ms });
    if (best === null || measured.ms < best.ms) {
      best?.engine.dispose();
      best = { engine, ms: measured.ms };
    } else {
      engine.dispose();
    }
  }
  if (best === null) throw new RecError('BACKEND_UNAVAILABLE', `no TF.js backend computed the ranking correctly here (${rejected.join('; ') || 'none allowed'})`);
  const reason = `fastest here: ${timings
    .sort((a, b) => a.ms - b.ms)
    .map(({ backend, ms }) => `${backend} ${ms.toFixed(2)} ms`)
    .join(', ')} per interaction${sequence === undefined ? '' : ' (with the sequence model)'}`;
  const choice = { backend: best.engine.backend, reason };
  writeCache(calibration.store, key, choice);
  return explained(best.engine, choice);
}

/** The engine, now naming why it runs where it does (InterestEngine.backendReason, shown by the UI). */
function explained(engine: InterestEngine, choice: BackendChoice): { engine: InterestEngine; choice: BackendChoice } {
  return { engine: Object.assign(engine, { backendReason: choice.reason }), choice };
}

/** One calibration interaction: from `start`, add item `row`, rank; with core's reference answer. */
interface Probe {
  readonly start: Float32Array;
  readonly row: number;
  readonly decay: number;
  readonly expected: RankedRows;
  /** A full-length history for the sequence model (seeded rows of the catalogue). */
  readonly history: readonly number[];
}

/** A fixed, seeded interaction on the model's own items, and what core's reference math makes of it. */
function calibrationProbe(options: InterestEngineOptions, maxLength: number): Probe {
  const count = options.vectors.length / options.dim;
  const random = seededRandom(count * 31 + options.dim);
  const start = normalise(Float32Array.from({ length: options.dim }, () => random() - 0.5));
  const row = Math.floor(random() * count);
  const decay = 0.5;
  const interest = updateInterest(start, decay, [{ kind: 'row', row, weight: 1 }], options.vectors, options.dim);
  const scores = scoreAll(options.vectors, options.dim, interest, options.popularity, options.priorWeight ?? DEFAULT_PRIOR_WEIGHT);
  const history = Array.from({ length: maxLength }, () => Math.floor(random() * count));
  return { start, row, decay, expected: topK(scores, CALIBRATION_K, new Set()), history };
}

/**
 * Median time of `trials` probe interactions after a warm-up, and whether the decay rule's ranking
 * agreed with the reference (the sequence model's is timed as the recommender runs it, not checked
 * here: e2e compares it with Node's).
 */
async function measure(engine: InterestEngine, encoder: SequenceEncoder | null, probe: Probe, trials: number): Promise<{ ms: number; agree: boolean }> {
  const times: number[] = [];
  let agree = true;
  for (let trial = 0; trial <= trials; trial++) {
    engine.setInterest(probe.start);
    const started = performance.now();
    await engine.update(probe.decay, [{ kind: 'row', row: probe.row, weight: 1 }]);
    const ranked = await engine.topK(CALIBRATION_K, new Set());
    if (encoder !== null) {
      engine.setInterest(await encoder.interest(probe.history));
      await engine.topK(CALIBRATION_K, new Set());
    }
    if (trial > 0) times.push(performance.now() - started);
    agree &&= compareRankings(ranked, probe.expected).agree;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? Number.POSITIVE_INFINITY, agree };
}

function readCache(store: CalibrationStore | undefined, key: string): BackendChoice | null {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(key) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { backend, reason } = parsed as Record<string, unknown>;
    return typeof reason === 'string' && BACKEND_NAMES.some((name) => name === backend) ? { backend: backend as BackendName, reason } : null;
  } catch {
    // Unreadable storage or a corrupt entry: measure again.
    return null;
  }
}

function writeCache(store: CalibrationStore | undefined, key: string, choice: BackendChoice): void {
  try {
    store?.setItem(key, JSON.stringify(choice));
  } catch {
    // Storage full or refused: the next visit measures again.
  }
}
