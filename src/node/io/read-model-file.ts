/**
 * Reading a model file without trusting the file system: only a regular file is read (a FIFO
 * would block forever, a device such as /dev/zero never ends), a file that must lie inside a
 * model folder may not resolve outside it (a symlink to elsewhere is refused, not followed), and
 * the size cap counts the bytes actually read instead of what `stat` says (devices and /proc
 * files report 0, and a file may grow between stat and read).
 *
 * Example:
 *   const json = await readModelFile('/models/mnist/model.json', { maxBytes: 1 << 26, why: 'a model.json may have', inside: '/models/mnist' });
 */
import { constants } from 'node:fs';
import { type FileHandle, open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import type { Stats } from 'node:fs';
import { ModelFormatError } from '../../io/model-format-error.js';

export interface ReadModelFileOptions {
  /** Largest number of bytes the file may hold; reading stops one byte past it. */
  maxBytes: number;
  /** Ends the "more than N bytes ..." message ('a model.json may have'). */
  why: string;
  /** The folder the file must resolve into (after following symlinks), when it belongs to one. */
  inside?: string;
}

/** Bytes asked of the kernel per read once the file outgrows what stat promised. */
const CHUNK_BYTES = 1 << 20;

function kindOf(s: Stats): string {
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  if (s.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function cannotRead(path: string, e: unknown): ModelFormatError {
  const code = (e as NodeJS.ErrnoException).code;
  return new ModelFormatError(path, code === 'ENOENT' ? 'file not found' : `cannot be read: ${(e as Error).message}`, { cause: e });
}

/** Refuses a path whose real location (symlinks followed) is not inside `folder`. */
async function checkInside(path: string, folder: string): Promise<string> {
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([realpath(path), realpath(folder)]);
  } catch (e) {
    throw cannotRead(path, e);
  }
  const rel = relative(root, real);
  // ('..x' is a file name inside the folder; '..' and '../x' leave it.)
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ModelFormatError(path, `resolves to ${real}, outside the model folder ${root}; files of a model must lie inside its folder (symlinks leaving it are not followed)`);
  }
  return real;
}

/**
 * Opens without blocking (a FIFO with no writer would otherwise hang `open` itself), then checks
 * what was opened, not what the path named a moment before.
 */
async function openRegular(path: string, real: string | null): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw cannotRead(path, e);
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new ModelFormatError(path, `is ${kindOf(s)}; model files must be regular files`);
    if (real !== null) {
      // The path could have been swapped for a symlink between the check and the open.
      const checked = await stat(real);
      if (checked.dev !== s.dev || checked.ino !== s.ino) throw new ChangedWhileOpening(path);
    }
    return { handle, size: s.size };
  } catch (e) {
    await handle.close();
    throw e instanceof ModelFormatError ? e : cannotRead(path, e);
  }
}

/**
 * How often the check and the open are tried again when the file changed in between: a save that
 * installs a new model.json renames it over the old one, a legitimate change that a reader may
 * meet at any moment (the new file is checked like the old one).
 */
const OPEN_ATTEMPTS = 3;

async function openChecked(path: string, o: ReadModelFileOptions): Promise<{ handle: FileHandle; size: number }> {
  for (let attempt = 1; ; attempt++) {
    const real = o.inside === undefined ? null : await checkInside(path, o.inside);
    try {
      return await openRegular(path, real);
    } catch (e) {
      if (attempt >= OPEN_ATTEMPTS || !(e instanceof ChangedWhileOpening)) throw e;
    }
  }
}

class ChangedWhileOpening extends ModelFormatError {
  constructor(path: string) {
    super(path, 'changed while it was being opened; refusing to read it');
  }
}

function tooLong(path: string, o: ReadModelFileOptions, statSize: number): ModelFormatError {
  return new ModelFormatError(path, `has more than the ${o.maxBytes} bytes ${o.why} (reading stopped there; stat said ${statSize} bytes)`);
}

/** Reads `handle` to its end, throwing as soon as more than `maxBytes` bytes came back. */
async function readAtMost(handle: FileHandle, sizeHint: number, o: ReadModelFileOptions, path: string): Promise<Uint8Array> {
  // A size stat reports may be believed when it is too large (refused unread), never when small.
  if (sizeHint > o.maxBytes) throw new ModelFormatError(path, `has ${sizeHint} bytes, more than the ${o.maxBytes} bytes ${o.why}`);
  // stat's size is only a first guess for the buffer: one byte more shows whether the file goes on.
  let buffer = new Uint8Array(Math.min(sizeHint, o.maxBytes) + 1);
  let have = 0;
  for (;;) {
    if (have === buffer.length) {
      if (have > o.maxBytes) throw tooLong(path, o, sizeHint);
      const grown = new Uint8Array(Math.min(Math.max(buffer.length * 2, have + CHUNK_BYTES), o.maxBytes + 1));
      grown.set(buffer);
      buffer = grown;
    }
    const { bytesRead } = await handle.read(buffer, have, buffer.length - have, null);
    if (bytesRead === 0) break;
    have += bytesRead;
  }
  return have * 2 < buffer.length ? buffer.slice(0, have) : buffer.subarray(0, have);
}

/** The bytes of the regular file at `path`, read with the checks described above. */
export async function readModelFile(path: string, o: ReadModelFileOptions): Promise<Uint8Array> {
  const { handle, size } = await openChecked(path, o);
  try {
    return await readAtMost(handle, size, o, path);
  } catch (e) {
    throw e instanceof ModelFormatError ? e : cannotRead(path, e);
  } finally {
    await handle.close();
  }
}
