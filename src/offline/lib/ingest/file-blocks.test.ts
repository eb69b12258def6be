import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileBlocks } from './file-blocks.ts';

const folder = mkdtempSync(join(tmpdir(), 'vitrine-file-blocks-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('openFileBlocks', () => {
  it('gives the file size and the bytes in order, one block of at most the block size at a time', () => {
    const path = join(folder, 'log.csv');
    const text = 'user_id,item_id\nu1,a\nu2,b\n';
    writeFileSync(path, text);
    const input = openFileBlocks(path, 4);
    expect(input.bytes).toBe(text.length);
    // Each block is read before the next is asked for: the buffer is reused.
    const blocks: string[] = [];
    for (const block of input.blocks) blocks.push(new TextDecoder().decode(block));
    expect(blocks.every((block) => block.length <= 4)).toBe(true);
    expect(blocks.join('')).toBe(text);
    expect(blocks).toHaveLength(Math.ceil(text.length / 4));
  });

  it('refuses a missing file and a folder when opened, before any block is read', () => {
    expect(() => openFileBlocks(join(folder, 'missing.csv'))).toThrow(/ENOENT/);
    expect(() => openFileBlocks(folder)).toThrow(/EISDIR/);
  });
});
