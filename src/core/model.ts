/**
 * Loading a built model through a ModelSource (HTTP in the browser, the file system in Node):
 * manifest first, then every file checked for size and sha256 before it is decoded. The first
 * problem is reported precisely: which file, what was expected and what was found.
 */
import { createCardStore, WHOLE_CATALOG_CARDS, type CardStore } from './card-shards.ts';
import { parseCatalogWithRows, type CatalogItem, type CatalogWithRows } from './catalog.ts';
import { isShardedCatalog, parseCatalogColumns } from './catalog-columns.ts';
import { RecError } from './errors.ts';
import { sha256Hex } from './hash.ts';
import type { ItemId } from './ids.ts';
import { MANIFEST_FILE, parseManifest, type ModelFile, type ModelManifest } from './manifest.ts';
import { decodeNeighbours, type ItemNeighbours } from './neighbours.ts';
import { decodeSequenceTensors } from './sequence-items.ts';
import { parseSequenceSpec, sequenceWeightBytes, type SequenceModelSpec } from './sequence-spec.ts';
import { parseShopRules, type ShopRules } from './shop-rules.ts';
import type { SearchIndexFiles } from './search-index-files.ts';
import { parseJson } from './validate.ts';
import type { ItemMatrix } from './item-matrix.ts';
import { decodeMatrix } from './vectors.ts';
import { createPagedMatrix } from './paged-matrix.ts';
import { readPagedItems, type PagedItems } from './vector-pages.ts';
import type { ModelSource, ReadOptions } from './model-file.ts';

export type { ModelSource, ReadOptions } from './model-file.ts';

