/**
 * Reads a shop's catalogue, JSON Lines (one object per line) or CSV (a header row), into the
 * builder's item records and the text each item is embedded from. Which field holds what is
 * configuration (CatalogFields), not code, so exports with other names work as they are:
 * `--title-field title|title_hint` takes the first non-empty of several fields, list values are
 * joined with ", ", and numbers are accepted for ids.
 *
 * Every line it cannot use is reported to the file's ProblemLog with a reason and its line number
 * (bad JSON, not an object, wrong column count, invalid UTF-8, missing id, duplicate id, missing or
 * non-text title, a text field that is not text, a price that is not a number); nothing is dropped
 * without a count. A text field longer than MAX_EMBED_FIELD_CHARS is embedded by its beginning
 * only (the encoder's cost grows with the length, and a product is told apart by its first
 * paragraph), which the log notes with the line; the catalogue keeps the whole text.
 */
import { describe } from '../../../core/validate.ts';
import type { ModelItemInput } from '../write-model.ts';
import { readCsv } from './csv.ts';
import { parseDecimal } from './decimal.ts';
import type { InputReason, ProblemLog } from './problems.ts';
import { forEachJsonObject } from './json-lines.ts';
import { applyTextCase, renderTextTemplate, type TextCase, type TextTemplate } from './text-template.ts';

/** Where each role is found in a catalogue record; null: the catalogue has no such field. */
export interface CatalogFields {
  readonly id: string;
  /** Alternatives, first non-empty wins (from `a|b`). */
  readonly title: readonly string[];
  readonly category: string | null;
  readonly brand: string | null;
  readonly description: string | null;
  readonly price: string | null;
  readonly image: string | null;
  /** Variant group: the same product in another colour or size shares it (the grid shows one of them). */
  readonly group: string | null;
}

/** The default field names: those of the builder's own JSONL format. */
export const DEFAULT_CATALOG_FIELDS: CatalogFields = {
  id: 'id',
  title: ['title'],
  category: 'category',
  brand: 'brand',
  description: 'description',
  price: 'price',
  image: 'image',
  group: 'group',
};

/** How much of each text field is embedded, in UTF-16 code units (1000: a long paragraph). */
export const MAX_EMBED_FIELD_CHARS = 1000;

export interface CatalogReadOptions {
  readonly fields: CatalogFields;
  readonly template: TextTemplate;
  readonly textCase: TextCase;
  /** Where skipped lines are reported. */
  readonly problems: ProblemLog;
  /** @param bytesDone bytes read so far. */
  readonly progress?: (bytesDone: number) => void;
}

export interface CatalogInput {
  /** Valid items, in file order; item i becomes row i of the model. */
  readonly items: readonly ModelItemInput[];
  /** The text embedded for each item (same order), never blank. */
  readonly texts: readonly string[];
  /** Records read (non-blank lines of JSONL, data rows of CSV), good and skipped. */
  readonly records: number;
  /** Ids of records that were skipped but had a readable id: events naming them are told apart from unknown ids. */
  readonly skippedIds: ReadonlySet<string>;
  /** Which fields were actually found in at least one record (for the report). */
  readonly fieldsSeen: readonly string[];
}

/** A JSON object or a CSV row as a name -> value lookup. */
type RecordLookup = (field: string) => unknown;

/**
 * @param bytes the file's contents.
 * @param file the file name; `.csv` selects CSV, anything else JSON Lines.
 * @param options the field mapping, template, case policy and problem log.
 */
export function readCatalog(bytes: Uint8Array, file: string, options: CatalogReadOptions): CatalogInput {
  const items: ModelItemInput[] = [];
  const texts: string[] = [];
  const skippedIds = new Set<string>();
  const firstLineOf = new Map<string, number>();
  const seen = new Set<string>();
  const { problems } = options;
  const accept = (get: RecordLookup, line: number): void => {
    const result = toItem(get, options);
    if ('reason' in result) {
      problems.report(result.reason, line, result.message);
      if (result.id !== null && !firstLineOf.has(result.id)) skippedIds.add(result.id);
      return;
    }
    const first = firstLineOf.get(result.item.id);
    if (first !== undefined) {
      problems.report('duplicate-id', line, `id "${result.item.id}" was already used on line ${first}`);
      return;
    }
    for (const [name, length] of result.cut) {
      problems.note('text-truncated', line, `"${name}" is ${length} characters long; its first ${MAX_EMBED_FIELD_CHARS} are embedded`);
    }
    firstLineOf.set(result.item.id, line);
    skippedIds.delete(result.item.id);
    items.push(result.item);
    texts.push(result.text);
  };

  let records: number;
  if (file.toLowerCase().endsWith('.csv')) {
    let index = new Map<string, number>();
    records = readCsv(bytes, file, problems, {
      header(columns) {
        index = new Map(columns.map((name, i) => [name, i]));
        for (const name of columns) seen.add(name);
      },
      record(fields, line) {
        accept((field) => {
          const at = index.get(field);
          return at === undefined ? undefined : fields[at];
        }, line);
      },
      ...(options.progress === undefined ? {} : { progress: options.progress }),
    });
  } else {
    records = forEachJsonObject(
      bytes,
      problems,
      (record, line) => {
        for (const key of Object.keys(record)) seen.add(key);
        accept((field) => record[field], line);
      },
      options.progress,
    );
  }
  return { items, texts, records, skippedIds, fieldsSeen: [...seen] };
}

