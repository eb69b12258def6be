import { describe, expect, it } from 'vitest';
import { faultTest } from '../core/fault-test-support.ts';
import { toItemId, type CatalogItem } from '../core/index.ts';
import { countByType, displayTitle, EVENT_LABELS, formatMegabytes, imageSrc, MAX_TITLE_CHARS, reasonText, toExportJson } from './format.ts';

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
