import { describe, expect, it } from 'vitest';
import { createWordIndex, makeFixtureModel } from '../../../core/test-support.ts';
import { evaluateSearch, type QueryEmbedder } from './evaluate-search.ts';

const model = makeFixtureModel({ count: 8, dim: 4, categories: 2 });
/** An encoder whose query "row N" lands exactly on row N's vector (cosine 1); other queries on nothing. */
const exact: QueryEmbedder = {
  name: 'exact',
  embedQuery: (query) => {
    const row = Number(/^row (\d)$/.exec(query)?.[1] ?? -1);
    return Promise.resolve(row < 0 ? new Float32Array(4) : model.vectors.slice(row * 4, row * 4 + 4));
  },
};

describe('evaluateSearch', () => {
  it('scores each method on each set through the searcher: lexical once, semantic and hybrid per encoder', async () => {
    const asked: string[][] = [];
    const rows = await evaluateSearch(
      {
        model,
        createLexicalIndex: (fields) => {
          asked.push([...fields]);
          return createWordIndex(model.items);
        },
        embedders: [exact, { ...exact, name: 'again' }],
      },
      [
        // "item 5" is found by its words only; "row 3" by its vector only.
        { name: 'words', queries: [{ query: 'item 5', relevant: [5] }], fields: ['title'] },
        { name: 'vectors', queries: [{ query: 'row 3', relevant: [3] }], fields: ['title', 'category'] },
      ],
    );
    expect(asked).toEqual([['title'], ['title', 'category']]);
    expect(rows.map((row) => `${row.set} ${row.method} ${row.encoder ?? '-'}`)).toEqual([
      'words lexical -',
      'words semantic exact',
      'words semantic again',
      'words hybrid exact',
      'words hybrid again',
      'vectors lexical -',
      'vectors semantic exact',
      'vectors semantic again',
      'vectors hybrid exact',
      'vectors hybrid again',
    ]);
    const of = (set: string, method: string) => rows.find((row) => row.set === set && row.method === method && row.encoder !== 'again');
    expect(of('words', 'lexical')?.scores).toEqual({ queries: 1, ndcg10: 1, hr10: 1, mrr10: 1, zeroResultRate: 0 });
    expect(of('words', 'lexical')?.meanMatches).toBe(1);
    // The zero vector matches nothing, so semantic search finds nothing and hybrid keeps the lexical hit.
    expect(of('words', 'semantic')?.scores).toEqual({ queries: 1, ndcg10: 0, hr10: 0, mrr10: 0, zeroResultRate: 1 });
    expect(of('words', 'hybrid')?.scores.mrr10).toBe(1);
    expect(of('vectors', 'lexical')?.scores.zeroResultRate).toBe(1);
    expect(of('vectors', 'semantic')?.scores.mrr10).toBe(1);
    expect(of('vectors', 'hybrid')?.scores.mrr10).toBe(1);
  });
});
