/**
 * Writes a built model folder: `vectors.<dtype>.bin`, `catalog.json`, optional `popularity.f32`,
 * optional `projection.f32` (encoder.dim x dim, when the item vectors are fused or reduced rather
 * than raw encoder vectors), a paged item space's codes and vector pages when the vectors are too
 * large to download whole (write-pages.ts), any extra assets (images, build info) and
 * `manifest.json` in core's format, with every file's byte size and sha256 computed by core's
 * `sha256Hex` (the same function the browser checks with).
 *
 * Two guarantees, because the browser trusts only what it can verify:
 *  - Atomic: everything is written into a sibling temporary folder, which replaces the target only
 *    once complete, so an interrupted build never leaves a half model where the app looks for one
 *    (publish-folder.ts).
 *  - Tested, not assumed: before it is published, the temporary folder is loaded back with core's
 *    `loadModel` through a file-system `ModelSource`, exactly as the browser would over HTTP.
 */
import { encodeNeighbours, type ItemNeighbours } from '../../core/neighbours.ts';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sha256Hex } from '../../core/hash.ts';
import {
  createManifest,
  formatManifest,
  MANIFEST_FILE,
  parseManifest,
  withSequenceModel,
  type ModelFile,
  type ModelManifest,
  type SearchCalibration,
} from '../../core/manifest.ts';
import { AVAILABILITY_FILE } from '../../core/live-catalog.ts';
import { loadModel, type LoadedModel, type ModelSource } from '../../core/model.ts';
import type { SequenceModelSpec } from '../../core/sequence-spec.ts';
import type { ShopRulesJson } from '../../core/shop-rules.ts';
import { decodeVectors, encodeVectors, type VectorDtype } from '../../core/vectors.ts';
import { RecError } from '../../core/errors.ts';
import type { PagedLayout } from '../../core/vector-pages.ts';
import { writeCatalog, type WriteFile } from './write-catalog.ts';
import { checkInputs, checkRelativePath } from './write-model-checks.ts';
import { localityOrder, reorderRows } from './row-order.ts';
import { pagedLayoutFor, verifyPages, writePages } from './write-pages.ts';
import { checkReplaceable, markTempFolder, publish, recoverLeftovers, tempFolderFor, unmarkTempFolder } from './publish-folder.ts';

/** A catalogue record as the builder receives it; missing optional fields are written as ''/null. */
export interface ModelItemInput {
  readonly id: string;
  readonly title: string;
  readonly category?: string | null;
  readonly description?: string | null;
  readonly price?: number | null;
  readonly image?: string | null;
  /** Variant group shared with the same product in other colours or sizes; written only when set. */
  readonly group?: string | null;
  /** Written only when false (out of stock). */
  readonly inStock?: boolean;
}

/** A file written next to the model but not listed in the manifest (images, build info). */
export interface ModelAsset {
  /** Relative to the model folder, '/'-separated, without '..'. */
  readonly path: string;
  readonly data: string | Uint8Array;
}

export interface WriteModelOptions {
  /** The model folder to (re)place, e.g. `models/demo`. */
  readonly outDir: string;
  /** Recorded in the manifest; the browser keys stored state by it. */
  readonly catalogId: string;
  readonly items: readonly ModelItemInput[];
  /** items.length x dim values, row-major, rows L2-normalised. */
  readonly vectors: Float32Array;
  readonly dim: number;
  /** Storage type of the vectors file (default float32). */
  readonly dtype?: VectorDtype;
  /** One value in [0, 1] per item, or null/undefined for none. */
  readonly popularity?: Float32Array | null;
  /**
   * The text encoder behind the vectors; `dim` is its output size (default: the vectors' dim, i.e.
   * raw encoder vectors). When it differs from `dim`, a projection is required.
   */
  readonly encoder: { readonly name: string; readonly version: string; readonly dim?: number };
  /**
   * encoder.dim x dim float32, row-major: maps a query's encoder vector into the item space, so
   * in-browser search works over fused or reduced item vectors. Null/undefined for raw vectors.
   */
  readonly projection?: Float32Array | null;
  /**
   * On-device search's calibration (lib/semantic-floor.ts), recorded in the manifest; none when
   * absent. Or a calibration of the items as the browser's search scores them, given them: the
   * stored vectors, or for a paged model its codes as decoded (lib/write-pages.ts).
   */
  readonly search?: SearchCalibration | ((scored: Iterable<Float32Array>) => SearchCalibration) | null;
  /** Each item's behaviour neighbours (lib/co-occurrence.ts), written as neighbours.bin; none when absent. */
  readonly neighbours?: ItemNeighbours | null;
  /** Each item's most co-bought items (lib/complements.ts), written as complements.bin; none when absent. */
  readonly complements?: ItemNeighbours | null;
  readonly assets?: readonly ModelAsset[];
  /**
   * Rows a card shard holds (core/card-shards.ts), or null for the whole catalogue in catalog.json;
   * default: sharded only when the whole file would be over SHARD_ABOVE_BYTES (write-catalog.ts).
   */
  readonly rowsPerShard?: number | null;
  /**
   * A paged item space's layout (core/vector-pages.ts), or null for vectors downloaded whole; default:
   * paged in DEFAULT_PAGED_LAYOUT only when the whole vectors file would be over PAGE_ABOVE_BYTES (write-pages.ts).
   * A paged model's rows are written with similar items as neighbours (row-order.ts), not in `items`' order.
   */
  readonly paged?: PagedLayout | null;
  /** The shop's rules (core/shop-rules.ts), written into catalog.json and validated on the read-back. */
  readonly rules?: ShopRulesJson;
  /** Recorded as `createdAt` (default: now). */
  readonly createdAt?: Date;
  /**
   * Told what was done with the leftovers of an interrupted earlier build that are not simply
   * removed: a previous model put back at `outDir`, or one kept aside (default: a line on stderr).
   */
  readonly warn?: (message: string) => void;
}

