import { describe, expect, it } from 'vitest';
import { faultTest } from '../../../core/fault-test-support.ts';
import { forEachLine, MAX_LINE_BYTES, type LineVisitor } from './text-lines.ts';
import { concatBytes } from '../../../core/bytes.ts';

type Call = ['line', string, number] | ['blank', string, number] | ['invalid', number, string] | ['tooLong', number, number] | ['progress', number];

/** Thrown by the recording visitor's tooLong, as a reader's would, to stop the file. */
class TooLong extends Error {}

/**
 * A visitor that records every call in order.
 * @param options which optional callbacks it has (both by default).
 * @returns the visitor and its calls.
 */
function recorder(options: { blank?: boolean; progress?: boolean } = {}): { visitor: LineVisitor; calls: Call[] } {
  const calls: Call[] = [];
  const visitor: LineVisitor = {
    line: (text, line) => calls.push(['line', text, line]),
    invalid: (line, message) => calls.push(['invalid', line, message]),
    tooLong: (line, bytes) => {
      calls.push(['tooLong', line, bytes]);
      throw new TooLong(`line ${line}`);
    },
  };
  if (options.blank ?? true) visitor.blank = (text, line) => calls.push(['blank', text, line]);
  if (options.progress ?? true) visitor.progress = (bytesDone) => calls.push(['progress', bytesDone]);
  return { visitor, calls };
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const raw = (...parts: (string | number[] | Uint8Array)[]): Uint8Array =>
  concatBytes(parts.map((part) => (typeof part === 'string' ? utf8(part) : Uint8Array.from(part))));
/** @returns `length` bytes of "x". */
const xs = (length: number): Uint8Array => new Uint8Array(length).fill(0x78);

/** Files, their line count and every call their visitor receives, in order. */
const SPLITS: [string, Uint8Array, number, Call[]][] = [
  ['an empty file', raw(''), 0, [['progress', 0]]],
  [
    'one line without a final newline',
    raw('abc'),
    1,
    [
      ['line', 'abc', 1],
      ['progress', 3],
    ],
  ],
  [
    'a final newline, which starts no line of its own',
    raw('a\nb\n'),
    2,
    [
      ['line', 'a', 1],
      ['line', 'b', 2],
      ['progress', 4],
    ],
  ],
  [
    'CRLF endings, the CR removed',
    raw('a\r\nb\r\n'),
    2,
    [
      ['line', 'a', 1],
      ['line', 'b', 2],
      ['progress', 6],
    ],
  ],
  [
    'a CR inside a line, kept',
    raw('a\rb\n'),
    1,
    [
      ['line', 'a\rb', 1],
      ['progress', 4],
    ],
  ],
  [
    'a line of a lone CR, blank and empty',
    raw('\r\nx'),
    2,
    [
      ['blank', '', 1],
      ['line', 'x', 2],
      ['progress', 3],
    ],
  ],
  [
    'empty and white-space lines, numbered and handed to blank',
    raw('\n \t\nx\n\n'),
    4,
    [
      ['blank', '', 1],
      ['blank', ' \t', 2],
      ['line', 'x', 3],
      ['blank', '', 4],
      ['progress', 7],
    ],
  ],
  [
    'a line with surrounding spaces, kept whole',
    raw(' a b \n'),
    1,
    [
      ['line', ' a b ', 1],
      ['progress', 6],
    ],
  ],
  [
    'a UTF-8 byte order mark, removed',
    raw([0xef, 0xbb, 0xbf], 'a\nb'),
    2,
    [
      ['line', 'a', 1],
      ['line', 'b', 2],
      ['progress', 6],
    ],
  ],
  ['a byte order mark alone', raw([0xef, 0xbb, 0xbf]), 0, [['progress', 3]]],
  [
    'a byte order mark starting a later line, removed by the decoder',
    raw('a\n\u{feff}b'),
    2,
    [
      ['line', 'a', 1],
      ['line', 'b', 2],
      ['progress', 6],
    ],
  ],
  [
    'multi-byte characters, decoded',
    raw('café €\n😀'),
    2,
    [
      ['line', 'café €', 1],
      ['line', '😀', 2],
      ['progress', 14],
    ],
  ],
];

describe('forEachLine: splitting', () => {
  it.each(SPLITS)('%s', (_name, bytes, count, calls) => {
    const seen = recorder();
    expect(forEachLine(bytes, seen.visitor)).toBe(count);
    expect(seen.calls).toEqual(calls);
  });

  it.each<[string, number[], string]>([
    ['0xef 0xbb then another byte', [0xef, 0xbb, 0x41], '0xef at byte 1'],
    ['0xef then another byte then 0xbf', [0xef, 0x41, 0xbf], '0xef at byte 1'],
    ['another byte then 0xbb 0xbf', [0x41, 0xbb, 0xbf], '0xbb at byte 2'],
  ])('keeps an incomplete byte order mark (%s) as part of the first line', (_name, start, where) => {
    const seen = recorder();
    expect(forEachLine(raw(start, 'z'), seen.visitor)).toBe(1);
    expect(seen.calls).toEqual([
      ['invalid', 1, `invalid UTF-8 byte ${where} of the line`],
      ['progress', 4],
    ]);
  });

  it('passes over blank lines when the visitor has no blank callback, and reports no progress when it has none', () => {
    const seen = recorder({ blank: false, progress: false });
    expect(forEachLine(raw('\n  \na\n\r\n'), seen.visitor)).toBe(4);
    expect(seen.calls).toEqual([['line', 'a', 3]]);
  });
});

// Each line is a valid prefix (the sequences at the edges of the UTF-8 ranges) followed by one bad
// byte, or "ab" followed by a bad sequence: the position counts the prefix's bytes exactly.
const BAD_BYTES: [string, number[], string][] = [
  ['ASCII up to 0x7f, then 0xff', [0x7f, 0xff], '0xff at byte 2'],
  ['continuation bytes without a lead', [0x61, 0x62, 0x80, 0x80, 0x80, 0x80], '0x80 at byte 3'],
  ['the overlong lead 0xc0', [0x61, 0x62, 0xc0, 0x80], '0xc0 at byte 3'],
  ['the overlong lead 0xc1', [0x61, 0x62, 0xc1, 0xbf], '0xc1 at byte 3'],
  ['2 bytes from 0xc2, then 0xff', [0xc2, 0x80, 0xff], '0xff at byte 3'],
  ['2 bytes up to 0xdf, then 0xff', [0xdf, 0xbf, 0xff], '0xff at byte 3'],
  ['3 bytes from U+0800, then 0xff', [0xe0, 0xa0, 0x80, 0xff], '0xff at byte 4'],
  ['3 bytes up to 0xef, then 0xff', [0xef, 0xbf, 0xbf, 0xff], '0xff at byte 4'],
  ['3 bytes at U+D7FF below the surrogates, then 0xff', [0xed, 0x9f, 0xbf, 0xff], '0xff at byte 4'],
  ['4 bytes from U+10000, then 0xff', [0xf0, 0x90, 0x80, 0x80, 0xff], '0xff at byte 5'],
  ['4 bytes up to U+10FFFF, then 0xff', [0xf4, 0x8f, 0xbf, 0xbf, 0xff], '0xff at byte 5'],
  ['a lead above 0xf4', [0x61, 0x62, 0xf5, 0x80, 0x80, 0x80], '0xf5 at byte 3'],
  ['a 2-byte sequence cut by the end of the line', [0x61, 0x62, 0xc3], '0xc3 at byte 3'],
  ['a 4-byte sequence cut by the end of the line', [0x61, 0x62, 0xf0, 0x9f, 0x98], '0xf0 at byte 3'],
  ['a lead followed by ASCII', [0x61, 0x62, 0xe2, 0x41, 0x41], '0xe2 at byte 3'],
  ['a lead followed by another lead', [0x61, 0x62, 0xc3, 0xc3, 0xa9], '0xc3 at byte 3'],
  ['a bad third byte', [0x61, 0x62, 0xe2, 0x82, 0x41], '0xe2 at byte 3'],
  ['a bad fourth byte', [0x61, 0x62, 0xf0, 0x9f, 0x98, 0x41], '0xf0 at byte 3'],
  ['an overlong 3-byte form', [0x61, 0x62, 0xe0, 0x9f, 0xbf], '0xe0 at byte 3'],
  ['a surrogate', [0x61, 0x62, 0xed, 0xa0, 0x80], '0xed at byte 3'],
  ['an overlong 4-byte form', [0x61, 0x62, 0xf0, 0x8f, 0xbf, 0xbf], '0xf0 at byte 3'],
  ['a code point above U+10FFFF', [0x61, 0x62, 0xf4, 0x90, 0x80, 0x80], '0xf4 at byte 3'],
  ['several characters of each length before the bad byte', [...utf8('é€😀'), 0xfe], '0xfe at byte 10'],
];

describe('forEachLine: invalid UTF-8', () => {
  it(
    'reports a Latin-1 line by number and first bad byte, hands it to no other callback and reads on',
    faultTest('Builder input files', 'A Latin-1 line in a UTF-8 file', async () => {
      const seen = recorder();
      expect(forEachLine(raw('ok\n', 'caf', [0xe9], '\nnext'), seen.visitor)).toBe(3);
      expect(seen.calls).toEqual([
        ['line', 'ok', 1],
        ['invalid', 2, 'invalid UTF-8 byte 0xe9 at byte 4 of the line'],
        ['line', 'next', 3],
        ['progress', 12],
      ]);
    }),
  );

  it('reports an invalid line of white space and a bad byte as invalid, not blank', () => {
    const seen = recorder();
    forEachLine(raw(' ', [0xa0], ' '), seen.visitor);
    expect(seen.calls).toEqual([
      ['invalid', 1, 'invalid UTF-8 byte 0xa0 at byte 2 of the line'],
      ['progress', 3],
    ]);
  });

  it.each(BAD_BYTES)('locates the first bad byte after %s', (_name, line, where) => {
    const seen = recorder();
    forEachLine(raw('first\n', line, '\r\n'), seen.visitor);
    expect(seen.calls.slice(0, 2)).toEqual([
      ['line', 'first', 1],
      ['invalid', 2, `invalid UTF-8 byte ${where} of the line`],
    ]);
  });
});

describe('forEachLine: line length', () => {
  it('reads a line of exactly MAX_LINE_BYTES, its CR not counted', () => {
    const seen = recorder();
    expect(forEachLine(raw('a\n', xs(MAX_LINE_BYTES), '\r\n'), seen.visitor)).toBe(2);
    expect(seen.calls.map((call) => (call[0] === 'line' ? [call[0], call[1].length, call[2]] : call))).toEqual([
      ['line', 1, 1],
      ['line', MAX_LINE_BYTES, 2],
      ['progress', MAX_LINE_BYTES + 4],
    ]);
  });

  it(
    'stops at a line one byte longer, before decoding it, with its number and length',
    faultTest('Builder input files', 'A line one byte over the limit, refused before it is decoded', async () => {
      const seen = recorder();
      const bytes = raw('a\n', xs(MAX_LINE_BYTES + 1), '\nb\n');
      expect(() => forEachLine(bytes, seen.visitor)).toThrow(new TooLong('line 2'));
      expect(seen.calls).toEqual([
        ['line', 'a', 1],
        ['tooLong', 2, MAX_LINE_BYTES + 1],
      ]);
    }),
  );
});

describe('forEachLine: progress', () => {
  it('reports the offset of the line end every 4096 lines, then the whole length', () => {
    // 8193 two-byte lines "x\n": line n ends at byte offset 2n - 1.
    const bytes = utf8('x\n'.repeat(8193));
    const done: number[] = [];
    const count = forEachLine(bytes, {
      line: () => undefined,
      invalid: () => undefined,
      tooLong: () => {
        throw new TooLong('unexpected');
      },
      progress: (bytesDone) => done.push(bytesDone),
    });
    expect(count).toBe(8193);
    expect(done).toEqual([2 * 4096 - 1, 2 * 8192 - 1, bytes.length]);
  });
});

/** The bytes in blocks of `size`, each written into one reused buffer, as openFileBlocks reads a file. */
function* reusedBlocks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  const buffer = new Uint8Array(size);
  for (let at = 0; at < bytes.length; at += size) {
    const block = bytes.subarray(at, at + size);
    buffer.fill(0x7e);
    buffer.set(block);
    yield buffer.subarray(0, block.length);
  }
}

