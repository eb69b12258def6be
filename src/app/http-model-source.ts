/**
 * The browser's ModelSource: reads a built model's files over HTTP from the page's own origin and
 * streams each body through a reader, so the loading screen shows real byte progress. Every failure
 * (network, HTTP status, an HTML fallback page instead of a model file, a body cut short) becomes a
 * RecError MODEL_FETCH_FAILED naming the URL, so the error screen can say which file is missing.
 */
import { RecError, type ModelSource } from '../core/index.ts';

export interface HttpModelSourceOptions {
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /**
   * The requests' cache mode. Default 'no-cache' (the cache may answer once the server confirms
   * the file); 'reload' goes to the server and refreshes the cache, for a second read after files
   * that did not match their manifest.
   */
  readonly cache?: RequestCache;
}

/**
 * @param baseUrl the model folder's URL path on this origin, e.g. "/models/demo" (no trailing slash).
 * @param options the fetch and cache mode to use.
 */
export function createHttpModelSource(baseUrl: string, options: HttpModelSourceOptions = {}): ModelSource {
  const base = baseUrl.replace(/\/+$/, '');
  const cache = options.cache ?? 'no-cache';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  return {
    location: base,
    async read(path, onBytes) {
      const url = `${base}/${path}`;
      const fail = (message: string, cause?: unknown): RecError =>
        new RecError('MODEL_FETCH_FAILED', message, { file: url }, cause === undefined ? undefined : { cause });

      let response: Response;
      try {
        // Same origin only: model files are served by this app (see vite.config.ts), never a CDN.
        response = await doFetch(url, { credentials: 'same-origin', cache });
      } catch (error) {
        throw fail(`could not be fetched (${error instanceof Error ? error.message : String(error)}); is the server running?`, error);
      }
      if (!response.ok) {
        const hint = response.status === 404 ? ': the model is not built here or its name is wrong (build it with `npm run models:demo`)' : '';
        throw fail(`expected HTTP 200, found HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${hint}`);
      }
      const contentType = response.headers.get('content-type') ?? '';
      if (contentType.includes('text/html')) {
        // A dev server or host answers unknown paths with the app's own index.html.
        throw fail('expected a model file, found an HTML page: the model folder does not exist at this path');
      }
      const lengthHeader = response.headers.get('content-length');
      const expected = lengthHeader === null ? null : Number(lengthHeader);
      return readBody(response, expected !== null && Number.isSafeInteger(expected) && expected >= 0 ? expected : null, onBytes, fail);
    },
  };
}

async function readBody(
  response: Response,
  expected: number | null,
  onBytes: (loaded: number) => void,
  fail: (message: string, cause?: unknown) => RecError,
): Promise<Uint8Array> {
  if (response.body === null) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.byteLength);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onBytes(loaded);
    }
  } catch (error) {
    throw fail(`the download stopped after ${loaded} bytes (${error instanceof Error ? error.message : String(error)})`, error);
  } finally {
    reader.releaseLock();
  }
  // Content-Length is the encoded size; only compare it when the body was not content-encoded.
  if (expected !== null && response.headers.get('content-encoding') === null && loaded < expected) {
    throw fail(`the download stopped early: expected ${expected} bytes (Content-Length), found ${loaded}`);
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
