/**
 * `npm run build:package` (and `prepack`, so `npm pack` builds what it ships): the npm package's
 * browser half, into dist/package/ (README, "Install from npm"):
 *  - index.js, elements.js, react.js (+ chunks/): ES modules of src/package's three entries, every
 *    dependency and peer dependency left as an import (React is the shop's own; TF.js, idb and
 *    MiniSearch are the package's dependencies, bundled by the shop's bundler, which can also split
 *    the engine's lazy chunks again);
 *  - types/: the declarations of those entries and of what their types reach (tsc, with the
 *    relative imports rewritten to the emitted .d.ts files);
 *  - styles.css: the storefront's stylesheet for `<VitrineGrid>` (the elements adopt theirs);
 *  - assets/: what the shop serves (default /vitrine/, src/app/asset-urls.ts): the TF.js wasm
 *    binaries under their own names and the quantised query encoder (encoder/).
 * The builder's command (`vitrine-build`) ships as source and runs under tsx (vitrine-build.js).
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import ts from 'typescript';
import { build } from 'vite';
import { WASM_FILES } from '../../app/asset-urls.ts';
import { ensureQuantisedEncoder } from '../../offline/lib/quantise-encoder-cache.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const OUT = join(ROOT, 'dist/package');
/** The package's entries: subpath -> source. */
const ENTRIES = { index: 'src/package/index.ts', elements: 'src/package/elements.ts', react: 'src/package/react.ts' } as const;

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** Every dependency and peer dependency, and any module under one, as a pattern: none is bundled. */
async function externals(): Promise<RegExp> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^(?:${names.map(escape).join('|')})(?:/|$)`);
}

async function buildModules(): Promise<void> {
  await build({
    configFile: false,
    root: ROOT,
    publicDir: false,
    logLevel: 'warn',
    mode: 'production',
    plugins: [react()],
    // The e2e suite's hooks exist only in its own builds (src/app/test-hooks.ts).
    define: { __VITRINE_TEST_HOOKS__: 'false' },
    build: {
      target: 'es2022',
      outDir: OUT,
      emptyOutDir: false,
      minify: false,
      copyPublicDir: false,
      // Library mode: no preload helper of Vite's own around the dynamic imports (the shop's bundler
      // adds its own, and two would clash in one chunk).
      lib: { entry: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(ROOT, file)])), formats: ['es'] },
      rollupOptions: {
        external: [await externals()],
        // ASCII-only, as the widget's build (vite.config.ts): the tokeniser's U+2581 survives any charset.
        output: { format: 'es', charset: 'ascii', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });
}

/** tsc's declarations of the entries (and of what their types reach), relative imports ending in .js. */
async function buildDeclarations(): Promise<void> {
  const configFile = join(ROOT, 'tsconfig.app.json');
  const read = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configFile);
  const outDir = join(OUT, 'types');
  // The app's settings (tsconfig.app.json), emitting declarations only; no build info (not a `tsc -b` build).
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    outDir,
    rootDir: join(ROOT, 'src'),
    incremental: false,
  };
  delete options.tsBuildInfoFile;
  const program = ts.createProgram([...Object.values(ENTRIES).map((file) => join(ROOT, file)), join(ROOT, 'src/app/build-flags.d.ts')], options);
  const result = program.emit(undefined, (fileName, text) => {
    ts.sys.writeFile(fileName, text.replace(/((?:from |import\()['"]\.{1,2}\/[^'"]+)\.tsx?(['"])/g, '$1.js$2'));
  });
  const problems = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (problems.length > 0)
    throw new Error(
      ts.formatDiagnosticsWithColorAndContext(problems, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }),
    );
}

/** src/ui/styles.css with its @imports inlined: one file for `vitrine/styles.css`. */
async function buildStyles(): Promise<void> {
  const main = join(ROOT, 'src/ui/styles.css');
  const css = await readFile(main, 'utf8');
  const parts = await Promise.all(
    css.split('\n').map(async (line) => {
      const imported = /^@import '([^']+)';$/.exec(line.trim())?.[1];
      return imported === undefined ? line : `/* ${imported} */\n${(await readFile(join(dirname(main), imported), 'utf8')).trim()}`;
    }),
  );
  await writeFile(join(OUT, 'styles.css'), `${parts.join('\n').trim()}\n`);
}

/** The files the shop serves: the wasm binaries TF.js asks for by name, and the quantised encoder. */
async function copyAssets(): Promise<void> {
  const assets = join(OUT, 'assets');
  await mkdir(assets, { recursive: true });
  const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  for (const name of WASM_FILES) await cp(join(wasmDir, name), join(assets, name));
  const encoder = await ensureQuantisedEncoder();
  // The folder's stamp (what it was generated from) is for the generator, not the browser.
  await cp(encoder.dir, join(assets, 'encoder'), { recursive: true, filter: (src) => !src.endsWith('quantised-from.json') });
}

/** Every file under a folder, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

async function main(): Promise<void> {
  const started = Date.now();
  await rm(OUT, { recursive: true, force: true });
  await buildModules();
  await buildDeclarations();
  await buildStyles();
  await copyAssets();
  const files = await filesUnder(OUT);
  console.log(`build:package: ${files.length} files in ${relative(ROOT, OUT)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error('build:package:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
