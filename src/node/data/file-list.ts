/**
 * The files of an image folder, held compactly so that memory does not grow with the folder by
 * more than a few bytes a file: the paths relative to the folder as UTF-8 bytes in one buffer, and
 * where each ends in one Uint32Array. A string per file (absolute path, name, copies per subset)
 * cost over 100 bytes a file, and, worse, strings that live through the listing make V8 grow its
 * young generation for the rest of the process; here a file costs its name's bytes plus 4, and a
 * string is made only when its batch is read.
 *
 *   const b = new FileListBuilder();
 *   b.add('cats/001.png');
 *   const files = b.finish('/data/photos');
 *   files.path(0); // '/data/photos/cats/001.png'
 *
 * Names compare by their UTF-8 bytes, which is code point order: Python's `sorted`, as Keras
 * sorts paths.
 */
import { sep } from 'node:path';

const utf8 = new TextEncoder();
const text = new TextDecoder('utf-8', { fatal: false });

export class FileList {
  constructor(
    /** The folder (a real path); every name is relative to it. */
    readonly root: string,
    private readonly bytes: Uint8Array,
    /** End of name i in `bytes` (name i starts where name i - 1 ends). */
    private readonly ends: Uint32Array,
  ) {}

  get length(): number {
    return this.ends.length;
  }

  /** The UTF-8 bytes of name i (a view, not a copy). */
  nameBytes(i: number): Uint8Array {
    if (!(i >= 0 && i < this.ends.length)) throw new RangeError(`FileList: index ${i} is outside the ${this.ends.length} files`);
    return this.bytes.subarray(i === 0 ? 0 : this.ends[i - 1], this.ends[i]);
  }

  /** Path of file i relative to the folder (for messages). */
  name(i: number): string {
    return text.decode(this.nameBytes(i));
  }

  /** Absolute path of file i. */
  path(i: number): string {
    return this.root.endsWith(sep) ? this.root + this.name(i) : this.root + sep + this.name(i);
  }

  /** Bytes this list holds (names and offsets). */
  bytesHeld(): number {
    return this.bytes.byteLength + this.ends.byteLength;
  }

  /** Positions 0..length-1 ordered by name (byte order = code point order). */
  sortedOrder(): Int32Array {
    return Int32Array.from({ length: this.length }, (_, i) => i).sort((a, b) => compareBytes(this.nameBytes(a), this.nameBytes(b)));
  }
}

/** Byte-wise comparison: negative, zero or positive as `a` sorts before, with or after `b`. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Collects names in order, then `finish(root)` gives the FileList. */
export class FileListBuilder {
  private bytes = new Uint8Array(16 * 1024);
  private ends = new Uint32Array(1024);
  private count = 0;
  private used = 0;

  get length(): number {
    return this.count;
  }

  /** Adds the name made of `parts` (strings or UTF-8 bytes) written one after another. */
  add(...parts: (string | Uint8Array)[]): void {
    for (const p of parts) this.write(p);
    if (this.count === 0 ? this.used === 0 : this.used === this.ends[this.count - 1]) throw new Error('FileListBuilder.add: a file name is empty');
    if (this.count === this.ends.length) this.ends = grown(this.ends, this.ends.length * 2);
    this.ends[this.count++] = this.used;
  }

  private write(part: string | Uint8Array): void {
    // A UTF-16 unit becomes at most 3 UTF-8 bytes.
    const most = typeof part === 'string' ? part.length * 3 : part.length;
    if (this.used + most > 0xffffffff) throw new Error('FileListBuilder.add: the names exceed 4 GiB');
    if (this.used + most > this.bytes.length) this.bytes = grown(this.bytes, Math.max(this.bytes.length * 2, this.used + most));
    if (typeof part === 'string') this.used += utf8.encodeInto(part, this.bytes.subarray(this.used)).written;
    else {
      this.bytes.set(part, this.used);
      this.used += part.length;
    }
  }

  finish(root: string): FileList {
    return new FileList(root, this.bytes.slice(0, this.used), this.ends.slice(0, this.count));
  }
}

function grown<T extends Uint8Array | Uint32Array>(a: T, length: number): T {
  const out = new (a.constructor as new (n: number) => T)(length);
  out.set(a);
  return out;
}
