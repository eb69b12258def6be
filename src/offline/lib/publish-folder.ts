/**
 * Publishing a model folder atomically: it is written into a sibling temporary folder that replaces
 * the target only once complete, so an interrupted build never leaves a half model where the app
 * looks for one; and the leftovers of builds that were interrupted are cleared away, or put back
 * where they are the only copy of a model.
 *
 * Replacing means deleting what was there, so it is allowed only for what the builder itself could
 * have put there: nothing, an empty folder, or a model folder (a manifest.json in the model format).
 * Anything else (a folder of other models, a checkout, a plain file) is refused, never deleted.
 */
import { lstat, mkdir, readdir, readFile, rename, rm, rmdir, stat, statfs, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MODEL_FORMAT } from '../../core/constants.ts';
import { RecError } from '../../core/errors.ts';
import { MANIFEST_FILE } from '../../core/manifest.ts';

/** Written first into every temporary folder, so that only the builder's own folders are ever cleared as leftovers. */
const TEMP_MARKER = '.vitrine-build-temp';

/**
 * The name of a folder next to `dir` that this process makes: `tmp` for a new model being written,
 * `old` for the previous model moved aside while the new one takes its place. The process id and
 * time in the name let a later build tell a dead build's leftovers from a running one's.
 */
function sideName(dir: string, kind: 'tmp' | 'old'): string {
  return `.${basename(dir)}.${kind}-${process.pid}-${Date.now()}`;
}

/**
 * @param dir the model folder.
 * @returns a new temporary folder's path next to `dir`, named so that recoverLeftovers recognises it.
 */
export function tempFolderFor(dir: string): string {
  return join(dirname(dir), sideName(dir, 'tmp'));
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
 * Checks that `dir` may be replaced by a build: missing, an empty folder, or a model folder; and
 * that the builder can make its temporary folder next to it.
 * @param dir the target folder (absolute).
 * @throws RecError CONFIG_INVALID naming the path and what is there, when it is anything else, or
 *   naming the folder where the builder cannot write and why.
 */
export async function checkReplaceable(dir: string): Promise<void> {
  await refuseForeign(dir);
  await checkWritableBeside(dir);
}

/** Throws CONFIG_INVALID unless `dir` is missing, an empty folder or a model folder. */
async function refuseForeign(dir: string): Promise<void> {
  let what: string | null = null;
  try {
    const info = await stat(dir);
    what = info.isDirectory() ? await folderProblem(dir) : info.isFile() ? `a file (${info.size} bytes)` : 'neither a folder nor a file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new RecError('CONFIG_INVALID', `--out cannot be inspected (${(error as Error).message})`, { file: dir }, { cause: error });
    }
  }
  if (what !== null) {
    throw new RecError(
      'CONFIG_INVALID',
      `--out is ${what}, not an empty folder or a model folder (manifest.json with format "${MODEL_FORMAT}"); refusing to replace it: choose a new folder such as models/<name>`,
      { file: dir },
    );
  }
}

/**
 * Makes and removes a marked temporary folder where the build will make its own, so that what
 * cannot hold one is refused now rather than after the build: a read-only disk, a folder without
 * permission, or a kernel file system such as /proc or /sys. Those refuse new folders, /proc with
 * ENOENT for a folder that exists, on which Node's recursive mkdir retries forever.
 */
async function checkWritableBeside(dir: string): Promise<void> {
  const parent = await nearestExisting(dirname(dir));
  const probe = join(parent, sideName(dir, 'tmp'));
  try {
    await mkdir(probe);
    try {
      await markTempFolder(probe);
    } finally {
      await unmarkTempFolder(probe);
      await rmdir(probe);
    }
  } catch (error) {
    const reason = `${(error as Error).message}${await storagelessHint(parent)}`;
    throw new RecError(
      'CONFIG_INVALID',
      `--out cannot be written: the builder cannot create a folder in ${parent} (${reason}); choose a folder on a writable disk such as models/<name>`,
      { file: dir },
      { cause: error },
    );
  }
}

/** @returns `path` or its nearest ancestor that exists (or cannot be looked at: the probe then says why). */
async function nearestExisting(path: string): Promise<string> {
  try {
    await stat(path);
    return path;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && dirname(path) !== path ? nearestExisting(dirname(path)) : path;
  }
}

