// Property-based tests of manifest.json's parser: any JSON value, and any one-field change to a valid
// manifest, gives either a manifest or a RecError naming the field, never another kind of error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { RecError } from './errors.ts';
import { formatManifest, parseManifest, type ModelManifest } from './manifest.ts';

const FILE = 'models/x/manifest.json';
const SHA = 'ab'.repeat(32);

const VALID = {
  format: 'vitrine-model',
  formatVersion: 1,
  catalogId: 'shop',
  createdAt: '2026-01-01T00:00:00Z',
  itemCount: 3,
  dim: 2,
  dtype: 'float32',
  encoder: { name: 'enc', version: '1', dim: 4 },
  files: {
    vectors: { path: 'vectors.bin', bytes: 24, sha256: SHA },
    catalog: { path: 'catalog.json', bytes: 10, sha256: SHA },
    popularity: { path: 'popularity.f32', bytes: 12, sha256: SHA },
    projection: { path: 'projection.f32', bytes: 32, sha256: SHA },
  },
  search: { semanticFloor: 0.3, calibration: 'max cosine of 256 random strings' },
};

type Json = fc.JsonValue;

/** Every field path of VALID (objects included), with its value. */
function paths(value: Json, prefix = ''): [string, Json][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    if (child === undefined) return [];
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [[path, child] as [string, Json], ...paths(child, path)];
  });
}
const FIELDS = paths(VALID);
/** Fields the format may leave out. */
const OPTIONAL = new Set(['encoder.dim', 'files.popularity', 'search']);

/** VALID with the field at `path` set to `value` (or removed when undefined). */
function mutate(path: string, value: Json | undefined): Record<string, Json> {
  const copy = structuredClone(VALID) as Record<string, Json>;
  const keys = path.split('.');
  let parent = copy;
  for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string, Json>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) Reflect.deleteProperty(parent, last);
  else parent[last] = value;
  return copy;
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** @returns the manifest, or the RecError it was refused with (any other error fails the test). */
function attempt(value: unknown): ModelManifest | RecError {
  try {
    return parseManifest(value, FILE);
  } catch (error) {
    if (!(error instanceof RecError)) throw new Error(`expected a RecError, found ${String(error)}`, { cause: error });
    return error;
  }
}

describe('parseManifest (property)', () => {
  it('reads the valid manifest as written, and its formatted text back the same', () => {
    const manifest = parseManifest(VALID, FILE);
    expect(manifest).toEqual(VALID);
    expect(parseManifest(JSON.parse(formatManifest(manifest)), FILE)).toEqual(manifest);
  });

  it(
    'gives any JSON value a manifest or a RecError naming the file and a field',
    faultTest('Model files', 'Any JSON value as manifest.json', async (fault) => {
      await fault.property(
        fc.property(fc.jsonValue(), (value) => {
          const result = attempt(value);
          if (result instanceof RecError) {
            expect(['MANIFEST_INVALID', 'MODEL_DIMENSION_MISMATCH']).toContain(result.code);
            expect(result.location.file).toBe(FILE);
            expect(result.location.field).toMatch(/./);
            expect(result.message).toMatch(/expected .*, found /);
          }
        }),
        { numRuns: 200 },
      );
    }),
  );

  it(
    'refuses any field of another JSON type, naming exactly that field',
    faultTest('Model files', 'A manifest with one field of another JSON type', async (fault) => {
      await fault.property(
        fc.property(
          fc
            .constantFrom(...FIELDS)
            .chain(([path, value]) =>
              fc.record({ path: fc.constant(path), value: fc.jsonValue({ maxDepth: 2 }).filter((other) => kindOf(other) !== kindOf(value)) }),
            ),
          ({ path, value }) => {
            expect(attempt(mutate(path, value))).toMatchObject({ location: { file: FILE, field: path } });
          },
        ),
        { numRuns: 200 },
      );
    }),
  );

  it(
    'refuses a required field left out, naming it; reads the manifest without an optional one',
    faultTest('Model files', 'A manifest with a required field left out', async (fault) => {
      await fault.property(
        fc.property(fc.constantFrom(...FIELDS.map(([path]) => path)), (path) => {
          const result = attempt(mutate(path, undefined));
          if (path === 'encoder.dim') {
            // Without encoder.dim the encoder is taken to be in the item space, so the projection no longer fits.
            expect(result).toMatchObject({ code: 'MODEL_DIMENSION_MISMATCH', location: { field: 'files.projection.bytes' } });
          } else if (OPTIONAL.has(path)) {
            expect(result).toEqual(expect.objectContaining({ catalogId: 'shop' }));
            expect(result).not.toHaveProperty(path);
          } else {
            // files.projection among them: encoder.dim differs from dim.
            expect(result).toMatchObject({ location: { file: FILE, field: path } });
          }
        }),
        { numRuns: 60 },
      );
    }),
  );

  it(
    'keeps any non-blank text in catalogId, createdAt and the encoder name as data',
    faultTest('Model files', "Any text, markup included, in the manifest's names and dates", async (fault) => {
      const text = fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => s.trim() !== '');
      await fault.property(
        fc.property(fc.constantFrom('catalogId', 'createdAt', 'encoder.name', 'encoder.version', 'search.calibration'), text, (path, value) => {
          const manifest = parseManifest(mutate(path, value), FILE);
          const [first, second] = path.split('.') as [string, string | undefined];
          const read = (manifest as unknown as Record<string, Record<string, unknown>>)[first];
          expect(second === undefined ? read : read?.[second]).toBe(value);
        }),
        { numRuns: 100 },
      );
    }),
  );

  it(
    'accepts a file path only inside the model folder',
    faultTest('Model files', 'Manifest file paths that leave the model folder (.., absolute, URLs, backslashes)', async (fault) => {
      await fault.property(
        fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('vectors', 'catalog', 'popularity'), (path, role) => {
          const result = attempt(mutate(`files.${role}.path`, path));
          if (result instanceof RecError) expect(result.location.field).toBe(`files.${role}.path`);
          else {
            expect(path).not.toMatch(/\.\.|^\/|^[a-z]+:/i);
            expect(path.trim()).not.toBe('');
          }
        }),
        { numRuns: 150 },
      );
    }),
  );

  it(
    'refuses sizes and checksums that no file has, naming the field',
    faultTest('Model files', 'Manifest sizes and checksums no file can have (negative, fractional, malformed hex)', async (fault) => {
      await fault.property(
        fc.property(
          fc.constantFrom('vectors', 'catalog', 'popularity', 'projection'),
          fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true })),
          (role, bytes) => {
            expect(attempt(mutate(`files.${role}.bytes`, bytes))).toMatchObject({ location: { field: `files.${role}.bytes` } });
          },
        ),
        { numRuns: 100 },
      );
      await fault.property(
        fc.property(
          fc.string({ maxLength: 70 }).filter((s) => !/^[0-9a-f]{64}$/.test(s)),
          (sha256) => {
            expect(attempt(mutate('files.catalog.sha256', sha256))).toMatchObject({ code: 'MANIFEST_INVALID', location: { field: 'files.catalog.sha256' } });
          },
        ),
        { numRuns: 100 },
      );
    }),
  );
});
