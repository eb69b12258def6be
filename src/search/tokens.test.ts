import { describe, expect, it } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { allowsPrefix, contentWord, editDistance, MAX_QUERY_WORDS, MAX_WORD_LENGTH, meetsFloor, queryWords, words } from './tokens.ts';

describe('words', () => {
  it('folds case, accents and ligatures, and splits on anything but letters and digits', () => {
    expect(words('CAFÉ Crème-Brûlée ﬁne, 500ml!')).toEqual(['cafe', 'creme', 'brulee', 'fine', '500ml']);
  });

  it('keeps letters of any script', () => {
    expect(words('Łódź 抹茶 Ägypten')).toEqual(['łodz', '抹茶', 'agypten']);
  });

  it('cuts very long words', () => {
    expect(words('x'.repeat(1000))).toEqual(['x'.repeat(MAX_WORD_LENGTH)]);
  });
});

describe('queryWords', () => {
  it('drops stop words, lone Latin letters and repeats', () => {
    expect(queryWords("A warm jacket, the jacket lover's 2 茶").all).toEqual(['warm', 'jacket', 'lover', '2', '茶']);
    expect(contentWord('with')).toBeNull();
    expect(contentWord('s')).toBeNull();
    expect(contentWord('jacket')).toBe('jacket');
  });

  it(
    'caps a hostile query: a few words of bounded length',
    faultTest('Search queries', 'A hostile query: thousands of words, words of thousands of characters', async () => {
      const hostile = Array.from({ length: 10_000 }, (_, i) => `word${i}`).join(' ');
      expect(queryWords(hostile).all).toEqual(Array.from({ length: MAX_QUERY_WORDS }, (_, i) => `word${i}`));
      expect(queryWords('y'.repeat(50_000)).all).toEqual(['y'.repeat(MAX_WORD_LENGTH)]);
    }),
  );

  it('has no content words in symbols or stop words alone', () => {
    expect(queryWords('### !!! ...').all).toEqual([]);
    expect(queryWords('for the with a').all).toEqual([]);
  });

  it('takes the words before "for" or "with" as the product, or all words when none come before', () => {
    expect([...queryWords('warm jacket for hiking with hood').product]).toEqual(['warm', 'jacket']);
    expect([...queryWords('for hiking').product]).toEqual(['hiking']);
    expect([...queryWords('hiking boots').product]).toEqual(['hiking', 'boots']);
  });
});

describe('loose matching by word', () => {
  it('allows prefixes from 3 letters, never for numbers or codes', () => {
    expect([allowsPrefix('ja'), allowsPrefix('jac'), allowsPrefix('500'), allowsPrefix('e55')]).toEqual([false, true, false, false]);
  });

  it('allows 1 edit from 5 letters and 2 from 9, none for shorter words, numbers or known words', () => {
    expect(['scaf', 'scarf', 'trousers', 'headfones', '123456789'].map((word) => editDistance(word))).toEqual([0, 1, 1, 2, 0]);
    expect(editDistance('headfones', true)).toBe(0);
  });
});

describe('meetsFloor', () => {
  const set = (...values: string[]): Set<string> => new Set(values);
  it('requires half of the product words, rounded up', () => {
    expect(meetsFloor(set('jacket'), queryWords('jacket'))).toBe(true);
    expect(meetsFloor(set('jacket'), queryWords('trucker jacket'))).toBe(true);
    expect(meetsFloor(set('jacket'), queryWords('denim trucker jacket'))).toBe(false);
    expect(meetsFloor(set('jacket', 'denim'), queryWords('denim trucker jacket'))).toBe(true);
    expect(meetsFloor(set('jacket', 'denim'), queryWords('blue denim trucker jacket zip'))).toBe(false);
  });

  it('counts only the product words, not what comes after "for" or "with"', () => {
    expect(meetsFloor(set('jacket'), queryWords('warm jacket for hiking'))).toBe(true);
    expect(meetsFloor(set('hiking'), queryWords('warm jacket for hiking'))).toBe(false);
  });

  it('does not let a word of one or two characters alone match a query that has a longer word', () => {
    expect(meetsFloor(set('xl'), queryWords('xl parka'))).toBe(false);
    expect(meetsFloor(set('parka'), queryWords('xl parka'))).toBe(true);
    expect(meetsFloor(set('500'), queryWords('500 zzqx'))).toBe(true);
  });

  it('needs two or more words, every one matched, in a query of short words only', () => {
    expect(meetsFloor(set('kg'), queryWords('1 kg'))).toBe(false);
    expect(meetsFloor(set('kg', '1'), queryWords('1 kg'))).toBe(true);
    // A random string such as "B@[Xy<>Y" leaves one short word: it must not match a title that has it.
    expect(meetsFloor(set('xy'), queryWords('B@[Xy<>Y'))).toBe(false);
    expect(meetsFloor(set('au'), queryWords('Au'))).toBe(false);
  });
});
