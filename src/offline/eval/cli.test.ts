// npm run eval end to end on a tiny data set: the builder's CLI builds the model (fake encoder,
// temporary cache), the evaluation reads the options its build recorded, and its report holds
// the metrics worked out by hand in eval.test.ts for the same three users.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as evaluate } from './cli.ts';
import { parseCommandLine } from './cli-options.ts';
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
    const code = await evaluate(['--models', model, '--out', out, '--backend', 'cpu'], deps());
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as EvalReport;
    expect(report.protocol).toMatchObject({ name: 'leave-one-out', target: 'test', cases: 3 });
    expect(report.methods.map((m) => m.method)).toEqual([
      'popularity',
      'popularity-published',
      'item-knn',
      'text-last-item',
      'text-decay',
      'vitrine-decay',
      'vitrine',
      'complements',
    ]);
    // The build had an event log, so it wrote the complements file the complements method reads.
    expect(report.methods[7]?.description).toContain("the model's 20-per-item complements file");
    // The build had an event log, so the storefront's rule fuses its behaviour neighbours; the decay rule alone does not.
    expect(report.methods[6]?.description).toContain(
      'fused by reciprocal rank with the behaviour neighbours (20 per item, neighbours.bin) of the latest 8 items',
    );
    expect(report.methods[5]?.description).not.toContain('neighbours');
    const popularity = report.methods[0]?.metrics;
    // As worked out in eval.test.ts: targets at ranks 1, 6 and 3.
    expect(popularity?.hr).toEqual({ '5': 2 / 3, '10': 1, '20': 1 });
    expect(popularity?.mrr).toBeCloseTo((1 + 1 / 6 + 1 / 3) / 3, 12);
    // The fixture's folder has no baselines.json.
    expect(report.published).toEqual({ none: `no published rows for this data set (no ${join(root, 'baselines.json')})` });
    expect(report.sanity).toMatchObject({ status: 'not applicable', reason: expect.stringMatching(/^no published rows for this data set/) as unknown });
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('| vitrine |');
    expect(await readFile(join(out, 'report.md'), 'utf8')).toContain('**Sanity check: not applicable**: no published rows for this data set');
    expect(await readFile(join(out, 'hit-rate.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('refuses a model that lacks catalogue items, and one built from every event', async () => {
    const incomplete = await buildModel('incomplete', ['--holdout-last', '2'], await writeData({ blankTitle: 5 }));
    await expect(evaluate(['--models', incomplete, '--out', join(root, 'x'), '--backend', 'cpu'], deps())).rejects.toThrow(
      /the model lacks 1 item\(s\) of the catalogue \(first: p5\)/,
    );
    const leaky = await buildModel('leaky', [], await writeData());
    await expect(evaluate(['--models', leaky, '--out', join(root, 'y'), '--backend', 'cpu'], deps())).rejects.toThrow(/built with --holdout-last 0/);
  });

  it('asks for a rebuild of a model folder whose report predates recorded build options', async () => {
    const old = await buildModel('old', ['--holdout-last', '2'], await writeData());
    const reportFile = join(old, 'build-report.json');
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as Record<string, unknown>;
    delete report['options'];
    await writeFile(reportFile, JSON.stringify(report));
    await expect(evaluate(['--models', old, '--out', join(root, 'z'), '--backend', 'cpu'], deps())).rejects.toThrow(
      /records no build options .*rebuild the model with npm run build:models/,
    );
  });

  it('rejects bad usage with exit code 2', async () => {
    expect(await evaluate(['--models', 'm', '--split', 'train'])).toBe(2);
    expect(await evaluate([])).toBe(2);
    expect(await evaluate(['--models', 'm', '--no-docs'])).toBe(2);
  });

  it('--compressed takes <subspaces>:<rerank>, and a catalogue under 256 items is refused with the reason', async () => {
    expect(parseCommandLine(['--models', 'm', '--compressed', '16:500'])).toMatchObject({ compressed: { subspaces: 16, rerank: 500 } });
    expect(parseCommandLine(['--models', 'm'])).toMatchObject({ compressed: null });
    for (const bad of ['16', '16:x', '0:10', '16:500:1']) expect(await evaluate(['--models', 'm', '--compressed', bad]), bad).toBe(2);
    const model = await buildModel('small', ['--holdout-last', '2'], await writeData());
    const args = ['--models', model, '--methods', 'vitrine', '--compressed', '1:10', '--backend', 'cpu', '--out', join(root, 'compressed')];
    await expect(evaluate(args, deps())).rejects.toThrow(/product quantisation needs at least 256 rows, found \d+/);
  });

  it('writes docs/results.md only when asked', () => {
    expect(parseCommandLine(['--models', 'm'])).toMatchObject({ docs: false, baselines: null });
    expect(parseCommandLine(['--models', 'm', '--docs', '--baselines', 'b.json'])).toMatchObject({ docs: true, baselines: 'b.json' });
  });
});

