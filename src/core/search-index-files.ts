/**
 * A large catalogue's full-text index, prebuilt by the builder and fetched by the words searched
 * (the search adapter's index-shards.ts has the format). catalog.json lists its files beside the
 * card shards, each with its size and sha256, so the manifest's checksum of catalog.json covers
 * them, and each is named by its sha256, so caches keep it for good.
 *
 *   "search": { "vocabulary": {path, bytes, sha256}, "shards": [{path, bytes, sha256}, ...] }
 */
import { parseModelFile, type ModelFile } from './manifest.ts';
import { fail, readArray, readRecord, type Reader } from './validate.ts';

/** The folder of a model that holds its search index's files. */
export const SEARCH_INDEX_FOLDER = 'search';

/** The index's files, and how to read one verified. */
export interface SearchIndexFiles {
  /** The words a query may expand to (by prefix or typo), each with the shard of its postings. */
  readonly vocabulary: ModelFile;
  /** The postings, in the vocabulary's shard order. */
  readonly shards: readonly ModelFile[];
  /**
   * @returns the file's bytes, its size and sha256 verified.
   * @throws RecError as any model file is refused (fetch failed, size, checksum).
   */
  read(file: ModelFile): Promise<Uint8Array>;
}

/** @param sha256 the file's checksum. @param extension `json` (the vocabulary) or `bin` (a shard). @returns its path in the model folder. */
export function searchIndexPath(sha256: string, extension: 'json' | 'bin'): string {
  return `${SEARCH_INDEX_FOLDER}/${sha256}.${extension}`;
}

/**
 * Validates catalog.json's `search` entry.
 * @returns the vocabulary and the shards, each named by its sha256.
 * @throws RecError CATALOG_INVALID naming the field that is wrong.
 */
export function parseSearchIndexEntry(reader: Reader, value: unknown): Pick<SearchIndexFiles, 'vocabulary' | 'shards'> {
  const record = readRecord(reader, value, 'search');
  const named = (entry: unknown, field: string, extension: 'json' | 'bin'): ModelFile => {
    const file = parseModelFile(reader, entry, field);
    const expected = searchIndexPath(file.sha256, extension);
    if (file.path !== expected) fail(reader, `${field}.path`, `"${expected}" (named by its sha256)`, file.path);
    return file;
  };
  const vocabulary = named(record['vocabulary'], 'search.vocabulary', 'json');
  const shards = readArray(reader, record['shards'], 'search.shards').map((entry, index) => named(entry, `search.shards[${index}]`, 'bin'));
  return { vocabulary, shards };
}
