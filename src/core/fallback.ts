/**
 * What the storefront can still show when the model cannot be loaded: the
 * catalogue in popularity order, without personalised ranking, instead of an empty page. It
 * salvages what checks out and says how far it could be checked:
 *  - a valid manifest: catalog.json and popularity.f32 are verified (size + sha256) as loadModel
 *    does; a catalogue that fails is not shown, a popularity file that fails leaves catalogue order;
 *  - a manifest that is missing, not JSON or invalid (wrong format version, wrong dimension):
 *    `catalog.json` is read as served (unverified) and checked only against its own item count;
 *    popularity is used only if the manifest still holds a well-formed checksum entry for it and
 *    the file matches that entry, since nothing else could vouch for it.
 * The vectors are never needed, so a missing or corrupted vectors file still leaves a full grid.
 */
import type { CatalogItem, CatalogWithRows } from './catalog.ts';
import type { CardStore } from './card-shards.ts';
import { DEFAULT_GRID_SIZE } from './constants.ts';
import { isRecError } from './errors.ts';
import { MANIFEST_FILE, parseManifest, parseModelFile, type ModelFile, type ModelManifest } from './manifest.ts';
import { decodePopularity, readCatalogue, readVerifiedFile, type ModelSource } from './model.ts';
import { parseJson, readRecord, type Reader } from './validate.ts';

/** The catalogue file's name when there is no manifest to name it (the builder always writes this). */
export const FALLBACK_CATALOG_FILE = 'catalog.json';

export interface FallbackCatalog {
  /** Every catalogue item, most popular first (ties in catalogue order); catalogue order when `order` is 'catalogue'. */
  readonly items: readonly CatalogItem[];
  /** True when catalog.json matched the size and sha256 of a valid manifest; false when it was read as served. */
  readonly verified: boolean;
  /** 'popularity' when a verified popularity file ordered the items, else 'catalogue'. */
  readonly order: 'popularity' | 'catalogue';
  /** The manifest's catalogue id, or null when the manifest could not be read. */
  readonly catalogId: string | null;
}

/**
 * Salvages the catalogue of a model that failed to load. Reads the manifest again (it may be the
 * part that failed) and then only the catalogue and popularity files, never the vectors.
 * @param source where the model's files are (the same source loadModel was given).
 * @param shown how many of the most popular items are shown: a sharded catalogue's cards are loaded for those.
 * @returns the items to show and how they were checked, or null when there is no usable catalogue
 *   (missing, truncated, corrupted, invalid or empty).
 * @throws only what is not a RecError (a programmer error); every file problem gives null or less.
 */
export async function loadFallbackCatalog(source: ModelSource, shown: number = DEFAULT_GRID_SIZE): Promise<FallbackCatalog | null> {
  const manifestJson = await attempt(async () =>
    parseJson({ code: 'MANIFEST_INVALID', file: where(source, MANIFEST_FILE) }, decode(await source.read(MANIFEST_FILE, ignore))),
  );
  const manifest = manifestJson === null ? null : await attempt(() => Promise.resolve(parseManifest(manifestJson, where(source, MANIFEST_FILE))));
  const salvaged = await (manifest === null ? fromCatalogAlone(source, manifestJson) : fromManifest(source, manifest));
  if (salvaged === null) return null;
  const { catalogue, ...fallback } = salvaged;
  const rows = fallback.items.slice(0, shown).map((item) => catalogue.rowOf.get(item.id) ?? -1);
  // A shard that cannot be shown leaves no grid to show.
  return (await attempt(() => catalogue.cards.load(rows))) === null ? null : fallback;
}

/** What a salvage found, with the catalogue it read (its rows and cards). */
type Salvaged = FallbackCatalog & { readonly catalogue: Catalogue };
type Catalogue = CatalogWithRows & { readonly cards: CardStore };

