import { describe, expect, it } from 'vitest';
import { RecError } from '../core/index.ts';
import { createHttpModelSource } from './http-model-source.ts';

/** A fetch answering one response, recording the URL asked for. */
function fakeFetch(response: () => Response, asked: string[] = []): typeof fetch {
  return (input) => {
    asked.push(String(input));
    return Promise.resolve(response());
  };
}

function chunked(chunks: readonly Uint8Array[], headers: Record<string, string> = {}): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Response(stream, { status: 200, headers });
}

describe('createHttpModelSource', () => {
  it('streams the body, reporting bytes as they arrive', async () => {
    const asked: string[] = [];
    const source = createHttpModelSource('/models/demo/', {
      fetch: fakeFetch(() => chunked([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])], { 'content-length': '5' }), asked),
    });
    const progress: number[] = [];
    const bytes = await source.read('vectors.bin', (n) => progress.push(n));
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4, 5]);
    expect(progress).toEqual([3, 5]);
    expect(asked).toEqual(['/models/demo/vectors.bin']);
    expect(source.location).toBe('/models/demo');
  });

  it('reads the body into the size the manifest gives, and returns exactly the bytes that came when more or fewer come', async () => {
    const entry = (bytes: number) => ({ path: 'vectors.bin', bytes, sha256: '0'.repeat(64) });
    const read = async (chunks: number[][], bytes: number) => {
      const source = createHttpModelSource('/m', { fetch: fakeFetch(() => chunked(chunks.map((chunk) => Uint8Array.from(chunk)))) });
      const progress: number[] = [];
      const body = await source.read('vectors.bin', (n) => progress.push(n), entry(bytes));
      return { bytes: Array.from(body), length: body.byteLength, progress };
    };
    expect(
      await read(
        [
          [1, 2, 3],
          [4, 5],
        ],
        5,
      ),
    ).toEqual({ bytes: [1, 2, 3, 4, 5], length: 5, progress: [3, 5] });
    // More than the manifest said (it will fail its check): every byte, in order.
    expect(
      await read(
        [
          [1, 2],
          [3, 4],
          [5, 6, 7],
        ],
        3,
      ),
    ).toEqual({ bytes: [1, 2, 3, 4, 5, 6, 7], length: 7, progress: [2, 4, 7] });
    // Fewer: only what came, no padding.
    expect(await read([[1, 2]], 6)).toEqual({ bytes: [1, 2], length: 2, progress: [2] });
    // A size no array can have (a broken manifest): read as chunks instead.
    expect(await read([[9], [8]], Number.MAX_SAFE_INTEGER)).toEqual({ bytes: [9, 8], length: 2, progress: [1, 2] });
  });

  it('names the URL and the status of a 404', async () => {
    const source = createHttpModelSource('/models/nope', { fetch: fakeFetch(() => new Response('not found', { status: 404, statusText: 'Not Found' })) });
    const error = await source.read('manifest.json', () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecError);
    expect((error as RecError).code).toBe('MODEL_FETCH_FAILED');
    expect((error as RecError).message).toContain('/models/nope/manifest.json');
    expect((error as RecError).message).toContain('HTTP 404');
  });

  it('refuses an HTML fallback page and reports network failures', async () => {
    const html = createHttpModelSource('/x', { fetch: fakeFetch(() => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })) });
    await expect(html.read('manifest.json', () => {})).rejects.toThrow(/\/x\/manifest\.json: .*HTML page/);
    const offline = createHttpModelSource('/x', { fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(offline.read('manifest.json', () => {})).rejects.toMatchObject({ code: 'MODEL_FETCH_FAILED' });
  });

  it('reports a body shorter than its Content-Length', async () => {
    const source = createHttpModelSource('/m', { fetch: fakeFetch(() => chunked([new Uint8Array(3)], { 'content-length': '10' })) });
    await expect(source.read('vectors.bin', () => {})).rejects.toThrow(/expected 10 bytes \(Content-Length\), found 3/);
  });

  it('revalidates with the server by default, and bypasses the cache when asked (the retry after a mismatch)', async () => {
    const modes: Array<RequestCache | undefined> = [];
    const recording: typeof fetch = (_input, init) => {
      modes.push(init?.cache);
      return Promise.resolve(new Response(new Uint8Array(2)));
    };
    await createHttpModelSource('/m', { fetch: recording }).read('manifest.json', () => {});
    await createHttpModelSource('/m', { fetch: recording, cache: 'reload' }).read('manifest.json', () => {});
    expect(modes).toEqual(['no-cache', 'reload']);
  });
});
