import { describe, expect, it } from 'vitest';
import { parseJsonlCatalog } from './jsonl-catalog.ts';

describe('parseJsonlCatalog', () => {
  it('reads valid lines and reports each malformed one as file:line: reason', () => {
    const text = [
      '{"id":"a1","title":"Frying Pan","category":"Kitchen","description":"Non-stick.","price":24.5,"image":"https://shop/a1.jpg"}',
      '',
      '{"id":7,"title":"Kettle"}',
      '{"id":"a2","title":""}',
      'not json',
      '[1,2]',
      '{"id":"a1","title":"Again"}',
      '{"id":"a3","title":"Lamp","price":-1,"category":3}',
      '{"title":"No id"}',
    ].join('\n');
    const parsed = parseJsonlCatalog(text, 'items.jsonl');
    expect(parsed.items).toEqual([
      { id: 'a1', title: 'Frying Pan', category: 'Kitchen', description: 'Non-stick.', price: 24.5, image: 'https://shop/a1.jpg' },
      { id: '7', title: 'Kettle', category: '', description: '', price: null, image: null },
    ]);
    expect(parsed.lines).toBe(8);
    expect(parsed.problems).toHaveLength(6);
    expect(parsed.problems[0]).toBe('items.jsonl:4: "title" must be a non-empty string, found ""');
    expect(parsed.problems[1]).toMatch(/^items\.jsonl:5: not valid JSON/);
    expect(parsed.problems[2]).toBe('items.jsonl:6: expected a JSON object, found an array');
    expect(parsed.problems[3]).toBe('items.jsonl:7: duplicate id "a1" (first on line 1)');
    expect(parsed.problems[4]).toBe('items.jsonl:8: "category" must be a string, found 3; "price" must be a number >= 0 or null, found -1');
    expect(parsed.problems[5]).toBe('items.jsonl:9: "id" must be a non-empty string or an integer, found nothing');
  });

  it('accepts CRLF line endings and a byte-order mark', () => {
    const parsed = parseJsonlCatalog('\uFEFF{"id":"x","title":"X"}\r\n{"id":"y","title":"Y"}\r\n', 'f');
    expect(parsed.items.map((item) => item.id)).toEqual(['x', 'y']);
    expect(parsed.problems).toEqual([]);
  });
});
