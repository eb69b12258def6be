import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rowSimilarity } from '../core/rank.ts';
import { main } from './cli.ts';
import { verifyModelDir } from './write-model.ts';

let root = '';
let errors: string[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-cli-'));
  errors = [];
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    errors.push(args.join(' '));
  });
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(root, { recursive: true, force: true });
});

describe('build:models CLI', () => {
  it('prints help', async () => {
    expect(await main(['--help'])).toBe(0);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect(await main(['--out', join(root, 'm')])).toBe(2);
    expect(errors.join('\n')).toMatch(/--catalog <items.jsonl> is required/);
    expect(await main(['--catalog', 'x.jsonl', '--out', 'y', '--dtype', 'float64'])).toBe(2);
    expect(await main(['--bogus'])).toBe(2);
  });

  it('reports malformed lines as file:line: reason and writes nothing', async () => {
    const file = join(root, 'items.jsonl');
    await writeFile(file, '{"id":"a","title":"A"}\n{"id":"b"}\n');
    expect(await main(['--catalog', file, '--out', join(root, 'm')])).toBe(2);
    expect(errors).toContain(`${file}:2: "title" must be a non-empty string, found nothing`);
  });

  // The one test that runs the real sentence encoder (tfjs wasm, ~5-10 s on this machine).
  it('builds a verified model with the real encoder, whose vectors cluster by department', async () => {
    const file = join(root, 'items.jsonl');
    const lines = [
      { id: 'k1', title: 'Non-stick frying pan', category: 'Kitchen', description: 'A pan for cooking eggs and pancakes.' },
      { id: 'k2', title: 'Stainless steel saucepan', category: 'Kitchen', description: 'A pot for soups and sauces on the hob.' },
      { id: 'j1', title: 'Sterling silver necklace', category: 'Jewellery', description: 'A pendant on a fine chain, gift boxed.' },
      { id: 'j2', title: 'Gold hoop earrings', category: 'Jewellery', description: 'Polished earrings for everyday wear.' },
    ];
    await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n'));
    const out = join(root, 'tiny');
    expect(await main(['--catalog', file, '--out', out, '--no-cache', '--dtype', 'float16'])).toBe(0);
    const model = await verifyModelDir(out);
    expect(model.manifest).toMatchObject({ catalogId: 'tiny', itemCount: 4, dim: 512, dtype: 'float16', encoder: { name: 'universal-sentence-encoder-lite' } });
    const sim = (a: number, b: number): number => rowSimilarity(model.vectors, 512, a, b);
    const kitchen = sim(0, 1);
    const jewellery = sim(2, 3);
    const cross = Math.max(sim(0, 2), sim(0, 3), sim(1, 2), sim(1, 3));
    expect(kitchen).toBeGreaterThan(cross);
    expect(jewellery).toBeGreaterThan(cross);
  }, 60_000);
});
