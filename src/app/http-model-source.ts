/**
 * The browser's ModelSource: reads a built model's files over HTTP from the page's own origin and
 * streams each body through a reader, so the loading screen shows real byte progress. Every failure
 * (network, HTTP status, an HTML fallback page instead of a model file, a body cut short) becomes a
 * RecError MODEL_FETCH_FAILED naming the URL, so the error screen can say which file is missing.
 */
import { isContentNamed, RecError, type ModelSource } from '../core/index.ts';

export interface HttpModelSourceOptions {
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /**
   * The requests' cache mode. Default 'no-cache' (the cache may answer once the server confirms
   * the file), except for a file named by its sha256 (isContentNamed), which the HTTP cache answers
   * without asking: every vector page a returning shopper's ranking reads again would otherwise cost a
   * round trip. 'reload' goes to the server for every file and refreshes the cache, for a second
   * read after files that did not match their manifest.
   */
  readonly cache?: 'no-cache' | 'reload';
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
    async read(path, onBytes, file, options) {
      const url = `${base}/${path}`;
      const fail = (message: string, cause?: unknown): RecError =>
        new RecError('MODEL_FETCH_FAILED', message, { file: url }, cause === undefined ? undefined : { cause });

      let response: Response;
      try {
        // Same origin only: model files are served by this app (see vite.config.ts), never a CDN.
        response = await doFetch(url, {
          credentials: 'same-origin',
          cache: cache === 'no-cache' && isContentNamed(path) ? 'default' : cache,
          // A page read ahead waits, in the browser's queue, behind the ones a ranking awaits.
          ...(options?.background === true ? { priority: 'low' } : {}),
        });
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
      const length = expected !== null && Number.isSafeInteger(expected) && expected >= 0 ? expected : null;
      return readBody(response, { expected: length, size: file?.bytes ?? null }, onBytes, fail);
    },
  };
}

async function readBody(
  response: Response,
  sizes: { readonly expected: number | null; readonly size: number | null },
  onBytes: (loaded: number) => void,
  fail: (message: string, cause?: unknown) => RecError,
): Promise<Uint8Array> {
  if (response.body === null) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onBytes(bytes.byteLength);
    return bytes;
  }
  const reader = response.body.getReader();
  const body = bodyBuffer(sizes.size);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      body.add(value);
      onBytes(body.length());
    }
  } catch (error) {
    throw fail(`the download stopped after ${body.length()} bytes (${error instanceof Error ? error.message : String(error)})`, error);
  } finally {
    reader.releaseLock();
  }
  const loaded = body.length();
  // Content-Length is the encoded size; only compare it when the body was not content-encoded.
  if (sizes.expected !== null && response.headers.get('content-encoding') === null && loaded < sizes.expected) {
    throw fail(`the download stopped early: expected ${sizes.expected} bytes (Content-Length), found ${loaded}`);
  }
  return body.bytes();
}

/**
 * A body's bytes as they arrive. With the size the manifest gives, each chunk is copied into one
 * array of that size as it comes: no list of chunks and then a copy of all of them at the end, which
 * at a million items held both (twice 265 MB) and the main thread for about 0.3 s in one task.
 * Bytes past that size, or every byte without it, are kept as chunks and joined at the end.
 * @param size the expected byte count, or null when unknown.
 */
function bodyBuffer(size: number | null): { add(chunk: Uint8Array): void; length(): number; bytes(): Uint8Array } {
  const filled = allocate(size);
  let inFilled = 0;
  const rest: Uint8Array[] = [];
  let inRest = 0;
  return {
    add(chunk) {
      if (rest.length === 0 && inFilled + chunk.byteLength <= filled.byteLength) {
        filled.set(chunk, inFilled);
        inFilled += chunk.byteLength;
      } else {
        rest.push(chunk);
        inRest += chunk.byteLength;
      }
    },
    length: () => inFilled + inRest,
    bytes() {
      if (rest.length === 0) return inFilled === filled.byteLength ? filled : filled.subarray(0, inFilled);
      if (inFilled === 0 && rest.length === 1 && rest[0] !== undefined) return rest[0];
      const bytes = new Uint8Array(inFilled + inRest);
      bytes.set(filled.subarray(0, inFilled));
      let offset = inFilled;
      for (const chunk of rest) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return bytes;
    },
  };
}

/** An array of `size` bytes, or an empty one when the size is unknown or too large to allocate (the chunks are then kept). */
function allocate(size: number | null): Uint8Array {
  if (size === null) return new Uint8Array(0);
  try {
    return new Uint8Array(size);
  } catch {
    return new Uint8Array(0);
  }
}
