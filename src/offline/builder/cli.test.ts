import { EMPTY_NEIGHBOUR } from '../../core/neighbours.ts';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowSimilarity } from '../../core/rank.ts';
import type { BuildReport } from './build-report.ts';
import { main } from './cli.ts';
import { PRESETS } from './cli-usage.ts';
import { parseCommandLine } from './parse-command-line.ts';
import { parseBuildOptions } from '../lib/build-options.ts';
import { semanticFloor } from '../lib/semantic-floor.ts';
import { fakeEncoder, useCliSandbox, type FakeEncoder } from '../lib/test-support.ts';
import { verifyModelDir } from '../lib/write-model.ts';

const sandbox = useCliSandbox('vitrine-cli-');

const DEPARTMENTS = ['Kitchen', 'Garden', 'Toys', 'Books'];

/** 40 items in 4 departments; sessions buy within one department. */
async function writeFixture(options: { changeTitleOf?: number } = {}): Promise<{ catalog: string; events: string }> {
  const catalog = join(sandbox.root, 'items.jsonl');
  const items = Array.from({ length: 40 }, (_, i) => ({
    sku: `p${i}`,
    name: i === options.changeTitleOf ? `Renamed product ${i}` : `${DEPARTMENTS[i % 4]} product number ${i}`,
    dept: [DEPARTMENTS[i % 4], 'All'],
    price: 1 + i,
  }));
  const lines = items.map((item) => JSON.stringify(item));
  lines.splice(10, 0, '{"sku":"p99","name":""}'); // line 11: an empty title, skipped and counted
  await writeFile(catalog, `${lines.join('\n')}\n`);
  const events = join(sandbox.root, 'events.csv');
  const rows = ['basket,customer,product,kind,at'];
  for (let s = 0; s < 60; s++) {
    const department = s % 4;
    for (let k = 0; k < 4; k++)
      rows.push(`b${s},c${s % 10},p${department + 4 * ((s + k * 3) % 10)},buy,2024-01-${String(1 + (s % 28)).padStart(2, '0')}T10:00:00`);
  }
  rows.push('b99,c1,p404,buy,2024-02-01T10:00:00'); // an unknown item, skipped and counted
  await writeFile(events, `${rows.join('\n')}\n`);
  return { catalog, events };
}

const MAPPING = [
  '--id-field',
  'sku',
  '--title-field',
  'name',
  '--category-field',
  'dept',
  '--event-item',
  'product',
  '--event-user',
  'customer',
  '--event-session',
  'basket',
  '--event-type',
  'kind',
  '--event-time',
  'at',
  '--event-weights',
  'buy=1',
];

/** A small fake encoder keeps the fusion maths (eigen-decompositions of textDim x textDim) fast. */
const TEXT_DIM = 32;

function run(args: readonly string[], encoder: FakeEncoder = fakeEncoder(TEXT_DIM)): Promise<number> {
  return main([...args, '--workers', '1', '--quiet'], {
    encoder: { name: 'fake-encoder', version: 'fake@1' },
    loadEncoder: () => encoder.load(),
    // The semantic floor's query encoder: a fake of its own, so `encoder` counts the item texts only.
    loadQueryEncoder: () => fakeEncoder(TEXT_DIM).load(),
    cacheDir: join(sandbox.root, 'cache'),
  });
}

async function readReport(dir: string): Promise<BuildReport> {
  return JSON.parse(await readFile(join(dir, 'build-report.json'), 'utf8')) as BuildReport;
}

