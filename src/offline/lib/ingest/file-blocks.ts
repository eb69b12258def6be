/**
 * A file read block by block, for an input too large to hold whole (an event log of tens of
 * millions of rows): forEachLine keeps only the part of a line that spans two blocks.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes read at a time: far more than a line may hold (MAX_LINE_BYTES), little next to a large log. */
const BLOCK_BYTES = 8 * 1024 * 1024;

export interface FileBlocks {
  /** The file's size when it was opened. */
  readonly bytes: number;
  /**
   * The file's bytes in order, one block at a time; each block is valid until the next is asked for
   * (one buffer is reused). The file is closed when the blocks run out or the reading stops.
   */
  readonly blocks: Iterable<Uint8Array>;
}

/**
 * @param path the file.
 * @throws Error from the file system when it cannot be opened (missing, a folder, no permission).
 */
export function openFileBlocks(path: string, blockBytes = BLOCK_BYTES): FileBlocks {
  const fd = openSync(path, 'r');
  let bytes: number;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new Error(`EISDIR: illegal operation on a directory, read '${path}'`);
    bytes = stat.size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  function* blocks(): Generator<Uint8Array> {
    try {
      const buffer = new Uint8Array(blockBytes);
      for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer)) yield buffer.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  }
  return { bytes, blocks: blocks() };
}
