// createSearcher against stub loaders: which retrievers a method asks, what a failed encoder or
// index does, and when categories are suggested. search.test.ts tests the ranking functions.
import { describe, expect, it } from 'vitest';
import { RecError } from './errors.ts';
import { createSearcher, type SearcherDeps } from './search.ts';
import { createWordIndex, makeFixtureModel } from './test-support.ts';

const model = makeFixtureModel({ count: 24, dim: 8, categories: 3 });

/** A searcher whose loaders count their calls; the query vector is item 5's unless `embed` says otherwise. */
function searcher(overrides: Partial<SearcherDeps> = {}) {
  const calls = { index: 0, embed: 0 };
  const loadIndex = overrides.loadLexicalIndex ?? (async () => createWordIndex(model.items));
  const embed = overrides.embedQuery ?? (async () => model.vectors.slice(5 * 8, 6 * 8));
  const search = createSearcher({
    model: overrides.model ?? model,
    loadLexicalIndex: () => (calls.index++, loadIndex()),
    embedQuery: (query) => (calls.embed++, embed(query)),
  });
  return { search, calls };
}

describe('createSearcher().find', () => {
  it('answers a blank query at once, with nothing and without loading anything', async () => {
    const { search, calls } = searcher();
    expect(await search.find('   ')).toEqual({ query: '', matches: [], suggestions: [], semantic: true });
    expect(await search.find('', 'lexical')).toEqual({ query: '', matches: [], suggestions: [], semantic: false });
    expect(calls).toEqual({ index: 0, embed: 0 });
  });

  it('asks only the words for "lexical" and only the meaning for "semantic"', async () => {
    const lexical = searcher();
    const byWords = await lexical.search.find('  Item   7 ', 'lexical');
    expect(byWords.query).toBe('Item 7');
    expect(byWords.semantic).toBe(false);
    expect(byWords.matches[0]?.row).toBe(7);
    expect(lexical.calls).toEqual({ index: 1, embed: 0 });

    const semantic = searcher();
    const byMeaning = await semantic.search.find('Item 7', 'semantic');
    expect(byMeaning.semantic).toBe(true);
    expect(byMeaning.matches[0]?.row).toBe(5); // the query vector is item 5's
    expect(byMeaning.matches.every((match) => match.lexicalRank === null)).toBe(true);
    expect(semantic.calls).toEqual({ index: 0, embed: 1 });
  });

  it('answers by words alone when the encoder is unavailable, and fails on any other encoder error', async () => {
    const unavailable = searcher({ embedQuery: () => Promise.reject(new RecError('ENCODER_UNAVAILABLE', 'no encoder here')) });
    const found = await unavailable.search.find('Item 7');
    expect(found).toMatchObject({ semantic: false, suggestions: [] });
    expect(found.matches[0]?.row).toBe(7);
    const noneByWords = await unavailable.search.find('zzzz');
    expect(noneByWords).toEqual({ query: 'zzzz', matches: [], suggestions: [], semantic: false });

    const broken = searcher({ embedQuery: () => Promise.reject(new RecError('INTERNAL', 'a bug in the encoder')) });
    await expect(broken.search.find('Item 7')).rejects.toMatchObject({ code: 'INTERNAL' });
    const thrown = searcher({ embedQuery: () => Promise.reject(new TypeError('not a RecError')) });
    await expect(thrown.search.find('Item 7')).rejects.toThrow('not a RecError');
  });

  it('suggests the nearest categories only when nothing matched and the query has a vector', async () => {
    // A floor no cosine reaches: nothing matches by meaning. The 24 items are all among the 30
    // nearest, 8 per category, so the three categories tie and come alphabetically.
    const unreachable = { ...model, manifest: { ...model.manifest, search: { semanticFloor: 2, calibration: 'above any cosine' } } };
    const { search } = searcher({ model: unreachable });
    const none = await search.find('zzzz');
    expect(none.matches).toEqual([]);
    expect(none.suggestions).toEqual(['c0', 'c1', 'c2']);
    expect((await search.find('Item 7')).suggestions).toEqual([]);
  });

  it('tries the index again after a failed load, and prepare() loads it once for later searches', async () => {
    let failures = 1;
    const flaky = searcher({
      loadLexicalIndex: async () => {
        if (failures-- > 0) throw new RecError('MODEL_FETCH_FAILED', 'index not reachable');
        return createWordIndex(model.items);
      },
    });
    await expect(flaky.search.find('Item 7', 'lexical')).rejects.toMatchObject({ code: 'MODEL_FETCH_FAILED' });
    expect((await flaky.search.find('Item 7', 'lexical')).matches[0]?.row).toBe(7);
    expect(flaky.calls.index).toBe(2);

    const prepared = searcher();
    await prepared.search.prepare();
    await prepared.search.find('Item 7', 'lexical');
    await prepared.search.suggest('Item', 3);
    expect(prepared.calls.index).toBe(1);
  });
});
