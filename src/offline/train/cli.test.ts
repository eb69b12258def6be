// npm run train:sequence end to end on the evaluation's tiny data set: it trains on the build's own
// training part, adds a checksummed sequence model to the folder, and npm run eval then scores it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyModelDir } from '../lib/write-model.ts';
import { main as evaluate } from '../eval/cli.ts';
import type { EvalReport } from '../eval/report.ts';
import { buildFixtureModel, fixtureDeps, writeFixtureData } from '../eval/test-support.ts';
import { main as train } from './cli.ts';
import { parseCommandLine, USAGE } from './cli-options.ts';

let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-train-'));
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

const small = ['--epochs', '3', '--blocks', '1', '--heads', '2', '--max-length', '4', '--batch-positions', '4', '--dropout', '0'];

describe('npm run train:sequence', () => {
  it('adds a verified sequence model to a leave-one-out build, with a report, and the evaluation scores it alone and fused with the behaviour neighbours', async () => {
    const { code: built, out: model } = await buildFixtureModel(root, 'loo', ['--holdout-last', '2'], await writeFixtureData(root));
    expect(built).toBe(0);
    expect(await train(['--models', model, ...small, '--threads', '2'])).toBe(0);

    const loaded = await verifyModelDir(model);
    expect(loaded.sequence?.spec.architecture).toEqual({ itemCount: 8, dim: 4, maxLength: 4, blocks: 1, heads: 2, ffnDim: 4 });
    expect(loaded.manifest.files.sequenceWeights?.path).toMatch(/^sequence\.[0-9a-f]{12}\.bin$/);
    const report = JSON.parse(await readFile(join(model, 'sequence-report.json'), 'utf8')) as {
      history: { epoch: number; loss: number; validationHr10: number }[];
      bestEpoch: number;
      finished: boolean;
      positionsPerEpoch: number;
    };
    expect(report.finished).toBe(true);
    expect(report.positionsPerEpoch).toBe(1 + 0 + 1); // training rows 0,1 | 1 | 2,1: one (input, next) pair each for two users
    expect(report.history.map((record) => record.epoch)).toEqual([1, 2, 3]);
    for (const record of report.history) {
      expect(Number.isFinite(record.loss)).toBe(true);
      expect(record.validationHr10).toBeGreaterThanOrEqual(0);
    }
    expect(loaded.sequence?.spec.training['epoch']).toBe(report.bestEpoch);
    await rm(join(model, 'sequence-report.md'));
    expect(await train(['--models', model, '--render-report'])).toBe(0); // re-renders from the JSON
    expect(await readFile(join(model, 'sequence-report.md'), 'utf8')).toMatch(/^## Sequence model training: [^]*\| 3 \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/m);
    expect(await readFile(join(model, 'sequence-report.md'), 'utf8')).toContain('backend in Node, 2 training threads).');

    // Resumed: epoch 0 is the checkpoint it starts from, which a worse epoch does not replace.
    expect(await train(['--models', model, ...small, '--epochs', '1', '--resume'])).toBe(0);
    const resumed = JSON.parse(await readFile(join(model, 'sequence-report.json'), 'utf8')) as { resumedFrom?: { epoch: number }; bestEpoch: number };
    expect(resumed.resumedFrom?.epoch).toBe(report.bestEpoch);
    expect([0, 1]).toContain(resumed.bestEpoch);
    expect(await readFile(join(model, 'sequence-report.md'), 'utf8')).toContain('Resumed from the checkpoint of `npm run train:sequence --');

    const out = join(root, 'report');
    expect(await evaluate(['--models', model, '--methods', 'popularity,sequence,sequence-neighbours', '--out', out], fixtureDeps(root))).toBe(0);
    const evaluation = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as EvalReport;
    expect(evaluation.methods.map((m) => m.method)).toEqual(['popularity', 'sequence', 'sequence-neighbours']);
    expect(evaluation.methods[1]?.metrics.cases).toBe(3);
    expect(evaluation.methods[2]?.metrics.cases).toBe(3);
    expect(evaluation.methods[1]?.description).not.toContain('neighbours.bin');
    expect(evaluation.methods[2]?.description).toMatch(/fused by reciprocal rank with the behaviour neighbours \(\d+ per item, neighbours\.bin\)/);
  });

  it('refuses a model built from every event, and heads that do not divide the dimension', async () => {
    const data = await writeFixtureData(root);
    const { out: leaky } = await buildFixtureModel(root, 'leaky', [], data);
    await expect(train(['--models', leaky, ...small])).rejects.toThrow(/built with --holdout-last 0/);
    const { out: model } = await buildFixtureModel(root, 'loo-heads', ['--holdout-last', '2'], data);
    await expect(train(['--models', model, '--heads', '3'])).rejects.toThrow(/--heads 3 does not divide the model's dim 4/);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect(await train([])).toBe(2);
    expect(await train(['--models', 'm', '--epochs', '0'])).toBe(2);
    expect(await train(['--models', 'm', '--dropout', '1'])).toBe(2);
    expect(await train(['--models', 'm', '--threads', '0'])).toBe(2);
    expect(await train(['--models', 'm', '--no-docs'])).toBe(2);
  });

  it('writes docs/results.md only with --docs, and says how the validation users are drawn', () => {
    expect(parseCommandLine(['--models', 'm'])).toMatchObject({ docs: false, validationLimit: 3000, seed: 1 });
    expect(parseCommandLine(['--models', 'm', '--docs', '--render-report'])).toMatchObject({ docs: true, renderReport: true });
    expect(USAGE).toMatch(/--validation-limit <n> +validation users scored after each epoch: a random sample drawn with --seed/);
  });
});
