/**
 * The files of an image folder, held compactly so that memory does not grow with the folder by
 * more than a few bytes a file: the paths relative to the folder as UTF-8 bytes, and where each
 * ends as a Uint32. A string per file (absolute path, name, copies per subset) cost over 100 bytes
 * a file, and, worse, strings that live through the listing make V8 grow its young generation for
 * the rest of the process; here a file costs its name's bytes plus 4, and a string is made only
 * when its batch is read.
 *
 *   const b = new FileListBuilder();
 *   b.add('cats/001.png');
 *   const files = b.finish('/data/photos');
 *   files.path(0); // '/data/photos/cats/001.png'
 *
 * Both are stored in chunks of at most CHUNK_BYTES, filled in turn and never copied or regrown.
 * Why: glibc's malloc serves a request of 128 KiB or more with its own mapping, and when such a
 * block is freed it raises its mmap threshold (process-wide) to that size; from then on every
 * thread's blocks of that size come from malloc arenas, which keep their pages. Growing one buffer
 * by doubling for 50,000 names freed blocks of up to a few MB, and a training run afterwards held
 * ~5 MB more in the arenas of V8's helper threads (measured: pinning MALLOC_MMAP_THRESHOLD_ made
 * the difference vanish). Chunks below the threshold leave it where it is.
 *
 * Names compare by their UTF-8 bytes, which is code point order: Python's `sorted`, as Keras
 * sorts paths.
 */
import { sep } from 'node:path';

/** Largest chunk of names or ends (a name longer than this gets a chunk of its own size). */
export const CHUNK_BYTES = 64 * 1024;
const ENDS_PER_CHUNK = CHUNK_BYTES / Uint32Array.BYTES_PER_ELEMENT;
const ENDS_SHIFT = Math.log2(ENDS_PER_CHUNK);

const utf8 = new TextEncoder();
const text = new TextDecoder('utf-8', { fatal: false });

export class FileList {
  /** @internal Made by FileListBuilder.finish. */
  constructor(
    /** The folder (a real path); every name is relative to it. */
    readonly root: string,
    /** Names, in order; a name never spans two chunks. */
    private readonly chunks: readonly Uint8Array[],
    /** Index of the first name of each chunk of `chunks`. */
    private readonly firstOfChunk: readonly number[],
    /** End of name i within its chunk: ends[i >> ENDS_SHIFT][i % ENDS_PER_CHUNK]. */
    private readonly ends: readonly Uint32Array[],
    readonly length: number,
  ) {}

  /** The UTF-8 bytes of name i (a view, not a copy). */
  nameBytes(i: number): Uint8Array {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length)) throw new RangeError(`FileList: index ${i} is outside the ${this.length} files`);
    const c = this.chunkOf(i);
    const start = i === this.firstOfChunk[c] ? 0 : this.endOf(i - 1);
    return this.chunks[c].subarray(start, this.endOf(i));
  }

  /** Path of file i relative to the folder (for messages). */
  name(i: number): string {
    return text.decode(this.nameBytes(i));
  }

  /** Absolute path of file i. */
  path(i: number): string {
    return this.root.endsWith(sep) ? this.root + this.name(i) : this.root + sep + this.name(i);
  }

  /** Bytes this list holds (its buffers, whole: a sealed chunk's unused tail counts). */
  bytesHeld(): number {
    return [...this.chunks, ...this.ends].reduce((n, a) => n + a.buffer.byteLength, 0);
  }

  /** Bytes of the largest buffer this list holds (at most CHUNK_BYTES unless a name is longer). */
  largestBuffer(): number {
    return [...this.chunks, ...this.ends].reduce((n, a) => Math.max(n, a.buffer.byteLength), 0);
  }

  /**
   * Positions 0..length-1 ordered by name (byte order = code point order). A plain array: it
   * lives in V8's heap, whose pages V8 maps itself, so a large folder's order does not go
   * through malloc (see the top of this file).
   */
  sortedOrder(): number[] {
    return Array.from({ length: this.length }, (_, i) => i).sort((a, b) => compareBytes(this.nameBytes(a), this.nameBytes(b)));
  }

  private endOf(i: number): number {
    return this.ends[i >>> ENDS_SHIFT][i & (ENDS_PER_CHUNK - 1)];
  }

  /** The chunk holding name i: the last one whose first name is at most i. */
  private chunkOf(i: number): number {
    let [lo, hi] = [0, this.firstOfChunk.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.firstOfChunk[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Bytes of `s` in UTF-8 as TextEncoder writes it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Byte-wise comparison: negative, zero or positive as `a` sorts before, with or after `b`. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Collects names in order, then `finish(root)` gives the FileList. */
export class FileListBuilder {
  private readonly chunks: Uint8Array[] = [];
  private readonly firstOfChunk: number[] = [];
  private readonly ends: Uint32Array[] = [];
  private current = new Uint8Array(CHUNK_BYTES);
  private used = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Adds the name made of `parts` (strings or UTF-8 bytes) written one after another. */
  add(...parts: (string | Uint8Array)[]): void {
    const need = parts.reduce((n, p) => n + (typeof p === 'string' ? utf8Length(p) : p.length), 0);
    if (this.used + need > this.current.length) this.startChunk(need);
    const start = this.used;
    for (const p of parts) this.write(p);
    if (this.used === start) throw new Error('FileListBuilder.add: a file name is empty');
    if (start === 0) this.firstOfChunk.push(this.count);
    if ((this.count & (ENDS_PER_CHUNK - 1)) === 0) this.ends.push(new Uint32Array(ENDS_PER_CHUNK));
    this.ends[this.ends.length - 1][this.count & (ENDS_PER_CHUNK - 1)] = this.used;
    this.count++;
  }

  /** Seals the current chunk (if it holds names) and starts one with room for `need` bytes (exactly, for a name longer than a chunk). */
  private startChunk(need: number): void {
    if (need > 0xffffffff) throw new Error('FileListBuilder.add: a name exceeds 4 GiB');
    if (this.used > 0) this.chunks.push(this.current.subarray(0, this.used));
    this.current = new Uint8Array(Math.max(CHUNK_BYTES, need));
    this.used = 0;
  }

  private write(part: string | Uint8Array): void {
    if (typeof part === 'string') this.used += utf8.encodeInto(part, this.current.subarray(this.used)).written;
    else {
      this.current.set(part, this.used);
      this.used += part.length;
    }
  }

  /** The list; the builder must not be used afterwards. */
  finish(root: string): FileList {
    // The last chunks are trimmed to what they hold (copies under CHUNK_BYTES).
    const chunks = this.used > 0 ? [...this.chunks, this.current.slice(0, this.used)] : [...this.chunks];
    const tail = this.count & (ENDS_PER_CHUNK - 1);
    const ends = tail === 0 ? [...this.ends] : [...this.ends.slice(0, -1), this.ends[this.ends.length - 1].slice(0, tail)];
    return new FileList(root, chunks, [...this.firstOfChunk], ends, this.count);
  }
}
