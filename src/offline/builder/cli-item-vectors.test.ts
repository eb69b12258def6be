import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { project, rowSimilarity } from '../../core/rank.ts';
import { seededRandom } from '../../core/random.ts';
import type { BuildReport } from './build-report.ts';
import { main } from './cli.ts';
import { writeItemVectorFile } from '../lib/item-vector-files.ts';
import { gaussian } from '../lib/linalg.ts';
import { fakeEncoder, fakeVector, useCliSandbox } from '../lib/test-support.ts';
import { verifyModelDir } from '../lib/write-model.ts';

const sandbox = useCliSandbox('vitrine-import-');

/** A small fake encoder keeps the maths fast; the imported vectors (48-d) are wider, so they are reduced. */
const TEXT_DIM = 32;
const IMPORTED_DIM = 48;
const DEPARTMENTS = ['Kitchen', 'Garden', 'Toys', 'Books'];
const COUNT = 80;
/** Items without an imported vector: they fall back to their text. */
const WITHOUT = new Set([5, 17, 33, 50, 51, 60, 71, 79]);

const title = (i: number): string => `${DEPARTMENTS[i % 4] ?? ''} product number ${i}`;

/**
 * A catalogue of 80 items and imported vectors that know each item's department (a direction per
 * department plus a little noise), which the fake encoder's text vectors do not.
 */
async function writeFixture(): Promise<{ catalog: string; ids: string[]; vectors: Float32Array[] }> {
  const catalog = join(sandbox.root, 'items.jsonl');
  await writeFile(catalog, `${Array.from({ length: COUNT }, (_, i) => JSON.stringify({ id: `p${i}`, title: title(i) })).join('\n')}\n`);
  const random = seededRandom(5);
  const directions = DEPARTMENTS.map(() => Float32Array.from({ length: IMPORTED_DIM }, () => gaussian(random)));
  const ids: string[] = [];
  const vectors: Float32Array[] = [];
  for (let i = 0; i < COUNT; i++) {
    if (WITHOUT.has(i)) continue;
    const direction = directions[i % 4] as Float32Array;
    ids.push(`p${i}`);
    vectors.push(direction.map((value) => value + 0.05 * gaussian(random)));
  }
  return { catalog, ids, vectors };
}

function run(args: readonly string[]): Promise<number> {
  return main([...args, '--workers', '1', '--quiet', '--dtype', 'float32'], {
    encoder: { name: 'fake-encoder', version: 'fake@1' },
    loadEncoder: () => fakeEncoder(TEXT_DIM).load(),
    loadQueryEncoder: () => fakeEncoder(TEXT_DIM).load(),
    cacheDir: join(sandbox.root, 'cache'),
  });
}

async function readReport(dir: string): Promise<BuildReport> {
  return JSON.parse(await readFile(join(dir, 'build-report.json'), 'utf8')) as BuildReport;
}

