/**
 * `npm run train:sequence -- --models <dir> [options]`: trains the sequence model on the training
 * part of the log a built model was made from (the same hold-out the evaluation uses, so no
 * validation or test event is seen), and adds it to the model folder (manifest, checksums).
 * After every epoch it prints the loss and, for leave-one-out models, HR@10 / NDCG@10 on the
 * validation targets of a seeded sample of users (the same every epoch); the best epoch by validation NDCG@10 (the latest for temporal models, which
 * have no validation part) is the checkpoint kept in the folder. `sequence-report.json` records the
 * command, sizes, timings and the per-epoch history; with `--docs` it also becomes the model's
 * `train:` section of docs/results.md.
 */
import { readCommandLine } from '../lib/cli-args.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { RecError, toRecError } from '../../core/errors.ts';
import type { SequenceArchitecture } from '../../core/sequence-spec.ts';
import { initBackend } from '../../engine/backend.ts';
import { decodeSequenceWeights, encodeSequenceModel, type SequenceWeights } from '../../engine/sequence-model.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { formatSeconds } from '../lib/progress.ts';
import { addSequenceModel, verifyModelDir } from '../lib/write-model.ts';
import { modelSplit, sampleCases, type EvalSplit } from '../eval/dataset.ts';
import { evaluateMethods } from '../eval/evaluate.ts';
import { loadModelInputs } from '../eval/load.ts';
import { updateResultsDocument } from '../eval/report.ts';
import { createSequenceMethod } from '../eval/sequence-method.ts';
import { parseCommandLine, USAGE, type TrainCliOptions } from './cli-options.ts';
import { trainingPositions } from './batches.ts';
import { trainSequenceModel, type EpochRecord } from './train-sequence.ts';

