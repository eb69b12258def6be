import { describe, expect, it } from 'vitest';
import { applyTextCase, parseTextTemplate, renderTextTemplate } from './text-template.ts';

describe('text templates', () => {
  const template = parseTextTemplate('{title}. {category}. {brand}. {description}');
  const render = (values: Record<string, string>): string => renderTextTemplate(template, (field) => values[field] ?? '');

  it('drops empty fields together with the separator before them', () => {
    expect(render({ title: 'Pan', category: 'Kitchen', brand: 'Acme', description: 'Non-stick' })).toBe('Pan. Kitchen. Acme. Non-stick');
    expect(render({ title: 'Pan', brand: 'Acme' })).toBe('Pan. Acme');
    expect(render({ category: 'Kitchen', description: 'Non-stick' })).toBe('Kitchen. Non-stick');
    expect(render({})).toBe('');
  });

  it('keeps a prefix and suffix, and escapes braces', () => {
    const framed = parseTextTemplate('Product: {title} {{new}}');
    expect(renderTextTemplate(framed, () => 'Lamp')).toBe('Product: Lamp {new}');
  });

  it('rejects templates without a field or with a broken brace', () => {
    expect(() => parseTextTemplate('just text')).toThrow(/must name at least one \{field\}/);
    expect(() => parseTextTemplate('{title')).toThrow(/expected \{field\} at column 1/);
    expect(() => parseTextTemplate('{title}}')).toThrow(/unmatched "\}"/);
  });

  it('lower-cases only texts written in capitals in auto mode', () => {
    expect(applyTextCase('HEART T-LIGHT HOLDER', 'auto')).toBe('heart t-light holder');
    expect(applyTextCase('Heart holder by OPI', 'auto')).toBe('Heart holder by OPI');
    expect(applyTextCase('12345', 'auto')).toBe('12345');
    expect(applyTextCase('HEART', 'keep')).toBe('HEART');
    expect(applyTextCase('Heart', 'lower')).toBe('heart');
  });
});

describe('text templates: parsing', () => {
  it.each<[string, string[], string[]]>([
    ['{title}', ['title'], ['', '']],
    ['{ title }: {a.b-c_1}!', ['title', 'a.b-c_1'], ['', ': ', '!']],
    ['{{x}} {title} }}{{', ['title'], ['{x} ', ' }{']],
    ['a{x}b{y}', ['x', 'y'], ['a', 'b', '']],
    ['aa{x}  {y}', ['x', 'y'], ['aa', '  ', '']],
  ])('parses %j into its fields and the literals around them', (source, fields, literals) => {
    expect(parseTextTemplate(source)).toEqual({ source, fields, literals });
  });

  it.each<[string, string]>([
    ['just text', '--text-template must name at least one {field}, found "just text"'],
    ['{{title}}', '--text-template must name at least one {field}, found "{{title}}"'],
    ['a {title', '--text-template: expected {field} at column 3, found "{title"'],
    ['{title} {', '--text-template: expected {field} at column 9, found "{"'],
    ['{} {title}', '--text-template: expected {field} at column 1, found "{} {title}"'],
    ['{ti tle}', '--text-template: expected {field} at column 1, found "{ti tle}"'],
    ['x {a/b} and a long tail after it', '--text-template: expected {field} at column 3, found "{a/b} and a long tai"'],
    ['{title}}', '--text-template: unmatched "}" at column 8'],
    ['} {title}', '--text-template: unmatched "}" at column 1'],
  ])('refuses %j with its column', (source, message) => {
    expect(() => parseTextTemplate(source)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message }));
  });
});

describe('text templates: rendering', () => {
  it('trims each value, drops a blank one, keeps the text as it is without a case policy, and trims the whole', () => {
    const template = parseTextTemplate(' <{a}|{b}|{c}> ');
    const values: Record<string, string> = { a: ' X ', b: '   ', c: 'Y Z' };
    expect(renderTextTemplate(template, (field) => values[field] ?? '')).toBe('<X|Y Z>');
    expect(renderTextTemplate(template, (field) => (field === 'c' ? 'ONLY' : ''))).toBe('<ONLY>');
    expect(renderTextTemplate(template, (field) => (field === 'c' ? 'ONLY' : ''), 'auto')).toBe('<only>');
    expect(renderTextTemplate(template, () => ' ')).toBe('');
  });

  it.each<[string, string]>([
    ['ÉTÉ À PARIS', 'été à paris'],
    ['A1', 'a1'],
    ['Éte', 'Éte'],
    ['ß', 'ß'],
    ['', ''],
  ])('auto-cases %j as %j', (text, expected) => {
    expect(applyTextCase(text, 'auto')).toBe(expected);
  });
});
