import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeEncoder, useCliSandbox, type FakeEncoder } from '../lib/test-support.ts';
import { verifyModelDir } from '../lib/write-model.ts';
import type { BuildReport } from './build-report.ts';
import { main } from './cli.ts';

const sandbox = useCliSandbox('vitrine-cli-refusals-');

const TEXT_DIM = 32;

function run(args: readonly string[], encoder: FakeEncoder = fakeEncoder(TEXT_DIM)): Promise<number> {
  return main([...args, '--workers', '1', '--quiet', '--no-cache'], {
    encoder: { name: 'fake-encoder', version: 'fake@1' },
    loadEncoder: () => encoder.load(),
    loadQueryEncoder: () => fakeEncoder(TEXT_DIM).load(),
  });
}

async function readReport(dir: string): Promise<BuildReport> {
  return JSON.parse(await readFile(join(dir, 'build-report.json'), 'utf8')) as BuildReport;
}

describe('build:models refuses what it must not do', () => {
  it('refuses with exit 2, before reading anything, an --out that is a non-model folder or a file, deleting nothing', async () => {
    const catalog = join(sandbox.root, 'items.jsonl');
    await writeFile(catalog, ['{"id":"a","title":"Pan"}', '{"id":"b","title":"Pot"}'].join('\n'));
    const models = join(sandbox.root, 'models');
    await mkdir(join(models, 'other'), { recursive: true });
    await writeFile(join(models, 'other', 'manifest.json'), '{}');
    const encoder = fakeEncoder(TEXT_DIM);
    expect(await run(['--catalog', catalog, '--out', models, '--dim', String(TEXT_DIM)], encoder)).toBe(2);
    expect(sandbox.errors.join('\n')).toContain(`${models}: --out is a folder that is not a model (it holds other)`);
    expect(encoder.embedded).toEqual([]);
    expect(await readdir(models)).toEqual(['other']);

    const file = join(sandbox.root, 'items-copy');
    await writeFile(file, 'keep me');
    expect(await run(['--catalog', catalog, '--out', file, '--dim', String(TEXT_DIM)])).toBe(2);
    expect(sandbox.errors.join('\n')).toContain(`${file}: --out is a file (7 bytes)`);
    expect(await readFile(file, 'utf8')).toBe('keep me');
  });

  it('refuses int8 below --min-recall with exit 3 and writes nothing, where --dtype auto falls back to a wider type', async () => {
    // 120 items and no events: recall@50 is measured on single-item queries, and int8 loses some.
    const catalog = join(sandbox.root, 'many.jsonl');
    await writeFile(
      catalog,
      Array.from({ length: 120 }, (_, i) => JSON.stringify({ id: `m${i}`, title: `Item ${i} ${['Kitchen', 'Garden'][i % 2] ?? ''}` })).join('\n'),
    );
    const out = join(sandbox.root, 'many');
    const options = ['--catalog', catalog, '--out', out, '--dim', String(TEXT_DIM), '--min-recall', '1'];
    expect(await run([...options, '--dtype', 'int8'])).toBe(3);
    expect(sandbox.errors.join('\n')).toMatch(/int8 recall@50 0\.\d{4} < 1: refusing to write a model that ranks differently from its float32 self/);
    expect(await readdir(sandbox.root)).not.toContain('many');

    expect(await run([...options, '--dtype', 'auto'])).toBe(0);
    const report = await readReport(out);
    expect(report.quantisation?.recall.int8).toBeLessThan(1);
    expect(report.quantisation?.belowThreshold).toContain('int8');
    expect(report.quantisation?.dtype).toBe(report.quantisation?.recall.float16 === 1 ? 'float16' : 'float32');
    expect((await verifyModelDir(out)).manifest.dtype).toBe(report.quantisation?.dtype);
    // And with a bar int8 clears, auto stores int8.
    expect(await run([...options.slice(0, -1), '0.5', '--dtype', 'auto'])).toBe(0);
    expect((await verifyModelDir(out)).manifest.dtype).toBe('int8');
  });
});
