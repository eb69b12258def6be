// eval:compressed end to end on a small model folder written by the builder's writeModel, and its
// usage errors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { normalise } from '../../../core/rank.ts';
import { seededRandom } from '../../../core/random.ts';
import { writeModel } from '../../lib/write-model.ts';
import { main } from './cli.ts';

const COUNT = 300;
const DIM = 8;

/** Runs the CLI, returning its exit code and what it printed on stdout. */
async function run(args: string[]): Promise<{ code: number; out: string; errors: string }> {
  const out: string[] = [];
  const errors: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
  try {
    return { code: await main(args), out: out.join('\n'), errors: errors.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('eval:compressed', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vitrine-compressed-'));
    const random = seededRandom(4);
    const vectors = new Float32Array(COUNT * DIM);
    for (let row = 0; row < COUNT; row++) vectors.set(normalise(Float32Array.from({ length: DIM }, () => random() - 0.5)), row * DIM);
    const items = Array.from({ length: COUNT }, (_, row) => ({ id: `p${row}`, title: `Product ${row}`, category: row % 2 === 0 ? 'even' : 'odd' }));
    await writeModel({
      outDir: join(dir, 'small'),
      catalogId: 'small',
      items,
      vectors,
      dim: DIM,
      encoder: { name: 'test', version: '1' },
      warn: () => undefined,
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a table per item space: a row per number of subspaces, a column per re-rank depth', async () => {
    const { code, out } = await run(['--models', join(dir, 'small'), '--subspaces', '2,3', '--rerank', `0,${COUNT}`, '--sessions', '6', '--k', '10']);
    expect(code).toBe(0);
    expect(out).toContain(`### small (300 × 8, float32 decoded)`);
    expect(out).toContain('| subspaces | bytes per item | codes at 1M items | recall@10 | re-rank 300 |');
    // Re-ranking every item exactly finds the whole exact top 10.
    expect(out).toMatch(/\| 2 \| 2 \| 2 MB \| 0\.\d{3} \| 1\.000 \|/);
    expect(out).toContain('| 3 | – | – | does not divide 8 | does not divide 8 |');
    expect(out).toContain('6 sessions, seed 7; the codebooks add 8 kB.');
  });

  it('with --shard-rows and --residual, adds the shards and bytes the re-rank candidates of an interaction touch, and a row for two codes', async () => {
    const { code, out } = await run([
      '--models',
      join(dir, 'small'),
      '--subspaces',
      '2',
      '--rerank',
      `0,${COUNT}`,
      '--sessions',
      '4',
      '--shard-rows',
      '100',
      '--residual',
    ]);
    expect(code).toBe(0);
    // --residual: a row for the two codes, the second re-scoring the candidates.
    expect(out).toMatch(/\| 2 \+ 2 residual \| 4 \| 4 MB \| 0\.\d{3} \| [01]\.\d{3} \|/);
    expect(out).toContain('Shards of about 100 rows (3 coarse clusters): mean / p95 shards touched, and mean int8 bytes fetched, per interaction:');
    // Re-ranking every item touches every shard: all 300 rows of 8 + 4 bytes.
    expect(out).toContain(`| 2 | 3.0 / 3 / ${((COUNT * 12) / 1024).toFixed(0)} kB |`);
  });

  it('measures a synthetic clustered catalogue of the size asked for', async () => {
    const { code, out } = await run(['--synthetic', '300', '--subspaces', '32', '--rerank', '0', '--sessions', '3']);
    expect(code).toBe(0);
    expect(out).toContain('### synthetic (300 × 128, 20 leaf clusters, float32)');
    expect(out).toMatch(/\| 32 \| 32 \| 32 MB \| \d\.\d{3} \|/);
  });

  it('refuses a command line without exactly one of --models and --synthetic, or with a bad number, naming it', async () => {
    expect(await run([])).toMatchObject({ code: 2, errors: expect.stringContaining('give either --models <dir>[,<dir>...] or --synthetic <items>') });
    expect(await run(['--models', 'a', '--synthetic', '1000'])).toMatchObject({ code: 2 });
    expect(await run(['--synthetic', '100'])).toMatchObject({ code: 2, errors: expect.stringContaining('--synthetic') });
    expect(await run(['--synthetic', '1000', '--subspaces', '8,x'])).toMatchObject({ code: 2, errors: expect.stringContaining('--subspaces') });
    expect(await run(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage: npm run eval:compressed') });
  });
});
