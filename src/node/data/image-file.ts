/**
 * Reading one image file of a user's folder without trusting it: only a regular file (a FIFO
 * would block, a device never ends), opened without blocking and checked after opening, inside
 * the folder once symlinks are followed, and never more than `maxBytes` read (counted as read,
 * not as `stat` says). Every error names the file relative to the folder.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

/** A problem with one file of an image folder: `file` is relative to the folder. */
export class ImageFileError extends Error {
  constructor(readonly file: string, readonly reason: string, options?: ErrorOptions) {
    super(`imageDatasetFromDirectory: ${file}: ${reason}`, options);
    this.name = 'ImageFileError';
  }
}

/** Refuses `path` when its real location is not inside `root` (a real path). */
export function checkInside(path: string, root: string, name: string): void {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (e) {
    throw new ImageFileError(name, `cannot be read (${(e as Error).message})`, { cause: e });
  }
  const rel = relative(root, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ImageFileError(name, `resolves to ${real}, outside the folder ${root}; symlinks leaving the folder are not followed`);
  }
}

function openRegular(path: string, name: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new ImageFileError(name, `cannot be read (${(e as Error).message})`, { cause: e });
  }
  const s = fstatSync(fd);
  if (!s.isFile()) {
    closeSync(fd);
    throw new ImageFileError(name, 'is not a regular file (a FIFO, device or socket is not read)');
  }
  return { fd, size: s.size };
}

/** Reads up to `into.length` bytes at `position` into `into`; the bytes read (fewer when the file ends). */
function readAt(fd: number, into: Uint8Array, position: number): Uint8Array {
  let got = 0;
  while (got < into.length) {
    const n = readSync(fd, into, got, into.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return into.subarray(0, got);
}

/**
 * The first `headBytes` and last `tailBytes` of the file (the whole file when it is small). With
 * `scratch` (at least headBytes + tailBytes long) they are views of it, valid until its next use:
 * checking a folder then allocates nothing per file.
 */
export function readHeadAndTail(path: string, name: string, headBytes: number, tailBytes: number, scratch?: Uint8Array): { head: Uint8Array; tail: Uint8Array; size: number } {
  const buffer = scratch ?? new Uint8Array(headBytes + tailBytes);
  if (buffer.length < headBytes + tailBytes) throw new Error(`readHeadAndTail: scratch holds ${buffer.length} bytes, needs ${headBytes + tailBytes}`);
  const { fd, size } = openRegular(path, name);
  try {
    const head = readAt(fd, buffer.subarray(0, Math.min(size, headBytes)), 0);
    const tail = size <= headBytes ? head.subarray(Math.max(0, head.length - tailBytes)) : readAt(fd, buffer.subarray(headBytes, headBytes + tailBytes), size - tailBytes);
    return { head, tail, size };
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole file, refusing one over `maxBytes`. At most the size fstat gave on the opened file
 * is read, so the cap holds even if the file grows meanwhile (a device reports 0 and is refused
 * as not regular). With a `scratch` the bytes are a view of it (grown when a file needs more),
 * valid until its next use: decoding a folder then allocates no buffer per file.
 */
export function readBounded(path: string, name: string, maxBytes: number, scratch?: ReadScratch): Uint8Array {
  const { fd, size } = openRegular(path, name);
  try {
    if (size > maxBytes) throw new ImageFileError(name, `holds ${size} bytes, more than maxFileBytes (${maxBytes}); refused`);
    return readAt(fd, scratch === undefined ? new Uint8Array(size) : scratch.take(size), 0);
  } finally {
    closeSync(fd);
  }
}

/** A buffer reused for reading file after file; it grows to the largest file read so far. */
export class ReadScratch {
  private buffer = new Uint8Array(64 * 1024);

  /** A view of `size` bytes (contents undefined until written). */
  take(size: number): Uint8Array {
    if (size > this.buffer.length) this.buffer = new Uint8Array(Math.max(size, this.buffer.length * 2));
    return this.buffer.subarray(0, size);
  }
}
