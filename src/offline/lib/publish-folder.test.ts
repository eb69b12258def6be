import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { faultTest } from '../../core/fault-test-support.ts';
import { checkReplaceable } from './publish-folder.ts';
import { verifyModelDir, writeModel, type WriteModelOptions } from './write-model.ts';

/** A process id no build runs under, so the leftovers named with it count as a dead build's. */
const DEAD = 999_999_999;
const items = [
  { id: 'a', title: 'A' },
  { id: 'b', title: 'B' },
  { id: 'c', title: 'C' },
];
const identity = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
const swapped = Float32Array.from([0, 1, 0, 1, 0, 0, 0, 0, 1]);
const encoder = { name: 'fake-encoder', version: 'fake@1' };

let root = '';
let warnings: string[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vitrine-publish-folder-'));
  warnings = [];
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Writes a model of the three items into `outDir`, warnings collected. */
function write(outDir: string, vectors: Float32Array, more: Partial<WriteModelOptions> = {}): ReturnType<typeof writeModel> {
  return writeModel({ outDir, catalogId: 'tiny', items, vectors, dim: 3, encoder, warn: (message) => warnings.push(message), ...more });
}

describe('publishing after a build that was interrupted between its two renames', () => {
  it(
    'puts the previous model back at --out, even when the next build fails, and removes the unpublished new one',
    faultTest('Builder output', "A crash between the builder's two renames, then a failing build", async () => {
      const dir = join(root, 'tiny');
      const previous = await write(dir, identity);
      // The state a build leaves when it dies after renaming --out aside and before renaming its new model in.
      const aside = join(root, `.tiny.old-${DEAD}-2`);
      await rename(dir, aside);
      await write(join(root, 'staged'), swapped);
      await rename(join(root, 'staged'), join(root, `.tiny.tmp-${DEAD}-2`));

      await expect(
        write(
          dir,
          identity.map((value) => value * 3),
        ),
      ).rejects.toMatchObject({ code: 'MODEL_VECTORS_INVALID' });
      expect((await verifyModelDir(dir)).manifest).toEqual(previous.manifest);
      expect(await readdir(root)).toEqual(['tiny']);
      expect(warnings).toEqual([`restored ${dir} from ${aside}, where a build that was interrupted while replacing it had moved it aside`]);
    }),
  );

  it(
    'puts back the newest aside model that verifies, and removes the rest once --out holds it',
    faultTest('Builder output', 'Several models left aside by interrupted builds (the next build deleted the only copy)', async () => {
      const dir = join(root, 'tiny');
      const older = await write(dir, identity);
      await rename(dir, join(root, `.tiny.old-${DEAD}-1`));
      await write(join(root, 'staged'), swapped);
      await writeFile(join(root, 'staged', 'catalog.json'), '{"items":[]}\n');
      await rename(join(root, 'staged'), join(root, `.tiny.old-${DEAD}-2`));

      await expect(
        write(
          dir,
          identity.map((value) => value * 3),
        ),
      ).rejects.toMatchObject({ code: 'MODEL_VECTORS_INVALID' });
      expect((await verifyModelDir(dir)).manifest).toEqual(older.manifest);
      expect(await readdir(root)).toEqual(['tiny']);
      expect(warnings).toEqual([expect.stringContaining(`from ${join(root, `.tiny.old-${DEAD}-1`)}`)]);
    }),
  );

  it(
    'keeps an aside model that does not verify while --out holds none, and removes it once a build has published one',
    faultTest('Builder output', 'An aside model that does not verify while --out holds none', async () => {
      const dir = join(root, 'tiny');
      await write(join(root, 'broken'), identity);
      await writeFile(join(root, 'broken', 'vectors.float32.bin'), new Uint8Array(36));
      const aside = join(root, `.tiny.old-${DEAD}-1`);
      await rename(join(root, 'broken'), aside);

      const built = await write(dir, swapped);
      expect((await verifyModelDir(dir)).manifest).toEqual(built.manifest);
      expect((await readdir(root)).sort()).toEqual([`.tiny.old-${DEAD}-1`, 'tiny']);
      expect(warnings).toEqual([`kept ${aside}, a model an interrupted build moved aside, because ${dir} holds no model that replaced it`]);

      warnings = [];
      await write(dir, identity);
      expect(await readdir(root)).toEqual(['tiny']);
      expect(warnings).toEqual([]);
    }),
  );
});

describe('refusing an --out where no folder can be written', () => {
  it.skipIf(process.platform !== 'linux')(
    'refuses a path under /proc at once, naming it and why, before anything is written',
    faultTest('Builder output', '--out under /proc (the build hung)', async () => {
      const out = '/proc/self/vitrine-test';
      const refusal = {
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(
          /^\/proc\/self\/vitrine-test: --out cannot be written: the builder cannot create a folder in \/proc\/self \(.*; it is on a file system without storage, like \/proc or \/sys\); choose a folder on a writable disk/,
        ),
      };
      await expect(checkReplaceable(out)).rejects.toMatchObject(refusal);
      await expect(write(out, identity)).rejects.toMatchObject(refusal);
    }),
    10_000, // a guard against the hang this refusal replaces, not a time limit on the check
  );

  it('writes into missing folders on a normal disk, leaving nothing of its check behind', async () => {
    const dir = join(root, 'shop', 'models', 'tiny');
    await checkReplaceable(dir);
    expect(await readdir(root)).toEqual([]);
    const built = await write(dir, identity);
    expect((await verifyModelDir(dir)).manifest).toEqual(built.manifest);
    expect(await readdir(join(root, 'shop', 'models'))).toEqual(['tiny']);
  });
});