export interface WrittenModel {
  /** The published folder (absolute). */
  readonly dir: string;
  readonly manifest: ModelManifest;
  /** Bytes of the files the manifest lists, manifest included (a paged model's whole vectors file among them, which the browser does not download). */
  readonly modelBytes: number;
  /** Bytes of the extra assets. */
  readonly assetBytes: number;
  /** The model as core's loadModel read it back before publishing. */
  readonly loaded: LoadedModel;
}

/**
 * Writes, verifies and atomically publishes a model folder.
 * @param options what to write and where.
 * @returns the manifest, sizes and the verified model.
 * @throws RecError (an input code) when the inputs are inconsistent or the written folder does not
 * load back, or CONFIG_INVALID when `outDir` holds something other than a model or nothing, or no
 * folder can be made next to it (see publish-folder.ts); the target folder is then left as it was.
 */
export async function writeModel(given: WriteModelOptions): Promise<WrittenModel> {
  const { dim, catalogId, encoder } = given;
  const dtype = given.dtype ?? 'float32';
  const projection = given.projection ?? null;
  const encoderDim = encoder.dim ?? dim;
  checkInputs(given, dtype, encoderDim);

  const dir = resolve(given.outDir);
  const layout = pagedLayoutFor(given.paged, given.items.length, dim, dtype, dir);
  // A paged model's rows go in an order where similar items share pages (row-order.ts).
  const options = layout === null ? given : reorderRows(given, localityOrder(given.vectors, given.items.length, dim, layout.rowsPerPage, 1), dim);
  const { items, vectors } = options;
  const popularity = options.popularity ?? null;
  await checkReplaceable(dir);
  const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
  await recoverLeftovers(dir, { verify: verifyModelDir, warn });
  const temp = tempFolderFor(dir);
  await mkdir(temp, { recursive: true });
  try {
    await markTempFolder(temp);
    const track: WriteFile = (path, bytes) => writeTracked(temp, path, bytes);
    const vectorsFile = { path: `vectors.${dtype}.bin`, bytes: encodeVectors(vectors, items.length, dim, dtype) };
    const files: { -readonly [Role in keyof ModelManifest['files']]: ModelManifest['files'][Role] } = {
      vectors: await track(vectorsFile.path, vectorsFile.bytes),
      catalog: await writeCatalog(temp, items, options.rules, options.rowsPerShard === undefined ? 'auto' : options.rowsPerShard, track),
    };
    const pages = layout === null ? null : await writePages(temp, vectors, vectorsFile, dim, dtype, layout, track, popularity);
    if (pages !== null) Object.assign(files, pages.files);
    const search =
      typeof options.search === 'function'
        ? options.search(
            pages?.decodedCodes() ?? [dtype === 'float32' ? vectors : decodeVectors(vectorsFile.bytes, items.length, dim, dtype, vectorsFile.path)],
          )
        : (options.search ?? null);
    if (popularity !== null) files.popularity = await track('popularity.f32', encodeFloat32(popularity));
    if (projection !== null) files.projection = await track('projection.f32', encodeFloat32(projection));
    const neighbours = options.neighbours ?? null;
    if (neighbours !== null) files.neighbours = await track('neighbours.bin', encodeNeighbours(neighbours));
    const complements = options.complements ?? null;
    if (complements !== null) files.complements = await track('complements.bin', encodeNeighbours(complements));
    let assetBytes = 0;
    for (const asset of options.assets ?? []) {
      checkRelativePath(asset.path, 'asset');
      const target = join(temp, ...asset.path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, asset.data);
      assetBytes += typeof asset.data === 'string' ? Buffer.byteLength(asset.data) : asset.data.byteLength;
    }
    const manifest = createManifest(
      {
        catalogId,
        createdAt: (options.createdAt ?? new Date()).toISOString(),
        itemCount: items.length,
        dim,
        dtype,
        encoder: { name: encoder.name, version: encoder.version, dim: encoderDim },
        files,
        ...(search === null ? {} : { search }),
        ...(layout === null ? {} : { paged: layout }),
      },
      join(temp, MANIFEST_FILE),
    );
    const manifestText = formatManifest(manifest);
    await writeFile(join(temp, MANIFEST_FILE), manifestText);
    // No changes yet: the shop's stock job rewrites it between builds (core/live-catalog.ts).
    await writeFile(join(temp, AVAILABILITY_FILE), '[]\n');
    await unmarkTempFolder(temp);

    const loaded = await verifyModelDir(temp);
    await publish(temp, dir);
    const modelBytes = Buffer.byteLength(manifestText) + Object.values(files).reduce((sum, file) => sum + file.bytes, 0);
    return { dir, manifest, modelBytes, assetBytes, loaded };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Adds (or replaces) a trained sequence model in a published model folder. The two files get
 * content-named paths, so the folder's current manifest stays valid until the new manifest replaces
 * it in one rename; the folder is then loaded back with core's `loadModel` (restoring the previous
 * manifest if that fails), and the sequence files the old manifest named are removed.
 * @param dir the model folder.
 * @param spec the sequence model's description (its weights path is set here).
 * @param weights the weights file's bytes.
 * @returns the model as loadModel read it back.
 */
export async function addSequenceModel(dir: string, spec: SequenceModelSpec, weights: Uint8Array): Promise<LoadedModel> {
  const folder = resolve(dir);
  const manifestPath = join(folder, MANIFEST_FILE);
  const previousText = await readFile(manifestPath, 'utf8');
  const previous = parseManifest(JSON.parse(previousText) as unknown, manifestPath);
  // A sequence model's item table (itemCount x dim) is downloaded whole: what paging the vectors avoids.
  if (previous.paged !== undefined) throw new RecError('CONFIG_INVALID', 'a paged item space does not take a sequence model', { file: folder });
  const tag = (await sha256Hex(weights)).slice(0, 12);
  const weightsFile = await writeTracked(folder, `sequence.${tag}.bin`, weights);
  const specValue = { ...spec, weightsManifest: [{ ...spec.weightsManifest[0], paths: [weightsFile.path] }] };
  const specFile = await writeTracked(folder, `sequence.${tag}.json`, new TextEncoder().encode(`${JSON.stringify(specValue, null, 1)}\n`));
  const manifest = withSequenceModel(previous, specFile, weightsFile, manifestPath);
  const temp = `${manifestPath}.tmp-${process.pid}`;
  await writeFile(temp, formatManifest(manifest));
  await rename(temp, manifestPath);
  let loaded: LoadedModel;
  try {
    loaded = await loadModel(createFsModelSource(folder));
  } catch (error) {
    await writeFile(manifestPath, previousText);
    throw error;
  }
  for (const old of [previous.files.sequence, previous.files.sequenceWeights]) {
    if (old !== undefined && old.path !== specFile.path && old.path !== weightsFile.path) await rm(join(folder, old.path), { force: true });
  }
  return loaded;
}

/**
 * A ModelSource over a folder on disk, for loading models in Node exactly as the browser does.
 * @param dir the model folder.
 */
export function createFsModelSource(dir: string): ModelSource {
  return {
    location: dir,
    async read(path, onBytes) {
      try {
        const bytes = new Uint8Array(await readFile(join(dir, ...path.split('/'))));
        onBytes(bytes.byteLength);
        return bytes;
      } catch (error) {
        throw new RecError('MODEL_FETCH_FAILED', `cannot read the file (${(error as Error).message})`, { file: join(dir, path) }, { cause: error });
      }
    },
  };
}

/**
 * Loads and fully verifies a model folder (manifest, sizes, checksums, vectors, catalogue, every
 * card shard of a sharded catalogue, so Node's tools can read every item's card, each file of its
 * search index, and every vector page of a paged item space against the whole vectors file).
 * @param dir the model folder.
 * @throws RecError when anything is missing or wrong.
 */
export async function verifyModelDir(dir: string): Promise<LoadedModel> {
  const source = createFsModelSource(resolve(dir));
  const model = await loadModel(source);
  await model.cards.loadAll();
  const search = model.searchIndex;
  if (search !== undefined) for (const file of [search.vocabulary, ...search.shards]) await search.read(file);
  await verifyPages(source, model);
  return model;
}

/** Little-endian float32 values: the layout of popularity.f32 and projection.f32 (core's float32 vectors layout). */
function encodeFloat32(values: Float32Array): Uint8Array {
  return encodeVectors(values, 1, values.length, 'float32');
}

async function writeTracked(dir: string, path: string, bytes: Uint8Array): Promise<ModelFile> {
  await writeFile(join(dir, path), bytes);
  return { path, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
}