/** @returns a note when `folder` is on a file system with no storage (proc, sysfs and their kind report no blocks), else ''. */
async function storagelessHint(folder: string): Promise<string> {
  try {
    return (await statfs(folder)).blocks === 0 ? '; it is on a file system without storage, like /proc or /sys' : '';
  } catch {
    return '';
  }
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

/** A folder that a build of `dir`, no longer running, left next to it. */
interface Leftover {
  readonly path: string;
  readonly kind: 'tmp' | 'old';
  /** When it was made (milliseconds, from its name). */
  readonly time: number;
}

/** @returns the builder's own folders next to `dir` whose process is no longer running; look-alikes are not listed. */
async function findLeftovers(dir: string): Promise<Leftover[]> {
  const prefix = `.${basename(dir)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(dir));
  } catch {
    return [];
  }
  const found: Leftover[] = [];
  for (const name of names) {
    const match = /^\.(tmp|old)-(\d+)-(\d+)$/.exec(name.slice(prefix.length - 1));
    if (!name.startsWith(prefix) || match === null) continue;
    const pid = Number(match[2]);
    const path = join(dirname(dir), name);
    if (pid === process.pid || isRunning(pid) || !(await isOwnFolder(path))) continue;
    found.push({ path, kind: match[1] === 'old' ? 'old' : 'tmp', time: Number(match[3]) });
  }
  return found;
}

/** What recoverLeftovers needs from its caller. */
export interface LeftoverHandling {
  /** Loads and fully verifies a model folder, throwing when anything in it is missing or wrong. */
  readonly verify: (folder: string) => Promise<unknown>;
  /** Told, one sentence each, what was put back or kept, and why. */
  readonly warn: (message: string) => void;
}

/**
 * Clears up after builds of `dir` that were interrupted (other processes, no longer running). One
 * that died between publish's two renames left `dir` missing and the previous model in an `.old-`
 * folder: the newest such folder that verifies is renamed back to `dir`. Then temporary folders are
 * removed, and `.old-` folders too, except one that holds a model while `dir` holds none: it may be
 * the only copy, so it is kept (and said so) until a build has published a model at `dir`.
 * @param dir the model folder.
 * @param handling how to verify a model and where to say what was done.
 */
export async function recoverLeftovers(dir: string, handling: LeftoverHandling): Promise<void> {
  const leftovers = await findLeftovers(dir);
  const restored = (await isMissing(dir)) ? await restoreNewest(dir, leftovers, handling) : null;
  const dirHoldsModel = await isModelFolder(dir);
  for (const leftover of leftovers) {
    if (leftover === restored) continue;
    if (leftover.kind === 'old' && !dirHoldsModel && (await isModelFolder(leftover.path))) {
      handling.warn(`kept ${leftover.path}, a model an interrupted build moved aside, because ${dir} holds no model that replaced it`);
    } else {
      await rm(leftover.path, { recursive: true, force: true });
    }
  }
}

/** Renames the newest `.old-` leftover that verifies back to the missing `dir`; @returns it, or null when none does. */
async function restoreNewest(dir: string, leftovers: readonly Leftover[], handling: LeftoverHandling): Promise<Leftover | null> {
  const olds = leftovers.filter((leftover) => leftover.kind === 'old').sort((a, b) => b.time - a.time);
  for (const old of olds) {
    try {
      await handling.verify(old.path);
    } catch {
      continue;
    }
    await rename(old.path, dir);
    handling.warn(`restored ${dir} from ${old.path}, where a build that was interrupted while replacing it had moved it aside`);
    return old;
  }
  return null;
}

/** @returns whether nothing, not even a broken link, is at `path`. */
async function isMissing(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Replaces `dir` with `temp`. At every instant `dir` is either the old complete model, absent for
 * the moment between two renames (the old model is then in the `.old-` folder, which
 * recoverLeftovers puts back should this process die there), or the new complete model; never a
 * partial one.
 * @param temp the complete new folder, a sibling of `dir`.
 * @param dir the folder to replace; checked again here, so that nothing but a model or an empty folder is ever deleted.
 * @throws RecError CONFIG_INVALID when `dir` is not replaceable (see checkReplaceable).
 */
export async function publish(temp: string, dir: string): Promise<void> {
  await refuseForeign(dir);
  const old = join(dirname(dir), sideName(dir, 'old'));
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
