// The storefront's settings as the app's URL and the widget's attributes give them: the model folder
// must stay on the page's own origin, whatever a host page or a crafted link puts in `models`.
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { parseStorefrontConfig } from './config.ts';
import { RecError } from './errors.ts';

const parse = (models: string) => parseStorefrontConfig(new URLSearchParams({ models }), '<vitrine-grid> attribute');
const PAGE = 'https://shop.example/catalogue/page.html';

describe('parseStorefrontConfig models', () => {
  it(
    'refuses every value that would load the model from another origin, naming models',
    faultTest(
      'Host page calls',
      "A models setting of //host/path, another origin's URL or a parent path (a model was loaded from another origin)",
      async () => {
        for (const models of [
          '//evil.example/models/demo',
          '///evil.example/demo',
          '\\\\evil.example\\demo',
          '/\\evil.example/demo',
          '\\/evil.example/demo',
          'https://evil.example/demo',
          'https:evil.example',
        ]) {
          let error: unknown;
          try {
            parse(models);
          } catch (thrown) {
            error = thrown;
          }
          expect(error, models).toBeInstanceOf(RecError);
          expect(error, models).toMatchObject({ code: 'CONFIG_INVALID', location: { field: 'models', file: '<vitrine-grid> attribute' } });
        }
      },
    ),
  );

  it('keeps folder names and same-origin paths, and each resolves on the page origin', () => {
    const cases: Record<string, string> = { demo: '/models/demo', '/models/big/': '/models/big', 'shop/models': 'shop/models', './m': './m', '/a//b': '/a//b' };
    for (const [models, modelUrl] of Object.entries(cases)) {
      const config = parse(models);
      expect(config.modelUrl, models).toBe(modelUrl);
      expect(new URL(`${config.modelUrl}/manifest.json`, PAGE).origin, models).toBe('https://shop.example');
    }
  });

  it('quotes a huge value only in part', () => {
    expect(() => parse(`//${'h'.repeat(100_000)}`)).toThrow(/found "\/\/h{78}…" \(100002 characters\)/);
  });
});