describe('build:models command line', () => {
  it('prints help, and rejects bad usage with exit code 2 naming the bad value', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(await main(['--out', join(sandbox.root, 'm')])).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/--catalog <items.jsonl\|items.csv> is required/);
    expect(await main(['--catalog', 'x.jsonl', '--out', 'y', '--dtype', 'float64'])).toBe(2);
    expect(await main(['--catalog', 'x.jsonl', '--out', 'y', '--dim', '1024'])).toBe(2);
    expect(await main(['--catalog', 'x.jsonl', '--out', 'y', '--dim', '63'])).toBe(2);
    expect(await main(['--catalog', 'x.jsonl', '--out', 'y', '--event-weights', 'buy:1'])).toBe(2);
    expect(await main(['--catalog', 'x.jsonl', '--out', 'y', '--preset', 'nope'])).toBe(2);
    expect(await main(['--bogus'])).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/--dim must be an integer in \[2, 512\], found "1024"/);
    expect(sandbox.errors.join('\n')).toMatch(/--dim must be even/);
    expect(await main(['--catalog', 'x.jsonl', '--out', 'y', '--train-before', 'last month'])).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/--train-before must be an ISO 8601 date or date-time \(UTC when no zone\), found "last month"/);
    expect(parseCommandLine(['--catalog', 'x.jsonl', '--out', 'y', '--train-before', '2011-11-09'])).toMatchObject({ trainBefore: Date.UTC(2011, 10, 9) });
  });

  it('expands presets before the user options, which win', () => {
    const options = parseCommandLine(['--preset', 'amazon-beauty', '--catalog', 'i.jsonl', '--out', 'models/beauty', '--sequence', 'session']);
    expect(options).toMatchObject({
      sequence: 'session',
      catalogId: 'beauty',
      fields: { title: ['title', 'title_hint', 'brand'], category: 'categories' },
      eventColumns: { time: null, order: { name: 'position' } },
    });
    expect(PRESETS['online-retail']).toContain('purchase=1,return=-1,adjustment=0');
    expect(parseCommandLine(['--catalog', 'i.jsonl', '--out', 'o', '--group-field', 'parent_asin'])).toMatchObject({ fields: { group: 'parent_asin' } });
    expect(parseCommandLine(['--catalog', 'i.jsonl', '--out', 'o'])).toMatchObject({ fields: { group: 'group' } });
  });

  it('records its resolved options so that a later step reads back the mapping and hold-out it ran with', () => {
    const options = parseCommandLine([
      '--preset',
      'online-retail',
      '--catalog',
      'i.csv',
      '--events',
      'e.csv',
      '--out',
      'o',
      '--title-field',
      'name|label',
      '--brand-field',
      'none',
      '--text-template',
      '{title} by {maker}',
      '--text-case',
      'lower',
      '--event-user',
      'customer',
      '--train-before',
      '2011-11-09T12:30:00Z',
    ]);
    if (typeof options === 'string') throw new Error(`expected build options, got ${options}`);
    const recorded = parseBuildOptions(JSON.parse(JSON.stringify(options.shown)), 'build-report.json');
    const { preset, catalog, events, fields, template, textCase, eventColumns, eventWeights, holdoutLast, trainBefore } = options;
    expect(recorded).toEqual({ preset, catalog, events, fields, template, textCase, eventColumns, eventWeights, holdoutLast, trainBefore });
    expect([...recorded.eventWeights]).toEqual([
      ['purchase', 1],
      ['return', -1],
      ['adjustment', 0],
    ]);
    expect(recorded).toMatchObject({
      preset: 'online-retail',
      fields: { title: ['name', 'label'], brand: null },
      eventColumns: { user: { name: 'customer', required: true } },
      trainBefore: Date.UTC(2011, 10, 9, 12, 30),
    });
  });
});

