/**
 * The model format: `models/<catalog>/manifest.json` describes every file of a built model with its
 * byte size and sha256, so the browser can refuse anything truncated, corrupted or mismatched
 * before using it. Written by src/offline/lib/write-model.ts, read by the browser; this module is the single definition.
 */
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from './constants.ts';

export { parseModelFile, type ModelFile } from './model-file.ts';
import { readNumber, readOneOf, readRecord, readString, fail, type Reader } from './validate.ts';
import { NEIGHBOUR_SLOT_BYTES } from './neighbours.ts';
import { parseModelFile, type ModelFile } from './model-file.ts';
import { parsePaged, type PagedLayout } from './vector-pages.ts';
import { VECTOR_DTYPES, vectorFileBytes, type VectorDtype } from './vectors.ts';

/**
 * Roles of the files a model can hold. `popularity` and `projection` are optional; `projection`
 * (float32, encoder.dim x dim, row-major) maps encoder vectors into the item space when the item
 * vectors are not raw encoder vectors (fused or reduced), so on-device search still works.
 * `sequence` (core/sequence-spec.ts) and `sequenceWeights` come together: a trained sequence model
 * that computes the interest vector from the shopper's latest items instead of the decay rule.
 * `neighbours` (optional, core/neighbours.ts): each item's behaviour neighbours, which join the
 * decay rule's ranking. `complements` (optional, same layout): each item's most co-bought items,
 * for the `complements` placement (core/complements.ts). `codes`, `codebooks`, `vectorPages` and `hotRows` come
 * together, with `paged`: a paged item space (core/vector-pages.ts), whose browser downloads the codes
 * and fetches vectors by page instead of the whole `vectors` file.
 */
export const MODEL_FILE_ROLES = [
  'vectors',
  'catalog',
  'popularity',
  'projection',
  'sequence',
  'sequenceWeights',
  'neighbours',
  'complements',
  'codes',
  'codebooks',
  'vectorPages',
  'hotRows',
] as const;
export type ModelFileRole = (typeof MODEL_FILE_ROLES)[number];

export interface ModelManifest {
  readonly format: typeof MODEL_FORMAT;
  readonly formatVersion: typeof MODEL_FORMAT_VERSION;
  readonly catalogId: string;
  readonly createdAt: string;
  readonly itemCount: number;
  readonly dim: number;
  readonly dtype: VectorDtype;
  /** The text encoder; `dim` is its output size (equal to `dim` unless a projection is given). */
  readonly encoder: { readonly name: string; readonly version: string; readonly dim: number };
  readonly files: {
    readonly vectors: ModelFile;
    readonly catalog: ModelFile;
    readonly popularity?: ModelFile;
    readonly projection?: ModelFile;
    readonly sequence?: ModelFile;
    readonly sequenceWeights?: ModelFile;
    readonly neighbours?: ModelFile;
    readonly complements?: ModelFile;
    readonly codes?: ModelFile;
    readonly codebooks?: ModelFile;
    readonly vectorPages?: ModelFile;
    readonly hotRows?: ModelFile;
  };
  /** On-device search's calibration; absent in folders built before the builder wrote it. */
  readonly search?: SearchCalibration;
  /** A paged item space's layout (core/vector-pages.ts); absent when the browser downloads the vectors whole. */
  readonly paged?: PagedLayout;
}

/** How on-device search tells a match from noise, calibrated by the builder on this model's vectors. */
export interface SearchCalibration {
  /**
   * The least cosine (in [-1, 1]) between a query, embedded and projected into the item space, and
   * an item for the item to count as a semantic match.
   */
  readonly semanticFloor: number;
  /** How the floor was found, in words, e.g. "max cosine of 256 random-character strings". */
  readonly calibration: string;
}

export const MANIFEST_FILE = 'manifest.json';

/**
 * Validates a parsed manifest.json and returns it typed. Throws a RecError (MANIFEST_INVALID, or
 * MODEL_DIMENSION_MISMATCH when the declared vector file size does not fit count x dim x dtype)
 * naming the first bad field.
 * @param value the parsed JSON.
 * @param file where it came from, for messages.
 */
