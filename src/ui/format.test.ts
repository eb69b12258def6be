import { describe, expect, it } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { toItemId, type CatalogItem } from '../core/index.ts';
import { toScore } from '../core/ids.ts';
import type { PlacementList } from '../core/index.ts';
import { countByType, displayTitle, EVENT_LABELS, formatMegabytes, imageSrc, MAX_TITLE_CHARS, placementHeading, reasonText, toExportJson } from './format.ts';

const item = (over: Partial<CatalogItem> = {}): CatalogItem => ({
  id: toItemId('a1'),
  title: 'Blue enamel mug',
  category: 'kitchen',
  description: '',
  price: 4.5,
  image: null,
  group: null,
  inStock: true,
  ...over,
});

describe('reasonText', () => {
  it('names the item and the verb of the interaction it is similar to', () => {
    expect(reasonText({ kind: 'similar', to: item(), via: 'view' })).toBe('Because you viewed Blue enamel mug');
    expect(reasonText({ kind: 'similar', to: item(), via: 'add_to_cart' })).toBe('Because you added Blue enamel mug');
    expect(reasonText({ kind: 'similar', to: item(), via: 'purchase' })).toBe('Because you bought Blue enamel mug');
  });

  it('quotes the search and says popular or nothing otherwise', () => {
    expect(reasonText({ kind: 'search', query: 'red shoes' })).toBe('Matches your search “red shoes”');
    expect(reasonText({ kind: 'popular' })).toBe('Popular right now');
    expect(reasonText({ kind: 'pinned' })).toBe('Featured by the shop');
    expect(reasonText({ kind: 'explore' })).toBe('Something new for you');
    expect(reasonText(null)).toBeNull();
  });
});

describe('reasonText in a placement', () => {
  it('names the product a card is like, and what the shopper did with a recent one', () => {
    expect(reasonText({ kind: 'like', to: item() })).toBe('Similar to Blue enamel mug');
    expect(reasonText({ kind: 'recent', via: 'view' })).toBe('You viewed this');
    expect(reasonText({ kind: 'recent', via: 'purchase' })).toBe('You bought this');
  });
});

describe('placementHeading', () => {
  const list = (shows: PlacementList['shows'], items: PlacementList['items'] = [], personalised = false): PlacementList => ({
    placement: shows,
    shows,
    items,
    eventCount: 0,
    personalised,
  });
  const entry = (over: Partial<CatalogItem>, reason: PlacementList['items'][number]['reason']) => ({
    item: item(over),
    row: 0,
    position: 0,
    score: toScore(1),
    reason,
  });

  it('names the product a similar list is for, and says when the interest orders it', () => {
    const like = entry({ id: toItemId('b2') }, { kind: 'like', to: item({ title: 'Red kettle' }) });
    expect(placementHeading({ kind: 'similar', item: toItemId('a1') }, list('similar', [like]))).toEqual({
      title: 'Similar to Red kettle',
      note: 'The most alike first.',
    });
    expect(placementHeading({ kind: 'similar', item: toItemId('a1') }, list('similar', [like], true)).note).toBe(
      'The most alike first, ordered by your interests on this device.',
    );
  });

  it('labels a recently viewed list that fell back as trending, and says the shopper’s views will show there', () => {
    expect(placementHeading({ kind: 'recently-viewed' }, list('recently-viewed')).title).toBe('Recently viewed');
    const fallback = { ...list('trending'), placement: 'recently-viewed' as const };
    expect(placementHeading({ kind: 'recently-viewed' }, fallback)).toEqual({ title: 'Trending now', note: 'The products you view will show here.' });
  });

  it('heads a buy-again list, and says what will show there while nothing is due', () => {
    expect(placementHeading({ kind: 'buy-again' }, list('buy-again')).title).toBe('Buy again');
    const fallback = { ...list('trending'), placement: 'buy-again' as const };
    expect(placementHeading({ kind: 'buy-again' }, fallback)).toEqual({
      title: 'Trending now',
      note: 'What you buy regularly will show here when it is due again.',
    });
    expect(placementHeading({ kind: 'trending', category: null }, list('trending')).note).toBe('The most popular products of the shop.');
  });

  it('names the category of a trending list only when its items are from it', () => {
    const tea = [entry({ category: 'Tea' }, { kind: 'popular' })];
    expect(placementHeading({ kind: 'trending', category: 'Tea' }, list('trending', tea)).title).toBe('Trending in Tea');
    expect(placementHeading({ kind: 'trending', category: 'Coffee' }, list('trending', tea)).title).toBe('Trending now');
  });
});

