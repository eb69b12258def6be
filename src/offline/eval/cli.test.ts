// npm run eval end to end on a tiny data set: the builder's CLI builds the model (fake encoder,
// temporary cache), the evaluation reads the options its build recorded, and its report holds
// the metrics worked out by hand in eval.test.ts for the same three users.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as evaluate } from './cli.ts';
import type { EvalReport } from './report.ts';
import { buildFixtureModel, fixtureDeps, writeFixtureData, type FixtureData, type FixtureDeps } from './test-support.ts';

let root = '';
const deps = (): FixtureDeps => fixtureDeps(root);
const writeData = (options: { blankTitle?: number } = {}): Promise<FixtureData> => writeFixtureData(root, options);
const buildModel = async (name: string, extra: readonly string[], data: FixtureData): Promise<string> => {
  const { code, out } = await buildFixtureModel(root, name, extra, data);
  expect(code).toBe(0);
  return out;
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-eval-'));
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

describe('npm run eval', () => {
  it('evaluates a leave-one-out build with the protocol its build held out for, and writes JSON, Markdown and SVG', async () => {
    const model = await buildModel('loo', ['--holdout-last', '2'], await writeData());
    const out = join(root, 'report');
    const code = await evaluate(['--models', model, '--out', out, '--no-docs', '--backend', 'cpu'], deps());
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as EvalReport;
    expect(report.protocol).toMatchObject({ name: 'leave-one-out', target: 'test', cases: 3 });
    expect(report.methods.map((m) => m.method)).toEqual(['popularity', 'popularity-published', 'item-knn', 'text-last-item', 'text-decay', 'vitrine']);
    const popularity = report.methods[0]?.metrics;
    // As worked out in eval.test.ts: targets at ranks 1, 6 and 3.
    expect(popularity?.hr).toEqual({ '5': 2 / 3, '10': 1, '20': 1 });
    expect(popularity?.mrr).toBeCloseTo((1 + 1 / 6 + 1 / 3) / 3, 12);
    expect(report.sanity).toBeNull(); // no published rows for this data set
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('| vitrine |');
    expect(await readFile(join(out, 'hit-rate.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('refuses a model that lacks catalogue items, and one built from every event', async () => {
    const incomplete = await buildModel('incomplete', ['--holdout-last', '2'], await writeData({ blankTitle: 5 }));
    await expect(evaluate(['--models', incomplete, '--out', join(root, 'x'), '--no-docs', '--backend', 'cpu'], deps())).rejects.toThrow(
      /the model lacks 1 item\(s\) of the catalogue \(first: p5\)/,
    );
    const leaky = await buildModel('leaky', [], await writeData());
    await expect(evaluate(['--models', leaky, '--out', join(root, 'y'), '--no-docs', '--backend', 'cpu'], deps())).rejects.toThrow(
      /built with --holdout-last 0/,
    );
  });

  it('asks for a rebuild of a model folder whose report predates recorded build options', async () => {
    const old = await buildModel('old', ['--holdout-last', '2'], await writeData());
    const reportFile = join(old, 'build-report.json');
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as Record<string, unknown>;
    delete report['options'];
    await writeFile(reportFile, JSON.stringify(report));
    await expect(evaluate(['--models', old, '--out', join(root, 'z'), '--no-docs', '--backend', 'cpu'], deps())).rejects.toThrow(
      /records no build options .*rebuild the model with npm run build:models/,
    );
  });

  it('rejects bad usage with exit code 2', async () => {
    expect(await evaluate(['--models', 'm', '--split', 'train'])).toBe(2);
    expect(await evaluate([])).toBe(2);
  });
});
