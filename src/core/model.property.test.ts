// Property-based tests of model loading: whatever happens to a model's files on the way (cut short,
// bytes flipped, a size that does not match), loadModel either loads exactly what was built or
// refuses with a RecError that names the file, never another kind of error.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { faultTest } from './fault-test-support.ts';
import { RecError, type RecErrorCode } from './errors.ts';
import { sha256Hex } from './hash.ts';
import { loadModel, type LoadedModel } from './model.ts';
import { fixtureModelFiles, memoryModelSource } from './test-support.ts';

const COUNT = 6;
const DIM = 4;
const FILES = ['manifest.json', 'vectors.bin', 'catalog.json', 'popularity.f32'] as const;
type FileName = (typeof FILES)[number];
const INPUT_CODES: readonly RecErrorCode[] = [
  'MANIFEST_INVALID',
  'MODEL_FILE_SIZE_MISMATCH',
  'MODEL_CHECKSUM_MISMATCH',
  'MODEL_DIMENSION_MISMATCH',
  'MODEL_VECTORS_INVALID',
  'CATALOG_INVALID',
  // A flipped byte in a path of the manifest names a file the folder does not have.
  'MODEL_FETCH_FAILED',
];

let pristine: Map<string, Uint8Array>;
let reference: LoadedModel;

beforeAll(async () => {
  pristine = await fixtureModelFiles({ count: COUNT, dim: DIM, popularity: Float32Array.from({ length: COUNT }, (_, i) => i / COUNT) });
  reference = await loadModel(memoryModelSource(pristine));
});

/** The model's files with one of them replaced. */
function withFile(name: FileName, bytes: Uint8Array): Map<string, Uint8Array> {
  return new Map([...pristine, [name, bytes]]);
}

function bytesOf(name: FileName): Uint8Array {
  const bytes = pristine.get(name);
  if (bytes === undefined) throw new Error(`no ${name} in the fixture`);
  return bytes;
}

/** Loads the files; @returns the model, or the RecError it was refused with (any other error fails the test). */
async function attempt(files: Map<string, Uint8Array>): Promise<LoadedModel | RecError> {
  try {
    return await loadModel(memoryModelSource(files));
  } catch (error) {
    if (!(error instanceof RecError)) throw new Error(`expected a RecError, found ${String(error)}`, { cause: error });
    return error;
  }
}

/** What must be equal between a model that loaded and the one built. */
function contentOf(model: LoadedModel): unknown {
  return { items: model.items, vectors: [...model.vectors], popularity: model.popularity === null ? null : [...model.popularity], rules: model.rules };
}

/** The manifest with one file's entry re-described for new bytes (as a builder would write it). */
async function redescribed(name: Exclude<FileName, 'manifest.json'>, bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const manifest = JSON.parse(new TextDecoder().decode(bytesOf('manifest.json'))) as { files: Record<string, { path: string; bytes: number; sha256: string }> };
  const entry = Object.values(manifest.files).find((file) => file.path === name);
  if (entry === undefined) throw new Error(`no manifest entry for ${name}`);
  entry.bytes = bytes.byteLength;
  entry.sha256 = await sha256Hex(bytes);
  return new Map([...withFile(name, bytes), ['manifest.json', new TextEncoder().encode(JSON.stringify(manifest))]]);
}

const fileName = fc.constantFrom(...FILES);
const dataFileName = fc.constantFrom('vectors.bin', 'catalog.json', 'popularity.f32' as const);

describe('loadModel, with damaged files (property)', () => {
  it('loads the untouched files exactly as built', async () => {
    expect(reference.items.map((item) => item.id)).toEqual(Array.from({ length: COUNT }, (_, i) => `i${i}`));
    expect(reference.vectors).toHaveLength(COUNT * DIM);
    expect(reference.popularity).toEqual(Float32Array.from({ length: COUNT }, (_, i) => i / COUNT));
  });

  it(
    'refuses any file cut short with a RecError naming that file',
    faultTest('Model files', 'Any model file cut short at a random byte', async (fault) => {
      await fault.property(
        fc.asyncProperty(
          fileName.chain((name) => fc.record({ name: fc.constant(name), keep: fc.nat({ max: bytesOf(name).byteLength - 1 }) })),
          async ({ name, keep }) => {
            const result = await attempt(withFile(name, bytesOf(name).slice(0, keep)));
            expect(result).toBeInstanceOf(RecError);
            const error = result as RecError;
            expect(error.location.file).toBe(`models/fixture/${name}`);
            expect(error.code).toBe(name === 'manifest.json' ? 'MANIFEST_INVALID' : 'MODEL_FILE_SIZE_MISMATCH');
            if (name !== 'manifest.json') expect(error.message).toContain('(truncated?)');
          },
        ),
        { numRuns: 150 },
      );
    }),
  );

  it(
    'refuses a model file with bytes appended, naming it and both sizes',
    faultTest('Model files', 'Any model file with random bytes appended', async (fault) => {
      await fault.property(
        fc.asyncProperty(dataFileName, fc.uint8Array({ minLength: 1, maxLength: 64 }), async (name, extra) => {
          const bytes = bytesOf(name);
          const result = await attempt(withFile(name, Uint8Array.from([...bytes, ...extra])));
          expect(result).toMatchObject({ code: 'MODEL_FILE_SIZE_MISMATCH', location: { file: `models/fixture/${name}` } });
          expect((result as RecError).message).toContain(`expected ${bytes.byteLength} bytes (manifest), found ${bytes.byteLength + extra.length}`);
        }),
        { numRuns: 100 },
      );
    }),
  );

  it(
    'refuses a model file with any byte flipped by its checksum, naming it',
    faultTest('Model files', 'One random byte flipped in any model file', async (fault) => {
      await fault.property(
        fc.asyncProperty(
          dataFileName.chain((name) => fc.record({ name: fc.constant(name), at: fc.nat({ max: bytesOf(name).byteLength - 1 }) })),
          fc.integer({ min: 1, max: 255 }),
          async ({ name, at }, mask) => {
            const bytes = bytesOf(name).slice();
            bytes[at] = (bytes[at] ?? 0) ^ mask;
            expect(await attempt(withFile(name, bytes))).toMatchObject({ code: 'MODEL_CHECKSUM_MISMATCH', location: { file: `models/fixture/${name}` } });
          },
        ),
        { numRuns: 150 },
      );
    }),
  );

  it(
    'with a byte of the manifest flipped, loads what was built or refuses with an input RecError naming a file',
    faultTest('Model files', 'One random byte flipped in the manifest', async (fault) => {
      const manifest = bytesOf('manifest.json');
      await fault.property(
        fc.asyncProperty(fc.nat({ max: manifest.byteLength - 1 }), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
          const bytes = manifest.slice();
          bytes[at] = (bytes[at] ?? 0) ^ mask;
          const result = await attempt(withFile('manifest.json', bytes));
          if (result instanceof RecError) {
            expect(INPUT_CODES).toContain(result.code);
            expect(result.location.file).toMatch(/^models\/fixture\/./);
          } else {
            // A flip in a name or date the loader only passes on (catalogId, createdAt, encoder.name).
            expect(contentOf(result)).toEqual(contentOf(reference));
          }
        }),
        { numRuns: 200 },
      );
    }),
  );
});

