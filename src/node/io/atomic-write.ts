/**
 * Atomic file writes: the bytes go to a temporary file in the same folder, are flushed, and the
 * temporary file is renamed over the target. A crash leaves either the old file or the new one,
 * never a half-written file (rename is atomic within one file system, hence the same folder).
 *
 * Temporary files are named `.<target>.<save id>.tmp` (save-owner.ts). After its rename, a write
 * removes the temporary files of the same target that killed writes left behind, and keeps those
 * of writes still running. Two processes writing one target at once both succeed; the target then
 * holds one of the two files, whole.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { beginSave, endSave, mayBeRunning, SAVE_ID, UNOWNED_STALE_MS } from './save-owner.js';
import { saveStep } from './save-steps.js';

export function tempPathFor(path: string, id: string): string {
  return join(dirname(path), `.${basename(path)}.${id}.tmp`);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What `name` is to target `base`: a temporary file a running write owns ('running'), one whose
 * write was killed ('stale'), one without a save id from an older version ('unowned'; stale once
 * older than UNOWNED_STALE_MS), or none of its temporary files (null).
 */
function classifyTemp(name: string, base: string): 'running' | 'stale' | 'unowned' | null {
  const owned = new RegExp(`^\\.${escapeRegExp(base)}\\.(${SAVE_ID})\\.tmp$`).exec(name);
  if (owned !== null) return mayBeRunning(owned[1]) ? 'running' : 'stale';
  return new RegExp(`^\\.${escapeRegExp(base)}\\.[0-9a-f]{12}\\.tmp$`).test(name) ? 'unowned' : null;
}

/** Removes the temporary files of `path` left by killed writes. Best effort: the new file is already in place. */
async function removeStaleTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const base = basename(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const kind = classifyTemp(name, base);
    if (kind === null || kind === 'running') continue;
    const file = join(dir, name);
    if (kind === 'unowned' && !(await stat(file).then((s) => Date.now() - s.mtimeMs > UNOWNED_STALE_MS, () => false))) continue;
    await rm(file, { force: true }).catch(() => {});
    await saveStep('stale temp removed');
  }
}

/** Writes a file that must not exist yet and flushes it to disk. */
export async function writeNewFile(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Flushes a folder's entries (the renames in it) to disk. Some platforms (Windows) cannot open a
 * folder for this; there the rename is as durable as the file system makes it anyway.
 */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here (EISDIR, EPERM, EINVAL): nothing more can be done.
  }
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const id = beginSave();
  const temp = tempPathFor(path, id);
  try {
    await writeNewFile(temp, bytes);
    await saveStep('temp written');
    await rename(temp, path);
    await saveStep('renamed');
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  } finally {
    endSave(id);
  }
  await syncDir(dirname(path));
  await removeStaleTemps(path);
}

/** The same, synchronously (command-line tools writing one file). */
export function writeFileAtomicSync(path: string, bytes: Uint8Array | string): void {
  const id = beginSave();
  const temp = tempPathFor(path, id);
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  } finally {
    endSave(id);
  }
  removeStaleTempsSync(path);
}

function removeStaleTempsSync(path: string): void {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // The folder went away: nothing to clean.
  }
  for (const name of names) {
    const kind = classifyTemp(name, base);
    if (kind === null || kind === 'running') continue;
    const file = join(dir, name);
    try {
      if (kind === 'unowned' && Date.now() - statSync(file).mtimeMs <= UNOWNED_STALE_MS) continue;
      rmSync(file, { force: true });
    } catch {
      // Best effort, as above.
    }
  }
}