describe('build:models builds', () => {
  it('builds a fused model with projection, popularity and a report from a mapped catalogue and event log', async () => {
    const { catalog, events } = await writeFixture();
    const out = join(sandbox.root, 'models', 'shop');
    expect(await run(['--catalog', catalog, '--events', events, '--out', out, ...MAPPING, '--dim', '8', '--max-invalid', '5%'])).toBe(0);

    const model = await verifyModelDir(out);
    expect(model.manifest).toMatchObject({ catalogId: 'shop', itemCount: 40, dim: 8, encoder: { name: 'fake-encoder', dim: TEXT_DIM } });
    expect(Object.keys(model.manifest.files).sort()).toEqual(['catalog', 'complements', 'neighbours', 'popularity', 'projection', 'vectors']);
    // Each session (a basket) buys in one department (row % 4), so every item's behaviour neighbours
    // and complements are of its own.
    for (const slots of [model.neighbours, model.complements]) {
      expect(slots?.perItem).toBe(20);
      const listed = [...(slots?.rows ?? [])].map((row, slot) => [Math.floor(slot / 20), row]).filter(([, row]) => row !== EMPTY_NEIGHBOUR);
      expect(listed.filter(([item]) => item === 0).length).toBeGreaterThan(0);
      expect(listed.filter(([item, row]) => (item ?? 0) % 4 !== (row ?? 0) % 4)).toEqual([]);
    }
    expect(model.projection).toHaveLength(TEXT_DIM * 8);
    // The semantic floor: random strings through the query encoder and the projection, against the stored vectors.
    const floor = await semanticFloor({ vectors: model.vectors, dim: 8, projection: model.projection, encoder: await fakeEncoder(TEXT_DIM).load() });
    expect(model.manifest.search).toEqual(floor);
    expect(floor.semanticFloor).toBeLessThan(1);
    expect(model.items[1]).toMatchObject({ id: 'p1', title: 'Garden product number 1', category: 'Garden, All', price: 2 });
    // Behaviour pulls items bought together (same department) closer than text alone would.
    expect(rowSimilarity(model.vectors, 8, 0, 4)).toBeGreaterThan(rowSimilarity(model.vectors, 8, 0, 1));

    const report = await readReport(out);
    expect(report.status).toBe('built');
    expect(report.catalog).toMatchObject({ records: 41, used: 40, skipped: 1, byReason: { 'missing-title': 1 } });
    expect(report.catalog.examples['missing-title']).toEqual([`${catalog}:11: no non-empty title in "name" [missing-title]`]);
    expect(report.events).toMatchObject({
      records: 241,
      used: 240,
      skipped: 1,
      byReason: { 'unknown-item': 1 },
      sequences: 60,
      sequenceGrouping: 'session',
      byType: { buy: 240 },
    });
    expect(report.events?.examples['unknown-item']).toEqual([`${events}:242: item "p404" is not in the catalogue [unknown-item]`]);
    expect(report.embedding).toMatchObject({ texts: 40, embedded: 40, cached: 0 });
    expect(report.quantisation).toMatchObject({ k: 50, histories: 10, source: 'user histories' });
    expect(report.quantisation?.recall.int8).toBeGreaterThan(0.9);
    expect(report.model).toMatchObject({ itemCount: 40, dim: 8, encoderDim: TEXT_DIM, projection: true });
    expect(report.peakRssBytes).toBeGreaterThan(0);
    expect(Object.keys(report.timings)).toEqual(
      expect.arrayContaining(['read catalogue', 'read events', 'embed texts', 'behaviour', 'fusion', 'quantisation check', 'write + verify', 'total']),
    );
    expect(await readFile(join(out, 'build-report.md'), 'utf8')).toMatch(/embedded 40, from cache 0/);
    // The reports sit next to the model but are not part of it.
    expect(JSON.stringify(model.manifest.files)).not.toMatch(/build-report/);

    // A flipped byte in any listed file is caught by the browser's loader.
    const projectionFile = join(out, 'projection.f32');
    const bytes = new Uint8Array(await readFile(projectionFile));
    bytes[5] = (bytes[5] ?? 0) ^ 0x10;
    await writeFile(projectionFile, bytes);
    await expect(verifyModelDir(out)).rejects.toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH' });
  });

  it('re-embeds only the texts that changed on a re-run', async () => {
    const { catalog, events } = await writeFixture();
    const out = join(sandbox.root, 'shop');
    expect(await run(['--catalog', catalog, '--events', events, '--out', out, ...MAPPING, '--dim', '8', '--max-invalid', '5%'])).toBe(0);
    await writeFixture({ changeTitleOf: 7 });
    const encoder = fakeEncoder(TEXT_DIM);
    expect(await run(['--catalog', catalog, '--events', events, '--out', out, ...MAPPING, '--dim', '8', '--max-invalid', '5%'], encoder)).toBe(0);
    expect(encoder.embedded).toEqual(['Renamed product 7. Books, All']);
    expect((await readReport(out)).embedding).toMatchObject({ embedded: 1, cached: 39 });
  });

  it('without events keeps raw encoder vectors and no projection, or reduces them by PCA with one', async () => {
    const { catalog } = await writeFixture();
    const raw = join(sandbox.root, 'raw');
    expect(await run(['--catalog', catalog, '--out', raw, ...MAPPING, '--dim', String(TEXT_DIM), '--max-invalid', '5%', '--dtype', 'float32'])).toBe(0);
    const rawModel = await verifyModelDir(raw);
    expect(rawModel.manifest).toMatchObject({ dim: TEXT_DIM, dtype: 'float32', encoder: { dim: TEXT_DIM } });
    expect(rawModel.projection).toBeNull();
    expect(rawModel.popularity).toBeNull();
    expect((await readReport(raw)).quantisation).toMatchObject({ source: 'single-item queries (no user histories)', histories: 40 });

    const reduced = join(sandbox.root, 'reduced');
    expect(await run(['--catalog', catalog, '--out', reduced, ...MAPPING, '--dim', '16', '--max-invalid', '5%'])).toBe(0);
    const reducedModel = await verifyModelDir(reduced);
    expect(reducedModel.manifest).toMatchObject({ dim: 16, encoder: { dim: TEXT_DIM } });
    expect(reducedModel.projection).toHaveLength(TEXT_DIM * 16);
  });
});

