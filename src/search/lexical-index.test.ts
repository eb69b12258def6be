import { afterEach, describe, expect, it, vi } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { parseCatalog, type CatalogItem } from '../core/catalog.ts';
import { toItemId } from '../core/ids.ts';
import { seededRandom } from '../core/random.ts';
import { DEMO_ITEM_COUNT, generateDemoCatalog } from '../offline/builder/demo-catalog.ts';
import { createLexicalIndex, createLexicalIndexInSlices } from './lexical-index.ts';

/** The storefront's demo catalogue, as the browser reads it. */
const demo = parseCatalog({ items: generateDemoCatalog().items }, DEMO_ITEM_COUNT, 'demo catalogue');
const demoIndex = createLexicalIndex(demo);

const item = (title: string, category = '', description = ''): CatalogItem => ({
  id: toItemId(title.slice(0, 20) || 'untitled'),
  title,
  category,
  description,
  price: null,
  image: null,
  group: null,
  inStock: true,
});

const small = [
  item('Trucker Jacket', 'Clothing', 'A denim jacket for cool evenings.'),
  item('Wool Scarf', 'Clothing', 'Soft and warm.'),
  item('Noise-Cancelling Headphones', 'Electronics', 'Wireless, with a long battery life.'),
  item('Water Bottle 500 ml', 'Sports & Outdoors', 'Keeps drinks cold.'),
  item('CAFÉ CRÈME MUG', 'Kitchen', ''),
  item('Ceramic Teapot', 'Kitchen', 'Brews four cups; fits the garden table.'),
  item('Ceramic Teapot', 'Kitchen', 'The same teapot in blue.'),
];
const smallIndex = createLexicalIndex(small);
const titles = (query: string, limit = 10): string[] => smallIndex.search(query, limit).map((hit) => small[hit.row]?.title ?? '?');

describe('search on the demo catalogue', () => {
  it('finds jackets for a typo ("jackt"), and only items that say jacket', () => {
    const hits = demoIndex.search('jackt', 50);
    expect(hits.length).toBeGreaterThan(5);
    for (const hit of hits) expect(`${demo[hit.row]?.title} ${demo[hit.row]?.description}`).toMatch(/jacket/i);
  });

  it('ranks items whose title says jacket first for "warm jacket for hiking"', () => {
    const hits = demoIndex.search('warm jacket for hiking', 40);
    const saysJacket = hits.map((hit) => /jacket/i.test(demo[hit.row]?.title ?? ''));
    expect(saysJacket[0]).toBe(true);
    // Every title-says-jacket hit comes before every other hit.
    expect(saysJacket.lastIndexOf(true)).toBeLessThan(saysJacket.includes(false) ? saysJacket.indexOf(false) : Infinity);
  });

  it('returns hits best first, within the limit', () => {
    const hits = demoIndex.search('ceramic mug', 7);
    expect(hits).toHaveLength(7);
    expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
    expect(demoIndex.search('ceramic mug', 0)).toEqual([]);
  });

  it(
    'finds nothing for 200 seeded random-character queries (letters, digits, symbols; 1-4 words of 2-10 characters)',
    faultTest('Search queries', '200 random-character queries (letters, digits, symbols)', async () => {
      const random = seededRandom(4242);
      const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#@!?%&*-_/.,;:+=~';
      const word = (): string => Array.from({ length: 2 + Math.floor(random() * 9) }, () => chars[Math.floor(random() * chars.length)]).join('');
      const queries = Array.from({ length: 200 }, () => Array.from({ length: 1 + Math.floor(random() * 4) }, word).join(' '));
      const withHits = queries.filter((query) => demoIndex.search(query, 10).length > 0);
      // Expected: 100% of them find nothing.
      expect(withHits).toEqual([]);
    }),
  );

  it('finds nothing for a query of stop words or symbols only', () => {
    expect(demoIndex.search('for the with', 10)).toEqual([]);
    expect(demoIndex.search('###', 10)).toEqual([]);
    expect(demoIndex.suggest('###', 10)).toEqual([]);
  });
});

