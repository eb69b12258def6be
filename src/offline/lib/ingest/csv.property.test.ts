// Property-based tests of the builder's CSV and JSON Lines ingest: a valid file, however it is quoted,
// ended (LF, CRLF, BOM) or spread over lines, reads back exactly as written; anything else is a counted
// skip with its line, or the documented refusal of a record over the size limit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultTest } from '../../../core/fault-test-support.ts';
import { RecError } from '../../../core/errors.ts';
import { DEFAULT_CATALOG_FIELDS, readCatalog } from './catalog-input.ts';
import { readCsv } from './csv.ts';
import { createProblemLog } from './problems.ts';
import { MAX_LINE_BYTES } from './text-lines.ts';
import { parseTextTemplate } from './text-template.ts';

const BOM = '\uFEFF';
/** Cell text: quotes, commas, line breaks, blank lines, spaces and markup all belong to the data. */
const cell = fc.string({ unit: fc.constantFrom('a', 'é', '漢', '😀', ' ', ',', '"', '\n', '<', '>', '&', "'"), maxLength: 12 });

interface Layout {
  readonly eol: '\n' | '\r\n';
  readonly bom: boolean;
  /** Quote every field, not only those that need it. */
  readonly quoteAll: boolean;
}
const layout = fc.record({ eol: fc.constantFrom('\n' as const, '\r\n' as const), bom: fc.boolean(), quoteAll: fc.boolean() });

/** Writes rows as a CSV file would hold them (RFC 4180), line breaks inside a field written as the file's. */
function writeCsv(rows: readonly (readonly string[])[], { eol, bom, quoteAll }: Layout): Uint8Array {
  const field = (value: string): string =>
    quoteAll || /[",\n]/.test(value) || value.trim() === '' ? `"${value.replaceAll('"', '""').replaceAll('\n', eol)}"` : value;
  return new TextEncoder().encode((bom ? BOM : '') + rows.map((row) => row.map(field).join(',')).join(eol) + eol);
}

/** Reads a CSV; @returns the header, the records with their lines, the count and the problem summary. */
function readAll(bytes: Uint8Array) {
  const problems = createProblemLog('data.csv', { strict: false, code: 'CATALOG_INVALID' });
  const records: { fields: readonly string[]; line: number }[] = [];
  let header: readonly string[] = [];
  const count = readCsv(bytes, 'data.csv', problems, {
    header(columns) {
      header = columns;
    },
    record(fields, line) {
      records.push({ fields, line });
    },
  });
  return { header, records, count, summary: problems.summary() };
}

const table = fc.integer({ min: 1, max: 4 }).chain((columns) =>
  fc.record({
    header: fc.uniqueArray(fc.stringMatching(/^[a-z_]{1,8}$/), { minLength: columns, maxLength: columns }),
    rows: fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { maxLength: 6 }),
  }),
);

describe('readCsv (property)', () => {
  it(
    'reads any table back as written, whatever the quoting, line endings and BOM, each record on the line it starts',
    faultTest('Builder input files', 'CSV with any quoting, quoted line breaks, CRLF or LF, with or without a BOM', async (fault) => {
      await fault.property(
        fc.property(table, layout, ({ header, rows }, options) => {
          const { header: columns, records, count, summary } = readAll(writeCsv([header, ...rows], options));
          expect(columns).toEqual(header);
          expect(records.map((record) => record.fields)).toEqual(rows);
          expect(count).toBe(rows.length);
          expect(summary.skipped).toBe(0);
          // Each record starts one line after the previous one ends (its line breaks counted).
          let line = 2;
          rows.forEach((row, i) => {
            expect(records[i]?.line).toBe(line);
            line += row.join(',').split('\n').length;
          });
        }),
        { numRuns: 200 },
      );
    }),
  );

  it(
    'counts every record of any bytes as read or skipped with its line, or refuses with a RecError',
    faultTest('Builder input files', 'Any bytes as a CSV file, including bytes that are not UTF-8', async (fault) => {
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        // Mostly text, with a few bytes that are not UTF-8 (Latin-1 é, a lone continuation byte, an overlong form).
        fc
          .array(fc.oneof(fc.constantFrom('a', ',', '"', '\n', '\r\n', ' '), fc.constantFrom('\xe9', '\x80', '\xc0\xaf')), { maxLength: 80 })
          .map((parts) => Uint8Array.from(parts.join(''), (c) => c.charCodeAt(0))),
      );
      await fault.property(
        fc.property(bytes, (input) => {
          let result: ReturnType<typeof readAll>;
          try {
            result = readAll(input);
          } catch (error) {
            if (!(error instanceof RecError)) throw error;
            // No header row it can read (empty, blank or not UTF-8): refused naming the file.
            expect(error).toMatchObject({ code: 'CONFIG_INVALID', location: { file: 'data.csv' } });
            return;
          }
          const { records, count, summary } = result;
          expect(records.length + summary.skipped).toBe(count);
          for (const examples of Object.values(summary.examples)) for (const example of examples) expect(example).toMatch(/^data\.csv:\d+: /);
        }),
        { numRuns: 200 },
      );
    }),
  );

  it(
    'refuses a record over the size limit naming the line it starts on, whether one line or many',
    faultTest('Builder input files', 'A CSV record over the size limit, on one line or spread over many', async (fault) => {
      await fault.property(
        fc.property(fc.nat({ max: 3 }), fc.boolean(), fc.integer({ min: 1, max: 1000 }), (before, multiline, extra) => {
          const good = Array.from({ length: before }, (_, i) => `i${i},ok`);
          const long = multiline ? `"${'x\n'.repeat(MAX_LINE_BYTES / 2 + extra)}"` : `big,${'y'.repeat(MAX_LINE_BYTES + extra)}`;
          const bytes = new TextEncoder().encode(['id,title', ...good, long, 'last,row'].join('\n'));
          expect(() => readAll(bytes)).toThrow(expect.objectContaining({ code: 'CATALOG_INVALID', location: { file: 'data.csv', line: before + 2 } }));
        }),
        { numRuns: 6 },
      );
    }),
  );
});

