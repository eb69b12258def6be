/**
 * Loading the model in the browser, once more when its files did not match its manifest. A shop
 * that replaces a model folder while a page is loading it can hand that page a manifest from one
 * deploy and a file from the other (or a cache can): each is sound, but the sizes or checksums
 * disagree. Reading everything again from a fresh manifest, past the HTTP cache, gets one
 * consistent deploy; a file that is really truncated or corrupted fails again the same way, and
 * only then is its error shown. Core's loadModel stays a pure verify: the retry is the app's.
 */
import { loadModel, toRecError, type LoadedModel, type LoadProgress, type ModelSource, type RecError, type RecErrorCode } from '../core/index.ts';

/** Which read of the model a source is for: the first, or the retry that must not be answered from a cache. */
export type LoadAttempt = 'first' | 'fresh';

/** The model, or why it could not be loaded and the source its last attempt read (for salvaging the catalogue). */
export type ModelLoad =
  { readonly kind: 'loaded'; readonly model: LoadedModel } | { readonly kind: 'failed'; readonly error: RecError; readonly source: ModelSource };

/** What files of two deploys (or a stale cached file) look like to the verification. */
const MISMATCH_CODES: ReadonlySet<RecErrorCode> = new Set(['MODEL_FILE_SIZE_MISMATCH', 'MODEL_CHECKSUM_MISMATCH']);

/**
 * @param openSource makes the source for an attempt; the 'fresh' one bypasses any cache.
 * @param onProgress called as bytes arrive and phases change (a retry starts again from the manifest).
 * @returns the loaded model, or the error of the last attempt (the retry's, when there was one).
 */
export async function loadModelRetryingMismatch(
  openSource: (attempt: LoadAttempt) => ModelSource,
  onProgress: (progress: LoadProgress) => void,
): Promise<ModelLoad> {
  const first = await attempt(openSource('first'), onProgress);
  if (first.kind === 'loaded' || !MISMATCH_CODES.has(first.error.code)) return first;
  return attempt(openSource('fresh'), onProgress);
}

async function attempt(source: ModelSource, onProgress: (progress: LoadProgress) => void): Promise<ModelLoad> {
  try {
    return { kind: 'loaded', model: await loadModel(source, onProgress, { pagedVectors: true }) };
  } catch (error) {
    return { kind: 'failed', error: toRecError(error), source };
  }
}
