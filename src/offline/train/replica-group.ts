/**
 * Data-parallel training on several cores: replica 0 runs in the calling thread (it owns the
 * weights the caller checkpoints), the others in worker threads (TF.js's wasm backend uses one core
 * per thread in Node). Gradient shares travel through one SharedArrayBuffer, a region per replica;
 * messages carry only the batch, the order to apply, and the weights' fingerprint. See replica.ts
 * for why the replicas stay equal.
 *
 * Both sides of the message protocol are here (`startReplicas` in the calling thread,
 * `serveReplica` in a worker), typed as one discriminated union on `kind`.
 */
import { isMainThread, parentPort, type Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { RecError } from '../../core/errors.ts';
import { initBackend } from '../../engine/backend.ts';
import { startTsWorker, type WorkerEntry, type WorkerStartFailure } from '../lib/ts-worker.ts';
import type { Batch } from './batches.ts';
import { createReplica, gradientLayout, trainableWeights, type ReplicaSettings } from './replica.ts';

/** Calling thread -> worker. */
type ToReplica = { readonly kind: 'step'; readonly batch: Batch } | { readonly kind: 'apply' } | { readonly kind: 'fingerprint' };

/** Worker -> calling thread: one reply per message, in order, after 'ready'. */
type FromReplica =
  | { readonly kind: 'ready' }
  | { readonly kind: 'computed'; readonly loss: number }
  | { readonly kind: 'applied' }
  | { readonly kind: 'fingerprint'; readonly value: number }
  | WorkerStartFailure;

/** What a worker replica starts from. */
interface ReplicaSetup {
  readonly settings: ReplicaSettings;
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[]; readonly values: Float32Array }[];
  /** count regions of the gradient layout's size, replica r's share in region r. */
  readonly shares: SharedArrayBuffer;
  readonly index: number;
  readonly count: number;
}

/** Every replica stepping together. */
export interface ReplicaGroup {
  readonly count: number;
  /** One synchronous step on a batch; resolves with the batch's mean loss. */
  step(batch: Batch): Promise<number>;
  /** @throws RecError INTERNAL when a replica's weights differ from the calling thread's. */
  checkAgreement(): Promise<void>;
  /** Stops the workers and frees the calling thread's optimizer. */
  dispose(): void;
}

/**
 * @param weights the trainable weights by name (variables of the calling thread; each worker gets a copy).
 * @param settings architecture, step size and dropout.
 * @param count replicas in all (1: no workers).
 * @param entry what a worker thread runs: `serveReplica`, or in tests a stand-in.
 * @throws RecError INTERNAL when a worker fails to start (the others are stopped).
 */
export async function startReplicas(
  weights: ReadonlyMap<string, tf.Variable>,
  settings: ReplicaSettings,
  count: number,
  entry: WorkerEntry = { module: new URL(import.meta.url), entry: 'serveReplica' },
): Promise<ReplicaGroup> {
  const layout = gradientLayout(weights);
  const shares = new SharedArrayBuffer(count * layout.size * Float32Array.BYTES_PER_ELEMENT);
  const regions = shareRegions(shares, count, layout.size);
  const copies = [...weights].map(([name, variable]) => ({ name, shape: variable.shape, values: variable.dataSync() as Float32Array }));
  const workers = Array.from({ length: count - 1 }, (_, i) =>
    replyChannel(
      startTsWorker(entry, {
        settings,
        weights: copies,
        shares,
        index: i + 1,
        count,
      } satisfies ReplicaSetup),
    ),
  );
  const stopAll = (): void => {
    for (const worker of workers) worker.stop();
  };
  try {
    await Promise.all(workers.map((worker) => worker.next<'ready'>()));
  } catch (error) {
    stopAll();
    throw error;
  }
  const local = createReplica(weights, settings, 0, count);
  return {
    count,
    async step(batch) {
      const computed = workers.map((worker) => worker.request<'computed'>({ kind: 'step', batch }));
      let loss = local.computeShare(batch, regions[0] as Float32Array);
      for (const reply of await Promise.all(computed)) loss += reply.loss;
      const applied = workers.map((worker) => worker.request<'applied'>({ kind: 'apply' }));
      local.apply(regions);
      await Promise.all(applied);
      return loss;
    },
    async checkAgreement() {
      const own = local.fingerprint();
      const theirs = await Promise.all(workers.map((worker) => worker.request<'fingerprint'>({ kind: 'fingerprint' })));
      const differing = theirs.findIndex((reply) => reply.value !== own);
      if (differing >= 0) throw new RecError('INTERNAL', `training replica ${differing + 1} no longer has the same weights as replica 0`);
    },
    dispose() {
      stopAll();
      local.dispose();
    },
  };
}

