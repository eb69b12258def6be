/**
 * `npm run scale:generate -- --items <n> --events <n> --out <dir> [--seed <n>] [--cache-dir <dir>]`:
 * writes a synthetic shop (generate-scale.ts) as `items.jsonl` and `events.csv` in --out, for the
 * builder's scale test (README, "Scale"). With --cache-dir it also fills that embedding cache with
 * synthetic 512-d vectors for exactly the texts the build will embed (one cluster per category), so
 * a build over it runs "embedding from cache" and measures every other step: embedding a million
 * texts with the real encoder takes about half a day per core here, which sharded embedding
 * (`build:models --shard`) spreads over machines instead.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { normalise } from '../../core/rank.ts';
import { seededRandom } from '../../core/random.ts';
import { ENCODER } from '../../engine/text-encoder.ts';
import { readCatalogStep } from '../builder/build-inputs.ts';
import { TEXT_DIM } from '../builder/build-model.ts';
import { createBuildRun } from '../builder/build-run.ts';
import { parseCommandLine } from '../builder/parse-command-line.ts';
import { integerOption, parseOptions, readCommandLine, runWhenScript, UsageError } from '../lib/cli-args.ts';
import { cacheKey, openCache } from '../lib/embedding-cache.ts';
import { writeEvents, writeItems, type LineSink, type ScaleShape } from './generate-scale.ts';

const USAGE = `Usage: npm run scale:generate -- --items <n> --events <n> --out <dir> [--seed <n>] [--cache-dir <dir>]

Writes a synthetic catalogue (items.jsonl) and event log (events.csv) of the given sizes into --out,
with Zipf-like item and user popularity, sessions mostly within one category, carts and purchases.
--cache-dir also writes synthetic text vectors for every item into that embedding cache, so that
build:models --cache-dir <dir> embeds nothing (they are not the encoder's vectors: for measuring the
other steps only).`;

/** How far an item's synthetic text vector strays from its category's centre. */
const SPREAD = 0.6;
const CACHE_CHUNK = 10_000;

/** The command line: the shop's shape and where its files go, or what to do instead. */
interface Request {
  readonly shape: ScaleShape;
  readonly out: string;
  readonly cacheDir: string | undefined;
}

/** @throws UsageError naming the bad or missing option. */
function parseRequest(argv: readonly string[]): Request | 'help' {
  const values = parseOptions(argv, {
    items: { type: 'string' },
    events: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    'cache-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) return 'help';
  if (values.out === undefined) throw new UsageError('--out <dir> is required');
  const shape: ScaleShape = {
    items: integerOption('--items', values.items, 1_000_000, 1, 50_000_000),
    events: integerOption('--events', values.events, 20_000_000, 1, 2_000_000_000),
    seed: integerOption('--seed', values.seed, 1, 0, 2 ** 31 - 1),
  };
  return { shape, out: values.out, cacheDir: values['cache-dir'] };
}

export async function main(argv: readonly string[]): Promise<number> {
  const commandLine = readCommandLine('scale:generate', USAGE, () => parseRequest(argv));
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const request = commandLine.request;
  const { shape, out, cacheDir } = request;
  await mkdir(out, { recursive: true });
  const items = join(out, 'items.jsonl');
  const events = join(out, 'events.csv');
  const started = performance.now();
  await toFile(items, (sink) => writeItems(shape, sink));
  await toFile(events, (sink) => writeEvents(shape, sink));
  console.error(`scale:generate: wrote ${shape.items} items and ${shape.events} events to ${out} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (cacheDir !== undefined) {
    const texts = await fillCache(items, cacheDir, shape.seed);
    console.error(`scale:generate: wrote synthetic vectors for ${texts} texts to ${cacheDir}`);
  }
  console.error(
    `Build it with: /usr/bin/time -v npm run build:models -- --catalog ${items} --events ${events} --out <dir>${cacheDir === undefined ? '' : ` --cache-dir ${cacheDir}`}`,
  );
  return 0;
}

/** Streams lines into a file, waiting whenever the stream's buffer is full. */
async function toFile(file: string, write: (sink: LineSink) => Promise<void>): Promise<void> {
  const stream = createWriteStream(file);
  const sink: LineSink = { write: (lines) => (stream.write(lines) ? Promise.resolve() : drained(stream)) };
  await write(sink);
  await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

const drained = (stream: WriteStream): Promise<void> => new Promise((resolve) => stream.once('drain', () => resolve()));

/**
 * Reads the catalogue as the build does (its default mapping and text template) and caches a vector
 * for each distinct text: its category's centre plus seeded noise, normalised.
 * @returns how many distinct texts were written.
 */
async function fillCache(itemsFile: string, cacheDir: string, seed: number): Promise<number> {
  const options = parseCommandLine(['--catalog', itemsFile, '--shard', '1/1', '--quiet']);
  if (typeof options === 'string') throw new Error('unreachable: the build options are a build');
  const { catalog } = await readCatalogStep(options, createBuildRun(true, {}));
  const random = seededRandom(seed + 2);
  const centres = new Map<string, Float32Array>();
  const centre = (category: string): Float32Array => {
    let found = centres.get(category);
    if (found === undefined) centres.set(category, (found = normalise(Float32Array.from({ length: TEXT_DIM }, () => random() - 0.5))));
    return found;
  };
  const cache = await openCache(cacheDir, ENCODER.version, null);
  await cache.reset(TEXT_DIM);
  const seen = new Set<string>();
  let entries: { key: string; vector: Float32Array }[] = [];
  for (const [row, text] of catalog.texts.entries()) {
    if (seen.has(text)) continue;
    seen.add(text);
    const base = centre(catalog.items[row]?.category ?? '');
    entries.push({ key: cacheKey(ENCODER.version, text), vector: normalise(Float32Array.from(base, (v) => v + SPREAD * (random() - 0.5))) });
    if (entries.length === CACHE_CHUNK) {
      await cache.add(entries);
      entries = [];
    }
  }
  if (entries.length > 0) await cache.add(entries);
  return seen.size;
}

runWhenScript(import.meta.url, 'scale:generate', main);
