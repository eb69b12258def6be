/**
 * Which compute backend scores the grid: policy, kept apart from the measuring (src/engine). A fixed
 * order (webgpu first) is wrong on many devices: on a software WebGPU adapter the GPU is a CPU in
 * disguise, and for a small catalogue a GPU round trip costs more than the whole CPU computation
 * (docs/benchmarks.md). So, unless the shop or the shopper names a backend, the likely winners are
 * opened and measured on the model itself, likeliest first; one counts only if its ranking agrees
 * with core's reference math, and the fastest that agrees wins. The measuring is kept cheap: it
 * stops trying further backends once its time budget is spent (after at least one agreed), and a
 * backend whose warm-up alone is far slower than the best so far is not timed further. The
 * verdict is cached (localStorage in the browser) under a key naming the device and the model's
 * shape, so later visits skip the measuring, for VERDICT_MAX_AGE_MS. The reason says what was
 * measured and what was not.
 */
import { RecError } from './errors.ts';
import { BACKEND_NAMES, type BackendName } from './ports.ts';

/** Where verdicts are kept between visits (localStorage fits); failures to read or write are ignored. */
export interface CalibrationStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The chosen backend and why, in words for the storefront's backend indicator. */
export interface BackendChoice {
  readonly backend: BackendName;
  readonly reason: string;
}

/** One backend's measurement: the median time of an interaction, and whether its ranking agreed. */
export interface BackendTrial {
  readonly ms: number;
  readonly agree: boolean;
  /** True when only the warm-up ran (it was far slower than the bound): `ms` is the warm-up's time. */
  readonly warmUpOnly?: boolean;
}

/** Something that runs on one backend and can be freed (an ItemSpace). */
export interface OnBackend {
  readonly backend: BackendName;
  dispose(): void;
}

/** What the engine lends the policy: opening on a backend, and measuring what was opened. */
export interface BackendProbe<T extends OnBackend> {
  /**
   * @param backend the backend to open on.
   * @param only true: on that backend or not at all (throws); false: that one first, then the usual order.
   */
  open(backend: BackendName | null, only: boolean): Promise<T>;
  /**
   * Times a few real interactions on `opened` and checks its ranking against core's reference.
   * @param bound the best time so far (ms), when there is one: a warm-up far above it may end the measuring.
   */
  measure(opened: T, bound?: number): Promise<BackendTrial>;
}

export interface ChoiceRequest {
  /** A backend named by the shop or the shopper (`?backend=`): it wins without measuring. */
  readonly asked: BackendName | null;
  /** The backends that may be measured (default: all). */
  readonly allowed?: readonly BackendName[];
  /**
   * The likely winners on this device, likeliest first, with why the other allowed backends are
   * not measured (default: every allowed backend, in BACKEND_NAMES order).
   */
  readonly likely?: { readonly backends: readonly BackendName[]; readonly othersBecause: string };
  /** No further backend is opened once measuring has taken this long and one agreed (default MEASURE_BUDGET_MS). */
  readonly budgetMs?: number;
  /** A monotonic clock in ms (default performance.now). */
  readonly now?: () => number;
  /** The wall clock in epoch ms (default Date.now): a cached verdict's age. */
  readonly clock?: () => number;
  /** Keeps verdicts between visits; none: measure every time. */
  readonly store?: CalibrationStore;
  /** The verdict's cache key (`calibrationKey`). */
  readonly cacheKey: string;
  /** The trials also encode a history with the sequence model (said in the reason). */
  readonly withSequence: boolean;
}

/** What a verdict depends on: the device and the shape of the work, not the model's values. */
export interface CalibrationShape {
  /** Names the device (browser + GPU adapter). */
  readonly device: string;
  readonly count: number;
  readonly dim: number;
  readonly dtype: string;
  /** The sequence model's architecture, when it has one (its encoding is timed too). */
  readonly sequence?: { readonly blocks: number; readonly heads: number; readonly ffnDim: number; readonly maxLength: number };
}

const CACHE_PREFIX = 'vitrine.backend.v1:';

/** The measuring's default time budget: a first visit's calibration stays under a third of a second. */
export const MEASURE_BUDGET_MS = 300;

/**
 * How long a cached verdict is used before it is measured again. The key already names the browser
 * version (the user agent) and the GPU adapter, so an update of either measures anew; what it cannot
 * see is the rest of the device changing under them (a GPU driver, the OS, a power setting), so the
 * verdict also ages out. A month costs one calibration (at most MEASURE_BUDGET_MS) a month.
 */
export const VERDICT_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** @param shape the device and the model's shape. @returns the key its verdict is cached under. */
export function calibrationKey(shape: CalibrationShape): string {
  const { sequence } = shape;
  const sequenceKey = sequence === undefined ? '' : `|sequence ${sequence.blocks}x${sequence.heads}x${sequence.ffnDim}x${sequence.maxLength}`;
  return `${CACHE_PREFIX}${shape.device}|${shape.count}x${shape.dim}|${shape.dtype}${sequenceKey}`;
}

