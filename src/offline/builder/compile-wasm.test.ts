// The committed binaries of the engine's hand-written WebAssembly match their `.wat` text: editing
// one without `npm run build:wasm` fails here.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileWatToModuleSource, WASM_MODULES } from './compile-wasm.ts';

describe('npm run build:wasm', () => {
  it.each(WASM_MODULES.map((module) => [module.wat, module]))('the committed module compiled from %s is up to date', async (_, module) => {
    expect(await readFile(module.generated, 'utf8')).toBe(await compileWatToModuleSource(module.wat));
  });
});
