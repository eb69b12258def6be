import { describe, expect, it } from 'vitest';
import { forEachJsonObject } from './json-lines.ts';
import { createProblemLog } from './problems.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('forEachJsonObject', () => {
  it('hands over each object with its line, skips blank lines and reports every other value by reason', () => {
    const problems = createProblemLog('f.jsonl', { strict: false, code: 'CATALOG_INVALID' });
    const seen: [number, unknown][] = [];
    const text = ['{"a":1}', '', '[1,2]', 'null', '"text"', '7', '{oops', '{"b":{"c":2}}'].join('\n');
    const records = forEachJsonObject(bytes(text), problems, (record, line) => seen.push([line, record]));
    expect(seen).toEqual([
      [1, { a: 1 }],
      [8, { b: { c: 2 } }],
    ]);
    expect(records).toBe(7);
    const summary = problems.summary();
    expect(summary.byReason).toEqual({ 'not-an-object': 4, 'bad-json': 1 });
    expect(summary.examples['not-an-object']).toEqual([
      'f.jsonl:3: expected a JSON object, found an array of 2 [not-an-object]',
      'f.jsonl:4: expected a JSON object, found null [not-an-object]',
      'f.jsonl:5: expected a JSON object, found "text" [not-an-object]',
    ]);
  });

  it('reports its progress in bytes when asked', () => {
    const problems = createProblemLog('f.jsonl', { strict: false, code: 'CATALOG_INVALID' });
    const done: number[] = [];
    const text = '{"a":1}\n{"a":2}\n';
    forEachJsonObject(
      bytes(text),
      problems,
      () => undefined,
      (bytesDone) => done.push(bytesDone),
    );
    expect(done.at(-1)).toBe(text.length);
  });
});