export interface LoadProgress {
  readonly phase: 'manifest' | 'files' | 'verifying' | 'ready';
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

export interface LoadedModel {
  readonly manifest: ModelManifest;
  readonly items: readonly CatalogItem[];
  /**
   * Where the items' cards (title, description, price, image) come from: a sharded catalogue's are
   * fetched by shard (card-shards.ts), so load the rows' cards before reading those fields.
   */
  readonly cards: CardStore;
  /**
   * A sharded catalogue's prebuilt full-text index, fetched by the words searched; absent when the
   * catalogue has none (the index is then built from the cards: search-index-files.ts).
   */
  readonly searchIndex?: SearchIndexFiles;
  /** The item vectors, L2-normalised, as the file holds them (int8 read in place: item-matrix.ts). */
  readonly matrix: ItemMatrix;
  /**
   * The same, itemCount x dim, row-major, decoded to float32 on the first read (for the builder and
   * the evaluation; the storefront reads `matrix`, which takes a quarter of the memory for int8 files).
   */
  readonly vectors: Float32Array;
  /** One value in [0,1] per item, or null when the model has none. */
  readonly popularity: Float32Array | null;
  /** encoder.dim x dim, row-major: maps a query's encoder vector into the item space; null when they are the same space. */
  readonly projection: Float32Array | null;
  readonly rowOf: ReadonlyMap<ItemId, number>;
  /** The shop's rules from the catalogue file (defaults when it has none). */
  readonly rules: ShopRules;
  /** The trained sequence model (its validated description and verified weight bytes), or null when the model has none. */
  readonly sequence: LoadedSequenceModel | null;
  /** Each item's behaviour neighbours (core/neighbours.ts); absent or null when the model has none. */
  readonly neighbours?: ItemNeighbours | null;
  /** Each item's most co-bought items (core/complements.ts); absent or null when the log had no baskets. */
  readonly complements?: ItemNeighbours | null;
  /** A paged item space's codes and page list (vector-pages.ts); absent or null when the model has none. */
  readonly paged?: PagedItems | null;
}

/** How loadModel reads the item vectors. */
export interface LoadOptions {
  /**
   * True: a paged model's vectors are fetched by page as they are needed (the browser), and
   * `matrix` reads only loaded pages. False (default): the whole vectors file is read, as the
   * offline tools need it.
   */
  readonly pagedVectors?: boolean;
}

export interface LoadedSequenceModel {
  readonly spec: SequenceModelSpec;
  /** The TF.js weights file the spec describes, size and checksum verified. */
  readonly weights: Uint8Array;
}

/**
 * @param source where the files are.
 * @param onProgress called as bytes arrive and phases change.
 */
export async function loadModel(source: ModelSource, onProgress: (progress: LoadProgress) => void = () => {}, options: LoadOptions = {}): Promise<LoadedModel> {
  onProgress({ phase: 'manifest', loadedBytes: 0, totalBytes: 0 });
  const manifestFile = `${source.location}/${MANIFEST_FILE}`;
  const manifestBytes = await source.read(MANIFEST_FILE, () => {});
  const manifest = parseManifest(parseJson({ code: 'MANIFEST_INVALID', file: manifestFile }, new TextDecoder().decode(manifestBytes)), manifestFile);

  const {
    vectors: vectorsFile,
    catalog: catalogFile,
    popularity: popularityFile,
    projection: projectionFile,
    sequence: sequenceFile,
    sequenceWeights: sequenceWeightsFile,
    neighbours: neighboursFile,
    complements: complementsFile,
  } = manifest.files;
  const paged = manifest.paged !== undefined && options.pagedVectors === true;
  // Every file the manifest lists, but a paged model's whole vectors file when it is read by page.
  const files = Object.entries(manifest.files).flatMap(([role, file]) => (paged && role === 'vectors' ? [] : [file]));
  const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const loadedPerFile = new Map<string, number>();
  const report = (): void => {
    let loaded = 0;
    for (const n of loadedPerFile.values()) loaded += n;
    onProgress({ phase: 'files', loadedBytes: Math.min(loaded, totalBytes), totalBytes });
  };
  const verified = new Map(
    await Promise.all(
      files.map(async (file) => {
        const bytes = await source.read(
          file.path,
          (loaded) => {
            loadedPerFile.set(file.path, loaded);
            report();
          },
          file,
        );
        return [file, await verifyModelFile(source, file, bytes)] as const;
      }),
    ),
  );
  const bytesOf = (file: ModelFile): Uint8Array => verified.get(file) as Uint8Array;
  onProgress({ phase: 'verifying', loadedBytes: totalBytes, totalBytes });

  const where = (file: ModelFile): string => `${source.location}/${file.path}`;
  const pagedItems = readPagedItems(manifest, bytesOf, where);
  const matrix =
    paged && pagedItems !== null
      ? createPagedMatrix(pagedItems, manifest, (page, options) => readPage(source, page, manifest.files.vectorPages?.path, options), source.location)
      : decodeMatrix(bytesOf(vectorsFile), manifest.itemCount, manifest.dim, manifest.dtype, where(vectorsFile));
  const catalogWhere = where(catalogFile);
  const catalogJson = parseJson({ code: 'CATALOG_INVALID', file: catalogWhere }, new TextDecoder().decode(bytesOf(catalogFile)));
  const { items, rowOf, cards, searchIndex } = readCatalogue(source, catalogJson, manifest.itemCount, catalogWhere);
  const rules = parseShopRules(catalogJson, items, catalogWhere, rowOf);
  const popularity = popularityFile === undefined ? null : decodePopularity(bytesOf(popularityFile), where(popularityFile));
  const projection =
    projectionFile === undefined ? null : decodeFloats(bytesOf(projectionFile), where(projectionFile), 'value', Number.isFinite, 'a finite number');
  const sequence =
    sequenceFile === undefined || sequenceWeightsFile === undefined
      ? null
      : readSequenceModel(manifest, bytesOf(sequenceFile), where(sequenceFile), bytesOf(sequenceWeightsFile), where(sequenceWeightsFile));
  const neighbours = neighboursFile === undefined ? null : decodeNeighbours(bytesOf(neighboursFile), manifest.itemCount, where(neighboursFile));
  const complements = complementsFile === undefined ? null : decodeNeighbours(bytesOf(complementsFile), manifest.itemCount, where(complementsFile));
  onProgress({ phase: 'ready', loadedBytes: totalBytes, totalBytes });
  const model = { manifest, items, cards, matrix, popularity, projection, rowOf, rules, sequence, neighbours, complements, paged: pagedItems };
  return withDecodedVectors(searchIndex === null ? model : { ...model, searchIndex });
}

/**
 * The catalogue's items and where their cards come from. Made here, outside loadModel, for the
 * reason withDecodedVectors gives: the card store lives as long as the model.
 * @param source where the model's files are (a sharded catalogue's shards are read from it later).
 * @param json catalog.json, parsed: whole or sharded (catalog-columns.ts).
 * @param itemCount how many items it must hold.
 * @param file where it came from, for messages.
 * @throws RecError CATALOG_INVALID naming the first bad field.
 */
export function readCatalogue(
  source: ModelSource,
  json: unknown,
  itemCount: number,
  file: string,
): CatalogWithRows & { readonly cards: CardStore; readonly searchIndex: SearchIndexFiles | null } {
  if (!isShardedCatalog(json)) return { ...parseCatalogWithRows(json, itemCount, file), cards: WHOLE_CATALOG_CARDS, searchIndex: null };
  let store: ReturnType<typeof createCardStore> | null = null;
  const catalogue = parseCatalogColumns(json, itemCount, file, () => store as NonNullable<typeof store>);
  store = createCardStore(catalogue.shards, itemCount, (shard) => readVerifiedFile(source, shard, 'catalog.json'), source.location);
  const read = (shard: ModelFile) => readVerifiedFile(source, shard, 'catalog.json');
  const searchIndex = catalogue.search === null ? null : { ...catalogue.search, read };
  return { items: catalogue.items, rowOf: catalogue.rowOf, cards: store, searchIndex };
}

/**
 * The model with `vectors` decoded from its matrix on the first read. Made here, outside loadModel:
 * a getter made there would share loadModel's closure scope, and with it every file's bytes, for
 * as long as the model lives (at a million items, 265 MB the page no longer needs).
 */
function withDecodedVectors(model: Omit<LoadedModel, 'vectors'>): LoadedModel {
  let vectors: Float32Array | null = null;
  return {
    ...model,
    get vectors() {
      return (vectors ??= model.matrix.toFloat32());
    },
  };
}

/**
 * Parses the sequence model's description and checks that the weights file holds exactly the
 * tensors it describes, every value finite.
 * @throws RecError MANIFEST_INVALID / MODEL_DIMENSION_MISMATCH naming the file and field, or
 *   MODEL_VECTORS_INVALID naming the tensor and the index of a value that is not finite.
 */
function readSequenceModel(manifest: ModelManifest, specBytes: Uint8Array, specFile: string, weights: Uint8Array, weightsFile: string): LoadedSequenceModel {
  const spec = parseSequenceSpec(parseJson({ code: 'MANIFEST_INVALID', file: specFile }, new TextDecoder().decode(specBytes)), manifest, specFile);
  const expected = sequenceWeightBytes(spec.weightsManifest[0].weights);
  if (weights.byteLength !== expected) {
    throw new RecError('MODEL_DIMENSION_MISMATCH', `expected ${expected} bytes for the tensors ${specFile} describes, found ${weights.byteLength}`, {
      file: weightsFile,
    });
  }
  // Every value is checked here, not first when the engine runs the model: a NaN would make every
  // score NaN and the grid empty, where a refused file makes the storefront fall back.
  decodeSequenceTensors(spec, weights, weightsFile);
  return { spec, weights };
}

/**
 * Checks a model file's bytes against its manifest entry: the size first (so a truncated file says
 * so), then the sha256.
 * @param source where the file was read from, for messages.
 * @param file the manifest's entry for it.
 * @param bytes what was read.
 * @param listedIn where the entry is, for messages: the manifest, or catalog.json for a card shard.
 * @returns the same bytes.
 * @throws RecError MODEL_FILE_SIZE_MISMATCH or MODEL_CHECKSUM_MISMATCH, naming the file.
 */
export async function verifyModelFile(source: ModelSource, file: ModelFile, bytes: Uint8Array, listedIn = 'manifest'): Promise<Uint8Array> {
  const where = { file: `${source.location}/${file.path}` };
  if (bytes.byteLength !== file.bytes) {
    const hint = bytes.byteLength < file.bytes ? ' (truncated?)' : '';
    throw new RecError('MODEL_FILE_SIZE_MISMATCH', `expected ${file.bytes} bytes (${listedIn}), found ${bytes.byteLength}${hint}`, where);
  }
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== file.sha256) {
    throw new RecError(
      'MODEL_CHECKSUM_MISMATCH',
      `expected sha256 ${file.sha256} (${listedIn}), found ${sha256}: the file is corrupted or from another build`,
      where,
    );
  }
  source.verified?.(file, bytes);
  return bytes;
}