describe('forEachLine: a file in blocks', () => {
  it.each(SPLITS.flatMap(([name, bytes, count, calls]) => [1, 2, 3, 5, 8].map((size) => [`${name}, blocks of ${size}`, bytes, count, calls, size] as const)))(
    '%s: the same lines, numbers and progress as the whole file',
    (_name, bytes, count, calls, size) => {
      const seen = recorder();
      expect(forEachLine(reusedBlocks(bytes, size), seen.visitor)).toBe(count);
      expect(seen.calls).toEqual(calls);
    },
  );

  it('reports progress at the same offsets as the whole file', () => {
    const bytes = utf8('x\n'.repeat(8193));
    const offsets = (input: Uint8Array | Iterable<Uint8Array>): Call[] => {
      const seen = recorder({ blank: false });
      forEachLine(input, seen.visitor);
      return seen.calls.filter(([kind]) => kind === 'progress');
    };
    expect(offsets(reusedBlocks(bytes, 1000))).toEqual(offsets(bytes));
  });

  it('measures a line longer than the limit across blocks as the whole file does', () => {
    const seen = recorder();
    expect(() => forEachLine(reusedBlocks(raw('a\n', 'x'.repeat(MAX_LINE_BYTES + 1), '\nb'), 65_536), seen.visitor)).toThrow(new TooLong('line 2'));
    expect(seen.calls).toEqual([
      ['line', 'a', 1],
      ['tooLong', 2, MAX_LINE_BYTES + 1],
    ]);
  });
});
