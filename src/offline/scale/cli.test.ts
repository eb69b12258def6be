// The generator's command line, and the build it is for: a real build:models run over the files
// and the embedding cache it writes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as buildModels } from '../builder/cli.ts';
import type { BuildReport } from '../builder/build-report.ts';
import { main as generate } from './cli.ts';

describe('scale:generate --cache-dir', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'vitrine-scale-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('caches a vector for every text the build embeds, so the build embeds none', { timeout: 120_000 }, async () => {
    // The generator's lines about what it wrote are for a person at a terminal.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const cache = join(root, 'cache');
    expect(await generate(['--items', '1500', '--events', '15000', '--out', root, '--cache-dir', cache])).toBe(0);
    const out = join(root, 'model');
    const args = [
      '--catalog',
      join(root, 'items.jsonl'),
      '--events',
      join(root, 'events.csv'),
      '--cache-dir',
      cache,
      '--out',
      out,
      '--quiet',
      '--workers',
      '1',
    ];
    expect(await buildModels(args, { loadEncoder: () => Promise.reject(new Error('every text should be cached')) })).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'build-report.json'), 'utf8')) as BuildReport;
    expect(report.embedding).toMatchObject({ embedded: 0, cached: 1500 });
    expect(report.events).toMatchObject({ training: expect.any(Number), sequences: expect.any(Number) });
    expect(report.catalog.skipped).toBe(0);
    vi.restoreAllMocks();
  });

  it('refuses a missing --out or a bad size with exit code 2, naming the option', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await generate(['--items', '10'])).toBe(2);
      expect(await generate(['--items', 'many', '--out', root])).toBe(2);
      expect(errors.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(/--out <dir> is required[\s\S]*--items must be an integer/u);
    } finally {
      errors.mockRestore();
    }
  });
});
