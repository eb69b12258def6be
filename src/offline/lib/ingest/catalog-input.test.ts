import { describe, expect, it } from 'vitest';
import { faultTest } from '../../../core/fault-test-support.ts';
import { DEFAULT_CATALOG_FIELDS, MAX_EMBED_FIELD_CHARS, readCatalog, type CatalogFields } from './catalog-input.ts';
import { createProblemLog } from './problems.ts';
import { MAX_LINE_BYTES } from './text-lines.ts';
import { parseTextTemplate } from './text-template.ts';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const TEMPLATE = parseTextTemplate('{title}. {category}. {brand}. {description}');

function read(text: string | Uint8Array, file = 'items.jsonl', fields: CatalogFields = DEFAULT_CATALOG_FIELDS, strict = false) {
  const problems = createProblemLog(file, { strict, code: 'CATALOG_INVALID' });
  const catalog = readCatalog(typeof text === 'string' ? utf8(text) : text, file, { fields, template: TEMPLATE, textCase: 'auto', problems });
  return { catalog, summary: problems.summary() };
}

describe('readCatalog (JSON Lines)', () => {
  it('gives each bad line its own counted reason and file:line, and keeps the good ones', () => {
    const latin1 = Uint8Array.from([...utf8('{"id":"l1","title":"Caf'), 0xe9, ...utf8('"}')]);
    const bytes = new Uint8Array([
      ...utf8(
        [
          '{"id":"a1","title":"Frying Pan","category":"Kitchen","description":"Non-stick.","price":24.5,"image":"a1.jpg","group":"pans"}',
          '',
          '{"id":7,"title":"Kettle"}',
          'not json',
          '[1,2]',
          '{"title":"No id"}',
          '{"id":"a1","title":"Again"}',
          '{"id":"a2","title":"  "}',
          '{"id":"a3","title":42}',
          '{"id":"a4","title":"Lamp","category":{"x":1}}',
          '{"id":"a5","title":"Lamp","price":"cheap"}',
        ].join('\n') + '\n',
      ),
      ...latin1,
      ...utf8('\n'),
    ]);
    const { catalog, summary } = read(bytes);
    expect(catalog.items).toEqual([
      { id: 'a1', title: 'Frying Pan', category: 'Kitchen', description: 'Non-stick.', price: 24.5, image: 'a1.jpg', group: 'pans' },
      { id: '7', title: 'Kettle', category: '', description: '', price: null, image: null, group: null },
    ]);
    expect(catalog.texts).toEqual(['Frying Pan. Kitchen. Non-stick.', 'Kettle']);
    expect(catalog.records).toBe(11);
    expect(summary.skipped).toBe(9);
    expect(summary.byReason).toEqual({
      'bad-json': 1,
      'not-an-object': 1,
      'missing-id': 1,
      'duplicate-id': 1,
      'missing-title': 1,
      'non-text-title': 1,
      'bad-field': 1,
      'bad-number': 1,
      'invalid-utf8': 1,
    });
    expect(summary.examples['bad-json']?.[0]).toMatch(/^items\.jsonl:4: .* \[bad-json\]$/);
    expect(summary.examples['not-an-object']).toEqual(['items.jsonl:5: expected a JSON object, found an array of 2 [not-an-object]']);
    expect(summary.examples['missing-id']?.[0]).toMatch(/^items\.jsonl:6: "id" must be a non-empty string or an integer/);
    expect(summary.examples['duplicate-id']).toEqual(['items.jsonl:7: id "a1" was already used on line 1 [duplicate-id]']);
    expect(summary.examples['missing-title']).toEqual(['items.jsonl:8: no non-empty title in "title" [missing-title]']);
    expect(summary.examples['non-text-title']).toEqual(['items.jsonl:9: "title" must be text, found number 42 [non-text-title]']);
    expect(summary.examples['bad-field']?.[0]).toMatch(/^items\.jsonl:10: "category" \(category\) must be text/);
    expect(summary.examples['bad-number']?.[0]).toMatch(/^items\.jsonl:11: "price" \(price\) must be a number >= 0, found "cheap"/);
    expect(summary.examples['invalid-utf8']).toEqual(['items.jsonl:12: invalid UTF-8 byte 0xe9 at byte 24 of the line [invalid-utf8]']);
    // Ids of skipped records are remembered, so events that name them are told apart from unknown ids.
    expect([...catalog.skippedIds].sort()).toEqual(['a2', 'a3', 'a4', 'a5']);
  });

  it('maps fields: title alternatives, lists joined, missing parts drop out of the template, capitals lower-cased', () => {
    const fields: CatalogFields = { ...DEFAULT_CATALOG_FIELDS, title: ['title', 'title_hint'], category: 'categories' };
    const { catalog, summary } = read(
      [
        '{"id":1,"title":null,"title_hint":"nail lacquer","brand":"OPI","categories":["Makeup","Nails"]}',
        '{"id":2,"title":"HEART T-LIGHT HOLDER","brand":null,"categories":[]}',
      ].join('\n'),
      'items.jsonl',
      fields,
    );
    expect(summary.skipped).toBe(0);
    expect(catalog.items[0]).toMatchObject({ id: '1', title: 'nail lacquer', category: 'Makeup, Nails' });
    expect(catalog.texts).toEqual(['nail lacquer. Makeup, Nails. OPI', 'heart t-light holder']);
  });

  it('fails at the first bad line in strict mode, naming file and line', () => {
    expect(() => read('{"id":"a","title":"A"}\n{"id":"b"}\n{"id":"c"}', 'shop.jsonl', DEFAULT_CATALOG_FIELDS, true)).toThrow(
      expect.objectContaining({
        code: 'CATALOG_INVALID',
        location: { file: 'shop.jsonl', line: 2 },
        message: expect.stringMatching(/^shop\.jsonl: line 2: missing or empty title \[missing-title\]/),
      }),
    );
  });
});