describe('build:models stops on bad input, and builds with the real encoder', () => {
  it('stops with exit 2 above --max-invalid, at the first bad line with --strict, and for a --dim that does not fit', async () => {
    const { catalog, events } = await writeFixture();
    const out = join(sandbox.root, 'shop');
    expect(await run(['--catalog', catalog, '--events', events, '--out', out, ...MAPPING, '--dim', '8'])).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/1 of 41 records \(2\.44%\) were skipped, more than --max-invalid 1\.00%/);
    expect(sandbox.errors.join('\n')).toContain(`${catalog}:11: no non-empty title in "name" [missing-title]`);

    sandbox.errors.length = 0;
    expect(await run(['--catalog', catalog, '--events', events, '--out', out, ...MAPPING, '--dim', '8', '--strict'])).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(
      new RegExp(`${catalog.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: line 11: missing or empty title \\[missing-title\\]`),
    );

    sandbox.errors.length = 0;
    expect(await run(['--catalog', catalog, '--events', events, '--out', out, ...MAPPING, '--dim', '64', '--max-invalid', '5%'])).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/--dim 64 does not fit: the catalogue has only 40 usable items/);

    sandbox.errors.length = 0;
    expect(await run(['--catalog', catalog, '--out', out, ...MAPPING, '--dim', '36', '--max-invalid', '5%'])).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/--dim 36 does not fit: the text encoder gives 32-d vectors/);

    sandbox.errors.length = 0;
    expect(
      await run([
        '--catalog',
        catalog,
        '--events',
        events,
        '--out',
        out,
        ...MAPPING,
        '--event-session',
        'none',
        '--sequence',
        'session',
        '--dim',
        '8',
        '--max-invalid',
        '5%',
      ]),
    ).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/--sequence session needs a session column/);
    expect(await run(['--catalog', join(sandbox.root, 'missing.jsonl'), '--out', out])).toBe(2);
    expect(sandbox.errors.join('\n')).toMatch(/--catalog .*missing\.jsonl cannot be read \(ENOENT/);
    expect(await readdir(sandbox.root)).not.toContain('shop');
  });

  it('applies --max-invalid to the event log as well as the catalogue', async () => {
    const { catalog, events } = await writeFixture();
    const rows = Array.from({ length: 10 }, (_, i) => `b${i},c1,nope${i},buy,2024-01-02T10:00:00`);
    await writeFile(events, `${await readFile(events, 'utf8')}${rows.join('\n')}\n`);
    const out = join(sandbox.root, 'shop');
    // The catalogue skips 1 of 41 (2.44%), under 3%; the log 11 of 251 (4.38%), over it.
    expect(await run(['--catalog', catalog, '--events', events, '--out', out, ...MAPPING, '--dim', '8', '--max-invalid', '3%'])).toBe(2);
    expect(sandbox.errors.join('\n')).toContain(`${events}: 11 of 251 records (4.38%) were skipped, more than --max-invalid 3.00%`);
    expect(await readdir(sandbox.root)).not.toContain('shop');
  });

  // The one test that runs the real sentence encoder (tfjs wasm, ~5-10 s on this machine).
  it('builds a verified model with the real encoder, whose vectors cluster by department', async () => {
    const file = join(sandbox.root, 'items.jsonl');
    const lines = [
      { id: 'k1', title: 'Non-stick frying pan', category: 'Kitchen', description: 'A pan for cooking eggs and pancakes.' },
      { id: 'k2', title: 'Stainless steel saucepan', category: 'Kitchen', description: 'A pot for soups and sauces on the hob.' },
      { id: 'j1', title: 'Sterling silver necklace', category: 'Jewellery', description: 'A pendant on a fine chain, gift boxed.' },
      { id: 'j2', title: 'Gold hoop earrings', category: 'Jewellery', description: 'Polished earrings for everyday wear.' },
    ];
    await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n'));
    const out = join(sandbox.root, 'tiny');
    expect(await main(['--catalog', file, '--out', out, '--no-cache', '--dtype', 'float16', '--dim', '512', '--workers', '1', '--quiet'])).toBe(0);
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
