// npm run eval:compare end to end: the fixture model built twice (two "seeds"), npm run eval on
// each, and the comparison of their per-case files; runs on another split, or one model counted
// twice, are refused.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { main as evaluate } from './cli.ts';
import { main as compare, parseCompareCommandLine } from './compare-cli.ts';
import type { EvalReport } from './report.ts';
import { buildFixtureModel, fixtureDeps, writeFixtureData } from './test-support.ts';

let root = '';
let printed: MockInstance<typeof console.log>;
const evalRun = async (model: string, out: string, extra: readonly string[]): Promise<string> => {
  expect(await evaluate(['--models', model, '--out', join(root, out), '--backend', 'cpu', ...extra], fixtureDeps(root))).toBe(0);
  return join(root, out);
};
const ndcg10Of = async (out: string, method: string): Promise<number> =>
  (JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as EvalReport).methods.find((m) => m.method === method)?.metrics.ndcg['10'] ?? NaN;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-compare-'));
  printed = vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

const methods = ['--methods', 'popularity,text-last-item'];
let built: Promise<{ seed1: string; seed2: string; runs: string[] }> | null = null;
/** The fixture model built twice (two "seeds") and each evaluated with `methods`, once for every test. */
const seeds = (): Promise<{ seed1: string; seed2: string; runs: string[] }> =>
  (built ??= (async () => {
    const data = await writeFixtureData(root);
    const models = [];
    for (const name of ['seed1', 'seed2']) {
      const { code, out } = await buildFixtureModel(root, name, ['--holdout-last', '2'], data);
      expect(code).toBe(0);
      models.push(out);
    }
    const [seed1, seed2] = models as [string, string];
    return { seed1, seed2, runs: [await evalRun(seed1, 'run1', methods), await evalRun(seed2, 'run2', methods)] };
  })());

describe('npm run eval:compare', () => {
  it('compares two evaluated models method by method, refuses other splits and a model counted twice, and writes its docs section', async () => {
    const { seed1, seed2, runs } = await seeds();

    const docsFile = join(root, 'results.md');
    await writeFile(docsFile, '# Evaluation results\n\nHand-written prose.\n');
    expect(await compare([runs[0] ?? '', join(runs[1] ?? '', 'report.json'), '--docs', 'fixture-seeds', '--resamples', '200'], { docsFile })).toBe(0);
    const markdown = String(printed.mock.calls.at(-1)?.[0]);
    // Training popularity hits the three targets at ranks 1, 6 and 3 (eval.test.ts), in both builds.
    const popularity = (1 + 1 / Math.log2(7) + 0.5) / 3;
    expect(markdown).toContain(`| **popularity** | 2 | 1.0000 ± 0.0000 | ${popularity.toFixed(4)} ± 0.0000 |`);
    // The per-case file agrees with the report, and pairs the same three users in both runs.
    const text = await ndcg10Of(runs[0] ?? '', 'text-last-item');
    expect(text).toBeLessThan(popularity);
    expect(markdown).toContain(`| text-last-item | 2 | 1.0000 ± 0.0000 | ${text.toFixed(4)} ± 0.0000 |`);
    expect(markdown).toContain('Paired test of **popularity** against the runner-up **text-last-item** (by mean NDCG@10) over 3 users');
    expect(markdown).toContain(`| NDCG@10 | +${(popularity - text).toFixed(4)} | [`);
    expect(markdown).toContain('(200 resamples of the users, seed 1)');
    const docs = await readFile(docsFile, 'utf8');
    expect(docs).toMatch(
      /^# Evaluation results\n\nHand-written prose\.\n\n<!-- compare:fixture-seeds -->\n## Seeds compared: leave-one-out \(test\), 3 cases\n/,
    );
    expect(docs).toContain(`| **popularity** | 2 | 1.0000 ± 0.0000 | ${popularity.toFixed(4)} ± 0.0000 |`);

    const limited = await evalRun(seed2, 'limited', [...methods, '--limit', '2']);
    await expect(compare([runs[0] ?? '', limited])).rejects.toThrow(
      /different splits, so their users cannot be paired: .*run1: leave-one-out \(test\), 3 cases, fingerprint \w{12}; .*limited: leave-one-out \(test\), 2 cases, --limit/,
    );
    await expect(compare([runs[0] ?? '', limited, '--docs', 'x'])).rejects.toThrow(
      /--docs writes only comparisons of full runs on the test split; not one: .*limited \(test, --limit\)/,
    );
    const again = await evalRun(seed1, 'again', ['--methods', 'popularity']);
    await expect(compare([runs[0] ?? '', again])).rejects.toThrow(
      /run1 and .*again both evaluated "popularity" on the same model .*: one model evaluated twice is not two seeds/,
    );
  });

  it('names a recipe’s methods after it and keeps only the methods asked for', async () => {
    const { runs } = await seeds();
    expect(await compare([`six=${runs[0] ?? ''}`, `twelve=${runs[1] ?? ''}`, '--methods', 'text-last-item', '--resamples', '200'])).toBe(0);
    const markdown = String(printed.mock.calls.at(-1)?.[0]);
    const text = await ndcg10Of(runs[0] ?? '', 'text-last-item');
    // Each recipe is one run of its own method; both builds rank alike, so the first listed leads the tie.
    expect(markdown).toContain(`| **text-last-item (six)** | 1 | 1.0000 | ${text.toFixed(4)} |`);
    expect(markdown).toContain(`| text-last-item (twelve) | 1 | 1.0000 | ${text.toFixed(4)} |`);
    expect(markdown).not.toContain('popularity');
    expect(markdown).toContain('Paired test of **text-last-item (six)** against the runner-up **text-last-item (twelve)**');
    await expect(compare([runs[0] ?? '', '--methods', 'text-last-item,item-knn'])).rejects.toThrow(
      /--methods names "item-knn", which no run evaluated \(they have popularity, text-last-item\)/,
    );
  });

  it('rejects bad usage with exit code 2 and reads a missing run as a request to evaluate first', async () => {
    expect(await compare([])).toBe(2);
    expect(await compare(['a', '--seed', '-1'])).toBe(2);
    expect(await compare(['a', './a'])).toBe(2);
    expect(await compare(['a', '--docs', '../x'])).toBe(2);
    expect(await compare(['a', '--methods', 'x,,y'])).toBe(2);
    expect(parseCompareCommandLine(['a', 'b'])).toEqual({
      runs: [
        { path: 'a', recipe: null },
        { path: 'b', recipe: null },
      ],
      methods: null,
      bootstrap: { resamples: 10_000, seed: 1 },
      docs: null,
    });
    // A recipe is a name before the first "="; anything else is part of the path.
    expect(parseCompareCommandLine(['e12=runs/a=b', './x=y', '=z', '--methods', 'sequence, vitrine'])).toMatchObject({
      runs: [
        { path: 'runs/a=b', recipe: 'e12' },
        { path: './x=y', recipe: null },
        { path: '=z', recipe: null },
      ],
      methods: ['sequence', 'vitrine'],
    });
    expect(await compare(['six=a', 'twelve=./a'])).toBe(2);
    await expect(compare([join(root, 'nowhere')])).rejects.toThrow(
      /nowhere: cannot read the per-case results .*run npm run eval \(which writes per-case\.json beside report\.json\) first/,
    );
  });
});
