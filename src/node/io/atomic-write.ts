/**
 * Atomic file writes: the bytes go to a temporary file in the same folder, are flushed, and the
 * temporary file is renamed over the target. A crash leaves either the old file or the new one,
 * never a half-written file (rename is atomic within one file system, hence the same folder).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

/** The same, synchronously (command-line tools writing one file). */
export function writeFileAtomicSync(path: string, bytes: Uint8Array | string): void {
  const temp = tempPathFor(path);
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
  }
}