describe('readCatalog (CSV)', () => {
  it('reads quoted fields and reports wrong column counts and unclosed quotes by line', () => {
    const text = ['id,title,category,price', 'c1,"Mug, large","Kitchen ""best""",3.5', 'c2,Plate', 'c3,"Bowl', 'c4,Cup,Kitchen,'].join('\r\n');
    const { catalog, summary } = read(text, 'items.csv');
    expect(catalog.items).toEqual([
      { id: 'c1', title: 'Mug, large', category: 'Kitchen "best"', description: '', price: 3.5, image: null, group: null },
      { id: 'c4', title: 'Cup', category: 'Kitchen', description: '', price: null, image: null, group: null },
    ]);
    expect(summary.byReason).toEqual({ 'wrong-column-count': 1, 'bad-csv': 1 });
    expect(summary.examples['wrong-column-count']).toEqual(['items.csv:3: expected 4 columns (id,title,category,price), found 2 [wrong-column-count]']);
    expect(summary.examples['bad-csv']?.[0]).toMatch(/^items\.csv:4: /);
  });

  it(
    'keeps a quoted field that spans lines in one record',
    faultTest('Builder input files', 'A quoted CSV description spanning more than 20 lines (it dropped the item and imported lines as products)', async () => {
      const { catalog, summary } = read('id,title,description\nc1,Mug,"Line one\nline two"\nc2,Plate,x', 'items.csv');
      expect(summary.skipped).toBe(0);
      expect(catalog.items.map((item) => item.description)).toEqual(['Line one\nline two', 'x']);
    }),
  );

  it('keeps a quoted field of any number of lines in one record, "" and commas included', () => {
    const paragraphs = Array.from({ length: 60 }, (_, i) => `para ${i}, with "" quotes`);
    const { catalog, summary } = read(`id,title,description\nc1,Mug,"${paragraphs.join('\n')}"\nc2,Plate,x\n`, 'items.csv');
    expect(summary.skipped).toBe(0);
    expect(catalog.items.map((item) => item.id)).toEqual(['c1', 'c2']);
    expect(catalog.items[0]?.description).toBe(paragraphs.join('\n').replaceAll('""', '"'));
  });

  it('keeps the blank and white-space lines of a quoted field (paragraph breaks), and the lines of the records after it', () => {
    // Found by csv.property.test.ts: blank lines were passed over inside the field too, "a\n\na" read as "a\na".
    const { catalog, summary } = read('id,title,description\r\nc1,Mug,"a\r\n\r\n   \r\nb"\r\n\r\nc2,Plate,"\n"\nc3,Bowl,"x\n', 'items.csv');
    expect(catalog.items.map((item) => [item.id, item.description])).toEqual([
      ['c1', 'a\n\n   \nb'],
      ['c2', ''],
    ]);
    expect(summary.examples['bad-csv']).toEqual(['items.csv:9: a quoted field is never closed before the end of the file [bad-csv]']);
    expect(catalog.records).toBe(3);
  });

  it('refuses a record whose quote stays open past the size limit, naming the line it starts on', () => {
    const filler = Array.from({ length: Math.ceil(MAX_LINE_BYTES / 1000) + 1 }, () => 'x'.repeat(999)).join('\n');
    expect(() => read(`id,title\nc1,Mug\nc2,"Plate\n${filler}\n`, 'items.csv')).toThrow(
      expect.objectContaining({
        code: 'CATALOG_INVALID',
        location: { file: 'items.csv', line: 3 },
        message: expect.stringMatching(/a quoted field opened on this line is still open after \d+ lines .* over the limit of 1048576 characters per record/),
      }),
    );
  });
});