/** A usable item with its embedded text and the fields cut for it (name, full length); or why it is skipped. */
type ItemResult = { item: ModelItemInput; text: string; cut: ReadonlyMap<string, number> } | { reason: InputReason; message: string; id: string | null };

function toItem(get: RecordLookup, options: CatalogReadOptions): ItemResult {
  const { fields } = options;
  const rawId = get(fields.id);
  let id: string | null = null;
  if (typeof rawId === 'string' && rawId.trim() !== '') id = rawId.trim();
  else if (typeof rawId === 'number' && Number.isSafeInteger(rawId)) id = String(rawId);
  if (id === null) return { reason: 'missing-id', message: `"${fields.id}" must be a non-empty string or an integer, found ${describe(rawId)}`, id };
  if (id.includes('\0')) return { reason: 'nul-character', message: `"${fields.id}" (id) holds a NUL character at position ${id.indexOf('\0') + 1}`, id: null };

  let title = '';
  let titleField = '';
  for (const name of fields.title) {
    const value = get(name);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return { reason: 'non-text-title', message: `"${name}" must be text, found ${describe(value)}`, id };
    title = value.trim();
    titleField = name;
    if (title !== '') break;
  }
  if (title.includes('\0'))
    return { reason: 'nul-character', message: `"${titleField}" (title) holds a NUL character at position ${title.indexOf('\0') + 1}`, id };
  if (title === '') return { reason: 'missing-title', message: `no non-empty title in ${fields.title.map((name) => `"${name}"`).join(' or ')}`, id };

  const texts = new Map<string, string>();
  for (const role of ['category', 'brand', 'description', 'image', 'group'] as const) {
    const name = fields[role];
    if (name === null) continue;
    const text = textOf(get(name));
    if (text === null) return { reason: 'bad-field', message: `"${name}" (${role}) must be text or a list of text, found ${describe(get(name))}`, id };
    texts.set(role, text);
  }
  let price: number | null = null;
  if (fields.price !== null) {
    const raw = get(fields.price);
    const value = typeof raw === 'string' ? parseDecimal(raw) : raw;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) price = value;
    else if (!(raw === undefined || raw === null || raw === ''))
      return { reason: 'bad-number', message: `"${fields.price}" (price) must be a number >= 0, found ${describe(raw)}`, id };
  }
  const cut = new Map<string, number>();
  const embedded = (name: string, value: string): string => {
    if (value.length <= MAX_EMBED_FIELD_CHARS) return value;
    cut.set(name, value.length);
    // Not between the two halves of a surrogate pair, which would embed a lone half.
    const end = /[\uD800-\uDBFF]/.test(value[MAX_EMBED_FIELD_CHARS - 1] ?? '') ? MAX_EMBED_FIELD_CHARS - 1 : MAX_EMBED_FIELD_CHARS;
    return value.slice(0, end).trimEnd();
  };
  const valueOf = (placeholder: string): string => {
    if (placeholder === 'price') return price === null ? '' : String(price);
    if (placeholder === 'title') return embedded(titleField, title);
    if (placeholder === 'category' || placeholder === 'brand' || placeholder === 'description')
      return embedded(fields[placeholder] ?? placeholder, texts.get(placeholder) ?? '');
    return embedded(placeholder, textOf(get(placeholder)) ?? '');
  };
  // A template that names no field this item has still embeds something meaningful: its title.
  const text = renderTextTemplate(options.template, valueOf, options.textCase) || applyTextCase(embedded(titleField, title), options.textCase);
  const image = texts.get('image') ?? '';
  const group = texts.get('group') ?? '';
  return {
    item: {
      id,
      title,
      category: texts.get('category') ?? '',
      description: texts.get('description') ?? '',
      price,
      image: image === '' ? null : image,
      group: group === '' ? null : group,
    },
    text,
    cut,
  };
}

/** Text of a field: strings trimmed, numbers as written, lists joined with ", "; null when it is anything else. */
function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (!Array.isArray(value)) return null;
  const parts: string[] = [];
  for (const part of value as readonly unknown[]) {
    if (Array.isArray(part)) return null;
    const text = textOf(part);
    if (text === null) return null;
    if (text !== '') parts.push(text);
  }
  return parts.join(', ');
}
