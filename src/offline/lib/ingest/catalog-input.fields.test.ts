// readCatalog, field by field: ids, titles, text fields, prices, the embedded text and its cut, and
// what the result says besides the items (records, skipped ids, fields seen, progress).
import { describe, expect, it } from 'vitest';
import { faultTest } from '../../../core/fault-test-support.ts';
import { DEFAULT_CATALOG_FIELDS, MAX_EMBED_FIELD_CHARS, readCatalog, type CatalogFields } from './catalog-input.ts';
import { createProblemLog } from './problems.ts';
import { parseTextTemplate, type TextCase } from './text-template.ts';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const jsonl = (...records: object[]): string => records.map((record) => JSON.stringify(record)).join('\n');

interface ReadOptions {
  readonly file?: string;
  readonly fields?: Partial<CatalogFields>;
  readonly template?: string;
  readonly textCase?: TextCase;
}

function read(text: string, options: ReadOptions = {}) {
  const file = options.file ?? 'items.jsonl';
  const problems = createProblemLog(file, { strict: false, code: 'CATALOG_INVALID' });
  const progress: number[] = [];
  const catalog = readCatalog(utf8(text), file, {
    fields: { ...DEFAULT_CATALOG_FIELDS, ...options.fields },
    template: parseTextTemplate(options.template ?? '{title}. {category}. {brand}. {description}'),
    textCase: options.textCase ?? 'auto',
    problems,
    progress: (done) => progress.push(done),
  });
  const summary = problems.summary();
  return { catalog, progress, examples: summary.examples, notes: summary.notes.examples };
}

describe('readCatalog: what it returns besides the items', () => {
  it('reads a .CSV file as CSV whatever the case of its extension, its header as the fields seen, progress to the last byte', () => {
    const text = 'id,title,colour\nc1,Mug,red\n';
    const { catalog, progress } = read(text, { file: 'ITEMS.CSV' });
    expect(catalog.items.map((item) => [item.id, item.title])).toEqual([['c1', 'Mug']]);
    expect(catalog.records).toBe(1);
    expect(catalog.fieldsSeen).toEqual(['id', 'title', 'colour']);
    expect(progress).toEqual([text.length]);
  });

  it('gives the fields seen in JSON Lines as every key of any record, in first-seen order, and progress to the last byte', () => {
    const text = jsonl({ id: 'a', title: 'A', colour: 'red' }, { title: 'B', id: 'b', size: 'L' }, { id: 'c' });
    const { catalog, progress } = read(text);
    expect(catalog.fieldsSeen).toEqual(['id', 'title', 'colour', 'size']);
    expect(catalog.records).toBe(3);
    expect(progress).toEqual([text.length]);
  });

  it('remembers a skipped id only while no good record has it', () => {
    const { catalog, examples } = read(
      jsonl({ id: 'a', title: 'A' }, { id: 'a' }, { id: 'b' }, { id: 'b', title: 'B' }, { id: 'c', title: 7 }, { id: 'd', title: 'D', price: -1 }),
    );
    expect(catalog.items.map((item) => item.id)).toEqual(['a', 'b']);
    expect([...catalog.skippedIds]).toEqual(['c', 'd']);
    expect(examples['bad-number']).toEqual(['items.jsonl:6: "price" (price) must be a number >= 0, found number -1 [bad-number]']);
  });
});

