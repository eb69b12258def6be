/**
 * Reads a shop's catalogue from JSON Lines (one product object per line) into builder records.
 * It owns the per-line validation and its messages, `file:line: reason`, so a shop owner can find
 * and fix every bad line in one pass. Fields: id (string or integer), title (required), category,
 * description, price (number >= 0 or null), image (string or null); other fields are ignored.
 * Configurable field names are a later issue.
 */
import type { ModelItemInput } from './write-model.ts';

export interface JsonlCatalog {
  /** Valid items, in file order. */
  readonly items: readonly ModelItemInput[];
  /** One `file:line: reason` per malformed line, in file order. */
  readonly problems: readonly string[];
  /** Non-blank lines read. */
  readonly lines: number;
}

/**
 * Parses JSONL text; never throws for bad lines, it reports them.
 * @param text the file contents.
 * @param file the file name used in problem messages.
 */
export function parseJsonlCatalog(text: string, file: string): JsonlCatalog {
  const items: ModelItemInput[] = [];
  const problems: string[] = [];
  const firstLineOf = new Map<string, number>();
  let lines = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = index === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') return;
    lines++;
    const problem = (reason: string): void => {
      problems.push(`${file}:${lineNumber}: ${reason}`);
    };
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch (error) {
      problem(`not valid JSON (${(error as Error).message})`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problem(`expected a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`);
      return;
    }
    const record = value as Record<string, unknown>;
    const reasons: string[] = [];
    const rawId = record['id'];
    let id = '';
    if (typeof rawId === 'string' && rawId.trim() !== '') id = rawId.trim();
    else if (typeof rawId === 'number' && Number.isSafeInteger(rawId)) id = String(rawId);
    else reasons.push(`"id" must be a non-empty string or an integer, found ${show(rawId)}`);
    const title = record['title'];
    if (typeof title !== 'string' || title.trim() === '') reasons.push(`"title" must be a non-empty string, found ${show(title)}`);
    const category = optionalString(record, 'category', reasons);
    const description = optionalString(record, 'description', reasons);
    const image = optionalString(record, 'image', reasons);
    const rawPrice = record['price'];
    let price: number | null = null;
    if (typeof rawPrice === 'number' && Number.isFinite(rawPrice) && rawPrice >= 0) price = rawPrice;
    else if (rawPrice !== undefined && rawPrice !== null) reasons.push(`"price" must be a number >= 0 or null, found ${show(rawPrice)}`);
    if (id !== '' && firstLineOf.has(id)) reasons.push(`duplicate id "${id}" (first on line ${firstLineOf.get(id)})`);
    if (reasons.length > 0) {
      problem(reasons.join('; '));
      return;
    }
    firstLineOf.set(id, lineNumber);
    items.push({ id, title: (title as string).trim(), category: category ?? '', description: description ?? '', price, image });
  });
  return { items, problems, lines };
}

function optionalString(record: Record<string, unknown>, field: string, reasons: string[]): string | null {
  const value = record[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim();
  reasons.push(`"${field}" must be a string, found ${show(value)}`);
  return null;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
