/**
 * The shop's stock and price changes since the model's build, from the host (a grid's
 * `setAvailability()`) or from `availability.json` beside the model. The file is optional and not
 * in the manifest: it changes hourly, so it is not content-hashed like the model's files but
 * fetched with `cache: 'no-cache'` at every start (the server's current copy, revalidated by its
 * ETag or Last-Modified), in parallel with the model, and applied before the storefront's first
 * ranking. Its format is what setAvailability takes: `[{"item": "p0042", "inStock": false},
 * {"item": "p0007", "price": 12.5}]`. The builder writes an empty one, so a page does not ask
 * for a missing file; an older folder without it (404, or an HTML page in its place) has no
 * changes. One that cannot be
 * fetched or read is reported on the console, naming the file and the entry, and nothing of it is
 * applied: the model's own stock stands.
 */
import { AVAILABILITY_FILE, parseAvailabilityChanges, RecError, type Recommender } from '../core/index.ts';

/**
 * Applies the changes, warning on the console about ids the model lacks (new since its build).
 * @param recommender the storefront's.
 * @param changes the host's changes, unchecked.
 * @param source who gave them, for messages (a call or a file).
 * @returns the ids that were ignored.
 * @throws RecError CONFIG_INVALID naming the entry and field that is wrong (nothing is applied).
 */
export async function applyAvailability(recommender: Recommender, changes: unknown, source: string): Promise<readonly string[]> {
  const { ignored } = await recommender.setAvailability(parseAvailabilityChanges(changes, source));
  if (ignored.length > 0) console.warn(`Vitrine: ${source}: ${ignored.length} item(s) not in the model, ignored until the next build: ${ignored.join(', ')}`);
  return ignored;
}

/**
 * Starts fetching the model's availability file.
 * @param modelUrl the model folder's URL path.
 * @param fetchFile the fetch to use (tests).
 * @returns the file's parsed JSON, or null when there is none; rejects with a RecError naming the file.
 */
export async function fetchAvailabilityFile(modelUrl: string, fetchFile: typeof fetch = (input, init) => globalThis.fetch(input, init)): Promise<unknown> {
  const url = `${modelUrl.replace(/\/+$/, '')}/${AVAILABILITY_FILE}`;
  const response = await fetchFile(url, { credentials: 'same-origin', cache: 'no-cache' }).catch((error: unknown) => {
    throw new RecError('MODEL_FETCH_FAILED', `could not be fetched (${error instanceof Error ? error.message : String(error)})`, { file: url });
  });
  // A host that answers every unknown path with its page (a single-page app's fallback) has no file either.
  if (response.status === 404 || (response.headers.get('content-type') ?? '').includes('text/html')) return null;
  if (!response.ok) throw new RecError('MODEL_FETCH_FAILED', `answered HTTP ${response.status}`, { file: url });
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RecError('CONFIG_INVALID', `is not JSON (it starts ${JSON.stringify(text.slice(0, 40))})`, { file: url });
  }
}

/**
 * Applies the availability file fetched by fetchAvailabilityFile, if there is one; a problem with
 * it is a console warning, never a failed start.
 * @param recommender the storefront's.
 * @param file the fetch's result.
 * @param modelUrl the model folder's URL path, for messages.
 */
export async function applyAvailabilityFile(recommender: Recommender, file: Promise<unknown>, modelUrl: string): Promise<void> {
  const source = `${modelUrl.replace(/\/+$/, '')}/${AVAILABILITY_FILE}`;
  try {
    const changes = await file;
    if (changes !== null) await applyAvailability(recommender, changes, source);
  } catch (error) {
    console.warn(`Vitrine: ${source} was not applied (the model's own stock stands): ${error instanceof Error ? error.message : String(error)}`);
  }
}