describe('imageSrc', () => {
  it('resolves relative paths against the model folder and keeps same-origin absolute ones', () => {
    expect(imageSrc('/models/demo', item({ image: 'images/a1.svg' }))).toBe('/models/demo/images/a1.svg');
    expect(imageSrc('/models/demo', item({ image: '/static/a1.png' }))).toBe('/static/a1.png');
    expect(imageSrc('/models/demo', item({ image: null }))).toBeNull();
    expect(imageSrc('/models/demo', item({ image: '' }))).toBeNull();
  });

  it('refuses images from anywhere but our own origin (the CSP would block them, and they leak)', () => {
    for (const image of [
      'https://shop.example/a1.png',
      '//tracker.example/p.gif',
      '/\\tracker.example/p.gif',
      '/\t/tracker.example/p.gif',
      'javascript:alert(1)',
      'data:image/svg+xml,<svg onload=alert(1)>',
      'http://[::1',
    ]) {
      expect(imageSrc('/models/demo', item({ image })), image).toBeNull();
    }
    // Markup in a relative path is just an odd file name, resolved under the model folder.
    expect(imageSrc('/models/demo', item({ image: 'x" onerror="alert(1)' }))).toBe('/models/demo/x" onerror="alert(1)');
    expect(imageSrc('/models/demo', item({ image: '\\\\tracker.example/p.gif' }))).toBe('/models/demo/\\\\tracker.example/p.gif');
  });
});

describe('export and counts', () => {
  it('writes Float32Array vectors as number arrays', () => {
    const json = JSON.parse(toExportJson({ states: [{ vector: new Float32Array([0.5, -0.25]) }] })) as { states: [{ vector: unknown }] };
    expect(json.states[0].vector).toEqual([0.5, -0.25]);
  });

  it('counts events per type, most frequent first', () => {
    expect(countByType([{ type: 'view' }, { type: 'impression' }, { type: 'impression' }])).toEqual([
      ['impression', 2],
      ['view', 1],
    ]);
    expect(formatMegabytes(2_450_000)).toBe('2.5 MB');
  });

  it('labels a skip as inferred, the only event the shopper did not do themselves', () => {
    const inferred = Object.entries(EVENT_LABELS).filter(([, label]) => label.includes('inferred'));
    expect(inferred.map(([type]) => type)).toEqual(['skip']);
  });
});

describe('displayTitle', () => {
  it('renders a title up to MAX_TITLE_CHARS as it is', () => {
    const title = 'x'.repeat(MAX_TITLE_CHARS);
    expect(displayTitle(title)).toBe(title);
  });

  it(
    'cuts a longer unbroken title to MAX_TITLE_CHARS characters, ending with an ellipsis',
    faultTest('Catalogue text and records', 'A long unbroken title (50,000 characters froze the tab for 38 s)', async () => {
      const shown = displayTitle('y'.repeat(50_000));
      expect(shown).toHaveLength(MAX_TITLE_CHARS);
      expect(shown).toBe(`${'y'.repeat(MAX_TITLE_CHARS - 1)}…`);
    }),
  );

  it(
    'never cuts inside a surrogate pair',
    faultTest('Catalogue text and records', "A long title cut where an emoji's surrogate pair would split", async () => {
      // The cut would fall between a pair's halves: the pair is left out whole.
      const shown = displayTitle('😀'.repeat(MAX_TITLE_CHARS));
      expect(shown).toBe(`${'😀'.repeat((MAX_TITLE_CHARS - 2) / 2)}…`);
    }),
  );

  it(
    'caps the title a reason line quotes',
    faultTest('Catalogue text and records', 'A long title quoted in a "because you viewed" reason', async () => {
      const reason = reasonText({ kind: 'similar', to: item({ title: 'z'.repeat(10_000) }), via: 'view' });
      expect(reason).toBe(`Because you viewed ${'z'.repeat(MAX_TITLE_CHARS - 1)}…`);
    }),
  );
});
