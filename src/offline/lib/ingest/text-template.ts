/**
 * The text an item is embedded from, made by a template such as
 * `{title}. {category}. {brand}. {description}`. A placeholder whose value is empty drops out
 * together with the separator before it, so a catalogue without brands or descriptions gives
 * "Frying pan. Kitchen", never "Frying pan. Kitchen. . ". It also owns the case policy: USE's
 * vocabulary is case-sensitive, and an all-caps title ("HEART T-LIGHT HOLDER") breaks into many
 * rare pieces, so `auto` lower-cases texts that have no lower-case letter at all.
 */
import { RecError } from '../../../core/errors.ts';

/** How texts are cased before embedding. */
export const TEXT_CASES = ['auto', 'keep', 'lower'] as const;
export type TextCase = (typeof TEXT_CASES)[number];

/** A parsed template: literal text between named placeholders. */
export interface TextTemplate {
  readonly source: string;
  /** The placeholder names, in order. */
  readonly fields: readonly string[];
  /** literals[i] comes before fields[i]; the last one follows the last field (fields.length + 1 literals). */
  readonly literals: readonly string[];
}

/**
 * @param source e.g. "{title}. {category}. {description}"; `{{` and `}}` stand for braces.
 * @throws RecError CONFIG_INVALID when it has no placeholder or an unclosed brace.
 */
export function parseTextTemplate(source: string): TextTemplate {
  const fields: string[] = [];
  const literals: string[] = [];
  let literal = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if ((c === '{' || c === '}') && source[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '{') {
      const close = source.indexOf('}', i);
      // Without a "}" the name read is nonsense, but the template is refused on `close === -1` first.
      const name = source.slice(i + 1, close).trim();
      if (close === -1 || !/^[\w.-]+$/.test(name)) {
        throw new RecError('CONFIG_INVALID', `--text-template: expected {field} at column ${i + 1}, found "${source.slice(i, i + 20)}"`);
      }
      literals.push(literal);
      fields.push(name);
      literal = '';
      i = close;
    } else if (c === '}') {
      throw new RecError('CONFIG_INVALID', `--text-template: unmatched "}" at column ${i + 1}`);
    } else literal += c;
  }
  literals.push(literal);
  if (fields.length === 0) throw new RecError('CONFIG_INVALID', `--text-template must name at least one {field}, found "${source}"`);
  return { source, fields, literals };
}

/**
 * Fills a template; empty values drop out with the separator before them.
 * @param template a parsed template.
 * @param valueOf the text of a placeholder ('' when missing).
 * @param textCase the case policy.
 * @returns the text, trimmed ('' when every placeholder is empty).
 */
export function renderTextTemplate(template: TextTemplate, valueOf: (field: string) => string, textCase: TextCase = 'keep'): string {
  let out = '';
  let any = false;
  template.fields.forEach((field, i) => {
    const value = valueOf(field).trim();
    if (value === '') return;
    out += any ? (template.literals[i] ?? '') : '';
    out += value;
    any = true;
  });
  if (!any) return '';
  const text = `${template.literals[0] ?? ''}${out}${template.literals[template.fields.length] ?? ''}`.trim();
  return applyTextCase(text, textCase);
}

/**
 * @param text a text.
 * @param textCase `keep`, `lower`, or `auto` (lower-case only when the text has no lower-case letter).
 */
export function applyTextCase(text: string, textCase: TextCase): string {
  if (textCase === 'lower') return text.toLowerCase();
  // A text with no letter of either case (digits) is its own upper and lower case: lowering it changes nothing.
  if (textCase === 'auto' && text === text.toUpperCase()) return text.toLowerCase();
  return text;
}