describe('readCatalog: ids and titles', () => {
  it('takes a trimmed string or a safe integer as the id, and names what it found otherwise', () => {
    const { catalog, examples } = read(
      jsonl(
        { id: ' a1 ', title: 'A' },
        { id: 0, title: 'Zero' },
        { id: 1.5, title: 'Half' },
        { id: 2 ** 53, title: 'Big' },
        { id: '  ', title: 'Blank' },
        { id: true, title: 'Bool' },
      ),
    );
    expect(catalog.items.map((item) => item.id)).toEqual(['a1', '0']);
    expect(examples['missing-id']).toEqual([
      'items.jsonl:3: "id" must be a non-empty string or an integer, found number 1.5 [missing-id]',
      `items.jsonl:4: "id" must be a non-empty string or an integer, found number ${2 ** 53} [missing-id]`,
      'items.jsonl:5: "id" must be a non-empty string or an integer, found "  " [missing-id]',
    ]);
  });

  it(
    'takes the first non-empty title of its alternatives, names the one with a NUL, and lists them all when none has text',
    faultTest('Builder input files', 'A NUL character in a title field', async () => {
      const fields = { id: 'sku', title: ['name', 'hint'] };
      const { catalog, examples } = read(
        jsonl(
          { sku: 'a', name: ' ', hint: ' Lamp ' },
          { sku: 'b', name: 'Desk', hint: 'ignored' },
          { sku: 'c', hint: 'Chair' },
          { sku: 'd', name: '', hint: 'Nul\u0000' },
          { sku: 'e', name: '', hint: null },
          { sku: 'f', name: 3, hint: 'Stool' },
        ),
        { fields },
      );
      expect(catalog.items.map((item) => [item.id, item.title])).toEqual([
        ['a', 'Lamp'],
        ['b', 'Desk'],
        ['c', 'Chair'],
      ]);
      expect(examples['nul-character']).toEqual(['items.jsonl:4: "hint" (title) holds a NUL character at position 4 [nul-character]']);
      expect(examples['missing-title']).toEqual(['items.jsonl:5: no non-empty title in "name" or "hint" [missing-title]']);
      expect(examples['non-text-title']).toEqual(['items.jsonl:6: "name" must be text, found number 3 [non-text-title]']);
    }),
  );
});

describe('readCatalog: text fields and prices', () => {
  it('reads text as trimmed strings, numbers as written and lists joined with ", " without their empty parts', () => {
    const { catalog } = read(
      jsonl({ id: 'a', title: 'A', category: ['Home', ' ', null, 2, ' Lamps '], brand: 7, description: ' Tall ', image: ' a.jpg ', group: 'g' }),
    );
    expect(catalog.items).toEqual([{ id: 'a', title: 'A', category: 'Home, 2, Lamps', description: 'Tall', price: null, image: 'a.jpg', group: 'g' }]);
    expect(catalog.texts).toEqual(['A. Home, 2, Lamps. 7. Tall']);
  });

  it.each<[string, unknown, string]>([
    ['a boolean', true, 'boolean true'],
    ['an object', { a: 1 }, 'an object'],
    ['a list of lists', [['a']], 'an array of 1'],
    ['a list holding an object', ['a', {}], 'an array of 2'],
    ['a list holding a boolean', [false], 'an array of 1'],
  ])('refuses %s as a text field, naming field, role and value, and reads only the field the role is mapped to', (_name, value, found) => {
    const unmapped = read(jsonl({ id: 'a', title: 'A', brand: value }), { fields: { brand: 'maker' } });
    expect(unmapped.catalog.items.map((item) => item.id)).toEqual(['a']);
    expect(unmapped.examples).toEqual({});
    const named = read(jsonl({ id: 'a', title: 'A', maker: value }), { fields: { brand: 'maker' } });
    expect(named.catalog.items).toEqual([]);
    expect(named.examples['bad-field']).toEqual([`items.jsonl:1: "maker" (brand) must be text or a list of text, found ${found} [bad-field]`]);
  });

  it('reads no field a role is mapped to null, even one named like the role or "null"', () => {
    const fields = { category: null, brand: null, description: null, image: null, group: null, price: null };
    const { catalog } = read(jsonl({ id: 'a', title: 'Lamp', category: 'C', brand: 'B', description: 'D', image: 'i', group: 'g', price: 'x', null: '5' }), {
      fields,
    });
    expect(catalog.items).toEqual([{ id: 'a', title: 'Lamp', category: '', description: '', price: null, image: null, group: null }]);
    expect(catalog.texts).toEqual(['Lamp']);
  });

  it('takes a price >= 0 as a number or decimal text, none when it is empty, and refuses anything else', () => {
    const { catalog, examples } = read(
      jsonl(
        { id: 'a', title: 'A', price: 0 },
        { id: 'b', title: 'B', price: ' 3.50 ' },
        { id: 'c', title: 'C', price: '' },
        { id: 'd', title: 'D', price: null },
        { id: 'e', title: 'E' },
        { id: 'f', title: 'F', price: '   ' },
        { id: 'g', title: 'G', price: '-0.5' },
        { id: 'h', title: 'H', price: true },
      ),
    );
    expect(catalog.items.map((item) => [item.id, item.price])).toEqual([
      ['a', 0],
      ['b', 3.5],
      ['c', null],
      ['d', null],
      ['e', null],
    ]);
    expect(examples['bad-number']).toEqual([
      'items.jsonl:6: "price" (price) must be a number >= 0, found "   " [bad-number]',
      'items.jsonl:7: "price" (price) must be a number >= 0, found "-0.5" [bad-number]',
      'items.jsonl:8: "price" (price) must be a number >= 0, found boolean true [bad-number]',
    ]);
  });
});