describe('matching rules', () => {
  it('matches words of 5+ letters within one edit, of 9+ within two, shorter ones never loosely', () => {
    expect(titles('scarg')).toEqual(['Wool Scarf']);
    expect(titles('woll')).toEqual([]);
    expect(titles('headfones')).toEqual(['Noise-Cancelling Headphones']);
    expect(titles('hedfones')).toEqual([]);
  });

  it('matches prefixes from 3 letters on, numbers only exactly', () => {
    expect(titles('truc')).toEqual(['Trucker Jacket']);
    expect(titles('tr')).toEqual([]);
    expect(titles('500')).toEqual(['Water Bottle 500 ml']);
    expect(titles('50')).toEqual([]);
  });

  it('needs half of the product words, rounded up', () => {
    expect(titles('trucker jacket scarf')).toEqual(['Trucker Jacket']);
    expect(titles('scarf jacket').sort()).toEqual(['Trucker Jacket', 'Wool Scarf']);
    expect(titles('denim jacket zzqx')).toEqual(['Trucker Jacket']);
    expect(titles('jacket zzqx qqzv')).toEqual([]);
    expect(titles('scarf for trucker')).toEqual(['Wool Scarf']);
  });

  it('matches a word the catalogue has only as it is or as a prefix, not fuzzily', () => {
    const index = createLexicalIndex([item('Tennis Racket'), item('Trucker Jacket'), item('Jackets Rack')]);
    expect(index.search('jacket', 10).map((hit) => hit.row)).toEqual([1, 2]);
    expect(index.search('jackt', 10).map((hit) => hit.row)).toEqual([1]);
  });

  it('folds case and accents both ways', () => {
    expect(titles('cafe creme')).toEqual(['CAFÉ CRÈME MUG']);
    expect(titles('Café MUG')).toEqual(['CAFÉ CRÈME MUG']);
  });

  it('weights the title over the category over the description', () => {
    const index = createLexicalIndex([item('Garden Hose'), item('Hose Reel', 'Garden'), item('Hose Clip', '', 'For the garden.')]);
    expect(index.search('garden', 10).map((hit) => hit.row)).toEqual([0, 1, 2]);
  });

  it('indexes only the fields asked for', () => {
    const noCategory = createLexicalIndex(small, { fields: ['title', 'description'] });
    expect(noCategory.search('electronics', 10)).toEqual([]);
    expect(smallIndex.search('electronics', 10).map((hit) => hit.row)).toEqual([2]);
    expect(noCategory.search('battery', 10).map((hit) => hit.row)).toEqual([2]);
  });
});

describe('hostile input', () => {
  it('answers a 50,000-character query and indexes a 50,000-character title', () => {
    const long = Array.from({ length: 5000 }, (_, i) => `w${i}xyz`)
      .join(' ')
      .slice(0, 50_000);
    expect(demoIndex.search(long, 10)).toEqual([]);
    expect(demoIndex.suggest(long, 10)).toEqual([]);
    const index = createLexicalIndex([item(`Giant ${'lorem ipsum '.repeat(4200)}`), item('Tiny Lamp')]);
    expect(index.search('giant', 10).map((hit) => hit.row)).toEqual([0]);
    expect(index.search('q'.repeat(50_000), 10)).toEqual([]);
  });

  it(
    'never throws on odd strings',
    faultTest('Search queries', 'Odd query strings: control characters, lone surrogates, markup, regular-expression syntax', async () => {
      const odd = ['', ' ', '\u0000', '\uD800', '😀😀 jacket', '\u202Ejacket', 'ǅ', '%00', '*', '\\', 'constructor', '__proto__', 'ﷺ'];
      for (const text of odd) {
        expect(() => demoIndex.search(text, 5)).not.toThrow();
        expect(() => demoIndex.suggest(text, 5)).not.toThrow();
      }
      expect(demoIndex.search('😀😀 jacket', 5).length).toBeGreaterThan(0);
      expect(() => createLexicalIndex(odd.map((text) => item(text, text, text)))).not.toThrow();
    }),
  );
});

