/**
 * SHA-256 through WebCrypto, which browsers and Node (>= 19, as `globalThis.crypto`) both provide,
 * so the builder and the browser hash with the same function.
 */

/** @param bytes the data; @returns the lower-case hex digest. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // digest() rejects views over a SharedArrayBuffer: those are copied into a plain one first. Any
  // other view is hashed as it is (a model file is hundreds of MB at a million items).
  const plain = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
  const digest = await globalThis.crypto.subtle.digest('SHA-256', plain);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
