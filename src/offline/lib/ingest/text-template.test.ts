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