export function parseManifest(value: unknown, file: string = MANIFEST_FILE): ModelManifest {
  const reader: Reader = { code: 'MANIFEST_INVALID', file };
  const root = readRecord(reader, value, '(root)');
  if (root['format'] !== MODEL_FORMAT) fail(reader, 'format', `"${MODEL_FORMAT}"`, root['format']);
  if (root['formatVersion'] !== MODEL_FORMAT_VERSION) {
    fail(reader, 'formatVersion', `${MODEL_FORMAT_VERSION} (this app reads format version ${MODEL_FORMAT_VERSION})`, root['formatVersion']);
  }
  const catalogId = readString(reader, root['catalogId'], 'catalogId', { nonEmpty: true });
  const createdAt = readString(reader, root['createdAt'], 'createdAt', { nonEmpty: true });
  const itemCount = readNumber(reader, root['itemCount'], 'itemCount', { integer: true, min: 1 });
  const dim = readNumber(reader, root['dim'], 'dim', { integer: true, min: 1, max: 4096 });
  const dtype = readOneOf(reader, root['dtype'], 'dtype', VECTOR_DTYPES);
  const encoderRecord = readRecord(reader, root['encoder'], 'encoder');
  const encoder = {
    name: readString(reader, encoderRecord['name'], 'encoder.name', { nonEmpty: true }),
    version: readString(reader, encoderRecord['version'], 'encoder.version', { nonEmpty: true }),
    dim: encoderRecord['dim'] === undefined ? dim : readNumber(reader, encoderRecord['dim'], 'encoder.dim', { integer: true, min: 1, max: 4096 }),
  };
  const filesRecord = readRecord(reader, root['files'], 'files');
  for (const role of Object.keys(filesRecord)) {
    if (!(MODEL_FILE_ROLES as readonly string[]).includes(role)) fail(reader, `files.${role}`, `a role among ${MODEL_FILE_ROLES.join(', ')}`, role);
  }
  const vectors = parseModelFile(reader, filesRecord['vectors'], 'files.vectors');
  const expectedVectorBytes = vectorFileBytes(itemCount, dim, dtype);
  if (vectors.bytes !== expectedVectorBytes) {
    fail({ ...reader, code: 'MODEL_DIMENSION_MISMATCH' }, 'files.vectors.bytes', `${expectedVectorBytes} (${itemCount} x ${dim} ${dtype})`, vectors.bytes);
  }
  const catalog = parseModelFile(reader, filesRecord['catalog'], 'files.catalog');
  const popularity = filesRecord['popularity'] === undefined ? undefined : parseModelFile(reader, filesRecord['popularity'], 'files.popularity');
  if (popularity !== undefined && popularity.bytes !== itemCount * 4) {
    fail(reader, 'files.popularity.bytes', `${itemCount * 4} (one float32 per item)`, popularity.bytes);
  }
  const projection = filesRecord['projection'] === undefined ? undefined : parseModelFile(reader, filesRecord['projection'], 'files.projection');
  if (projection === undefined && encoder.dim !== dim) {
    fail(
      { ...reader, code: 'MODEL_DIMENSION_MISMATCH' },
      'files.projection',
      `a projection from the encoder's ${encoder.dim} to ${dim} dimensions`,
      projection,
    );
  }
  if (projection !== undefined && projection.bytes !== encoder.dim * dim * 4) {
    fail(
      { ...reader, code: 'MODEL_DIMENSION_MISMATCH' },
      'files.projection.bytes',
      `${encoder.dim * dim * 4} (${encoder.dim} x ${dim} float32)`,
      projection.bytes,
    );
  }
  const sequence = filesRecord['sequence'] === undefined ? undefined : parseModelFile(reader, filesRecord['sequence'], 'files.sequence');
  const sequenceWeights =
    filesRecord['sequenceWeights'] === undefined ? undefined : parseModelFile(reader, filesRecord['sequenceWeights'], 'files.sequenceWeights');
  if ((sequence === undefined) !== (sequenceWeights === undefined)) {
    fail(reader, sequence === undefined ? 'files.sequence' : 'files.sequenceWeights', 'files.sequence and files.sequenceWeights together', undefined);
  }
  /** An optional file of neighbour slots (core/neighbours.ts): a whole number of slots per item. */
  const slotsFile = (role: 'neighbours' | 'complements'): ModelFile | undefined => {
    if (filesRecord[role] === undefined) return undefined;
    const file = parseModelFile(reader, filesRecord[role], `files.${role}`);
    if (file.bytes === 0 || file.bytes % (itemCount * NEIGHBOUR_SLOT_BYTES) !== 0) {
      fail(
        reader,
        `files.${role}.bytes`,
        `a positive multiple of ${itemCount * NEIGHBOUR_SLOT_BYTES} (${itemCount} items x ${NEIGHBOUR_SLOT_BYTES}-byte slots)`,
        file.bytes,
      );
    }
    return file;
  };
  const neighbours = slotsFile('neighbours');
  const complements = slotsFile('complements');
  const searchRecord = root['search'] === undefined ? undefined : readRecord(reader, root['search'], 'search');
  const search =
    searchRecord === undefined
      ? undefined
      : {
          semanticFloor: readNumber(reader, searchRecord['semanticFloor'], 'search.semanticFloor', { min: -1, max: 1 }),
          calibration: readString(reader, searchRecord['calibration'], 'search.calibration', { nonEmpty: true }),
        };
  const paged = parsePaged(reader, root['paged'], filesRecord, itemCount, dim, dtype);
  const optionalFiles = {
    ...(popularity === undefined ? {} : { popularity }),
    ...(projection === undefined ? {} : { projection }),
    ...(sequence === undefined || sequenceWeights === undefined ? {} : { sequence, sequenceWeights }),
    ...(neighbours === undefined ? {} : { neighbours }),
    ...(complements === undefined ? {} : { complements }),
    ...(paged === undefined ? {} : paged.files),
  };
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    catalogId,
    createdAt,
    itemCount,
    dim,
    dtype,
    encoder,
    files: { vectors, catalog, ...optionalFiles },
    ...(search === undefined ? {} : { search }),
    ...(paged === undefined ? {} : { paged: paged.layout }),
  };
}

