/**
 * `npm run vectors:example`: writes an item-vectors file of any format `build:models --item-vectors`
 * reads, for a catalogue some model folder was built from, made to differ from what the builder
 * computes itself. It stands in for a shop's own embedding pipeline where none is at hand (here:
 * no network, no large model), so that the import path can be built, evaluated and demonstrated:
 *
 *   v_i = tanh(normalise(e_i) G)   (G: a seeded T x --dim matrix of standard normals)
 *
 * with e_i the built-in encoder's vector of the item's text under --template (by default without
 * the category and description the builder embeds), and a seeded --drop share of the items left
 * out, so that the fallback for items without a vector is exercised too. The tanh makes the map
 * from the encoder's space non-linear, as a different model's would be.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { normalise } from '../../core/rank.ts';
import { seededRandom } from '../../core/random.ts';
import { parseBuildOptions } from '../lib/build-options.ts';
import { integerOption, numberOption, parseOptions, runWhenScript, UsageError } from '../lib/cli-args.ts';
import { embedTexts } from '../lib/embed.ts';
import { readCatalog } from '../lib/ingest/catalog-input.ts';
import { createProblemLog } from '../lib/ingest/problems.ts';
import { parseTextTemplate } from '../lib/ingest/text-template.ts';
import { writeItemVectorFile } from '../lib/item-vector-files.ts';
import { gaussian } from '../lib/linalg.ts';
import { ENCODER, loadNodeSentenceEncoder } from '../lib/node-encoder.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { MAX_IMPORTED_DIM } from '../lib/ingest/item-vectors-input.ts';

const USAGE = `Usage:
  npm run vectors:example -- --like <model dir> --out <file.npy|.parquet|.arrow|.jsonl> [options]

Writes example item vectors for the catalogue <model dir> was built from: the built-in encoder's
vectors of another text template, randomly projected and bent by tanh (a stand-in for a shop's own
embedding model). An .npy file gets its ids next to it as <file>.ids.txt.

  --like <dir>        a model folder from npm run build:models (its build-report.json names the catalogue)
  --out <file>        the file to write; its extension picks the format
  --dim <n>           vector size, 1..${MAX_IMPORTED_DIM} (default 1024)
  --template <t>      the text embedded (default "{title}. {brand}")
  --drop <share>      share of the items left without a vector, 0..0.9 (default 0.05)
  --seed <n>          seed of the projection and the dropped items (default 1)
  -h, --help          show this help`;

/**
 * @param argv the arguments after the script name.
 * @returns the exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const values = parseOptions(argv, {
    like: { type: 'string' },
    out: { type: 'string' },
    dim: { type: 'string' },
    template: { type: 'string' },
    drop: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (values.like === undefined || values.out === undefined) throw new UsageError(`--like and --out are required\n\n${USAGE}`);
  const dim = integerOption('--dim', values.dim, 1024, 1, MAX_IMPORTED_DIM);
  const drop = numberOption('--drop', values.drop, 0.05, 0, 0.9);
  const seed = integerOption('--seed', values.seed, 1, 0, 2 ** 31 - 1);
  const template = parseTextTemplate(values.template ?? '{title}. {brand}');

  const reportFile = join(resolve(values.like), 'build-report.json');
  const build = parseBuildOptions((JSON.parse(await readFile(reportFile, 'utf8')) as { options?: unknown }).options, reportFile);
  const catalogFile = isAbsolute(build.catalog) ? build.catalog : resolve(REPO_ROOT, build.catalog);
  const catalog = readCatalog(new Uint8Array(await readFile(catalogFile)), catalogFile, {
    fields: build.fields,
    template,
    textCase: build.textCase,
    problems: createProblemLog(catalogFile, { strict: false, code: 'CATALOG_INVALID' }),
  });
  const embedded = await embedTexts(catalog.texts, { encoderVersion: ENCODER.version, loadEncoder: () => loadNodeSentenceEncoder() });
  const random = seededRandom(seed);
  const textDim = embedded.dim;
  // Each coordinate of t G then has unit variance: about a third of them lie past ±1, where tanh bends.
  const projection = Float32Array.from({ length: textDim * dim }, () => gaussian(random));
  const ids: string[] = [];
  const vectors: Float32Array[] = [];
  catalog.items.forEach((item, row) => {
    if (random() < drop) return;
    const text = normalise(embedded.vectors.slice(row * textDim, (row + 1) * textDim));
    const vector = new Float32Array(dim);
    for (let k = 0; k < textDim; k++) {
      const t = text[k] ?? 0;
      for (let j = 0; j < dim; j++) vector[j] = (vector[j] ?? 0) + t * (projection[k * dim + j] ?? 0);
    }
    for (let j = 0; j < dim; j++) vector[j] = Math.tanh(vector[j] ?? 0);
    ids.push(item.id);
    vectors.push(vector);
  });
  const written = await writeItemVectorFile(values.out, ids, vectors);
  console.log(
    `vectors:example: wrote ${written.join(' and ')}: ${ids.length} of ${catalog.items.length} items, ${dim}-d, from "${template.source}" (${embedded.embedded} texts embedded, ${embedded.cached} from cache)`,
  );
  return 0;
}

runWhenScript(import.meta.url, 'vectors:example', main);