describe('loadModel, with a manifest or files that disagree (property)', () => {
  it(
    'refuses a manifest whose declared size is wrong for any file, naming the file or field',
    faultTest('Model files', 'A manifest declaring a wrong size for any file', async (fault) => {
      await fault.property(
        fc.asyncProperty(dataFileName, fc.integer({ min: 0, max: 1_000_000 }), async (name, size) => {
          fc.pre(size !== bytesOf(name).byteLength);
          const manifest = JSON.parse(new TextDecoder().decode(bytesOf('manifest.json'))) as { files: Record<string, { path: string; bytes: number }> };
          const [role, entry] = Object.entries(manifest.files).find(([, file]) => file.path === name) ?? [];
          if (entry === undefined) throw new Error(`no manifest entry for ${name}`);
          entry.bytes = size;
          const result = await attempt(withFile('manifest.json', new TextEncoder().encode(JSON.stringify(manifest))));
          // The manifest knows what the vectors and popularity must weigh; the catalogue's size is checked when it is read.
          if (name === 'catalog.json') expect(result).toMatchObject({ code: 'MODEL_FILE_SIZE_MISMATCH', location: { file: `models/fixture/${name}` } });
          else
            expect(result).toMatchObject({
              code: name === 'vectors.bin' ? 'MODEL_DIMENSION_MISMATCH' : 'MANIFEST_INVALID',
              location: { file: 'models/fixture/manifest.json', field: `files.${role}.bytes` },
            });
        }),
        { numRuns: 100 },
      );
    }),
  );

  it(
    'with a rewritten vectors or popularity file described consistently, loads its values or refuses the first bad one',
    faultTest(
      'Model files',
      'Vectors or popularity files rewritten with any values (NaN, infinities, negatives), the manifest made consistent',
      async (fault) => {
        await fault.property(
          fc.asyncProperty(
            fc.constantFrom('vectors.bin', 'popularity.f32' as const),
            fc.float32Array({ minLength: COUNT * DIM, maxLength: COUNT * DIM }),
            async (name, values) => {
              const floats = name === 'vectors.bin' ? values : values.slice(0, COUNT);
              const result = await attempt(
                await redescribed(name, new Uint8Array(floats.buffer.slice(floats.byteOffset, floats.byteOffset + floats.byteLength))),
              );
              if (result instanceof RecError) {
                expect(result).toMatchObject({ code: 'MODEL_VECTORS_INVALID', location: { file: `models/fixture/${name}` } });
              } else {
                // Accepted: exactly those values (random floats are rarely unit rows, so this is mostly popularity).
                expect(name === 'vectors.bin' ? result.vectors : result.popularity).toEqual(floats);
                if (name === 'popularity.f32') expect([...floats].every((v) => v >= 0 && v <= 1)).toBe(true);
              }
            },
          ),
          { numRuns: 100 },
        );
      },
    ),
  );

  it(
    'with any catalogue text described consistently, loads it or refuses with CATALOG_INVALID naming the file',
    faultTest('Model files', 'Any catalogue bytes, the manifest made consistent', async (fault) => {
      const items = fc.array(fc.dictionary(fc.constantFrom('id', 'title', 'category', 'price', 'group', 'inStock'), fc.jsonValue({ maxDepth: 1 })), {
        maxLength: COUNT + 1,
      });
      const catalogue = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({ items }),
        fc.string().map((text) => ({ raw: text })),
      );
      await fault.property(
        fc.asyncProperty(catalogue, async (value) => {
          const text = typeof value === 'object' && value !== null && 'raw' in value ? String(value.raw) : JSON.stringify(value);
          const result = await attempt(await redescribed('catalog.json', new TextEncoder().encode(text)));
          if (result instanceof RecError) expect(result).toMatchObject({ code: 'CATALOG_INVALID', location: { file: 'models/fixture/catalog.json' } });
          else expect(result.items).toHaveLength(COUNT);
        }),
        { numRuns: 150 },
      );
    }),
  );
});
