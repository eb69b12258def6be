import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from './random-id.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Makes getRandomValues fill every byte with `byte`. */
function fillRandomWith(byte: number): void {
  vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    if (array instanceof Uint8Array) array.fill(byte);
    return array;
  });
}

describe('randomId', () => {
  it('uses crypto.randomUUID in a secure context', () => {
    vi.stubGlobal('isSecureContext', true);
    vi.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue('11111111-2222-4333-8444-555555555555');
    expect(randomId()).toBe('11111111-2222-4333-8444-555555555555');
  });

  it('builds a version 4 UUID from random bytes where randomUUID is not allowed (plain http)', () => {
    vi.stubGlobal('isSecureContext', false);
    const uuid = vi.spyOn(globalThis.crypto, 'randomUUID');
    fillRandomWith(0xff);
    expect(randomId()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    fillRandomWith(0x00);
    expect(randomId()).toBe('00000000-0000-4000-8000-000000000000');
    fillRandomWith(0x0a);
    expect(randomId()).toBe('0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a0a');
    expect(uuid).not.toHaveBeenCalled();
  });
});
