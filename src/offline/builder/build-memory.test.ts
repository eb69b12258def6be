import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from './cli.ts';
import { fakeEncoder, useCliSandbox } from '../lib/test-support.ts';

const sandbox = useCliSandbox('vitrine-build-memory-');

const ITEMS = 6000;
const TEXT_DIM = 256;
/** The build's text matrix: ITEMS x TEXT_DIM float32. */
const TEXT_BYTES = ITEMS * TEXT_DIM * 4;

// Skipped only under mutation testing (vitest.mutation.setup.mjs says why).
it.skipIf((globalThis as { vitrineWithoutGc?: string }).vitrineWithoutGc !== undefined)(
  'holds no text matrix after fusion: the steps after it (quantisation check, semantic floor, write) do not carry it',
  async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined) throw new Error('this test needs Node started with --expose-gc (vite.config.ts test.execArgv)');
    const catalog = join(sandbox.root, 'items.jsonl');
    const lines = Array.from({ length: ITEMS }, (_, i) => JSON.stringify({ id: `p${i}`, title: `product ${i} of kind ${i % 50}` }));
    await writeFile(catalog, `${lines.join('\n')}\n`);
    const events = join(sandbox.root, 'events.csv');
    const rows = ['session_id,user_id,item_id,event,timestamp'];
    for (let s = 0; s < 400; s++) for (let k = 0; k < 5; k++) rows.push(`s${s},u${s % 90},p${(s * 7 + k * 13) % ITEMS},view,2024-01-02T10:00:0${k}Z`);
    await writeFile(events, `${rows.join('\n')}\n`);
    const encoder = fakeEncoder(TEXT_DIM);
    let buffersAfterFusion = -1;
    const code = await main(['--catalog', catalog, '--events', events, '--out', join(sandbox.root, 'model'), '--dim', '32', '--workers', '1', '--quiet'], {
      encoder: { name: 'fake-encoder', version: 'fake@1' },
      loadEncoder: () => encoder.load(),
      // Called after fusion, before the semantic floor: what is alive here, every later step carries.
      loadQueryEncoder: async () => {
        buffersAfterFusion = await arrayBuffersAfterCollection(gc, TEXT_BYTES);
        return fakeEncoder(TEXT_DIM).load();
      },
      cacheDir: join(sandbox.root, 'cache'),
    });
    expect(code).toBe(0);
    expect(encoder.embedded).toHaveLength(ITEMS);
    expect(buffersAfterFusion).toBeGreaterThan(0);
    expect(buffersAfterFusion).toBeLessThan(TEXT_BYTES);
  },
);

/**
 * The bytes of live ArrayBuffers once garbage is collected. V8 frees a dead buffer's memory after
 * the collection, concurrently, so this collects and waits a moment at a time, up to a second,
 * until the count is under `below` (a buffer still alive then stays counted however long it waits).
 */
async function arrayBuffersAfterCollection(gc: () => void, below: number): Promise<number> {
  let bytes = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 50 && bytes >= below; attempt++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    bytes = process.memoryUsage().arrayBuffers;
  }
  return bytes;
}
