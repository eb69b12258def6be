// The browser query encoder, with fetch served from node_modules: same vectors as the builder's
// encoder, and failures named by URL.
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { initBackend } from './backend.ts';
import { nodeEncoderFiles } from '../offline/lib/node-encoder.ts';
import { createQueryEncoder } from './query-encoder.ts';
import { loadSentenceEncoder, type EncoderFiles } from './text-encoder.ts';

let diskFiles: EncoderFiles;

/** A fetch that serves the encoder package under /encoder/ and 404s for `missing`. */
function serveEncoder(missing: string | null = null): typeof fetch {
  return async (input) => {
    const url = String(input);
    const name = url.replace(/^\/encoder\//, '');
    if (!url.startsWith('/encoder/') || name === missing) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response((await diskFiles.read(name)).slice());
  };
}

beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
  diskFiles = nodeEncoderFiles();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

it('embeds a query exactly as the builder embeds a text', async () => {
  vi.stubGlobal('fetch', vi.fn(serveEncoder()));
  const queries = await createQueryEncoder('/encoder/');
  const reference = await loadSentenceEncoder(diskFiles);
  const vector = await queries.embed('waterproof hiking boots');
  expect(vector).toHaveLength(512);
  expect(vector).toEqual(await reference.embed(['waterproof hiking boots']));
  queries.dispose();
  reference.dispose();
});

it('names the URL that failed', async () => {
  vi.stubGlobal('fetch', vi.fn(serveEncoder('vocab.json')));
  await expect(createQueryEncoder()).rejects.toMatchObject({
    code: 'ENCODER_UNAVAILABLE',
    location: { file: '/encoder/vocab.json' },
    message: expect.stringMatching(/^\/encoder\/vocab\.json: .*HTTP 404/),
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
  );
  await expect(createQueryEncoder('/assets/use')).rejects.toMatchObject({ code: 'ENCODER_UNAVAILABLE', location: { file: '/assets/use/model.json' } });
});

it('names the file when the server sends something that is not the encoder', async () => {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string) => (String(input).endsWith('model.json') ? new Response('<!doctype html>') : serveEncoder()(input))),
  );
  await expect(createQueryEncoder()).rejects.toMatchObject({
    code: 'ENCODER_UNAVAILABLE',
    location: { file: '/encoder/model.json' },
    message: expect.stringMatching(/^\/encoder\/model\.json: expected JSON, found an HTML page/),
  });
});
