// npm run eval end to end on a tiny data set: the builder's CLI builds the model (fake encoder,
// temporary cache), the evaluation reads the build's own command line back, and its report holds
// the metrics worked out by hand in eval.test.ts for the same three users.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as build } from '../build/cli.ts';
import { fakeEncoder } from '../build/test-support.ts';
import { main as evaluate } from './cli.ts';
import type { EvalReport } from './report.ts';
import { FIXTURE_USERS } from './test-support.ts';

let root = '';
const encoder = fakeEncoder(16);
const deps = (): { loadEncoder: typeof encoder.load; cacheDir: string } => ({ loadEncoder: () => encoder.load(), cacheDir: join(root, 'cache') });


async function writeData(options: { blankTitle?: number } = {}): Promise<{ catalog: string; events: string }> {
  const catalog = join(root, `items-${options.blankTitle ?? 'all'}.jsonl`);
  // One title per fixture item (FIXTURE_ITEMS).
  const titles = ['red kettle', 'blue kettle', 'garden hose', 'rose seeds', 'toy train', 'board game', 'cook book', 'novel'];
  await writeFile(catalog, titles.map((title, i) => JSON.stringify({ id: `p${i}`, title: i === options.blankTitle ? '' : title })).join('\n') + '\n');
  const events = join(root, 'events.csv');
  await writeFile(events, ['user_id,item_id,event_type,position', ...FIXTURE_USERS.flatMap((rows, user) => rows.map((row, position) => `u${user},p${row},review,${position}`))].join('\n') + '\n');
  return { catalog, events };
}

async function buildModel(name: string, extra: readonly string[], data: { catalog: string; events: string }): Promise<string> {
  const out = join(root, name);
  const mapping = ['--event-time', 'none', '--event-order', 'position', '--event-weights', 'review=1', '--sequence', 'user', '--dim', '4', '--max-invalid', '50%'];
  const code = await build(['--catalog', data.catalog, '--events', data.events, '--out', out, ...mapping, ...extra, '--workers', '1', '--quiet'], { encoder: { name: 'fake-encoder', version: 'fake@1' }, ...deps() });
  expect(code).toBe(0);
  return out;
}

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
    await expect(evaluate(['--models', incomplete, '--out', join(root, 'x'), '--no-docs', '--backend', 'cpu'], deps())).rejects.toThrow(/the model lacks 1 item\(s\) of the catalogue \(first: p5\)/);
    const leaky = await buildModel('leaky', [], await writeData());
    await expect(evaluate(['--models', leaky, '--out', join(root, 'y'), '--no-docs', '--backend', 'cpu'], deps())).rejects.toThrow(/built with --holdout-last 0/);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect(await evaluate(['--models', 'm', '--split', 'train'])).toBe(2);
    expect(await evaluate([])).toBe(2);
  });
});
