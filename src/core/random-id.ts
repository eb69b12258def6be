/**
 * Random ids for sessions and events. crypto.randomUUID exists only in secure contexts (https,
 * localhost); served over plain http on a LAN address the page is not one, so fall back to
 * getRandomValues, which every context has.
 */

/** @returns a random RFC 4122 version 4 UUID. */
export function randomId(): string {
  if (typeof globalThis.crypto.randomUUID === 'function' && globalThis.isSecureContext !== false) return globalThis.crypto.randomUUID();
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