describe('npm run eval: published rows from the data set itself', () => {
  // Whole-file popularity, equal counts higher row first as popularity-published orders them, hits
  // the fixture's three targets at ranks 3, 2 and 2: HR@k 1, NDCG@k (1/log2 4 + 2/log2 3) / 3 =
  // 0.5873 at every cutoff (1, 4 and 2, 0.6872, with the lower row first: eval.test.ts).
  const POP_REC = { 'HR@5': 1, 'NDCG@5': 0.5873, 'HR@10': 1, 'NDCG@10': 0.5873, 'HR@20': 1, 'NDCG@20': 0.5873 };
  const baselines = (popRec: Record<string, unknown>) => ({
    dataset: 'Fixture toys',
    protocol: 'leave-one-out, full ranking',
    note: 'PopRec counts test items.',
    rows: [
      { model: 'PopRec', source: 'by hand', metrics: popRec },
      { model: 'ShopRec', source: 'a paper', metrics: { 'HR@10': 0.5, 'NDCG@10': 0.25 } },
    ],
  });
  /** The fixture data in its own folder with the given baselines.json, and a leave-one-out model of it. */
  const modelOf = async (name: string, published: unknown): Promise<{ model: string; baselinesFile: string }> => {
    const folder = join(root, `data-${name}`);
    await mkdir(folder);
    const baselinesFile = join(folder, 'baselines.json');
    await writeFile(baselinesFile, typeof published === 'string' ? published : JSON.stringify(published));
    return { model: await buildModel(name, ['--holdout-last', '2'], await writeFixtureData(folder)), baselinesFile };
  };
  const run = (model: string, out: string, extra: readonly string[] = []) =>
    evaluate(['--models', model, '--out', join(root, out), '--methods', 'popularity,popularity-published', '--backend', 'cpu', ...extra], deps());
  const reportOf = async (out: string) => JSON.parse(await readFile(join(root, out, 'report.json'), 'utf8')) as EvalReport;

  it("lists exactly the data set's own rows and passes its PopRec; a --limit run has none", async () => {
    const { model, baselinesFile } = await modelOf('toys', baselines(POP_REC));
    expect(await run(model, 'toys')).toBe(0);
    const report = await reportOf('toys');
    expect('none' in report.published ? [] : report.published.rows.map((row) => row.model)).toEqual(['PopRec', 'ShopRec']);
    expect(report.sanity).toMatchObject({ status: 'pass', publishedRow: 'PopRec' });
    const markdown = await readFile(join(root, 'toys', 'report.md'), 'utf8');
    expect(markdown.match(/\(published\)\*/g)).toHaveLength(2);
    expect(markdown).toContain('| *PopRec (published)* | 1.0000 | 0.5873 | 1.0000 | 0.5873 | 1.0000 | 0.5873 |');
    expect(markdown).toContain('| *ShopRec (published)* | - | - | 0.5000 | 0.2500 | - | - |');
    expect(markdown).toContain(`Published rows: Fixture toys, from \`${baselinesFile}\``);
    expect(markdown).toContain('**Sanity check: PASS**');

    expect(await run(model, 'toys-limit', ['--limit', '2'])).toBe(0);
    const limited = await reportOf('toys-limit');
    expect(limited.published).toEqual({ none: 'published rows apply only to a full leave-one-out run on the test split' });
    expect(limited.sanity.status).toBe('not applicable');
  });

  it('fails the sanity check on a PopRec row the whole-file popularity does not reproduce; --baselines picks another file', async () => {
    const { model } = await modelOf('wrong', baselines({ ...POP_REC, 'NDCG@10': 0.5874 }));
    expect(await run(model, 'wrong')).toBe(1);
    expect((await reportOf('wrong')).sanity).toMatchObject({ status: 'fail' });
    const right = join(root, 'right.json');
    await writeFile(right, JSON.stringify(baselines(POP_REC)));
    expect(await run(model, 'right', ['--baselines', right])).toBe(0);
    expect((await reportOf('right')).sanity).toMatchObject({ status: 'pass' });
  });

  it('refuses a malformed baselines.json, naming the file and the field, and a --baselines file that is not there', async () => {
    const bad = baselines(POP_REC);
    const { model, baselinesFile } = await modelOf('malformed', {
      ...bad,
      rows: [bad.rows[0], { model: 'ShopRec', source: 'a paper', metrics: { 'HR@10': '0.5' } }],
    });
    await expect(run(model, 'malformed')).rejects.toThrow(`${baselinesFile}: rows[1].metrics.HR@10: expected a number in [0, 1], found "0.5"`);
    await expect(run(model, 'missing', ['--baselines', join(root, 'nothing.json')])).rejects.toThrow(/nothing\.json: cannot read the published rows/);
    const { model: truncated } = await modelOf('truncated', '{"dataset": "x", "rows": [');
    await expect(run(truncated, 'truncated')).rejects.toThrow(/baselines\.json: expected JSON/);
  });
});
