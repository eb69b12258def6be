/**
 * Instantiates one of the engine's hand-written WebAssembly modules from its committed binary
 * (`npm run build:wasm`), or says it cannot run here.
 */

/**
 * @param base64 the compiled module (a generated `*-wasm-bytes.ts`).
 * @returns its exports, or null where it cannot run: a WebAssembly without the features it uses
 *   (SIMD), or a page whose Content-Security-Policy forbids compiling WebAssembly (no 'wasm-unsafe-eval').
 */
export async function instantiateKernel<Exports>(base64: string): Promise<Exports | null> {
  const binary = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (!WebAssembly.validate(binary)) return null;
  try {
    const { instance } = await WebAssembly.instantiate(binary);
    return instance.exports as unknown as Exports;
  } catch (error) {
    if (error instanceof WebAssembly.CompileError) return null;
    throw error;
  }
}