describe('readCatalog (property)', () => {
  const TEMPLATE = parseTextTemplate('{title}. {category}. {description}');
  const text = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => !s.includes('\0'));
  const items = fc
    .uniqueArray(
      text.filter((s) => s.trim() !== ''),
      { minLength: 1, maxLength: 6, selector: (id) => id.trim() },
    )
    .chain((ids) =>
      fc.tuple(
        fc.constant(ids),
        fc.array(fc.record({ title: text.filter((s) => s.trim() !== ''), description: fc.oneof(text, cell) }), {
          minLength: ids.length,
          maxLength: ids.length,
        }),
      ),
    )
    .map(([ids, records]) => records.map((record, i) => ({ id: ids[i] as string, ...record })));

  function read(bytes: Uint8Array, file: string) {
    const problems = createProblemLog(file, { strict: false, code: 'CATALOG_INVALID' });
    const catalog = readCatalog(bytes, file, { fields: DEFAULT_CATALOG_FIELDS, template: TEMPLATE, textCase: 'auto', problems });
    return { catalog, summary: problems.summary() };
  }
  const expected = (rows: readonly { id: string; title: string; description: string }[]) =>
    rows.map((row) => ({ id: row.id.trim(), title: row.title.trim(), description: row.description.trim() }));

  it(
    'reads any JSON Lines catalogue back as written, with blank lines, CRLF and a BOM',
    faultTest('Builder input files', 'JSON Lines catalogues with blank lines, CRLF and a BOM', async (fault) => {
      await fault.property(
        fc.property(items, layout, fc.array(fc.nat(), { maxLength: 3 }), (rows, { eol, bom }, blanks) => {
          const lines = rows.map((row) => JSON.stringify(row));
          for (const at of blanks) lines.splice(at % (lines.length + 1), 0, '   ');
          const { catalog, summary } = read(new TextEncoder().encode((bom ? BOM : '') + lines.join(eol) + eol), 'items.jsonl');
          expect(summary.skipped).toBe(0);
          expect(catalog.records).toBe(rows.length);
          expect(catalog.items.map(({ id, title, description }) => ({ id, title, description }))).toEqual(expected(rows));
        }),
        { numRuns: 150 },
      );
    }),
  );

  it(
    'reads any CSV catalogue back as written, descriptions of many lines included',
    faultTest('Builder input files', 'CSV catalogues whose quoted descriptions span many lines', async (fault) => {
      await fault.property(
        fc.property(items, layout, (rows, options) => {
          const bytes = writeCsv([['id', 'title', 'description'], ...rows.map((row) => [row.id, row.title, row.description])], options);
          const { catalog, summary } = read(bytes, 'items.csv');
          expect(summary.skipped).toBe(0);
          expect(catalog.items.map(({ id, title, description }) => ({ id, title, description }))).toEqual(expected(rows));
        }),
        { numRuns: 150 },
      );
    }),
  );
});