/**
 * Reads one file and verifies it against its entry (verifyModelFile), without progress: the
 * fallback's files and a sharded catalogue's shards.
 * @param listedIn where the entry is, for messages.
 */
export async function readVerifiedFile(source: ModelSource, file: ModelFile, listedIn = 'manifest'): Promise<Uint8Array> {
  return verifyModelFile(source, file, await source.read(file.path, () => {}, file), listedIn);
}

/**
 * Reads a vector page and verifies it, without its entry, so a source that keeps copies (the
 * browser's Cache Storage) neither looks it up nor stores it: a click fetches a hundred pages of
 * 4 kB, and a copy each cost more than the fetch. A page is named by its content, so the HTTP cache
 * keeps it for good instead.
 */
async function readPage(source: ModelSource, file: ModelFile, listedIn: string | undefined, options: ReadOptions): Promise<Uint8Array> {
  return verifyModelFile(source, file, await source.read(file.path, () => {}, undefined, options), listedIn);
}

/**
 * Decodes a popularity file: one little-endian float32 in [0, 1] per item.
 * @param bytes the file's (verified) bytes.
 * @param file where it came from, for messages.
 * @throws RecError MODEL_VECTORS_INVALID naming the first value out of range.
 */
export function decodePopularity(bytes: Uint8Array, file: string): Float32Array {
  return decodeFloats(bytes, file, 'popularity', (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
}

function decodeFloats(bytes: Uint8Array, file: string, what: string, valid: (v: number) => boolean, expected: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < values.length; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!valid(v)) throw new RecError('MODEL_VECTORS_INVALID', `${what} ${i} is ${v}, expected ${expected}`, { file });
    values[i] = v;
  }
  return values;
}
