/**
 * Publishing a model folder atomically: it is written into a sibling temporary folder that replaces
 * the target only once complete, so an interrupted build never leaves a half model where the app
 * looks for one; and the leftovers of builds that were interrupted are cleared away.
 *
 * Replacing means deleting what was there, so it is allowed only for what the builder itself could
 * have put there: nothing, an empty folder, or a model folder (a manifest.json in the model format).
 * Anything else (a folder of other models, a checkout, a plain file) is refused, never deleted.
 */
import { lstat, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MODEL_FORMAT } from '../../core/constants.ts';
import { RecError } from '../../core/errors.ts';
import { MANIFEST_FILE } from '../../core/manifest.ts';

/** Written first into every temporary folder, so that only the builder's own folders are ever cleared as leftovers. */
const TEMP_MARKER = '.vitrine-build-temp';

/**
 * @param dir the model folder.
 * @returns a new temporary folder's path next to `dir`, named so that removeLeftovers recognises it.
 */
export function tempFolderFor(dir: string): string {
  return join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
}

/**
 * Marks a freshly created temporary folder as the builder's own.
 * @param temp the folder from tempFolderFor, already created.
 */
export async function markTempFolder(temp: string): Promise<void> {
  await writeFile(join(temp, TEMP_MARKER), '');
}

/**
 * Removes the mark once the folder holds a complete model (its manifest then identifies it).
 * @param temp the marked folder.
 */
export async function unmarkTempFolder(temp: string): Promise<void> {
  await rm(join(temp, TEMP_MARKER), { force: true });
}

/**
 * Checks that `dir` may be replaced by a build: missing, an empty folder, or a model folder.
 * @param dir the target folder (absolute).
 * @throws RecError CONFIG_INVALID naming the path and what is there, when it is anything else.
 */
export async function checkReplaceable(dir: string): Promise<void> {
  let what: string | null;
  try {
    const info = await stat(dir);
    what = info.isDirectory() ? await folderProblem(dir) : info.isFile() ? `a file (${info.size} bytes)` : 'neither a folder nor a file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new RecError('CONFIG_INVALID', `--out cannot be inspected (${(error as Error).message})`, { file: dir }, { cause: error });
  }
  if (what === null) return;
  throw new RecError(
    'CONFIG_INVALID',
    `--out is ${what}, not an empty folder or a model folder (manifest.json with format "${MODEL_FORMAT}"); refusing to replace it: choose a new folder such as models/<name>`,
    { file: dir },
  );
}

/** @returns what makes the folder not replaceable, or null when it is empty or a model folder. */
async function folderProblem(dir: string): Promise<string | null> {
  const names = await readdir(dir);
  if (names.length === 0 || (await isModelFolder(dir))) return null;
  const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length} entries)` : '');
  return `a folder that is not a model (it holds ${shown})`;
}

/** @returns whether `dir` holds a manifest.json whose format is the model format. */
async function isModelFolder(dir: string): Promise<boolean> {
  try {
    const root = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as unknown;
    return typeof root === 'object' && root !== null && (root as Record<string, unknown>)['format'] === MODEL_FORMAT;
  } catch {
    return false;
  }
}

/** @returns whether a folder named like a leftover really is one of the builder's (marked, a model, or empty). */
async function isOwnFolder(path: string): Promise<boolean> {
  try {
    if (!(await lstat(path)).isDirectory()) return false;
    const names = await readdir(path);
    return names.length === 0 || names.includes(TEMP_MARKER) || (await isModelFolder(path));
  } catch {
    return false;
  }
}

/** @returns whether a process with this id is running (so its temporary folder is in use). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary folders that an interrupted earlier build (another process, no longer running)
 * left next to `dir`; a folder that only looks like one by its name is left alone.
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
    if (!name.startsWith(prefix) || match === null) continue;
    const pid = Number(match[2]);
    const path = join(dirname(dir), name);
    if (pid !== process.pid && !isRunning(pid) && (await isOwnFolder(path))) await rm(path, { recursive: true, force: true });
  }
}

/**
 * Replaces `dir` with `temp`. At every instant `dir` is either the old complete model, absent for
 * the moment between two renames, or the new complete model; never a partial one.
 * @param temp the complete new folder, a sibling of `dir`.
 * @param dir the folder to replace; checked again here, so that nothing but a model or an empty folder is ever deleted.
 * @throws RecError CONFIG_INVALID when `dir` is not replaceable (see checkReplaceable).
 */
export async function publish(temp: string, dir: string): Promise<void> {
  await checkReplaceable(dir);
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