describe('readCatalog (values JavaScript reads too kindly)', () => {
  it(
    'takes a price only as a plain decimal, and refuses NUL characters in ids and titles',
    faultTest('Builder input files', 'Prices "0x10" and "0b101", NUL characters in ids and titles', async () => {
      const lines = [
        { id: 'p1', title: 'Hex', price: '0x10' },
        { id: 'p2', title: 'Binary', price: '0b101' },
        { id: 'p3', title: 'Fine', price: ' 1.5e1 ' },
        { id: 'p4\u0000', title: 'Nul id' },
        { id: 'p5', title: 'Nul\u0000title' },
      ];
      const { catalog, summary } = read(lines.map((line) => JSON.stringify(line)).join('\n'));
      expect(catalog.items.map((item) => [item.id, item.price])).toEqual([['p3', 15]]);
      expect(summary.byReason).toEqual({ 'bad-number': 2, 'nul-character': 2 });
      expect(summary.examples['bad-number']?.[0]).toBe('items.jsonl:1: "price" (price) must be a number >= 0, found "0x10" [bad-number]');
      expect(summary.examples['nul-character']).toEqual([
        'items.jsonl:4: "id" (id) holds a NUL character at position 3 [nul-character]',
        'items.jsonl:5: "title" (title) holds a NUL character at position 4 [nul-character]',
      ]);
      // A skipped id with a NUL is not remembered as a catalogue id that events may name.
      expect([...catalog.skippedIds]).toEqual(['p1', 'p2', 'p5']);
    }),
  );
});

describe('readCatalog (long texts)', () => {
  it(
    'embeds only the first MAX_EMBED_FIELD_CHARS of a long field, keeps it whole in the item, and notes it with file:line',
    faultTest('Builder input files', 'A 100 KB description (it added about 48 s to the build)', async () => {
      const long = `${'word '.repeat(MAX_EMBED_FIELD_CHARS)}END`;
      const { catalog, summary } = read(`{"id":"a","title":"Pan"}\n${JSON.stringify({ id: 'b', title: 'Pot', description: long })}\n`);
      expect(catalog.items[1]?.description).toBe(long);
      expect(catalog.texts[1]).toBe(`Pot. ${long.slice(0, MAX_EMBED_FIELD_CHARS).trimEnd()}`);
      expect(summary.skipped).toBe(0);
      expect(summary.notes.byNote).toEqual({ 'text-truncated': 1 });
      expect(summary.notes.examples['text-truncated']).toEqual([
        `items.jsonl:2: "description" is ${long.length} characters long; its first ${MAX_EMBED_FIELD_CHARS} are embedded [text-truncated]`,
      ]);
    }),
  );

  it('refuses a line over MAX_LINE_BYTES with its file:line, in JSON Lines and CSV, strict or not', () => {
    const huge = JSON.stringify({ id: 'b', title: 'x'.repeat(MAX_LINE_BYTES) });
    expect(() => read(`{"id":"a","title":"Pan"}\n${huge}\n`)).toThrow(
      expect.objectContaining({
        code: 'CATALOG_INVALID',
        location: { file: 'items.jsonl', line: 2 },
        message: expect.stringMatching(/over the limit of 1048576 bytes per line/),
      }),
    );
    expect(() => read(`id,title\nc1,${'x'.repeat(MAX_LINE_BYTES + 1)}\n`, 'items.csv')).toThrow(
      expect.objectContaining({ location: { file: 'items.csv', line: 2 } }),
    );
  });
});