/**
 * @param argv the arguments after the script name.
 * @returns the exit code.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const commandLine = readCommandLine('train:sequence', USAGE, () => parseCommandLine(argv));
  if ('exitCode' in commandLine) return commandLine.exitCode;
  const options = commandLine.request;
  if (options.renderReport) {
    await writeTrainingReports(options);
    return 0;
  }
  const started = performance.now();
  await initBackend({ preferred: 'wasm', allowed: ['wasm', 'cpu'] });
  const inputs = await loadModelInputs(options.models, { allowMissingItems: options.allowMissingItems });
  const { model } = inputs;
  const splitOptions = { itemCount: model.items.length, maxHistory: options.maxLength, spacingMs: 0, modelDir: options.models };
  const split = modelSplit(inputs.build, inputs.events, { ...splitOptions, target: 'test' });
  const validation =
    split.protocol === 'leave-one-out' && options.validationLimit > 0
      ? sampleCases(modelSplit(inputs.build, inputs.events, { ...splitOptions, target: 'validation' }), options.validationLimit, options.seed)
      : null;
  const architecture: SequenceArchitecture = {
    itemCount: model.items.length,
    dim: model.manifest.dim,
    maxLength: options.maxLength,
    blocks: options.blocks,
    heads: options.heads,
    ffnDim: model.manifest.dim,
  };
  if (architecture.dim % architecture.heads !== 0)
    throw new RecError('CONFIG_INVALID', `--heads ${options.heads} does not divide the model's dim ${architecture.dim}`, { field: '--heads' });
  const initialWeights = options.resume && model.sequence !== null ? decodeSequenceWeights(model.sequence.spec, model.sequence.weights) : null;
  log(
    `${model.manifest.catalogId}: ${split.trainingByUser.length} training sequences (one per user), ${model.items.length} items, dim ${architecture.dim}, ${architecture.blocks} blocks x ${architecture.heads} heads, ${options.threads} training thread${options.threads === 1 ? '' : 's'}, ${validation === null ? 'no validation part' : `${validation.cases.length} validation users (a sample drawn with --seed ${options.seed})`}${initialWeights === null ? '' : ", resumed from the folder's model"}`,
  );

  // A resumed run must beat the checkpoint it started from to replace it (epoch 0 is that checkpoint).
  const startingScore =
    initialWeights !== null && validation !== null ? (await validate(initialWeights, architecture, validation))['validationNdcg10'] : undefined;
  if (startingScore !== undefined) log(`resumed model: validation NDCG@10 ${startingScore.toFixed(4)}`);
  let best: { epoch: number; score: number } | null = startingScore === undefined ? null : { epoch: 0, score: startingScore };
  const checkpoint = async (epoch: number, weights: SequenceWeights, history: readonly EpochRecord[]): Promise<void> => {
    const training = { command: ['npm run train:sequence --', ...argv].join(' '), epoch, history, protocol: split.protocol };
    const { spec, bytes } = await encodeSequenceModel(weights, architecture, 'sequence.bin', training, true);
    await addSequenceModel(options.models, spec, bytes);
    log(`  checkpoint: epoch ${epoch} written to ${options.models} (${(bytes.byteLength / 1e6).toFixed(2)} MB of weights)`);
  };
  const history: EpochRecord[] = [];
  // Written after every epoch, so a run stopped early still says what it did and what it kept.
  const writeReport = (finished: boolean): Promise<void> => {
    const report: TrainingReport = {
      tool: 'vitrine train:sequence',
      createdAt: new Date().toISOString(),
      command: ['npm run train:sequence --', ...argv].join(' '),
      backend: tf.getBackend(),
      threads: options.threads,
      architecture,
      parameters: parameterCount(architecture),
      trainingSequences: split.trainingByUser.length,
      positionsPerEpoch: trainingPositions(split.trainingByUser, architecture.maxLength),
      bestEpoch: (best as { epoch: number } | null)?.epoch ?? null,
      ...(model.sequence !== null && initialWeights !== null ? { resumedFrom: model.sequence.spec.training } : {}),
      finished,
      wallSeconds: (performance.now() - started) / 1000,
      history,
    };
    return writeFile(join(resolve(options.models), REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  };
  const trained = await trainSequenceModel(split.trainingByUser, {
    architecture,
    itemVectors: model.vectors,
    ...(initialWeights === null ? {} : { initialWeights }),
    epochs: options.epochs,
    learningRate: options.learningRate,
    dropout: options.dropout,
    batchPositions: options.batchPositions,
    threads: options.threads,
    seed: options.seed,
    onStep: (epoch, step, steps, loss) => process.stderr.write(`epoch ${epoch} step ${step}/${steps} loss ${loss.toFixed(4)}\r`),
    afterEpoch: async (weights, epochRecord) => {
      const { epoch, loss } = epochRecord;
      const metrics = validation === null ? {} : await validate(weights, architecture, validation);
      history.push({ ...epochRecord, ...metrics });
      log(
        `epoch ${epoch}: loss ${loss.toFixed(4)}${validation === null ? '' : `, validation HR@10 ${metrics['validationHr10']?.toFixed(4)} NDCG@10 ${metrics['validationNdcg10']?.toFixed(4)}`} (${formatSeconds((performance.now() - started) / 1000)} so far)`,
      );
      const score = metrics['validationNdcg10'] ?? epoch;
      if (best === null || score > best.score) {
        best = { epoch, score };
        await checkpoint(epoch, weights, history);
      }
      await writeReport(epoch === options.epochs);
      return metrics;
    },
  });
  for (const tensor of trained.weights.values()) tensor.dispose();
  for (const tensor of initialWeights?.values() ?? []) tensor.dispose();
  await writeTrainingReports(options);
  const report = JSON.parse(await readFile(join(resolve(options.models), REPORT_FILE), 'utf8')) as TrainingReport;
  log(`done in ${formatSeconds(report.wallSeconds)}; kept epoch ${report.bestEpoch}; report in ${join(options.models, 'sequence-report.json')}`);
  return 0;
}

const REPORT_FILE = 'sequence-report.json';

/**
 * Renders the folder's sequence-report.json as sequence-report.md and (with --docs) as the
 * model's `train:` section of docs/results.md, with the download size from the manifest.
 */
async function writeTrainingReports(options: Pick<TrainCliOptions, 'models' | 'docs'>): Promise<void> {
  const folder = resolve(options.models);
  const report = JSON.parse(await readFile(join(folder, REPORT_FILE), 'utf8')) as TrainingReport;
  const { manifest } = await verifyModelDir(folder);
  const markdown = renderTrainingMarkdown(report, manifest.catalogId, manifest.files.sequenceWeights?.bytes ?? 0);
  await writeFile(join(folder, 'sequence-report.md'), markdown);
  if (!options.docs) return;
  const docsFile = join(REPO_ROOT, 'docs/results.md');
  await writeFile(docsFile, updateResultsDocument(await readFile(docsFile, 'utf8').catch(() => ''), `train:${manifest.catalogId}`, markdown));
  log(`updated docs/results.md (section train:${manifest.catalogId})`);
}

interface TrainingReport {
  readonly tool: string;
  readonly createdAt: string;
  readonly command: string;
  readonly backend: string;
  /** Data-parallel training threads (absent in reports written before there were several). */
  readonly threads?: number;
  readonly architecture: SequenceArchitecture;
  readonly parameters: number;
  readonly trainingSequences: number;
  readonly positionsPerEpoch: number;
  /** Epoch 0 is the checkpoint a --resume run started from. */
  readonly bestEpoch: number | null;
  /** With --resume: the training record of the model it started from (its command and history). */
  readonly resumedFrom?: Readonly<Record<string, unknown>>;
  /** False while training (or when it was stopped): the report is rewritten after every epoch. */
  readonly finished: boolean;
  readonly wallSeconds: number;
  readonly history: readonly EpochRecord[];
}

