/**
 * Splits an input file's bytes into numbered lines and decodes each one as strict UTF-8, so a file
 * in another encoding (Latin-1, Windows-1252: a shop export's usual suspects) is reported line by
 * line instead of silently turning into U+FFFD and wrong embeddings. The byte 0x0A never occurs
 * inside a multi-byte UTF-8 sequence, so splitting before decoding is safe. A UTF-8 byte order mark
 * and CR of CRLF endings are removed; blank lines are passed over unless the visitor asks for them.
 *
 * A line longer than MAX_LINE_BYTES is refused before it is decoded: no catalogue record or event
 * needs that much, and a file without line breaks (a dump, a binary) would otherwise be decoded
 * and parsed as one giant string until the process runs out of memory, with no line to point at.
 */
import { concatBytes } from '../../../core/bytes.ts';

/** The longest line (and CSV record) read, in bytes: 1 MiB. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Receives the lines of a file. */
export interface LineVisitor {
  /**
   * @param text the decoded line, without its line ending.
   * @param line the 1-based line number.
   */
  line(text: string, line: number): void;
  /**
   * A blank line (empty or white space only), passed over unless the visitor wants it: a CSV field in
   * quotes may span lines, and its blank lines (a description's paragraph breaks) are part of it.
   * @param text the decoded line, without its line ending.
   * @param line the 1-based line number.
   */
  blank?(text: string, line: number): void;
  /**
   * A line that is not valid UTF-8.
   * @param line the 1-based line number.
   * @param message where the first bad byte is.
   */
  invalid(line: number, message: string): void;
  /**
   * A line longer than MAX_LINE_BYTES: the reader stops (it is expected to throw, naming the file).
   * @param line the 1-based line number.
   * @param bytes the line's length.
   */
  tooLong(line: number, bytes: number): never;
  /** @param bytesDone bytes read so far, for progress (called every few thousand lines). */
  progress?(bytesDone: number): void;
}

const PROGRESS_EVERY = 4096;
const NEWLINE = 0x0a;
const CR = 0x0d;

/** A file's bytes: all of them in memory, or its consecutive blocks, read one at a time. */
export type LineInput = Uint8Array | Iterable<Uint8Array>;

/**
 * Visits each line of a file.
 * @param input the file's bytes, or its blocks in order (a line may span blocks: only the part of
 *   a line not yet ended is kept between them, so a large file is never held whole).
 * @param visitor what to do with each line.
 * @returns the number of lines.
 */
export function forEachLine(input: LineInput, visitor: LineVisitor): number {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let number = 0;
  // Bytes of the file before `buffer`, for progress.
  let before = 0;
  const visit = (buffer: Uint8Array, from: number, to: number): void => {
    let start = from;
    while (start < to) {
      const newline = buffer.indexOf(NEWLINE, start);
      const stop = newline === -1 || newline >= to ? to : newline;
      // Before an empty line is the previous line's LF, the BOM or nothing: never a CR to remove.
      const end = stop > start && buffer[stop - 1] === CR ? stop - 1 : stop;
      number++;
      if (end - start > MAX_LINE_BYTES) visitor.tooLong(number, end - start);
      const raw = buffer.subarray(start, end);
      let text: string | null = null;
      try {
        text = decoder.decode(raw);
      } catch {
        // Only bytes from 0x80 up are invalid: two hex digits.
        visitor.invalid(number, `invalid UTF-8 byte 0x${(raw[firstInvalidByte(raw)] ?? 0).toString(16)} at byte ${firstInvalidByte(raw) + 1} of the line`);
      }
      // An empty line decodes to '' and is blank like a line of white space.
      if (text !== null && text.trim() !== '') visitor.line(text, number);
      else if (text !== null) visitor.blank?.(text, number);
      if (number % PROGRESS_EVERY === 0) visitor.progress?.(before + stop);
      start = stop + 1;
    }
  };
  // Bytes after the last line break seen, waiting for their line's end (a long line may span many blocks).
  let carry: Uint8Array[] = [];
  let carried = 0;
  for (const block of input instanceof Uint8Array ? [input] : input) {
    const lastNewline = block.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      carry.push(block.slice());
      carried += block.length;
      continue;
    }
    const buffer = carried === 0 ? block : concatBytes([...carry, block]);
    const ended = buffer.length - (block.length - lastNewline - 1);
    const start = skipByteOrderMark(buffer, before);
    visit(buffer, start, Math.max(ended, start));
    before += ended;
    carry = ended < buffer.length ? [buffer.slice(ended)] : [];
    carried = buffer.length - ended;
  }
  // The last line, without a line break.
  if (carried > 0) {
    const buffer = concatBytes(carry);
    visit(buffer, skipByteOrderMark(buffer, before), buffer.length);
    before += buffer.length;
  }
  visitor.progress?.(before);
  return number;
}

/** @returns 3 when `buffer` starts the file with a UTF-8 byte order mark, else 0. */
function skipByteOrderMark(buffer: Uint8Array, offset: number): number {
  return offset === 0 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
}

function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      // Past the end reads as 0, which is no continuation byte.
      const c = bytes[i + k] ?? 0;
      if ((c & 0xc0) !== 0x80) return i;
    }
    // Overlong 3-byte forms, surrogates and code points above U+10FFFF are invalid too.
    const next = bytes[i + 1] ?? 0;
    if ((b === 0xe0 && next < 0xa0) || (b === 0xed && next > 0x9f) || (b === 0xf0 && next < 0x90) || (b === 0xf4 && next > 0x8f)) return i;
    i += length;
  }
  return 0;
}