describe('suggest', () => {
  const shed = createLexicalIndex([
    item('Rake', 'Garden Tools'),
    item('Seed Tray', 'Kitchen Garden Seeds'),
    item('Trowel', 'Tools for the Garden'),
    item('Hammer', 'Hardware'),
    item('Garden tools', '  '),
    item('Gardening Gloves', 'Gardenware'),
    item('Tulip Mix', 'Seeds and Bulbs'),
    item('Edelweiss', 'Alpine Flowerbulbs'),
  ]);
  const categoriesFor = (typed: string): string[] => shed.suggest(typed, 10).flatMap((s) => (s.kind === 'category' ? [s.text] : []));

  it('ranks categories: the name starts with the text, then each word starts a word of the name, then the name contains each word (3+ letters); alphabetical within each', () => {
    expect(categoriesFor('garden')).toEqual(['Garden Tools', 'Gardenware', 'Kitchen Garden Seeds', 'Tools for the Garden']);
    expect(categoriesFor('tools gar')).toEqual(['Garden Tools', 'Tools for the Garden']);
    expect(categoriesFor('eds')).toEqual(['Kitchen Garden Seeds', 'Seeds and Bulbs']);
    // Where the ranks and the alphabet disagree: a start of the name first, then a start of a word.
    expect(categoriesFor('seed')).toEqual(['Seeds and Bulbs', 'Kitchen Garden Seeds']);
    expect(categoriesFor('bulb')).toEqual(['Seeds and Bulbs', 'Alpine Flowerbulbs']);
    expect(categoriesFor('ard')).toEqual(['Garden Tools', 'Gardenware', 'Hardware', 'Kitchen Garden Seeds', 'Tools for the Garden']);
    // Two letters only match the start of a word.
    expect(categoriesFor('ar')).toEqual([]);
  });

  it('offers no blank category, and no title that repeats a category offered', () => {
    const suggestions = shed.suggest('garden', 10);
    expect(suggestions.filter((s) => s.kind === 'title')).toEqual([{ text: 'Gardening Gloves', kind: 'title', row: 5 }]);
    expect(suggestions.some((s) => s.text.trim() === '')).toBe(false);
  });

  it('offers the category a typed prefix starts, then titles with their rows', () => {
    const suggestions = demoIndex.suggest('gar', 6);
    expect(suggestions[0]).toEqual({ text: 'Garden', kind: 'category', row: null });
    const rest = suggestions.slice(1);
    expect(rest.length).toBeGreaterThan(0);
    for (const s of rest) {
      expect(s.kind).toBe('title');
      expect(s.row === null ? undefined : demo[s.row]?.title).toBe(s.text);
    }
  });

  it('finds a category by a later word of its name', () => {
    expect(demoIndex.suggest('outdo', 3)[0]).toEqual({ text: 'Sports & Outdoors', kind: 'category', row: null });
  });

  it('completes titles by their own words, each title once', () => {
    expect(smallIndex.suggest('ceramic tea', 5)).toEqual([{ text: 'Ceramic Teapot', kind: 'title', row: 5 }]);
    expect(smallIndex.suggest('garden', 5)).toEqual([]);
  });

  it('respects the limit and says nothing for nothing typed', () => {
    expect(demoIndex.suggest('c', 3).length).toBeLessThanOrEqual(3);
    expect(demoIndex.suggest('jacket', 4)).toHaveLength(4);
    expect(demoIndex.suggest('', 5)).toEqual([]);
    expect(demoIndex.suggest('jacket', 0)).toEqual([]);
  });
});

describe('prefixes and coverage', () => {
  it('completes only the last word of a query: an earlier word must be whole', () => {
    expect(titles('scarf head').sort()).toEqual(['Noise-Cancelling Headphones', 'Wool Scarf']);
    expect(titles('head scarf')).toEqual(['Wool Scarf']);
  });

  it("says which share of the query's product words a row holds", () => {
    const hits = smallIndex.search('ceramic wool teapot', 10);
    expect(hits.map((hit) => [small[hit.row]?.title, hit.coverage])).toEqual([
      ['Ceramic Teapot', 2 / 3],
      ['Ceramic Teapot', 2 / 3],
    ]);
  });
});

