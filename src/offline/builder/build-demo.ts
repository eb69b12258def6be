/**
 * `npm run models:demo`: builds `models/demo/` (2,400 generated products, their USE embeddings,
 * PNG images rendered from generated SVGs, and a popularity prior) only when it is missing or stale, so `npm start` and the e2e
 * tests can run it every time.
 *
 * The vectors are stored as the builder stores any model's with `--dtype auto` (choose-dtype.ts):
 * the smallest type whose recall@50 of the float32 ranking, measured on single-item queries (the
 * demo has no user histories), is at least DEMO_QUANTISATION.minRecall. build-info.json records the
 * stored type and the measured recall.
 *
 * Staleness: `build-info.json` in the model folder records a sha256 over everything the model is
 * made from (generated items, images and the size they are rendered at, popularity, the installed
 * encoder package's version, the text template, the dtype choice and its settings, the quantised
 * query encoder and the semantic floor's calibration, and BUILD_VERSION). The up-to-date check regenerates the catalogue (~0.2 s),
 * compares that hash and loads the folder with core's loadModel (sizes and checksums), without
 * loading TF.js: the encoder module is imported only when a build is needed.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runWhenScript } from '../lib/cli-args.ts';
import { parseArgs } from 'node:util';
import { RecError } from '../../core/errors.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import type { BuildOptions } from './build-model.ts';
import { chooseDtype } from './choose-dtype.ts';
import { defaultWorkers } from './cli-usage.ts';
import { createBuildRun } from './build-run.ts';
import { DEMO_GENERATOR_VERSION, DEMO_SEED, generateDemoCatalog, type DemoCatalog, type DemoCatalogOptions } from './demo-catalog.ts';
import { DEMO_IMAGE_PX, rasteriseDemoImage } from './demo-raster.ts';
import { embedTexts, itemText } from '../lib/embed.ts';
import { DEMO_MODEL_DIR, REPO_ROOT } from '../lib/paths.ts';
import { createProgress, formatBytes, formatSeconds } from '../lib/progress.ts';
import { DEFAULT_SCHEME, schemeId } from '../lib/quantise-encoder.ts';
import { encoderPackageVersion, QUANTISER_VERSION } from '../lib/quantise-encoder-cache.ts';
import { FLOOR_CALIBRATION_VERSION, semanticFloor } from '../lib/semantic-floor.ts';
import { verifyModelDir, writeModel } from '../lib/write-model.ts';

/** Bump to force a rebuild of every demo model after a builder change the input hash cannot see. */
export const BUILD_VERSION = 2;
/** The sidecar that records what a demo model was built from. */
export const BUILD_INFO_FILE = 'build-info.json';
/** Identifies the embedded text template; part of the input hash. */
const TEXT_TEMPLATE = '${title}. ${category}. ${description}';
/**
 * How the stored type is chosen, as `build:models --dtype auto` with its default minimum recall and
 * sample; part of the input hash.
 */
export const DEMO_QUANTISATION: QuantisationSettings = { dtype: 'auto', minRecall: 0.99, recallSample: 2000, seed: DEMO_SEED };

/** The options of chooseDtype. */
export type QuantisationSettings = Pick<BuildOptions, 'dtype' | 'minRecall' | 'recallSample' | 'seed'>;

export interface BuildDemoOptions {
  /** Default `models/demo` under the repository root. */
  readonly outDir?: string;
  /** Rebuild even when up to date. */
  readonly force?: boolean;
  /** Generator options (tests use a small count). */
  readonly catalog?: DemoCatalogOptions;
  /** Default EMBEDDING_CACHE_DIR (`.cache/embeddings` under the repository root); null disables the cache. */
  readonly cacheDir?: string | null;
  /** Default: the real sentence encoder on tfjs wasm, one per core (imported only when needed). */
  readonly loadEncoder?: () => Promise<SentenceEncoder>;
  /** The encoder the semantic floor embeds with. Default: the real quantised one (imported only when needed). */
  readonly loadQueryEncoder?: () => Promise<SentenceEncoder>;
  /** Default: the real encoder's name and version. */
  readonly encoder?: { readonly name: string; readonly version: string };
  /** Where messages go (default console.log); progress goes to stderr unless `quiet`. */
  readonly log?: (line: string) => void;
  readonly quiet?: boolean;
}

