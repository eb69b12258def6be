/**
 * `npm run train:sequence`'s command line: the options, their defaults and validation (naming the
 * bad value), and the help text. cli.ts runs the training they describe.
 */
import { availableParallelism } from 'node:os';
import { integerOption, numberOption, parseOptions, UsageError } from '../lib/cli-args.ts';

/** The help text. */
export const USAGE = `Usage: npm run train:sequence -- --models <dir> [options]

Trains a causal self-attention next-item model (SASRec-style, full-softmax cross-entropy) on the
training part of the model's own log and adds it to the model folder.

  --models <dir>             a folder written by npm run build:models with --holdout-last 2 or --train-before
  --epochs <n>               passes over the training sequences (default 10)
  --blocks <n>               attention blocks (default 2)
  --heads <n>                attention heads, a divisor of the model's dim (default 2)
  --max-length <n>           latest items the model reads (default 50)
  --learning-rate <x>        Adam's step size (default 0.001)
  --dropout <x>              dropout rate while training (default 0.5)
  --batch-positions <n>      training positions per step, about (default 1024)
  --threads <n>              data-parallel training threads, one core each (default: the machine's cores, at
                             most 8)
  --validation-limit <n>     validation users scored after each epoch: a random sample drawn with --seed, the
                             same users every epoch (default 3000; 0: none; at least the number of users: all)
  --resume                   start from the folder's sequence model instead of the fused vectors
  --allow-missing-items      accept a model that lacks catalogue items (as npm run eval)
  --seed <n>                 initialisation, shuffling, dropout and the validation sample (default 1)
  --docs                     also write the model's training section of docs/results.md
  --render-report            only re-render sequence-report.md (and with --docs docs/results.md) from the
                             folder's sequence-report.json
  --help`;

/** The trainer's options, validated. */
export interface TrainCliOptions {
  readonly models: string;
  readonly epochs: number;
  readonly blocks: number;
  readonly heads: number;
  readonly maxLength: number;
  readonly learningRate: number;
  readonly dropout: number;
  readonly batchPositions: number;
  readonly threads: number;
  readonly validationLimit: number;
  readonly resume: boolean;
  readonly allowMissingItems: boolean;
  readonly seed: number;
  readonly docs: boolean;
  readonly renderReport: boolean;
}

// Each thread holds a copy of the weights and Adam's state, and a share of a 1,024-position batch
// much below 128 positions keeps a core more busy with messages than with arithmetic.
const MAX_DEFAULT_THREADS = 8;

/** The command line's options (values typed through `as const`). */
const OPTIONS = {
  models: { type: 'string' },
  epochs: { type: 'string' },
  blocks: { type: 'string' },
  heads: { type: 'string' },
  'max-length': { type: 'string' },
  'learning-rate': { type: 'string' },
  dropout: { type: 'string' },
  'batch-positions': { type: 'string' },
  threads: { type: 'string' },
  'validation-limit': { type: 'string' },
  resume: { type: 'boolean' },
  'allow-missing-items': { type: 'boolean' },
  seed: { type: 'string' },
  docs: { type: 'boolean' },
  'render-report': { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/**
 * @param argv the arguments after the script name.
 * @returns the validated options, or 'help'.
 * @throws UsageError naming the bad option and value.
 */
export function parseCommandLine(argv: readonly string[]): TrainCliOptions | 'help' {
  const values = parseOptions(argv, OPTIONS);
  if (values.help === true) return 'help';
  if (values.models === undefined) throw new UsageError('--models <dir> is required');
  return {
    models: values.models,
    epochs: integerOption('--epochs', values.epochs, 10, 1, 10_000),
    blocks: integerOption('--blocks', values.blocks, 2, 1, 16),
    heads: integerOption('--heads', values.heads, 2, 1, 64),
    maxLength: integerOption('--max-length', values['max-length'], 50, 1, 1000),
    learningRate: numberOption('--learning-rate', values['learning-rate'], 0.001, 1e-9, 0.5),
    dropout: numberOption('--dropout', values.dropout, 0.5, 0, 0.95),
    batchPositions: integerOption('--batch-positions', values['batch-positions'], 1024, 1, 1_000_000),
    threads: integerOption('--threads', values.threads, Math.min(availableParallelism(), MAX_DEFAULT_THREADS), 1, 64),
    validationLimit: integerOption('--validation-limit', values['validation-limit'], 3000, 0, Number.POSITIVE_INFINITY),
    resume: values.resume === true,
    allowMissingItems: values['allow-missing-items'] === true,
    seed: integerOption('--seed', values.seed, 1, 0, 2 ** 31 - 1),
    docs: values.docs === true,
    renderReport: values['render-report'] === true,
  };
}