/** The training section of docs/results.md (and sequence-report.md): every figure from the report. */
function renderTrainingMarkdown(report: TrainingReport, catalogId: string, weightsBytes: number): string {
  const a = report.architecture;
  const previous = report.resumedFrom;
  const previousHistory = Array.isArray(previous?.['history']) ? (previous['history'] as EpochRecord[]) : [];
  const stages = [
    ...(previous === undefined
      ? []
      : [
          `Resumed from the checkpoint of \`${String(previous['command'])}\` (its epoch ${String(previous['epoch'])}, epoch 0 below), whose epochs were:`,
          '',
          ...epochTable(previousHistory),
          '',
          'This run:',
          '',
        ]),
    ...epochTable(report.history),
  ];
  const validated = report.history.some((record) => record['validationHr10'] !== undefined);
  const seconds = report.wallSeconds + previousHistory.reduce((sum, record) => sum + record.seconds, 0);
  return [
    `## Sequence model training: ${catalogId}`,
    '',
    `Written by \`${report.command}\` (${report.createdAt}, TF.js ${report.backend} backend in Node, ${report.threads ?? 1} training thread${(report.threads ?? 1) === 1 ? '' : 's'}).`,
    '',
    `- Architecture: ${a.blocks} causal self-attention blocks x ${a.heads} heads, ${a.dim}-d, feed-forward ${a.ffnDim}, the latest ${a.maxLength} items; item table tied to the output and started from the model's fused vectors; ${report.parameters.toLocaleString('en')} parameters.`,
    `- Download: ${(weightsBytes / 1e6).toFixed(2)} MB of weights (the item table as float16).`,
    `- Data: ${report.trainingSequences.toLocaleString('en')} training sequences, ${report.positionsPerEpoch.toLocaleString('en')} positions per epoch, each predicting the next item with full-softmax cross-entropy over all ${a.itemCount.toLocaleString('en')} items.`,
    `- Wall time: ${formatSeconds(seconds)} for ${report.history.length + previousHistory.length} epochs${previous === undefined ? '' : ' (both runs)'}${report.finished === false ? ' (stopped before the last epoch asked for)' : ''}; kept: epoch ${report.bestEpoch ?? '-'}${previous === undefined ? '' : ' of this run'} (${validated ? 'best validation NDCG@10 on a seeded sample of the validation users' : 'the last: no validation part'}).`,
    '',
    ...stages,
    '',
  ].join('\n');
}

/** One row per epoch: loss, validation figures when measured, seconds. */
function epochTable(history: readonly EpochRecord[]): string[] {
  const validated = history.some((record) => record['validationHr10'] !== undefined);
  const metric = (value: number | undefined): string => (value === undefined ? '' : value.toFixed(4));
  return [
    `| epoch | training loss | ${validated ? 'validation HR@10 | validation NDCG@10 | ' : ''}seconds |`,
    `| --- | --- | ${validated ? '--- | --- | ' : ''}--- |`,
    ...history.map(
      (r) =>
        `| ${r.epoch} | ${r.loss.toFixed(4)} | ${validated ? `${metric(r['validationHr10'])} | ${metric(r['validationNdcg10'])} | ` : ''}${r.seconds.toFixed(0)} |`,
    ),
  ];
}

async function validate(weights: SequenceWeights, architecture: SequenceArchitecture, validation: EvalSplit): Promise<Record<string, number>> {
  const method = await createSequenceMethod({ name: 'sequence', description: 'validation', weights, architecture, backend: 'wasm' });
  try {
    const [result] = await evaluateMethods(validation, [method], { itemCount: architecture.itemCount, textVectors: null, textDim: 0 });
    return { validationHr10: result?.metrics.hr['10'] ?? Number.NaN, validationNdcg10: result?.metrics.ndcg['10'] ?? Number.NaN };
  } finally {
    method.dispose();
  }
}

/** Trainable values: the item table and bias, positions, and per block 4 projections + FFN + 2 norms, plus the final norm. */
function parameterCount(a: SequenceArchitecture): number {
  const block = 4 * (a.dim * a.dim + a.dim) + (a.dim * a.ffnDim + a.ffnDim) + (a.ffnDim * a.dim + a.dim) + 4 * a.dim;
  return a.itemCount * (a.dim + 1) + a.maxLength * a.dim + a.blocks * block + 2 * a.dim;
}

function log(message: string): void {
  console.log(message);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const problem = toRecError(error);
      console.error(`train:sequence failed: ${problem.message}`);
      process.exit(1);
    },
  );
}