/** What a builder knows of the model it writes; createManifest adds the format and its version. */
export interface ManifestInput {
  readonly catalogId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly itemCount: number;
  readonly dim: number;
  readonly dtype: VectorDtype;
  readonly encoder: ModelManifest['encoder'];
  readonly files: ModelManifest['files'];
  readonly search?: SearchCalibration;
  readonly paged?: PagedLayout;
}

/**
 * The manifest a builder writes, checked by the parser the browser reads it with, so a builder
 * cannot write what the browser would refuse. The keys are in the format's order (that of
 * `ModelManifest`), so formatManifest gives the same text for the same model.
 * @param input the model's facts and files.
 * @param file where it will be written, for messages.
 * @throws RecError as parseManifest does, naming the first bad field.
 */
export function createManifest(input: ManifestInput, file: string = MANIFEST_FILE): ModelManifest {
  // The parser rebuilds every object in the format's key order, whatever order the input has.
  return parseManifest({ format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, ...input }, file);
}

/**
 * The manifest with a trained sequence model's two files added, or replacing the ones it had.
 * @param manifest a validated manifest.
 * @param sequence the sequence model's description file.
 * @param sequenceWeights its weights file.
 * @param file where it will be written, for messages.
 */
export function withSequenceModel(manifest: ModelManifest, sequence: ModelFile, sequenceWeights: ModelFile, file: string = MANIFEST_FILE): ModelManifest {
  return createManifest({ ...manifest, files: { ...manifest.files, sequence, sequenceWeights } }, file);
}

/**
 * manifest.json's text: two-space indented JSON and a final newline.
 * @param manifest a validated manifest.
 */
export function formatManifest(manifest: ModelManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * A key that changes whenever the item vectors change: stored interest state is only reused for
 * the same key, otherwise it is rebuilt from the stored events.
 * @param manifest a validated manifest.
 */
export function modelKey(manifest: ModelManifest): string {
  // A sequence model scores against its own trained item vectors, so a new one is a new space too.
  const sequence = manifest.files.sequenceWeights === undefined ? '' : `:${manifest.files.sequenceWeights.sha256.slice(0, 16)}`;
  return `${manifest.catalogId}:${manifest.files.vectors.sha256.slice(0, 16)}${sequence}`;
}
