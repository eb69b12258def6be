/**
 * Runs the sentence encoder on several cores: a pool of worker threads, each holding its own copy
 * of the encoder (TF.js's wasm backend is single-threaded in Node, so one process uses one core).
 * The pool is itself a SentenceEncoder, so embed.ts batches through it unchanged and stays the
 * only writer of the embedding cache (in the main thread). A batch is cut into small chunks that
 * idle workers pull from a queue, so a worker that got short texts is not left waiting.
 *
 * Both sides of the message protocol are here (`createEncoderPool` in the main thread,
 * `serveEncoder` in a worker), typed as one discriminated union on `kind`. Workers start from
 * TypeScript sources (ts-worker.ts), so the worker entry is a module URL plus an export name.
 */
import { isMainThread, parentPort, type Worker } from 'node:worker_threads';
import { RecError } from '../../core/errors.ts';
import type { SentenceEncoder } from '../../engine/text-encoder.ts';
import { startTsWorker, type WorkerEntry, type WorkerStartFailure } from './ts-worker.ts';

/** Main thread -> worker. */
type ToWorker = { readonly kind: 'embed'; readonly id: number; readonly texts: readonly string[] };

/** Worker -> main thread. */
type FromWorker =
  | { readonly kind: 'ready'; readonly dim: number }
  | { readonly kind: 'embedded'; readonly id: number; readonly vectors: Float32Array }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string }
  | WorkerStartFailure;

export interface EncoderPoolOptions {
  /** Worker threads (>= 1). */
  readonly size: number;
  readonly worker: WorkerEntry;
  /**
   * Texts per chunk handed to one worker (default 64: with length-sorted texts, room for a few
   * full groups of one token count; smaller runs less efficiently, larger balances worse).
   */
  readonly chunkSize?: number;
}

/** A SentenceEncoder spread over worker threads. */
export interface EncoderPool extends SentenceEncoder {
  readonly size: number;
}

/**
 * Starts `size` workers and waits until each has loaded its encoder.
 * @param options pool size, worker entry and chunk size.
 * @throws RecError ENCODER_UNAVAILABLE when a worker fails to start (the others are stopped).
 */
export async function createEncoderPool(options: EncoderPoolOptions): Promise<EncoderPool> {
  if (!Number.isInteger(options.size) || options.size < 1)
    throw new RecError('CONFIG_INVALID', `the encoder pool needs at least 1 worker, found ${options.size}`);
  const chunkSize = options.chunkSize ?? 64;
  const workers = Array.from({ length: options.size }, () => startTsWorker(options.worker));
  const stopAll = (): void => {
    for (const worker of workers) void worker.terminate();
  };

  let dim = 0;
  try {
    const dims = await Promise.all(workers.map((worker) => firstMessage(worker)));
    dim = dims[0] ?? 0;
    if (dims.some((d) => d !== dim)) throw new RecError('INTERNAL', `workers loaded encoders of different sizes: ${dims.join(', ')}`);
  } catch (error) {
    stopAll();
    throw error;
  }

  type Job = { readonly id: number; readonly texts: readonly string[]; resolve(vectors: Float32Array): void; reject(error: Error): void };
  const queue: Job[] = [];
  const busy = new Map<Worker, Job>();
  let nextId = 0;
  let failure: Error | null = null;
  const dispatch = (): void => {
    for (const worker of workers) {
      if (busy.has(worker)) continue;
      const job = queue.shift();
      if (job === undefined) return;
      busy.set(worker, job);
      worker.postMessage({ kind: 'embed', id: job.id, texts: job.texts } satisfies ToWorker);
    }
  };
  const fail = (error: Error): void => {
    failure ??= error;
    for (const job of [...busy.values(), ...queue.splice(0)]) job.reject(error);
    busy.clear();
  };
  for (const worker of workers) {
    worker.on('message', (message: FromWorker) => {
      const job = busy.get(worker);
      if (message.kind === 'embedded' && job !== undefined && job.id === message.id) {
        busy.delete(worker);
        job.resolve(message.vectors);
        dispatch();
      } else if (message.kind === 'failed') {
        fail(new RecError('ENCODER_UNAVAILABLE', `an encoder worker failed: ${message.message}`));
      }
    });
    worker.on('error', (error: unknown) =>
      fail(new RecError('ENCODER_UNAVAILABLE', `an encoder worker crashed: ${describeError(error)}`, {}, { cause: error })),
    );
    worker.on('exit', (code) => {
      if (busy.has(worker)) fail(new RecError('ENCODER_UNAVAILABLE', `an encoder worker exited with code ${code}`));
    });
  }

  const run = (texts: readonly string[]): Promise<Float32Array> =>
    new Promise((resolve, reject) => {
      if (failure !== null) return reject(failure);
      queue.push({ id: nextId++, texts, resolve, reject });
      dispatch();
    });

  return {
    dim,
    size: options.size,
    async embed(texts) {
      const chunks: (readonly string[])[] = [];
      for (let start = 0; start < texts.length; start += chunkSize) chunks.push(texts.slice(start, start + chunkSize));
      const results = await Promise.all(chunks.map(run));
      const out = new Float32Array(texts.length * dim);
      results.forEach((vectors, i) => out.set(vectors, i * chunkSize * dim));
      return out;
    },
    dispose: stopAll,
  };
}

/** Resolves with the encoder's dim from a worker's 'ready' message, or rejects on its failure. */
function firstMessage(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      cleanup();
      if (message.kind === 'ready') resolve(message.dim);
      else reject(new RecError('ENCODER_UNAVAILABLE', `an encoder worker failed to start: ${message.kind === 'failed' ? message.message : message.kind}`));
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(new RecError('ENCODER_UNAVAILABLE', `an encoder worker failed to start: ${describeError(error)}`, {}, { cause: error }));
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new RecError('ENCODER_UNAVAILABLE', `an encoder worker exited with code ${code} while starting`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * The worker side: loads an encoder, says 'ready', then embeds what it is sent until terminated.
 * Call it from a worker entry function (see WorkerEntry).
 * @param load loads the encoder inside the worker.
 */
export async function serveEncoder(load: () => Promise<SentenceEncoder>): Promise<void> {
  const port = parentPort;
  if (isMainThread || port === null) throw new RecError('INTERNAL', 'serveEncoder() runs only inside a worker thread');
  const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  let encoder: SentenceEncoder;
  try {
    encoder = await load();
  } catch (error) {
    post({ kind: 'failed', id: null, message: describeError(error) });
    return;
  }
  // Messages are handled one at a time: the pool sends a worker its next chunk only after a reply.
  port.on('message', (message: ToWorker) => {
    encoder.embed(message.texts).then(
      (vectors) => post({ kind: 'embedded', id: message.id, vectors }, [vectors.buffer as ArrayBuffer]),
      (error: unknown) => post({ kind: 'failed', id: message.id, message: describeError(error) }),
    );
  });
  post({ kind: 'ready', dim: encoder.dim });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
