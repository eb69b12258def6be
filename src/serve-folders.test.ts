// The dev and preview servers' static folders (serve-folders.ts, used by vite.config.ts), driven
// over real HTTP: a request may name only files inside a served folder, and a malformed
// percent-escape gets a short 400, never a stack trace with the server's paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultTest } from './core/fault-test-support.ts';
import { decodedPath, fileInside, serveFolders } from '../serve-folders.ts';

/** Sends `path` as it is (no client-side normalisation of `..` or escapes), with `headers`. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; etag?: string }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      const etag = response.headers.etag;
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, ...(etag === undefined ? {} : { etag }) }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('serveFolders', () => {
  const root = mkdtempSync(join(tmpdir(), 'vitrine-serve-'));
  const models = join(root, 'models');
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    mkdirSync(join(models, 'demo'), { recursive: true });
    mkdirSync(join(root, 'models-secret'));
    writeFileSync(join(models, 'demo', 'manifest.json'), '{"ok":true}');
    writeFileSync(join(root, 'models-secret', 'key.json'), '{"secret":true}');
    writeFileSync(join(root, 'outside.json'), '{"outside":true}');
    const middleware = serveFolders([{ prefix: '/models/', dir: () => models }]);
    // Anything the middleware passes on would reach Vite (or a stack trace): marked here.
    server = createServer((req, res) =>
      middleware(req, res, (error?: unknown) => {
        res.statusCode = error === undefined ? 418 : 500;
        res.end(error === undefined ? 'passed on' : String(error));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it("sends a served folder's file, and passes on what is not under its prefix", async () => {
    expect(await get(port, '/models/demo/manifest.json?v=1')).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(await get(port, '/models/demo%2Fmanifest.json')).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect((await get(port, '/index.html')).status).toBe(418);
  });

  it('lets the browser keep a file named by its sha256 for good, and revalidate any other', async () => {
    const named = `${'ab'.repeat(32)}.bin`;
    writeFileSync(join(models, 'demo', named), 'page');
    writeFileSync(join(models, 'demo', `x${named}`), 'not named by its checksum');
    const cacheControl = (path: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const sent = request({ host: '127.0.0.1', port, path }, (response) => {
          response.resume();
          resolve(response.headers['cache-control']);
        });
        sent.on('error', reject);
        sent.end();
      });
    expect(await cacheControl(`/models/demo/${named}`)).toBe('public, max-age=31536000, immutable');
    expect(await cacheControl('/models/demo/manifest.json')).toBe('no-cache');
    expect(await cacheControl(`/models/demo/x${named}`)).toBe('no-cache');
  });

  it('answers a revalidation of an unchanged file with 304 and no body, and of a changed one with the file', async () => {
    const file = join(models, 'demo', 'catalog.json');
    writeFileSync(file, '{"items":[]}');
    const { etag } = await get(port, '/models/demo/catalog.json');
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(await get(port, '/models/demo/catalog.json', { 'if-none-match': etag ?? '' })).toMatchObject({ status: 304, body: '' });
    expect(await get(port, '/models/demo/catalog.json', { 'if-none-match': `W/"0-0", ${etag ?? ''}` })).toMatchObject({ status: 304 });
    expect(await get(port, '/models/demo/catalog.json', { 'if-none-match': 'W/"0-0"' })).toMatchObject({ status: 200, body: '{"items":[]}' });
    // Another size: another tag, so the old one no longer matches.
    writeFileSync(file, '{"items":[1]}');
    expect(await get(port, '/models/demo/catalog.json', { 'if-none-match': etag ?? '' })).toMatchObject({ status: 200, body: '{"items":[1]}' });
  });

  it('sends JSON and float32 files gzipped to a browser that takes gzip, other binary files and other browsers as they are', async () => {
    const json = `{"items":[${'"a long repeated title",'.repeat(200)}1]}`;
    writeFileSync(join(models, 'demo', 'big.json'), json);
    writeFileSync(join(models, 'demo', 'popularity.f32'), json);
    writeFileSync(join(models, 'demo', 'vectors.bin'), json);
    const raw = (path: string, encoding: string) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        const sent = request({ host: '127.0.0.1', port, path, headers: { 'accept-encoding': encoding } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
        });
        sent.on('error', reject);
        sent.end();
      });
    const gzipped = await raw('/models/demo/big.json', 'br, gzip;q=0.8');
    expect(gzipped.encoding).toBe('gzip');
    expect(gunzipSync(gzipped.body).toString()).toBe(json);
    expect(gzipped.body.byteLength).toBeLessThan(json.length / 10);
    const floats = await raw('/models/demo/popularity.f32', 'gzip');
    expect(floats.encoding).toBe('gzip');
    expect(gunzipSync(floats.body).toString()).toBe(json);
    for (const [path, encoding] of [
      ['/models/demo/big.json', 'identity'],
      ['/models/demo/big.json', 'gzip;q=0'],
      ['/models/demo/vectors.bin', 'gzip'],
    ] as const) {
      const plain = await raw(path, encoding);
      expect(plain.encoding, `${path} ${encoding}`).toBeUndefined();
      expect(plain.body.toString(), `${path} ${encoding}`).toBe(json);
    }
  });

  it(
    'refuses a sibling folder whose name starts with the served one, and anything above it',
    faultTest('Local servers', 'A request for a sibling folder through ..%2F (models-secret beside models was served)', async (fault) => {
      const paths = [
        '/models/..%2Fmodels-secret/key.json',
        '/models/%2E%2E/models-secret/key.json',
        '/models/..%2F..%2Foutside.json',
        '/models/..%2Foutside.json',
      ];
      await fault.cases(paths, async (path) => {
        const { status, body } = await get(port, path);
        fault.observe(`${path}: HTTP ${status}`);
        expect(status, path).toBe(404);
        expect(body, path).not.toContain('secret":true');
      });
    }),
  );

  it(
    'answers a malformed percent-escape with a short 400 that shows no server path',
    faultTest('Local servers', 'A malformed percent-escape in the URL (a 500 with a stack trace showing server paths)', async (fault) => {
      await fault.cases(['/models/%E0%A4%A', '/models/100%', '/anything/%zz'], async (path) => {
        const { status, body } = await get(port, path);
        fault.observe(`${path}: HTTP ${status} ${body}`);
        expect(status, path).toBe(400);
        expect(body, path).toBe('bad request: the URL has a malformed percent-escape');
      });
    }),
  );
});

describe('the path helpers', () => {
  it('decodedPath drops the query and refuses a malformed escape', () => {
    expect(decodedPath('/models/a%20b.json?x=%zz')).toBe('/models/a b.json');
    expect(decodedPath('/models/%')).toBeNull();
    expect(decodedPath(undefined)).toBe('');
  });

  it('fileInside keeps paths inside the folder, names starting with dots included', () => {
    expect(fileInside('/srv/models', 'demo/manifest.json')).toBe('/srv/models/demo/manifest.json');
    expect(fileInside('/srv/models', '..hidden.json')).toBe('/srv/models/..hidden.json');
    expect(fileInside('/srv/models', '../models-secret/key.json')).toBeNull();
    expect(fileInside('/srv/models', '../models-x')).toBeNull();
    expect(fileInside('/srv/models', '../models/demo')).toBe('/srv/models/demo');
    expect(fileInside('/srv/models', 'demo/../../x')).toBeNull();
  });
});