/**
 * Opens on the backend the policy picks: the one asked for; else the cached verdict; else the
 * fastest correct one by measurement (then cached).
 * @param request what was asked, what is allowed, and the cache.
 * @param probe opens and measures on a backend.
 * @returns what was opened, and the choice with its reason.
 * @throws RecError BACKEND_UNAVAILABLE when no backend works (or none agrees with the reference).
 */
export async function chooseBackend<T extends OnBackend>(request: ChoiceRequest, probe: BackendProbe<T>): Promise<{ opened: T; choice: BackendChoice }> {
  const { asked } = request;
  if (asked !== null) {
    const opened = await probe.open(asked, false);
    const reason = opened.backend === asked ? `asked for ${asked}` : `asked for ${asked}, which does not work here`;
    return { opened, choice: { backend: opened.backend, reason } };
  }
  const clock = request.clock ?? (() => Date.now());
  const cached = readCache(request.store, request.cacheKey, clock());
  if (cached !== null) {
    const opened = await probe.open(cached.backend, false).catch(() => null);
    if (opened?.backend === cached.backend) return { opened, choice: { backend: cached.backend, reason: `${cached.reason} (measured on an earlier visit)` } };
    opened?.dispose();
  }
  const measured = await measureEach(request, probe);
  writeCache(request.store, request.cacheKey, { ...measured.choice, measuredAt: clock() });
  return measured;
}

/** Opens and measures the likely backends in turn, keeping only the fastest that agrees, within the budget. */
async function measureEach<T extends OnBackend>(request: ChoiceRequest, probe: BackendProbe<T>): Promise<{ opened: T; choice: BackendChoice }> {
  const now = request.now ?? (() => performance.now());
  const started = now();
  const budget = request.budgetMs ?? MEASURE_BUDGET_MS;
  const allowed = BACKEND_NAMES.filter((name) => request.allowed?.includes(name) ?? true);
  const likely = request.likely?.backends.filter((name) => allowed.includes(name)) ?? allowed;
  const notMeasured = allowed.filter((name) => !likely.includes(name)).map((name) => `${name} (${request.likely?.othersBecause ?? ''})`);
  const timings: { backend: BackendName; trial: BackendTrial }[] = [];
  const rejected: string[] = [];
  let best: { opened: T; ms: number } | null = null;
  // The bound handed to the probe: best's time, kept apart so the loop's types do not depend on themselves.
  let bestMs: number | undefined;
  for (const backend of likely) {
    if (best !== null && now() - started >= budget) {
      notMeasured.push(`${backend} (over the ${budget} ms budget)`);
      continue;
    }
    const opened = await probe.open(backend, true).catch((error: unknown) => {
      rejected.push(`${backend}: ${messageOf(error)}`);
      return null;
    });
    if (opened === null) continue;
    const trial: BackendTrial | string = await probe.measure(opened, bestMs).catch((error: unknown) => messageOf(error));
    if (typeof trial === 'string' || !trial.agree) {
      rejected.push(`${backend}: ${typeof trial === 'string' ? trial : 'its ranking disagreed with the reference'}`);
      opened.dispose();
      continue;
    }
    timings.push({ backend, trial });
    if (best === null || trial.ms < best.ms) {
      best?.opened.dispose();
      best = { opened, ms: trial.ms };
      bestMs = trial.ms;
    } else {
      opened.dispose();
    }
  }
  if (best === null)
    throw new RecError('BACKEND_UNAVAILABLE', `no TF.js backend computed the ranking correctly here (${rejected.join('; ') || 'none allowed'})`);
  const ranked = timings
    .sort((a, b) => a.trial.ms - b.trial.ms)
    .map(({ backend, trial }) => `${backend} ${trial.ms.toFixed(2)} ms${trial.warmUpOnly === true ? ' (warm-up only)' : ''}`);
  const others = notMeasured.length === 0 ? '' : `; not measured: ${notMeasured.join(', ')}`;
  const reason = `fastest here: ${ranked.join(', ')} per interaction${request.withSequence ? ' (with the sequence model)' : ''}${others}`;
  return { opened: best.opened, choice: { backend: best.opened.backend, reason } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A verdict as cached: the choice, and when it was measured (epoch ms). */
interface CachedVerdict extends BackendChoice {
  readonly measuredAt: number;
}

/**
 * @param time now (epoch ms).
 * @returns the cached choice, or null when there is none usable: corrupt, without its time (written
 *   before verdicts aged), older than VERDICT_MAX_AGE_MS, or dated after now (the clock went back).
 */
function readCache(store: CalibrationStore | undefined, key: string, time: number): BackendChoice | null {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(key) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { backend, reason, measuredAt } = parsed as Record<string, unknown>;
    const known = BACKEND_NAMES.find((name) => name === backend);
    const age = typeof measuredAt === 'number' ? time - measuredAt : Number.NaN;
    if (!(age >= 0 && age < VERDICT_MAX_AGE_MS)) return null;
    return typeof reason === 'string' && known !== undefined ? { backend: known, reason } : null;
  } catch {
    // Unreadable storage or a corrupt entry: measure again.
    return null;
  }
}

function writeCache(store: CalibrationStore | undefined, key: string, verdict: CachedVerdict): void {
  try {
    store?.setItem(key, JSON.stringify(verdict));
  } catch {
    // Storage full or refused: the next visit measures again.
  }
}