/** A valid manifest: the catalogue must verify; popularity is used when it verifies too. */
async function fromManifest(source: ModelSource, manifest: ModelManifest): Promise<Salvaged | null> {
  const { catalog: catalogFile, popularity: popularityFile } = manifest.files;
  const [catalogue, popularity] = await Promise.all([
    attempt(async () => readCatalog(source, catalogFile.path, await readVerifiedFile(source, catalogFile), manifest.itemCount)),
    popularityFile === undefined
      ? null
      : attempt(async () => decodePopularity(await readVerifiedFile(source, popularityFile), where(source, popularityFile.path))),
  ]);
  if (catalogue === null) return null;
  return ordered(catalogue, popularity, { verified: true, catalogId: manifest.catalogId });
}

/**
 * No valid manifest: catalog.json as served, its own item count as the expected one; popularity
 * only against a checksum entry that survives in an otherwise unreadable manifest.
 * @param manifestJson the manifest as parsed JSON, or null when it could not be read or parsed.
 */
async function fromCatalogAlone(source: ModelSource, manifestJson: unknown): Promise<Salvaged | null> {
  const catalogue = await attempt(async () => {
    const bytes = await source.read(FALLBACK_CATALOG_FILE, ignore);
    return readCatalog(source, FALLBACK_CATALOG_FILE, bytes, null);
  });
  if (catalogue === null) return null;
  const popularityFile = manifestJson === null ? null : await attempt(() => Promise.resolve(popularityEntry(source, manifestJson)));
  const popularity =
    popularityFile === null
      ? null
      : await attempt(async () => decodePopularity(await readVerifiedFile(source, popularityFile), where(source, popularityFile.path)));
  const matching = popularity !== null && popularity.length === catalogue.items.length ? popularity : null;
  return ordered(catalogue, matching, { verified: false, catalogId: null });
}

/** The manifest's `files.popularity` entry, checked on its own; null when there is none. */
function popularityEntry(source: ModelSource, manifestJson: unknown): ModelFile | null {
  const reader: Reader = { code: 'MANIFEST_INVALID', file: where(source, MANIFEST_FILE) };
  const files = readRecord(reader, readRecord(reader, manifestJson, '(root)')['files'], 'files');
  return files['popularity'] === undefined ? null : parseModelFile(reader, files['popularity'], 'files.popularity');
}

/**
 * @param expectedCount the manifest's itemCount, or null to take the file's own count (unverified).
 */
function readCatalog(source: ModelSource, path: string, bytes: Uint8Array, expectedCount: number | null): Catalogue {
  const file = where(source, path);
  const value = parseJson({ code: 'CATALOG_INVALID', file }, decode(bytes));
  // Without a manifest, the count is the file's own; the catalogue's parser still rejects a
  // non-object root or a missing items (or ids) array before the count matters.
  const count = expectedCount ?? ownCount(value);
  return readCatalogue(source, value, count, file);
}

/** The items a catalogue file lists (a sharded one's ids), or 0. */
function ownCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const { items, ids } = value as Record<string, unknown>;
  const list = items ?? ids;
  return Array.isArray(list) ? list.length : 0;
}

/** Sorts by popularity (descending, ties by row); null when there are no items to show. */
function ordered(
  catalogue: Catalogue,
  popularity: Float32Array | null,
  checked: { readonly verified: boolean; readonly catalogId: string | null },
): Salvaged | null {
  const { items } = catalogue;
  if (items.length === 0) return null;
  if (popularity === null) return { items, order: 'catalogue', ...checked, catalogue };
  const rows = items.map((_, row) => row);
  rows.sort((a, b) => (popularity[b] ?? 0) - (popularity[a] ?? 0) || a - b);
  return { items: rows.map((row) => items[row] as CatalogItem), order: 'popularity', ...checked, catalogue };
}

/** Runs one salvage step: a RecError (a file problem) gives null, anything else is a bug and is thrown. */
async function attempt<T>(step: () => Promise<T>): Promise<T | null> {
  try {
    return await step();
  } catch (error) {
    if (isRecError(error)) return null;
    throw error;
  }
}

function where(source: ModelSource, path: string): string {
  return `${source.location}/${path}`;
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function ignore(): void {}