export interface BuildDemoResult {
  readonly status: 'built' | 'up-to-date';
  readonly outDir: string;
  readonly inputHash: string;
  readonly itemCount: number;
  readonly seconds: number;
  /** Present when built: texts embedded now vs taken from the cache. */
  readonly embedded?: number;
  readonly cached?: number;
}

/**
 * Builds the demo model when missing or stale.
 * @param options output folder, force flag and injectable encoder (for tests).
 */
export async function buildDemo(options: BuildDemoOptions = {}): Promise<BuildDemoResult> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const outDir = resolve(options.outDir ?? DEMO_MODEL_DIR);
  const catalog = generateDemoCatalog(options.catalog);
  const inputHash = demoInputHash(catalog, options.encoder?.version ?? (await encoderPackageVersion()));
  const elapsed = (): number => (performance.now() - started) / 1000;

  if (options.force !== true && (await isUpToDate(outDir, inputHash))) {
    log(
      `models:demo: ${relativeToRoot(outDir)} is up to date (${catalog.items.length} items, input ${inputHash.slice(0, 12)}), checked in ${elapsed().toFixed(2)}s`,
    );
    return { status: 'up-to-date', outDir, inputHash, itemCount: catalog.items.length, seconds: elapsed() };
  }

  log(`models:demo: building ${relativeToRoot(outDir)} (${catalog.items.length} items, ${catalog.departments.length} departments)`);
  // TF.js is loaded from here on, and only when the real encoder is wanted.
  const real = options.loadEncoder === undefined || options.encoder === undefined ? await import('../lib/node-encoder.ts') : null;
  const encoder = options.encoder ?? real?.ENCODER;
  const loadEncoder = options.loadEncoder ?? (real === null ? undefined : () => real.loadNodeEncoder(defaultWorkers(), (line) => log(`models:demo: ${line}`)));
  if (encoder === undefined || loadEncoder === undefined) throw new RecError('INTERNAL', 'unreachable: the real encoder module was imported');

  const embedding = await embedTexts(catalog.items.map(itemText), {
    encoderVersion: encoder.version,
    loadEncoder,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.quiet === true ? {} : { progress: (total: number) => createProgress('models:demo: embedding', total) }),
  });
  // The floor of on-device search, with the encoder the browser embeds queries with (the quantised one).
  const quantised = options.loadQueryEncoder === undefined ? await import('../lib/quantise-encoder-check.ts') : null;
  const queryEncoder = await (options.loadQueryEncoder?.() ?? quantised?.loadQuantisedNodeEncoder((line) => log(`models:demo: ${line}`)));
  if (queryEncoder === undefined) throw new RecError('INTERNAL', 'unreachable: the quantised encoder module was imported');
  const search = await semanticFloor({ vectors: embedding.vectors, dim: embedding.dim, projection: null, encoder: queryEncoder }).finally(() =>
    queryEncoder.dispose(),
  );
  const quantisation = await chooseDtype(
    embedding.vectors,
    catalog.items.length,
    embedding.dim,
    null,
    DEMO_QUANTISATION,
    createBuildRun(true, { log, warn: (line) => log(line.replace('build:models:', 'models:demo:')) }),
  );
  const { recall } = quantisation.report;
  const pictures = await Promise.all(catalog.images.map(async (image) => ({ path: image.path, data: await rasteriseDemoImage(image.svg) })));
  const buildInfo = {
    builder: 'vitrine build-demo',
    buildVersion: BUILD_VERSION,
    inputHash,
    encoder: { name: encoder.name, version: encoder.version },
    quantisation: quantisation.report,
  };
  const written = await writeModel({
    outDir,
    catalogId: 'demo',
    items: catalog.items,
    vectors: embedding.vectors,
    dim: embedding.dim,
    dtype: quantisation.dtype,
    popularity: catalog.popularity,
    rules: catalog.rules,
    encoder,
    search,
    assets: [...pictures, { path: BUILD_INFO_FILE, data: `${JSON.stringify(buildInfo, null, 2)}\n` }],
  });
  const seconds = elapsed();
  log(
    [
      `models:demo: wrote ${relativeToRoot(written.dir)} in ${formatSeconds(seconds)}`,
      `  items ${written.manifest.itemCount}, departments ${new Set(catalog.items.map((item) => item.category)).size}, dim ${written.manifest.dim} ${written.manifest.dtype}`,
      `  stored ${quantisation.dtype}: recall@${quantisation.report.k} of the float32 ranking float16 ${recall.float16}, int8 ${recall.int8} (${quantisation.report.histories} ${quantisation.report.source}, minimum ${DEMO_QUANTISATION.minRecall})`,
      `  semantic floor ${search.semanticFloor} (${search.calibration})`,
      `  embedded ${embedding.embedded}, from cache ${embedding.cached}${embedding.encoderSeconds > 0 ? ` (encoder ${formatSeconds(embedding.encoderSeconds)})` : ''}`,
      `  model ${formatBytes(written.modelBytes)} (manifest-listed files), images ${catalog.images.length} files ${formatBytes(written.assetBytes)}`,
      `  verified with core loadModel; vectors sha256 ${written.manifest.files.vectors.sha256.slice(0, 16)}`,
    ].join('\n'),
  );
  return { status: 'built', outDir: written.dir, inputHash, itemCount: catalog.items.length, seconds, embedded: embedding.embedded, cached: embedding.cached };
}

