/**
 * `npm run encoder:check [-- --models models/demo] [--every 8]`: generates the quantised query
 * encoder when missing or stale, and prints what it weighs and what it costs: the cosine between
 * the float32 and quantised embeddings of the demo catalogue's titles and descriptions (every
 * `--every`th item, each text on its own) and of SHOPPING_QUERIES. The figures in
 * docs/decisions/search-encoder-quantisation.md come from this command.
 *
 * `--ensure` only generates the folder when needed and prints it as one JSON line
 * (QuantisedEncoderFolder): vite.config.ts runs that to serve and ship the encoder, since the
 * root config files import no src module (eslint.config.js).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCatalog } from '../../core/catalog.ts';
import { parseManifest, MANIFEST_FILE } from '../../core/manifest.ts';
import { integerOption, parseOptions, runWhenScript, UsageError } from './cli-args.ts';
import { DEMO_MODEL_DIR } from './paths.ts';
import { compareEncoders, summariseCosines } from './quantise-encoder-check.ts';
import { ensureQuantisedEncoder } from './quantise-encoder-cache.ts';
import { SHOPPING_QUERIES } from './quantise-encoder-queries.ts';

/**
 * The catalogue texts of the check: the title and the description of every `every`th item.
 * @param modelDir a built model folder.
 * @param every take items 0, every, 2 * every, ...
 */
export async function catalogueTexts(modelDir: string, every: number): Promise<string[]> {
  const manifest = parseManifest(JSON.parse(await readFile(join(modelDir, MANIFEST_FILE), 'utf8')) as unknown, join(modelDir, MANIFEST_FILE));
  const catalogFile = join(modelDir, manifest.files.catalog.path);
  const items = parseCatalog(JSON.parse(await readFile(catalogFile, 'utf8')) as unknown, manifest.itemCount, catalogFile);
  return items.filter((_, i) => i % every === 0).flatMap((item) => [item.title, item.description].filter((text) => text.trim() !== ''));
}

/** @param argv the arguments after the script name. @returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: { models: string; every: number; ensure: boolean };
  try {
    const values = parseOptions(argv, { models: { type: 'string' }, every: { type: 'string' }, ensure: { type: 'boolean' } } as const);
    options = {
      models: resolve(values.models ?? DEMO_MODEL_DIR),
      every: integerOption('--every', values.every, 8, 1, Number.POSITIVE_INFINITY),
      ensure: values.ensure === true,
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`encoder:check: ${error.message}\nUsage: npm run encoder:check [-- --models <model folder>] [--every <n>] [--ensure]`);
    return 2;
  }
  const folder = await ensureQuantisedEncoder();
  if (options.ensure) {
    console.log(JSON.stringify(folder));
    return 0;
  }
  console.log(`encoder:check: ${folder.id} in ${folder.dir}`);
  console.log(`  bytes the browser downloads (model.json + shards + vocab.json): float32 ${folder.sourceBytes}, quantised ${folder.bytes}`);
  const items = await catalogueTexts(options.models, options.every);
  const texts = [...items, ...SHOPPING_QUERIES];
  const all = await compareEncoders(texts);
  const line = (label: string, from: number, to: number): void => {
    const part = summariseCosines(texts.slice(from, to), all.cosines.slice(from, to));
    console.log(`  ${label}: ${part.texts} texts, cosine mean ${part.meanCosine.toFixed(5)}, min ${part.minCosine.toFixed(5)}`);
  };
  line(`catalogue titles + descriptions (every ${options.every}th item of ${options.models})`, 0, items.length);
  line('short shopping queries (quantise-encoder-queries.ts)', items.length, texts.length);
  line('all', 0, texts.length);
  for (const { text, cosine } of all.worst) console.log(`    ${cosine.toFixed(5)}  ${JSON.stringify(text.slice(0, 80))}`);
  return 0;
}

runWhenScript(import.meta.url, 'encoder:check', main);
