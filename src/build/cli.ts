/**
 * `npm run build:models -- --catalog <items.jsonl> --out models/<name>`: builds a model folder from a
 * shop's JSONL catalogue (embed with the sentence encoder through the cache, write and verify with
 * write-model.ts). `--demo` is an alias of `npm run models:demo`. Deliberately small: field mapping,
 * images and popularity inputs are later issues. Exit codes: 0 ok, 1 build failed, 2 bad usage or
 * malformed catalogue lines.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { toRecError } from '../core/errors.ts';
import { VECTOR_DTYPES, type VectorDtype } from '../core/vectors.ts';
import { buildDemo, formatBytes } from './build-demo.ts';
import { DEFAULT_BATCH_SIZE, embedTexts, itemText } from './embed.ts';
import { parseJsonlCatalog } from './jsonl-catalog.ts';
import { createProgress, formatSeconds } from './progress.ts';
import { writeModel } from './write-model.ts';

const USAGE = `Usage:
  npm run build:models -- --catalog <items.jsonl> --out models/<name> [options]
  npm run build:models -- --demo [--force]

Builds a model folder (manifest.json, vectors, catalog.json) from a JSON Lines catalogue:
one object per line with id, title, and optionally category, description, price, image.

Options:
  --catalog <file>      the JSONL catalogue (required unless --demo)
  --out <dir>           the model folder to write (required unless --demo)
  --catalog-id <id>     id recorded in the manifest (default: the --out folder's name)
  --dtype <type>        vector storage: ${VECTOR_DTYPES.join(', ')} (default float32)
  --batch-size <n>      texts per encoder call (default ${DEFAULT_BATCH_SIZE})
  --no-cache            do not read or write the embedding cache (.cache/embeddings)
  --skip-invalid        build from the valid lines even if some are malformed
  --demo                build models/demo (same as npm run models:demo)
  --force               with --demo: rebuild even if up to date
  -h, --help            show this help`;

/** Thrown for bad command-line usage; printed with the usage hint. */
class UsageError extends Error {}

/**
 * Runs the command line.
 * @param argv the arguments after the script name.
 * @returns the process exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        catalog: { type: 'string' },
        out: { type: 'string' },
        'catalog-id': { type: 'string' },
        dtype: { type: 'string' },
        'batch-size': { type: 'string' },
        'no-cache': { type: 'boolean' },
        'skip-invalid': { type: 'boolean' },
        demo: { type: 'boolean' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageFailure((error as Error).message);
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (values.demo === true) {
    await buildDemo({ force: values.force === true });
    return 0;
  }
  try {
    if (values.catalog === undefined) throw new UsageError('--catalog <items.jsonl> is required');
    if (values.out === undefined) throw new UsageError('--out <dir> is required');
    const dtype = values.dtype ?? 'float32';
    if (!(VECTOR_DTYPES as readonly string[]).includes(dtype)) throw new UsageError(`--dtype must be one of ${VECTOR_DTYPES.join(', ')}, found "${dtype}"`);
    const batchSize = values['batch-size'] === undefined ? DEFAULT_BATCH_SIZE : Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch-size must be a positive integer, found "${values['batch-size']}"`);
    return await buildFromJsonl({
      catalog: values.catalog,
      out: values.out,
      catalogId: values['catalog-id'] ?? basename(resolve(values.out)),
      dtype: dtype as VectorDtype,
      batchSize,
      cache: values['no-cache'] !== true,
      skipInvalid: values['skip-invalid'] === true,
    });
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error.message);
    throw error;
  }
}

interface JsonlBuild {
  readonly catalog: string;
  readonly out: string;
  readonly catalogId: string;
  readonly dtype: VectorDtype;
  readonly batchSize: number;
  readonly cache: boolean;
  readonly skipInvalid: boolean;
}

async function buildFromJsonl(build: JsonlBuild): Promise<number> {
  const started = performance.now();
  const parsed = parseJsonlCatalog(await readFile(build.catalog, 'utf8'), build.catalog);
  for (const problem of parsed.problems.slice(0, 50)) console.error(problem);
  if (parsed.problems.length > 50) console.error(`... and ${parsed.problems.length - 50} more malformed lines`);
  if (parsed.problems.length > 0 && !build.skipInvalid) {
    console.error(`build:models: ${parsed.problems.length} of ${parsed.lines} lines are malformed; fix them or pass --skip-invalid`);
    return 2;
  }
  if (parsed.items.length === 0) {
    console.error(`build:models: ${build.catalog} has no valid items`);
    return 2;
  }
  const { ENCODER, loadNodeSentenceEncoder } = await import('./node-encoder.ts');
  const embedding = await embedTexts(parsed.items.map(itemText), {
    encoderVersion: ENCODER.version,
    loadEncoder: () => loadNodeSentenceEncoder((line) => console.error(`build:models: ${line}`)),
    ...(build.cache ? {} : { cacheDir: null }),
    batchSize: build.batchSize,
    progress: (total) => createProgress('build:models: embedding', total),
  });
  const written = await writeModel({
    outDir: build.out,
    catalogId: build.catalogId,
    items: parsed.items,
    vectors: embedding.vectors,
    dim: embedding.dim,
    dtype: build.dtype,
    encoder: ENCODER,
  });
  console.log(
    `build:models: wrote ${written.dir} in ${formatSeconds((performance.now() - started) / 1000)}: ${written.manifest.itemCount} items, dim ${written.manifest.dim} ${written.manifest.dtype}, ` +
      `${formatBytes(written.modelBytes)}; embedded ${embedding.embedded}, from cache ${embedding.cached}` +
      (parsed.problems.length > 0 ? `; skipped ${parsed.problems.length} malformed lines` : ''),
  );
  return 0;
}

function usageFailure(message: string): number {
  console.error(`build:models: ${message}\nRun with --help for usage.`);
  return 2;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`build:models: ${toRecError(error).message}`);
      process.exitCode = 1;
    },
  );
}