describe('build:models --item-vectors', () => {
  it('fuses imported vectors, reports what it skipped, and places items without one exactly where their text projects', async () => {
    const { catalog, ids, vectors } = await writeFixture();
    const file = join(sandbox.root, 'vectors.jsonl');
    await writeItemVectorFile(file, ids, vectors);
    // Line 73: an id the catalogue lacks; line 74: a vector with a value that is not a number.
    await writeFile(file, `${await readFile(file, 'utf8')}{"id":"zz","vector":[${'1,'.repeat(IMPORTED_DIM - 1)}1]}\n{"id":"p5","vector":["x"]}\n`);
    const out = join(sandbox.root, 'shop');
    expect(await run(['--catalog', catalog, '--item-vectors', file, '--out', out, '--dim', '16', '--max-invalid', '5%'])).toBe(0);

    const report = await readReport(out);
    expect(report.itemVectors).toMatchObject({ format: 'jsonl', dim: IMPORTED_DIM, records: 74, imported: 72, missing: 8, skipped: 2 });
    expect(report.itemVectors?.byReason).toEqual({ 'unknown-item': 1, 'bad-vector': 1 });
    expect(report.itemVectors?.examples['unknown-item']?.[0]).toContain(`${file}:73:`);
    expect(report.itemVectors?.missingExamples).toEqual(['p5', 'p17', 'p33']);
    expect(report.itemVectors?.mapQuality?.candidates).toBe(72);
    expect(report.fusion).toMatchObject({ method: 'PCA of the imported vectors', textDim: TEXT_DIM, dim: 16 });

    const model = await verifyModelDir(out);
    const projection = model.projection ?? new Float32Array();
    expect(projection).toHaveLength(TEXT_DIM * 16);
    // The imported departments survive reduction and fusion: each item is nearer its own department.
    const mean = (pairs: [number, number][]): number => pairs.reduce((sum, [a, b]) => sum + rowSimilarity(model.vectors, 16, a, b), 0) / pairs.length;
    const imported = Array.from({ length: COUNT }, (_, i) => i).filter((i) => !WITHOUT.has(i));
    const same = imported.flatMap((a) => imported.filter((b) => b > a && b % 4 === a % 4).map((b): [number, number] => [a, b]));
    const other = imported.flatMap((a) => imported.filter((b) => b > a && b % 4 !== a % 4).map((b): [number, number] => [a, b]));
    expect(mean(same)).toBeGreaterThan(0.9);
    expect(mean(other)).toBeLessThan(0.2);
    for (const row of WITHOUT) {
      const expected = project(Float32Array.from(fakeVector(title(row), TEXT_DIM)), projection, 16);
      expect(Array.from(model.vectors.subarray(row * 16, (row + 1) * 16))).toEqual(Array.from(expected));
    }
  });

  it('reads an .npy array with its ids file as it reads the same vectors from JSON Lines', async () => {
    const { catalog, ids, vectors } = await writeFixture();
    const npy = join(sandbox.root, 'vectors.npy');
    const [, idsFile] = await writeItemVectorFile(npy, ids, vectors);
    const jsonl = join(sandbox.root, 'vectors.jsonl');
    await writeItemVectorFile(jsonl, ids, vectors);
    expect(await run(['--catalog', catalog, '--item-vectors', npy, '--item-vector-ids', idsFile ?? '', '--out', join(sandbox.root, 'a'), '--dim', '16'])).toBe(
      0,
    );
    expect(await run(['--catalog', catalog, '--item-vectors', jsonl, '--out', join(sandbox.root, 'b'), '--dim', '16'])).toBe(0);
    expect((await readReport(join(sandbox.root, 'a'))).itemVectors).toMatchObject({ format: 'npy', imported: 72, skipped: 0 });
    expect(Array.from((await verifyModelDir(join(sandbox.root, 'a'))).vectors)).toEqual(Array.from((await verifyModelDir(join(sandbox.root, 'b'))).vectors));
  });

  it('stops with exit 2 for a --dim the imported vectors cannot fill, a file of unknown ids, too many bad vectors and a missing ids file', async () => {
    const { catalog, ids, vectors } = await writeFixture();
    const file = join(sandbox.root, 'vectors.jsonl');
    await writeItemVectorFile(file, ids, vectors);
    const out = join(sandbox.root, 'shop');
    expect(await run(['--catalog', catalog, '--item-vectors', file, '--out', out, '--dim', '40'])).toBe(2);
    expect(sandbox.errors.join('\n')).toContain(`--dim 40 needs 40 dimensions from ${file}, whose vectors give 32; use --dim 32 or less`);

    const strangers = join(sandbox.root, 'strangers.jsonl');
    await writeItemVectorFile(
      strangers,
      ids.map((id) => `x-${id}`),
      vectors,
    );
    sandbox.errors.length = 0;
    expect(await run(['--catalog', catalog, '--item-vectors', strangers, '--out', out, '--dim', '16', '--max-invalid', '100%'])).toBe(2);
    expect(sandbox.errors.join('\n')).toContain(`${strangers}: no vector belongs to an item of the catalogue (72 records read)`);

    const broken = join(sandbox.root, 'broken.jsonl');
    await writeFile(broken, `${await readFile(file, 'utf8')}{"id":"p5","vector":[1]}\n`);
    sandbox.errors.length = 0;
    expect(await run(['--catalog', catalog, '--item-vectors', broken, '--out', out, '--dim', '16'])).toBe(2);
    expect(sandbox.errors.join('\n')).toContain(`${broken}: 1 of 73 vectors (1.37%) were skipped, more than --max-invalid 1.00%`);
    expect(sandbox.errors.join('\n')).toContain(`${broken}:73:`);

    sandbox.errors.length = 0;
    expect(
      await run(['--catalog', catalog, '--item-vectors', join(sandbox.root, 'v.npy'), '--item-vector-ids', join(sandbox.root, 'none.txt'), '--out', out]),
    ).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/--item-vectors .*v\.npy cannot be read \(ENOENT/);
    sandbox.errors.length = 0;
    expect(await run(['--catalog', catalog, '--item-vectors', join(sandbox.root, 'v.npy'), '--out', out])).toBe(2);
    expect(sandbox.errors.join('\n')).toContain('is a NumPy array: name its ids file (one id per line, in row order) with --item-vector-ids');
  });
});
