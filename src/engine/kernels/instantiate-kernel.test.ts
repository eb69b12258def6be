// When a kernel cannot run: a binary this WebAssembly does not accept, or a page whose policy
// forbids compiling WebAssembly (the browser then throws a CompileError, stubbed here).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { instantiateKernel } from './instantiate-kernel.ts';
import { WASM_BASE64 } from './score-codes-wasm-bytes.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('instantiateKernel', () => {
  it('gives the module’s exports', async () => {
    const exports = await instantiateKernel<{ memory: WebAssembly.Memory; score: unknown }>(WASM_BASE64);
    expect(exports?.memory).toBeInstanceOf(WebAssembly.Memory);
    expect(typeof exports?.score).toBe('function');
  });

  it('gives null for a binary that is no module', async () => {
    expect(await instantiateKernel(btoa('not a module'))).toBeNull();
  });

  it('gives null where compiling is refused (a Content-Security-Policy without wasm-unsafe-eval), and throws anything else', async () => {
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    instantiate.mockRejectedValueOnce(new WebAssembly.CompileError('refused by the page’s policy'));
    expect(await instantiateKernel(WASM_BASE64)).toBeNull();
    instantiate.mockRejectedValueOnce(new RangeError('out of memory'));
    await expect(instantiateKernel(WASM_BASE64)).rejects.toThrow('out of memory');
  });
});
