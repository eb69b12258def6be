/**
 * Publishing a model folder atomically: it is written into a sibling temporary folder that replaces
 * the target only once complete, so an interrupted build never leaves a half model where the app
 * looks for one; and the leftovers of builds that were interrupted are cleared away.
 */
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Removes temporary folders that an interrupted earlier build (another process) left next to `dir`.
 * @param dir the model folder.
 */
export async function removeLeftovers(dir: string): Promise<void> {
  const prefix = `.${basename(dir)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(dir));
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^\.(tmp|old)-(\d+)-\d+$/.exec(name.slice(prefix.length - 1));
    if (name.startsWith(prefix) && match !== null && Number(match[2]) !== process.pid) {
      await rm(join(dirname(dir), name), { recursive: true, force: true });
    }
  }
}

/**
 * Replaces `dir` with `temp`. At every instant `dir` is either the old complete model, absent for
 * the moment between two renames, or the new complete model; never a partial one.
 * @param temp the complete new folder, a sibling of `dir`.
 * @param dir the folder to replace.
 */
export async function publish(temp: string, dir: string): Promise<void> {
  const old = join(dirname(dir), `.${basename(dir)}.old-${process.pid}-${Date.now()}`);
  let moved = false;
  try {
    await rename(dir, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    await rename(temp, dir);
  } catch (error) {
    if (moved) await rename(old, dir);
    throw error;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}
