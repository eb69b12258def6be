/**
 * One file of a built model as a listing names it: the manifest's `files`, a sharded catalogue's
 * card shards, a paged item space's vector pages. The browser refuses a file whose size or sha256
 * differs from its entry (model.ts verifyModelFile). Also where such files are read from (ModelSource).
 */
import { fail, readNumber, readRecord, readString, type Reader } from './validate.ts';

export interface ModelFile {
  /** Path relative to the manifest. */
  readonly path: string;
  readonly bytes: number;
  /** Lower-case hex sha256 of the file's bytes. */
  readonly sha256: string;
}

/** Where model files come from. */
export interface ModelSource {
  /** The folder or base URL, for messages. */
  readonly location: string;
  /**
   * Reads one file of the model.
   * @param path relative to the model folder.
   * @param onBytes called with the bytes read so far, for progress.
   * @param file the manifest's entry for the file (size and sha256), when the caller has read the
   *   manifest: a source may then answer from a copy it keeps by content. The manifest has none.
   * @param options `background`: nothing waits on the file yet (a page read ahead), so a source
   *   may send it behind the reads that are awaited.
   * @throws RecError MODEL_FETCH_FAILED when it cannot be read.
   */
  read(path: string, onBytes: (loaded: number) => void, file?: ModelFile, options?: ReadOptions): Promise<Uint8Array>;
  /**
   * Told of each file read with its manifest entry once its bytes matched it (verifyModelFile
   * calls it), so a source that keeps copies stores only verified bytes, without hashing them again.
   */
  verified?(file: ModelFile, bytes: Uint8Array): void;
}

/** How a file is read (ModelSource.read). */
export interface ReadOptions {
  readonly background?: boolean;
}

/** A file name that is the sha256 of the file's bytes (and an extension). */
const CONTENT_NAME = /(?:^|\/)[0-9a-f]{64}\.[a-z0-9]+$/;

/**
 * @param path a model file's path (or its name).
 * @returns whether its name is its sha256: a vector page, a card shard or a search shard, which never
 *   change (a rebuild that changes one writes a new name), so caches may keep them without asking.
 */
export function isContentNamed(path: string): boolean {
  return CONTENT_NAME.test(path);
}

/**
 * Validates one entry of the manifest's `files` (path inside the model folder, byte size, sha256).
 * Also used on its own to salvage a checksum from a manifest that is otherwise unreadable.
 * @param reader the error code and file to report.
 * @param value the entry, as parsed.
 * @param field its field path, e.g. "files.popularity".
 */
export function parseModelFile(reader: Reader, value: unknown, field: string): ModelFile {
  const record = readRecord(reader, value, field);
  const path = readString(reader, record['path'], `${field}.path`, { nonEmpty: true });
  if (path.includes('..') || path.startsWith('/') || /^[a-z]+:/i.test(path)) {
    fail(reader, `${field}.path`, 'a relative path inside the model folder', path);
  }
  const bytes = readNumber(reader, record['bytes'], `${field}.bytes`, { integer: true, min: 0 });
  const sha256 = readString(reader, record['sha256'], `${field}.sha256`);
  if (!/^[0-9a-f]{64}$/.test(sha256)) fail(reader, `${field}.sha256`, '64 lower-case hex digits', sha256);
  return { path, bytes, sha256 };
}
