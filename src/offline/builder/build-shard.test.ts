// A build split into shards, as separate processes would run it on separate machines, against one
// unsharded build: the real encoder (USE lite on wasm) and the real command line, on a small
// catalogue of texts of many lengths (the encoder's batches would pad the shorter ones).
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../lib/paths.ts';
import type { BuildReport } from './build-report.ts';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'src/offline/builder/cli.ts');
const WORDS = 'red wooden ceramic cotton garden kitchen travel hiking warm portable stainless folding'.split(' ');
const NOUNS = 'jacket teapot kettle boot lamp desk hose backpack tent scarf mug pan'.split(' ');

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-shards-'));
  // 36 items whose texts run from two words to thirty: many token lengths.
  const lines = Array.from({ length: 36 }, (_, i) => {
    const title = `${WORDS[i % WORDS.length] ?? ''} ${NOUNS[(i * 5) % NOUNS.length] ?? ''}`;
    const description = Array.from({ length: i % 30 }, (_, j) => WORDS[(i + j * 7) % WORDS.length]).join(' ');
    return JSON.stringify({ id: `item-${i}`, title, category: i % 2 === 0 ? 'Home' : 'Outdoor', description });
  });
  await writeFile(join(root, 'items.jsonl'), `${lines.join('\n')}\n`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs build:models in its own Node process. */
const build = (args: readonly string[]) =>
  run(process.execPath, ['--import', 'tsx', CLI, '--catalog', join(root, 'items.jsonl'), '--workers', '1', '--quiet', ...args], { cwd: REPO_ROOT });

const report = async (dir: string): Promise<BuildReport> => JSON.parse(await readFile(join(dir, 'build-report.json'), 'utf8')) as BuildReport;

describe('build:models --shard', () => {
  it('2 shards in 2 processes, then the build over their cache, write the bytes of one unsharded build', { timeout: 180_000 }, async () => {
    const shared = join(root, 'shared-cache');
    const shards = await Promise.all([build(['--shard', '1/2', '--cache-dir', shared]), build(['--shard', '2/2', '--cache-dir', shared])]);
    const embeddedByShard = shards.map(({ stderr, stdout }) => Number(/(\d+) embedded/u.exec(`${stdout}${stderr}`)?.[1]));
    expect(embeddedByShard[0]).toBeGreaterThan(0);
    expect(embeddedByShard[1]).toBeGreaterThan(0);
    expect((embeddedByShard[0] ?? 0) + (embeddedByShard[1] ?? 0)).toBe(36);
    expect((await readdir(shared)).filter((name) => /\.shard-[12]-of-2\.vec$/u.test(name))).toHaveLength(2);

    // float32, so that no quantisation step can hide a difference in the last bits.
    const flags = ['--dim', '16', '--dtype', 'float32'];
    await build(['--out', join(root, 'sharded'), '--cache-dir', shared, ...flags]);
    await build(['--out', join(root, 'one'), '--cache-dir', join(root, 'own-cache'), ...flags]);
    expect((await report(join(root, 'sharded'))).embedding).toMatchObject({ embedded: 0, cached: 36 });
    expect((await report(join(root, 'one'))).embedding).toMatchObject({ embedded: 36, cached: 0 });
    for (const file of ['vectors.float32.bin', 'projection.f32']) {
      expect(await readFile(join(root, 'sharded', file))).toEqual(await readFile(join(root, 'one', file)));
    }
  });

  it('refuses a shard that does not exist, naming the option', async () => {
    await expect(build(['--shard', '3/2'])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/--shard takes i\/n .* found "3\/2"/u) });
  });
});