describe('readCatalog: the embedded text', () => {
  it('fills any field of the record, the price as a number, and applies the case policy', () => {
    const template = '{title} ({colour}) {price} {size}';
    const record = { id: 'a', title: 'LAMP', colour: ['RED', 'BLUE'], price: '12.50', size: { x: 1 } };
    expect(read(jsonl(record), { template }).catalog.texts).toEqual(['lamp (red, blue) 12.5']);
    expect(read(jsonl(record), { template, textCase: 'keep' }).catalog.texts).toEqual(['LAMP (RED, BLUE) 12.5']);
    expect(read(jsonl({ ...record, title: 'Lamp' }), { template, textCase: 'lower' }).catalog.texts).toEqual(['lamp (red, blue) 12.5']);
  });

  it('reads the category, brand and description placeholders from the fields their roles are mapped to', () => {
    const fields = { category: 'cat', brand: 'maker', description: 'body' };
    const record = { id: 'a', title: 'Pan', cat: 'Kitchen', maker: 'Acme', body: 'Steel', category: 'x', brand: 'y', description: 'z' };
    expect(read(jsonl(record), { fields }).catalog.texts).toEqual(['Pan. Kitchen. Acme. Steel']);
  });

  it('embeds the title, in the case policy, when the template finds nothing in the record', () => {
    const { catalog } = read(jsonl({ id: 'a', title: 'DESK LAMP', colour: '' }, { id: 'b', title: 'Desk' }), { template: '{colour} {price}' });
    expect(catalog.texts).toEqual(['desk lamp', 'Desk']);
    expect(read(jsonl({ id: 'a', title: 'DESK LAMP' }), { template: '{colour}', textCase: 'keep' }).catalog.texts).toEqual(['DESK LAMP']);
  });

  it('cuts a field at MAX_EMBED_FIELD_CHARS, not at its exact length, and notes it under the name of the field it came from', () => {
    const exact = 'e'.repeat(MAX_EMBED_FIELD_CHARS);
    const long = `${'a'.repeat(MAX_EMBED_FIELD_CHARS - 1)} tail`;
    const { catalog, notes } = read(jsonl({ id: 'b', name: 'B', cat: exact }, { id: 'a', name: long, cat: long, extra: long }), {
      fields: { title: ['name'], category: 'cat' },
      template: '{title}|{category}|{extra}',
    });
    const cut = 'a'.repeat(MAX_EMBED_FIELD_CHARS - 1);
    expect(catalog.texts).toEqual([`B|${exact}`, `${cut}|${cut}|${cut}`]);
    expect(catalog.items[1]?.title).toBe(long);
    expect(notes['text-truncated']).toEqual([
      `items.jsonl:2: "name" is ${long.length} characters long; its first ${MAX_EMBED_FIELD_CHARS} are embedded [text-truncated]`,
      `items.jsonl:2: "cat" is ${long.length} characters long; its first ${MAX_EMBED_FIELD_CHARS} are embedded [text-truncated]`,
      `items.jsonl:2: "extra" is ${long.length} characters long; its first ${MAX_EMBED_FIELD_CHARS} are embedded [text-truncated]`,
    ]);
  });

  it('trims the end of a cut title embedded as the fallback', () => {
    const { catalog } = read(jsonl({ id: 'a', title: `${'a'.repeat(MAX_EMBED_FIELD_CHARS - 1)} b` }), { template: '{colour}', textCase: 'keep' });
    expect(catalog.texts).toEqual(['a'.repeat(MAX_EMBED_FIELD_CHARS - 1)]);
  });

  it('cuts before a surrogate pair that the limit would split, and cuts the fallback title too', () => {
    const split = `${'a'.repeat(MAX_EMBED_FIELD_CHARS - 1)}😀b`;
    const whole = `${'a'.repeat(MAX_EMBED_FIELD_CHARS - 2)}😀b`;
    const { catalog, notes } = read(jsonl({ id: 'a', title: split }, { id: 'b', title: whole }), { template: '{colour}' });
    expect(catalog.texts).toEqual(['a'.repeat(MAX_EMBED_FIELD_CHARS - 1), `${'a'.repeat(MAX_EMBED_FIELD_CHARS - 2)}😀`]);
    expect(notes['text-truncated']).toHaveLength(2);
  });
});
