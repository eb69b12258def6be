/**
 * The measuring half of the backend choice (the policy is core/backend-choice.ts): opens an item
 * space on one backend, and times a few real interactions on it with the model itself (an interest
 * update + scoring + top-k), checking the ranking against core's reference math. With a sequence
 * model every interaction also encodes the shopper's latest items and ranks by that, so each trial
 * does too, with a full-length history: on a software WebGPU adapter the encoder alone costs ~30x
 * wasm's, so leaving it out would pick the wrong backend. The trials yield to the event loop between
 * them, so a frame due meanwhile is painted, and a backend whose warm-up is already several times
 * slower than the best so far is not timed further.
 */
import type { BackendProbe, BackendTrial } from '../core/backend-choice.ts';
import { DEFAULT_PRIOR_WEIGHT } from '../core/constants.ts';
import { asMatrix } from '../core/item-matrix.ts';
import type { LoadedSequenceModel } from '../core/model.ts';
import type { ItemSpace, SequenceEncoder } from '../core/ports.ts';
import { normalise, scoreAll, topK, updateInterest, type RankedRows } from '../core/rank.ts';
import { seededRandom } from '../core/random.ts';
import { compareRankings } from '../core/ranking-agreement.ts';
import { createItemSpace, type ItemSpaceOptions } from './item-space.ts';
import { createSequenceEncoder } from './sequence-encoder.ts';

/** How the probe measures. */
export interface MeasureOptions {
  /** Timed interactions per backend, after one untimed warm-up (default 5). */
  readonly trials?: number;
  /**
   * The model's sequence model, when it has one: each trial also encodes a full history with it on
   * the candidate backend.
   */
  readonly sequence?: LoadedSequenceModel;
}

/** How many rows the calibration ranks (a grid's worth). */
const CALIBRATION_K = 24;
const DEFAULT_TRIALS = 5;
/** A warm-up this many times the best time so far cannot win: the backend is not timed further. */
const EARLY_STOP_FACTOR = 3;

/** One calibration interaction: from `start`, add item `row`, rank; with core's reference answer. */
interface Interaction {
  readonly start: Float32Array;
  readonly row: number;
  readonly decay: number;
  readonly expected: RankedRows;
  /** A full-length history for the sequence model (seeded rows of the catalogue). */
  readonly history: readonly number[];
}

/**
 * What core's `chooseBackend` needs to try backends: `open` creates an item space on a backend
 * (only that one when `only`); `measure` times the seeded interaction on it.
 * @param options the item space's options (its `backend` is replaced by the one being tried).
 * @param measuring the trial count and the sequence model.
 */
export function createBackendProbe(options: ItemSpaceOptions, measuring: MeasureOptions = {}): BackendProbe<ItemSpace> {
  const trials = measuring.trials ?? DEFAULT_TRIALS;
  // Computed on the first measurement only: a cached or asked-for backend needs none.
  let interaction: Interaction | null = null;
  return {
    open: (backend, only) => createItemSpace({ ...options, backend, ...(only && backend !== null ? { allowedBackends: [backend] } : {}) }),
    async measure(space, bound) {
      interaction ??= seededInteraction(options, measuring.sequence?.spec.architecture.maxLength ?? 0);
      const model = measuring.sequence;
      const encoder =
        model === undefined
          ? null
          : await createSequenceEncoder({ model, backend: () => space.backend }).catch((error: unknown) => {
              throw new Error(`the sequence model failed (${error instanceof Error ? error.message : String(error)})`, { cause: error });
            });
      try {
        return await timeInteractions(space, encoder, interaction, trials, bound);
      } finally {
        encoder?.dispose();
      }
    },
  };
}

/** A fixed, seeded interaction on the model's own items, and what core's reference math makes of it. */
function seededInteraction(options: ItemSpaceOptions, maxLength: number): Interaction {
  const count = asMatrix(options.vectors, options.dim).count;
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
 * Median time of `trials` interactions after a warm-up, and whether the decay rule's ranking agreed
 * with the reference (the sequence model's is timed as the recommender runs it, not checked here:
 * e2e compares it with Node's). Only the warm-up when it took over EARLY_STOP_FACTOR x `bound`.
 */
async function timeInteractions(
  space: ItemSpace,
  encoder: SequenceEncoder | null,
  interaction: Interaction,
  trials: number,
  bound: number | undefined,
): Promise<BackendTrial> {
  const times: number[] = [];
  let agree = true;
  for (let trial = 0; trial <= trials; trial++) {
    if (trial > 0) await yieldToEventLoop();
    const started = performance.now();
    const interest = await space.update(interaction.start, interaction.decay, [{ kind: 'row', row: interaction.row, weight: 1 }]);
    const ranked = await space.topK(interest, CALIBRATION_K, new Set());
    if (encoder !== null) await space.topK(await encoder.interest(interaction.history), CALIBRATION_K, new Set());
    const ms = performance.now() - started;
    agree &&= compareRankings(ranked, interaction.expected).agree;
    if (trial === 0 && bound !== undefined && ms > EARLY_STOP_FACTOR * bound) return { ms, agree, warmUpOnly: true };
    if (trial > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? Number.POSITIVE_INFINITY, agree };
}

/** Lets the browser run what is due (a paint, an input) between two timed interactions. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
