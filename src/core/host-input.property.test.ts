// Property-based tests of what a host page hands the widget: record()'s interaction and the element's
// attributes. Any value gives a valid input or a RecError naming the field; text stays data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { parseStorefrontConfig } from './config.ts';
import { MAX_GRID_SIZE } from './constants.ts';
import { RecError } from './errors.ts';
import { INTERACTION_TYPES, parseInteractionInput } from './interactions.ts';
import { BACKEND_NAMES } from './ports.ts';
import { attemptRead } from './test-support.ts';

const MARKUP = fc.constantFrom('<img src=x onerror=alert(1)>', '"><script>alert(1)</script>', "javascript:alert('x')", '{{constructor}}', '${x}');
const anyValue = fc.oneof(fc.anything(), fc.jsonValue());

describe('parseInteractionInput (property)', () => {
  const interaction = fc.record(
    {
      type: fc.oneof(fc.constantFrom(...INTERACTION_TYPES), anyValue),
      item: fc.oneof(fc.string(), MARKUP, anyValue),
      query: fc.oneof(fc.string(), MARKUP, anyValue),
      dwellMs: fc.oneof(fc.double(), anyValue),
      position: fc.oneof(fc.integer({ min: -3, max: 50 }), fc.double(), anyValue),
    },
    { requiredKeys: [] },
  );

  it(
    'gives any value a valid interaction or an EVENT_INVALID naming the field',
    faultTest('Host page calls', 'Any value a host page passes to record(): any JSON or JavaScript value, missing or mistyped fields', async (fault) => {
      await fault.property(
        fc.property(fc.oneof(interaction, anyValue), (value) => {
          const result = attemptRead(() => parseInteractionInput(value, 'record()'));
          if (result instanceof RecError) {
            expect(result.code).toBe('EVENT_INVALID');
            expect(result.location.file).toBe('record()');
            expect(['(interaction)', 'type', 'item', 'query', 'dwellMs', 'position']).toContain(result.location.field);
            return;
          }
          expect(INTERACTION_TYPES).toContain(result.type);
          if (result.type === 'search') expect(result.query.trim()).not.toBe('');
          else {
            expect(typeof result.item === 'string' && result.item.trim() !== '').toBe(true);
            if (result.type === 'dwell') expect(Number.isFinite(result.dwellMs) && result.dwellMs >= 0).toBe(true);
            else if (result.position !== undefined) expect(Number.isInteger(result.position) && result.position >= 0).toBe(true);
          }
        }),
        { numRuns: 200 },
      );
    }),
  );

  it(
    'keeps an item id with markup as the very same text, and a query the same but for the whitespace around it',
    faultTest('Host page calls', "Markup and script payloads in record()'s item ids and search queries", async (fault) => {
      await fault.property(
        fc.property(
          fc.oneof(
            MARKUP,
            fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
          ),
          fc.constantFrom(...INTERACTION_TYPES),
          (text, type) => {
            const input = parseInteractionInput(type === 'search' ? { type, query: text } : { type, item: text, dwellMs: 1 }, 'record()');
            // Queries are trimmed (a search for " lamp" is a search for "lamp"); ids are kept exactly.
            if (input.type === 'search') expect(input.query).toBe(text.trim());
            else expect(input.item).toBe(text);
          },
        ),
        { numRuns: 100 },
      );
    }),
  );
});

describe('parseStorefrontConfig (property)', () => {
  const setting = fc.option(fc.oneof(fc.string(), MARKUP, fc.constantFrom('demo', 'a/b/', '//evil.example/m', '../x', '8', '0', '65', '1e1')), { nil: null });

  it(
    'gives any attributes a same-origin model path, a known backend and a grid size in range, or CONFIG_INVALID naming the attribute',
    faultTest(
      'Host page calls',
      'Any models, backend and limit attributes on <vitrine-grid>: other origins (//host), parent paths, markup, numbers out of range',
      async (fault) => {
        await fault.property(
          fc.property(setting, fc.option(fc.oneof(fc.constantFrom(...BACKEND_NAMES), fc.string()), { nil: null }), setting, (models, backend, limit) => {
            const values: Record<string, string | null> = { models, backend, limit };
            const result = attemptRead(() => parseStorefrontConfig({ get: (name) => values[name] ?? null }, '<vitrine-grid> attribute'));
            if (result instanceof RecError) {
              expect(result.code).toBe('CONFIG_INVALID');
              expect(result.location).toEqual({ file: '<vitrine-grid> attribute', field: expect.stringMatching(/^(models|backend|limit)$/) });
              return;
            }
            // A path on this origin (absolute or relative), never one on another host (//host/...).
            expect(result.modelUrl).toMatch(/^[\w./-]+$/);
            expect(result.modelUrl).not.toMatch(/^\/\/|\.\./);
            if (backend !== null) expect(result.backend).toBe(backend);
            expect(Number.isInteger(result.gridSize) && result.gridSize >= 1 && result.gridSize <= MAX_GRID_SIZE).toBe(true);
          }),
          { numRuns: 200 },
        );
      },
    ),
  );
});
