import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as build } from '../../builder/cli.ts';
import { fakeEncoder } from '../../lib/test-support.ts';
import { main } from './cli.ts';

/** Twelve products: 6 kettles, 5 hoses (leaf categories with enough items) and one seed packet (too few). */
const ITEMS = [
  ...['red', 'blue', 'green', 'black', 'white', 'steel'].map((colour) => ({
    title: `${colour} electric kettle with filter`,
    categories: ['Kitchen', 'Kettles'],
  })),
  ...['short', 'long', 'flat', 'coiled', 'heavy'].map((kind) => ({ title: `${kind} garden hose with nozzle`, categories: ['Garden', 'Hoses'] })),
  { title: 'tomato seeds packet', categories: ['Garden', 'Seeds'] },
];

const encoder = fakeEncoder(16);
let root = '';
let titlesOnly = '';
let withCategories = '';

async function buildFolder(name: string, template: string[]): Promise<string> {
  const out = join(root, name);
  const code = await build(
    ['--catalog', join(root, 'items.jsonl'), '--out', out, '--category-field', 'categories', ...template, '--dim', '4', '--workers', '1', '--quiet'],
    {
      encoder: { name: 'fake-encoder', version: 'fake@1' },
      loadEncoder: () => encoder.load(),
      cacheDir: join(root, 'cache'),
    },
  );
  expect(code).toBe(0);
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-search-eval-'));
  await writeFile(join(root, 'items.jsonl'), ITEMS.map((item, i) => JSON.stringify({ id: `p${i}`, ...item })).join('\n') + '\n');
  titlesOnly = await buildFolder('titles-only', ['--text-template', '{title}']);
  withCategories = await buildFolder('with-categories', []);
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('npm run eval:search', () => {
  it('evaluates a tiny folder end to end and replaces the search section of the document', async () => {
    const doc = join(root, 'results.md');
    await writeFile(doc, '# Results\n\nProse before.\n\n<!-- eval:search -->\nold figures\n<!-- /eval:search -->\n\nProse after.\n');
    const printed: string[] = [];
    const print = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const code = await main(['--models', `${titlesOnly},${withCategories}`, '--known-items', '4', '--random', '10', '--floor-off', '--write', doc], {
      loadEncoder: () => encoder.load(),
      log: () => {},
    });
    print.mockRestore();
    expect(code).toBe(0);

    const table = printed.join('\n').split('\n');
    const rowsOf = (model: string, set: string) => table.filter((line) => line.startsWith(`| ${model} | ${set} |`));
    // Kettles and Hoses make queries, Seeds (one item) does not; only where the vectors do not embed the categories.
    expect(rowsOf('titles-only', 'category').map((line) => line.split(' | ').slice(2, 5).join(' '))).toEqual([
      '2 lexical –',
      '2 semantic float32',
      '2 semantic uint8',
      '2 hybrid float32',
      '2 hybrid uint8',
    ]);
    expect(rowsOf('with-categories', 'category')).toEqual([]);
    expect(rowsOf('titles-only', 'demo')).toEqual([]);
    // Every known-item query keeps at least two exact words of its title, so lexical search finds the
    // item among its look-alikes (at most 6 share most of its words): a hit in the top 10 every time.
    expect(rowsOf('titles-only', 'known-item')[0]).toMatch(
      /^\| titles-only \| known-item \| 4 \| lexical \| – \| [01]\.\d{4} \| 1\.0000 \| [01]\.\d{4} \| 0\.0% \|/,
    );
    expect(rowsOf('with-categories', 'random')[0]).toMatch(/^\| with-categories \| random \| 10 \| lexical \| – \| – \| – \| – \| 100\.0% \| 0\.0 \|$/);

    const written = await readFile(doc, 'utf8');
    expect(written.startsWith('# Results\n\nProse before.\n\n<!-- eval:search -->\n## Search')).toBe(true);
    expect(written.endsWith('<!-- /eval:search -->\n\nProse after.\n')).toBe(true);
    expect(written).not.toContain('old figures');
    expect(written).toContain('- category: 2 queries: the name of each leaf category with at least 5 items (of 3)');
    expect(written).toContain('- not run: category: the item vectors were embedded from `{title}. {category}. {brand}. {description}`');
    expect(written).toContain('- not run: demo: not the demo catalogue');
    expect(written).toMatch(
      /- built with: `npm run build:models -- --catalog \S+items\.jsonl --out \S+titles-only --category-field categories --text-template '\{title\}' --dim 4/,
    );
    expect(written).toContain(
      `- command: \`npm run eval:search -- --models ${titlesOnly},${withCategories} --known-items 4 --random 10 --floor-off --write ${doc}\``,
    );
    expect(written).toContain('Random-character queries with no results (must be 100%): titles-only lexical 100.0%');
    // With the floor off every item is a semantic match: the diagnostic table has no lexical rows and no empty results.
    const diagnostic = written.slice(written.indexOf('Diagnostic, not what the browser does')).split('\n');
    const floorOffRows = diagnostic.filter((line) => line.startsWith('| titles-only | random |'));
    expect(floorOffRows.map((line) => line.split(' | ').slice(3, 5).join(' '))).toEqual([
      'semantic float32',
      'semantic uint8',
      'hybrid float32',
      'hybrid uint8',
    ]);
    for (const line of floorOffRows) expect(line).toMatch(/\| 0\.0% \| 12\.0 \|$/);
  }, 60_000);

  it('with --paged, also runs semantic and hybrid search on the folder as a paged model holds it', async () => {
    // Product quantisation needs a row per centroid: 256 items at least.
    const words = ['amber', 'brass', 'cedar', 'denim', 'ember', 'frost', 'grove', 'haze', 'ivory', 'jade', 'karst', 'lilac', 'maple', 'north', 'olive'];
    const many = Array.from({ length: 300 }, (_, i) => ({
      id: `m${i}`,
      title: `${words[i % 15] ?? ''} ${words[Math.floor(i / 15) % 15] ?? ''} lantern model ${i}`,
      categories: ['Lights', `Shelf ${i % 4}`],
    }));
    const catalog = join(root, 'many.jsonl');
    await writeFile(catalog, many.map((item) => JSON.stringify(item)).join('\n') + '\n');
    const out = join(root, 'many');
    const built = await build(
      ['--catalog', catalog, '--out', out, '--category-field', 'categories', '--text-template', '{title}', '--dim', '4', '--workers', '1', '--quiet'],
      {
        encoder: { name: 'fake-encoder', version: 'fake@1' },
        loadEncoder: () => encoder.load(),
        cacheDir: join(root, 'cache'),
      },
    );
    expect(built).toBe(0);
    const doc = join(root, 'paged.md');
    await writeFile(doc, '# Results\n');
    const printed: string[] = [];
    const print = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const code = await main(['--models', out, '--sets', 'known-item', '--known-items', '4', '--encoders', 'float32', '--paged', '--write', doc], {
      loadEncoder: () => encoder.load(),
      log: () => {},
    });
    print.mockRestore();
    expect(code).toBe(0);
    const pagedTable = (text: string) =>
      text
        .slice(text.indexOf('As a paged model searches'))
        .split('\n')
        .filter((line) => line.startsWith('| many |'))
        .map((line) => line.split(' | ').slice(1, 5).join(' '));
    // No lexical rows: the words are the same either way.
    const expected = ['known-item 4 semantic float32', 'known-item 4 hybrid float32'];
    expect(pagedTable(printed.join('\n'))).toEqual(expected);
    expect(pagedTable(await readFile(doc, 'utf8'))).toEqual(expected);
  }, 120_000);

  it('exits 2 on a bad option', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['--models', 'x', '--sets', 'colour'])).toBe(2);
    expect(await main([])).toBe(2);
    error.mockRestore();
  });
});
