/**
 * Loading a built model through a ModelSource (HTTP in the browser, the file system in Node):
 * manifest first, then every file checked for size and sha256 before it is decoded. The first
 * problem is reported precisely: which file, what was expected and what was found.
 */
import { parseCatalog, type CatalogItem } from './catalog.ts';
import { RecError } from './errors.ts';
import { sha256Hex } from './hash.ts';
import type { ItemId } from './ids.ts';
import { MANIFEST_FILE, parseManifest, type ModelFile, type ModelManifest } from './manifest.ts';
import { parseJson } from './validate.ts';
import { decodeVectors } from './vectors.ts';

/** Where model files come from. */
export interface ModelSource {
  /** The folder or base URL, for messages. */
  readonly location: string;
  /**
   * Reads one file of the model.
   * @param path relative to the model folder.
   * @param onBytes called with the bytes read so far, for progress.
   * @throws RecError MODEL_FETCH_FAILED when it cannot be read.
   */
  read(path: string, onBytes: (loaded: number) => void): Promise<Uint8Array>;
}

export interface LoadProgress {
  readonly phase: 'manifest' | 'files' | 'verifying' | 'ready';
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

export interface LoadedModel {
  readonly manifest: ModelManifest;
  readonly items: readonly CatalogItem[];
  /** itemCount x dim, row-major, L2-normalised, decoded to float32. */
  readonly vectors: Float32Array;
  /** One value in [0,1] per item, or null when the model has none. */
  readonly popularity: Float32Array | null;
  readonly rowOf: ReadonlyMap<ItemId, number>;
}

/**
 * @param source where the files are.
 * @param onProgress called as bytes arrive and phases change.
 */
export async function loadModel(source: ModelSource, onProgress: (progress: LoadProgress) => void = () => {}): Promise<LoadedModel> {
  onProgress({ phase: 'manifest', loadedBytes: 0, totalBytes: 0 });
  const manifestFile = `${source.location}/${MANIFEST_FILE}`;
  const manifestBytes = await source.read(MANIFEST_FILE, () => {});
  const manifest = parseManifest(parseJson({ code: 'MANIFEST_INVALID', file: manifestFile }, new TextDecoder().decode(manifestBytes)), manifestFile);

  const files = [manifest.files.vectors, manifest.files.catalog, ...(manifest.files.popularity ? [manifest.files.popularity] : [])];
  const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
  const loadedPerFile = new Map<string, number>();
  const report = (): void => {
    let loaded = 0;
    for (const n of loadedPerFile.values()) loaded += n;
    onProgress({ phase: 'files', loadedBytes: Math.min(loaded, totalBytes), totalBytes });
  };
  const [vectorBytes, catalogBytes, popularityBytes] = await Promise.all(
    files.map(async (file) => {
      const bytes = await source.read(file.path, (loaded) => {
        loadedPerFile.set(file.path, loaded);
        report();
      });
      return verifyFile(source, file, bytes);
    }),
  );
  onProgress({ phase: 'verifying', loadedBytes: totalBytes, totalBytes });

  const where = (file: ModelFile): string => `${source.location}/${file.path}`;
  const vectors = decodeVectors(vectorBytes as Uint8Array, manifest.itemCount, manifest.dim, manifest.dtype, where(manifest.files.vectors));
  const catalogFile = where(manifest.files.catalog);
  const items = parseCatalog(parseJson({ code: 'CATALOG_INVALID', file: catalogFile }, new TextDecoder().decode(catalogBytes)), manifest.itemCount, catalogFile);
  const popularity = popularityBytes === undefined ? null : decodePopularity(popularityBytes, where(manifest.files.popularity as ModelFile));
  onProgress({ phase: 'ready', loadedBytes: totalBytes, totalBytes });
  return { manifest, items, vectors, popularity, rowOf: new Map(items.map((item, row) => [item.id, row])) };
}

async function verifyFile(source: ModelSource, file: ModelFile, bytes: Uint8Array): Promise<Uint8Array> {
  const where = { file: `${source.location}/${file.path}` };
  if (bytes.byteLength !== file.bytes) {
    const hint = bytes.byteLength < file.bytes ? ' (truncated?)' : '';
    throw new RecError('MODEL_FILE_SIZE_MISMATCH', `expected ${file.bytes} bytes (manifest), found ${bytes.byteLength}${hint}`, where);
  }
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== file.sha256) {
    throw new RecError('MODEL_CHECKSUM_MISMATCH', `expected sha256 ${file.sha256} (manifest), found ${sha256}: the file is corrupted or from another build`, where);
  }
  return bytes;
}

function decodePopularity(bytes: Uint8Array, file: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < values.length; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!(v >= 0 && v <= 1)) throw new RecError('MODEL_VECTORS_INVALID', `item ${i} has popularity ${v}, expected a number in [0, 1]`, { file });
    values[i] = v;
  }
  return values;
}