/**
 * The hash that decides staleness: everything the demo model is made from.
 * @param catalog the generated catalogue.
 * @param encoderVersion the encoder version the vectors come from.
 * @param quantisation how the stored type is chosen (default DEMO_QUANTISATION).
 */
export function demoInputHash(catalog: DemoCatalog, encoderVersion: string, quantisation: QuantisationSettings = DEMO_QUANTISATION): string {
  const hash = createHash('sha256');
  // The semantic floor depends on the quantised query encoder and on how it is calibrated.
  const queryEncoder = `${encoderVersion}/${schemeId(DEFAULT_SCHEME)}/quantiser-v${QUANTISER_VERSION}`;
  hash.update(
    JSON.stringify({
      BUILD_VERSION,
      DEMO_GENERATOR_VERSION,
      encoderVersion,
      TEXT_TEMPLATE,
      dtype: quantisation,
      queryEncoder,
      FLOOR_CALIBRATION_VERSION,
      DEMO_IMAGE_PX,
    }),
  );
  for (const item of catalog.items) hash.update(`\n${JSON.stringify(item)}`);
  hash.update(`\n${JSON.stringify(catalog.rules)}`);
  for (const image of catalog.images) hash.update(`\n${image.path}\n${image.svg}`);
  hash.update(new Uint8Array(catalog.popularity.buffer, catalog.popularity.byteOffset, catalog.popularity.byteLength));
  return hash.digest('hex');
}

/**
 * Whether `outDir` holds a complete, valid model built from `inputHash` (no TF.js involved).
 * @param outDir the model folder.
 * @param inputHash the current demoInputHash.
 */
export async function isUpToDate(outDir: string, inputHash: string): Promise<boolean> {
  try {
    const info = JSON.parse(await readFile(resolve(outDir, BUILD_INFO_FILE), 'utf8')) as unknown;
    if (typeof info !== 'object' || info === null || (info as { inputHash?: unknown }).inputHash !== inputHash) return false;
    await verifyModelDir(outDir);
    return true;
  } catch {
    return false;
  }
}

function relativeToRoot(path: string): string {
  return path.startsWith(`${REPO_ROOT}/`) ? path.slice(REPO_ROOT.length + 1) : path;
}

/** The command line of `npm run models:demo [-- --force]`. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help === true) {
    console.log('Usage: npm run models:demo [-- --force]\nBuilds models/demo/ when missing or stale; --force rebuilds anyway.');
    return 0;
  }
  await buildDemo({ force: values.force === true });
  return 0;
}

runWhenScript(import.meta.url, 'models:demo', main);
