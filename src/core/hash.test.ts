import { describe, expect, it } from 'vitest';
import { sha256Hex } from './hash.ts';

const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'; // FIPS 180-2's "abc"

describe('sha256Hex', () => {
  it('hashes the bytes given', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe(ABC);
  });

  it('hashes only the bytes a view covers, not the rest of its buffer', async () => {
    const buffer = new TextEncoder().encode('xxabcyyyy');
    expect(await sha256Hex(buffer.subarray(2, 5))).toBe(ABC);
  });

  it('hashes a view over a SharedArrayBuffer, which digest() refuses as it is', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(7));
    shared.set(new TextEncoder().encode('-abc---'));
    expect(await sha256Hex(shared.subarray(1, 4))).toBe(ABC);
  });
});
