/**
 * Starts a worker thread on a TypeScript module's exported function. The offline tools run under
 * tsx, whose loader worker threads do not inherit, so the worker is a small CommonJS script that
 * loads tsx's ESM API, imports the module through it and calls the entry with the given data.
 */
import { Worker } from 'node:worker_threads';

/** The module and exported function a worker runs. */
export interface WorkerEntry {
  readonly module: URL;
  readonly entry: string;
}

/** What the bootstrap script is started with. */
interface WorkerSetup {
  /** The URL of tsx's ESM API. */
  readonly tsx: string;
  readonly module: string;
  readonly entry: string;
  readonly data: unknown;
}

/**
 * The message a worker posts when its module or entry fails before the entry could report it
 * itself; every protocol built on startTsWorker reads `kind: 'failed'` as the worker's failure.
 */
export interface WorkerStartFailure {
  readonly kind: 'failed';
  readonly id: null;
  readonly message: string;
}

// An eval worker is a CommonJS script.
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.tsx)
  .then(({ tsImport }) => tsImport(workerData.module, workerData.module))
  .then((mod) => mod[workerData.entry](workerData.data))
  .catch((error) => parentPort.postMessage({ kind: 'failed', id: null, message: String((error && error.stack) || error) }));
`;

/**
 * @param entry the module and the exported function to call in the worker.
 * @param data passed to the entry (structured-cloned; a SharedArrayBuffer is shared).
 */
export function startTsWorker(entry: WorkerEntry, data?: unknown): Worker {
  const setup: WorkerSetup = { tsx: import.meta.resolve('tsx/esm/api'), module: entry.module.href, entry: entry.entry, data };
  return new Worker(BOOTSTRAP, { eval: true, workerData: setup });
}
