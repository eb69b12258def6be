/**
 * SHA-256 through WebCrypto, which browsers and Node (>= 19, as `globalThis.crypto`) both provide,
 * so the builder and the browser hash with the same function.
 */

/** @param bytes the data; @returns the lower-case hex digest. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Copy into a plain ArrayBuffer: digest() rejects views over SharedArrayBuffer.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes.slice().buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
