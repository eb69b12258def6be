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

/** The RecError a read rejects with (the test fails if it resolves). */
function failure(read: Promise<Uint8Array>): Promise<RecError> {
  return read.then(
    () => {
      throw new Error('expected the read to fail');
    },
    (error: unknown) => error as RecError,
  );
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
      return { bytes: Array.from(body), length: body.byteLength, progress, held: body.buffer.byteLength };
    };
    expect(
      await read(
        [
          [1, 2, 3],
          [4, 5],
        ],
        5,
      ),
    ).toEqual({ bytes: [1, 2, 3, 4, 5], length: 5, progress: [3, 5], held: 5 });
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
    ).toEqual({ bytes: [1, 2, 3, 4, 5, 6, 7], length: 7, progress: [2, 4, 7], held: 7 });
    // Fewer: only what came, no padding (a view of the array it was read into; its size check refuses it next).
    expect(await read([[1, 2]], 6)).toEqual({ bytes: [1, 2], length: 2, progress: [2], held: 6 });
    // A size no array can have (a broken manifest): read as chunks instead.
    expect(await read([[9], [8]], Number.MAX_SAFE_INTEGER)).toEqual({ bytes: [9, 8], length: 2, progress: [1, 2], held: 2 });
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

  it('lets the HTTP cache answer a file named by its sha256 without asking, unless the read must reach the server', async () => {
    const modes: Array<RequestCache | undefined> = [];
    const recording: typeof fetch = (_input, init) => {
      modes.push(init?.cache);
      return Promise.resolve(new Response(new Uint8Array(2)));
    };
    const sha = 'ab'.repeat(32);
    const source = createHttpModelSource('/m', { fetch: recording });
    for (const path of [`vectors/${sha}.bin`, `cards/${sha}.json`, `${sha}/manifest.json`, `vectors/${sha.slice(2)}.bin`, `vectors/${sha.toUpperCase()}.bin`])
      await source.read(path, () => {});
    await createHttpModelSource('/m', { fetch: recording, cache: 'reload' }).read(`vectors/${sha}.bin`, () => {});
    // A folder named by a hash, a name one byte short and upper-case hex are not content names.
    expect(modes).toEqual(['default', 'default', 'no-cache', 'no-cache', 'no-cache', 'reload']);
  });
});

describe('createHttpModelSource: priority', () => {
  it('asks for a file read in the background at low priority, and leaves any other read to the browser', async () => {
    const priorities: Array<RequestPriority | undefined> = [];
    const recording: typeof fetch = (_input, init) => {
      priorities.push(init?.priority);
      return Promise.resolve(new Response(new Uint8Array(2)));
    };
    const source = createHttpModelSource('/m', { fetch: recording });
    await source.read('vectors/a.bin', () => {}, undefined, { background: true });
    await source.read('vectors/a.bin', () => {}, undefined, { background: false });
    await source.read('vectors/a.bin', () => {});
    expect(priorities).toEqual(['low', undefined, undefined]);
  });
});

describe('createHttpModelSource: messages and headers', () => {
  it('says what a 404 most likely means, and gives any other status as it came', async () => {
    const status = async (code: number, text: string) =>
      (
        await failure(
          createHttpModelSource('/m', { fetch: fakeFetch(() => new Response('', { status: code, statusText: text })) }).read('manifest.json', () => {}),
        )
      ).message;
    expect(await status(404, 'Not Found')).toBe(
      '/m/manifest.json: expected HTTP 200, found HTTP 404 Not Found: the model is not built here or its name is wrong (build it with `npm run models:demo`)',
    );
    expect(await status(503, '')).toBe('/m/manifest.json: expected HTTP 200, found HTTP 503');
  });

  it('names the network failure and a body that breaks off, keeping each cause', async () => {
    const offline = new TypeError('Failed to fetch');
    const unreachable = await failure(createHttpModelSource('/m', { fetch: () => Promise.reject(offline) }).read('vectors.bin', () => {}));
    expect(unreachable.message).toBe('/m/vectors.bin: could not be fetched (Failed to fetch); is the server running?');
    expect(unreachable.cause).toBe(offline);

    const reset = new Error('connection reset');
    let pulls = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new Uint8Array(3));
        else controller.error(reset);
      },
    });
    const cut = await failure(createHttpModelSource('/m', { fetch: fakeFetch(() => new Response(broken)) }).read('vectors.bin', () => {}));
    expect(cut.message).toBe('/m/vectors.bin: the download stopped after 3 bytes (connection reset)');
    expect(cut.cause).toBe(reset);
  });

  it('compares the body with Content-Length only when it is a plain byte count and the body was not content-encoded', async () => {
    const read = (headers: Record<string, string>) =>
      createHttpModelSource('/m', { fetch: fakeFetch(() => chunked([new Uint8Array(3)], headers)) })
        .read('vectors.bin', () => {})
        .then((bytes) => bytes.byteLength);
    expect(await read({ 'content-length': '10', 'content-encoding': 'gzip' })).toBe(3);
    expect(await read({ 'content-length': 'ten' })).toBe(3);
    expect(await read({ 'content-length': '3' })).toBe(3);
  });

  it('reads a body-less answer as no bytes, and asks with same-origin credentials under a base without its trailing slashes', async () => {
    const asked: Array<{ url: string; credentials: RequestCredentials | undefined }> = [];
    const source = createHttpModelSource('/models/demo//', {
      fetch: (input, init) => {
        asked.push({ url: String(input), credentials: init?.credentials });
        return Promise.resolve(new Response(null, { status: 200 }));
      },
    });
    const progress: number[] = [];
    expect(Array.from(await source.read('availability.json', (n) => progress.push(n)))).toEqual([]);
    expect(progress).toEqual([0]);
    expect(asked).toEqual([{ url: '/models/demo/availability.json', credentials: 'same-origin' }]);
  });
});