describe("the index built in slices (the storefront's)", () => {
  it('answers searches and suggestions as the index built at once does, on the demo catalogue', async () => {
    // Slices that do not divide the catalogue: the last, shorter one must be indexed too.
    const sliced = await createLexicalIndexInSlices(demo, {}, 333);
    for (const query of ['jackt', 'ceramic mug', 'hiking boots', 'wireless', 'garden hose', 'xqzv blorft']) {
      expect(sliced.search(query, 50)).toEqual(demoIndex.search(query, 50));
      expect(sliced.suggest(query.slice(0, 4), 6)).toEqual(demoIndex.suggest(query.slice(0, 4), 6));
    }
    // Not a comparison of two empty answers.
    expect(sliced.search('hiking boots', 50)).not.toEqual([]);
  });

  it('lets a task queued before it run before it ends, without requestIdleCallback (Node, Safari)', async () => {
    const order: string[] = [];
    setTimeout(() => order.push('task'), 0);
    const built = createLexicalIndexInSlices(small, {}, 3).then((index) => {
      order.push('built');
      return index;
    });
    expect(order).toEqual([]);
    const index = await built;
    expect(order).toEqual(['task', 'built']);
    expect(index.search('teapot', 10).map((hit) => hit.row)).toEqual(smallIndex.search('teapot', 10).map((hit) => hit.row));
  });

  describe("in the page's idle moments", () => {
    /** A requestIdleCallback whose moments have `remaining` ms left; the options of each call. */
    function fakeIdle(remaining: number): { options: unknown[] } {
      const options: unknown[] = [];
      globalThis.requestIdleCallback = ((callback: IdleRequestCallback, requested?: IdleRequestOptions) => {
        options.push(requested);
        setTimeout(() => callback({ didTimeout: false, timeRemaining: () => remaining }), 0);
        return options.length;
      }) as typeof requestIdleCallback;
      return { options };
    }
    afterEach(() => {
      Reflect.deleteProperty(globalThis, 'requestIdleCallback');
    });

    it('adds one slice per moment that has no time left (a moment run at its timeout), and asks for a timeout', async () => {
      const idle = fakeIdle(0);
      const index = await createLexicalIndexInSlices(small, {}, 3);
      expect(idle.options).toEqual([
        { timeout: expect.any(Number) as number },
        { timeout: expect.any(Number) as number },
        { timeout: expect.any(Number) as number },
      ]);
      expect(index.search('teapot', 10)).toEqual(smallIndex.search('teapot', 10));
    });

    it('waits for no moment once the last slice is in', async () => {
      const idle = fakeIdle(0);
      await createLexicalIndexInSlices(small.slice(0, 6), {}, 3);
      expect(idle.options).toHaveLength(2);
    });

    it('stops a moment after 8 ms of work even when it has time left', async () => {
      const idle = fakeIdle(50);
      // Each reading of the clock is 4 ms after the one before: after two slices 8 ms have gone, and the moment ends.
      let now = 0;
      const clock = vi.spyOn(performance, 'now').mockImplementation(() => (now += 4));
      try {
        await createLexicalIndexInSlices(small, {}, 1);
      } finally {
        clock.mockRestore();
      }
      expect(idle.options).toHaveLength(4);
    });

    it('adds slices while the moment lasts', async () => {
      const idle = fakeIdle(50);
      const index = await createLexicalIndexInSlices(small, {}, 3);
      expect(idle.options).toHaveLength(1);
      expect(index.search('scarf', 10)).toEqual(smallIndex.search('scarf', 10));
    });
  });

  it('keeps the fields it is asked for', async () => {
    const noCategory = await createLexicalIndexInSlices(small, { fields: ['title', 'description'] }, 2);
    expect(noCategory.search('kitchen', 10)).toEqual([]);
    expect(smallIndex.search('kitchen', 10)).not.toEqual([]);
  });
});