/** Replica r's gradient share: the r-th of `count` runs of `size` floats in the shared buffer. */
function shareRegions(shares: SharedArrayBuffer, count: number, size: number): Float32Array[] {
  return Array.from({ length: count }, (_, r) => new Float32Array(shares, r * size * Float32Array.BYTES_PER_ELEMENT, size));
}

/** A worker whose replies are awaited in order; its failure rejects every wait, then and later. */
interface ReplyChannel {
  next<K extends FromReplica['kind']>(): Promise<Extract<FromReplica, { kind: K }>>;
  request<K extends FromReplica['kind']>(message: ToReplica): Promise<Extract<FromReplica, { kind: K }>>;
  stop(): void;
}

// The worker answers every message once and in order, so the reply to a request is the next one
// (the type parameter only names its kind).
function replyChannel(worker: Worker): ReplyChannel {
  const waiting: { resolve(reply: FromReplica): void; reject(error: Error): void }[] = [];
  let failure: Error | null = null;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(failure);
  };
  worker.on('message', (reply: FromReplica) => {
    if (reply.kind === 'failed') fail(new RecError('INTERNAL', `a training replica failed: ${reply.message}`));
    else waiting.shift()?.resolve(reply);
  });
  worker.on('error', (error: unknown) => fail(new RecError('INTERNAL', `a training replica crashed: ${describeError(error)}`, {}, { cause: error })));
  worker.on('exit', (code) => fail(new RecError('INTERNAL', `a training replica exited with code ${code}`)));
  const next = <K extends FromReplica['kind']>(): Promise<Extract<FromReplica, { kind: K }>> =>
    new Promise((resolve, reject) => {
      if (failure !== null) return reject(failure);
      waiting.push({ resolve: resolve as (reply: FromReplica) => void, reject });
    });
  return {
    next,
    request<K extends FromReplica['kind']>(message: ToReplica) {
      const reply = next<K>();
      worker.postMessage(message satisfies ToReplica);
      return reply;
    },
    stop() {
      void worker.terminate();
    },
  };
}

/**
 * The worker side (a worker entry, see ts-worker.ts): makes its copy of the weights on wasm, says
 * 'ready', then answers each message in turn until terminated.
 * @param setup the replica's settings, starting weights and shared gradient regions.
 */
export async function serveReplica(setup: ReplicaSetup): Promise<void> {
  const port = parentPort;
  if (isMainThread || port === null) throw new RecError('INTERNAL', 'serveReplica() runs only inside a worker thread');
  const post = (message: FromReplica): void => port.postMessage(message);
  await initBackend({ preferred: 'wasm', allowed: ['wasm'] });
  const starting = new Map(setup.weights.map(({ name, shape, values }) => [name, tf.tensor(values, [...shape])]));
  const weights = trainableWeights(starting);
  tf.dispose([...starting.values()]);
  const layout = gradientLayout(weights);
  const regions = shareRegions(setup.shares, setup.count, layout.size);
  const replica = createReplica(weights, setup.settings, setup.index, setup.count);
  const answer = (message: ToReplica): FromReplica => {
    switch (message.kind) {
      case 'step':
        return { kind: 'computed', loss: replica.computeShare(message.batch, regions[setup.index] as Float32Array) };
      case 'apply':
        replica.apply(regions);
        return { kind: 'applied' };
      case 'fingerprint':
        return { kind: 'fingerprint', value: replica.fingerprint() };
    }
  };
  port.on('message', (message: ToReplica) => {
    try {
      post(answer(message));
    } catch (error) {
      post({ kind: 'failed', id: null, message: describeError(error) });
    }
  });
  post({ kind: 'ready' });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
