/**
 * Lists the images of a folder as Keras's `index_directory` does: with inferred labels each
 * sub-folder is a class (sorted by name, or the order of `classNames`) and its files, searched
 * recursively, are sorted by path; otherwise every image under the folder, sorted. Only the
 * extensions Keras allows are read. Symlinked folders are not entered (Keras's follow_links
 * false); a file resolving outside the folder is refused. Nothing is written.
 *
 * Each file's header is checked here (signature, size, complete ending), so a truncated or
 * foreign file stops the load before training starts, naming the file and what is wrong. The
 * list is kept compact (file-list.ts) and the headers are read into one reused buffer, so a
 * folder of 50,000 files costs a few MB, not a string and a buffer per file.
 */
import { opendirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { HEAD_BYTES, type ImageHeader, ImageHeaderError, readImageHeader, TAIL_BYTES } from '../../data/image-header.js';
import { reclaimUnreachable } from '../../tensor/reclamation.js';
import { FileList, FileListBuilder } from './file-list.js';
import { checkInside, ImageFileError, readHeadAndTail } from './image-file.js';

/** Keras's ALLOWLIST_FORMATS. */
export const IMAGE_EXTENSIONS = ['.bmp', '.gif', '.jpeg', '.jpg', '.png'] as const;
/** What Fovea decodes; GIF and BMP files are found (as Keras finds them) but refused. */
const DECODED = new Set(['png', 'jpeg']);

export interface ImageFolderIndex {
  /** The files, in Keras's order (compact: see file-list.ts). */
  files: FileList;
  /** Class index per file; null without labels. */
  labels: Int32Array | null;
  classNames: string[];
}

export interface IndexOptions {
  /** 'inferred' (sub-folders), one label per file (sorted order), or null (no labels). */
  labels: 'inferred' | readonly number[] | null;
  classNames?: readonly string[];
  /** Largest width x height accepted (decoding needs 4 bytes a pixel). */
  maxPixels: number;
  /** Largest file accepted. */
  maxFileBytes: number;
}

const fail = (dir: string, why: string) => new Error(`imageDatasetFromDirectory: ${dir}: ${why}`);

/** What a folder entry is, as far as listing needs to know. */
const enum Kind {
  Other = 0,
  Folder = 1,
  Symlink = 2,
}

/** A folder's entries: names (compact), the kind of those that are not plain files, and the positions in name order. */
interface Listing {
  names: FileList;
  /** Position -> kind, for folders and symlinks only (a Map, so a folder of files costs nothing here). */
  kinds: Map<number, Kind>;
  order: number[];
}

/**
 * The entries of `dir`, sorted by name. Read as a stream (opendir) into a compact list, so no
 * object or string per entry outlives the read: a class folder of 20,000 files costs its names'
 * bytes, in chunks that never regrow (file-list.ts says why that matters).
 */
function entries(dir: string): Listing {
  const names = new FileListBuilder();
  const kinds = new Map<number, Kind>();
  try {
    const d = opendirSync(dir, { bufferSize: 256 });
    try {
      for (let e = d.readSync(); e !== null; e = d.readSync()) {
        const kind = e.isDirectory() ? Kind.Folder : e.isSymbolicLink() ? Kind.Symlink : Kind.Other;
        if (kind !== Kind.Other) kinds.set(names.length, kind);
        names.add(e.name);
      }
    } finally {
      d.closeSync();
    }
  } catch (e) {
    throw fail(dir, `cannot be listed (${(e as Error).message})`);
  }
  const list = names.finish(dir);
  return { names: list, kinds, order: list.sortedOrder() };
}

const EXTENSION_BYTES = IMAGE_EXTENSIONS.map((e) => Array.from(e, (c) => c.charCodeAt(0)));

/** Whether a name (UTF-8) ends in an allowed extension, compared ignoring ASCII case (as extname + toLowerCase; a leading dot is no extension). */
function hasImageExtension(name: Uint8Array): boolean {
  const dot = name.lastIndexOf(0x2e);
  if (dot <= 0) return false;
  const n = name.length - dot;
  return EXTENSION_BYTES.some((ext) => ext.length === n && ext.every((c, i) => (name[dot + i] | (i > 0 ? 0x20 : 0)) === c));
}

/**
 * Adds the image files under `rel` (relative to `root`), recursively, sorted per folder, to
 * `out`; returns how many. Symlinked folders are not entered, so only a file that is itself a
 * symlink can resolve outside the folder: that one is checked here.
 */
function addImagesUnder(root: string, rel: string, out: FileListBuilder): number {
  const before = out.length;
  const sub: string[] = [];
  const { names, kinds, order } = entries(join(root, rel));
  const prefix = rel === '' ? new Uint8Array(0) : new TextEncoder().encode(`${rel}${sep}`);
  for (const i of order) {
    const bytes = names.nameBytes(i);
    if (kinds.get(i) === Kind.Folder) sub.push(rel === '' ? names.name(i) : `${rel}${sep}${names.name(i)}`);
    // Anything else with an image extension is listed (as os.walk lists it) so a FIFO or socket is refused by name, not skipped.
    else if (hasImageExtension(bytes)) {
      if (kinds.get(i) === Kind.Symlink) {
        const name = rel === '' ? names.name(i) : `${rel}${sep}${names.name(i)}`;
        if (statSync(join(root, name), { throwIfNoEntry: false })?.isDirectory()) continue;
        checkInside(join(root, name), root, name);
      }
      out.add(prefix, bytes);
    }
  }
  // os.walk order, sorted: a folder's files, then its sub-folders' in name order.
  for (const s of sub) addImagesUnder(root, s, out);
  return out.length - before;
}

/** The class sub-folders: all (sorted) or those named by `classNames`, in that order. */
function classFolders(dir: string, classNames: readonly string[] | undefined): string[] {
  const { names, kinds, order } = entries(dir);
  const found = order.filter((i) => kinds.get(i) === Kind.Folder).map((i) => names.name(i));
  if (classNames === undefined) return found;
  const missing = classNames.filter((c) => !found.includes(c));
  if (missing.length > 0 || new Set(classNames).size !== classNames.length) {
    throw fail(dir, `classNames must name distinct sub-folders of the folder; ${missing.length > 0 ? `not found: ${missing.join(', ')}` : 'a name is repeated'} (sub-folders: ${found.join(', ') || 'none'})`);
  }
  return [...classNames];
}

/** Checks one file's header and size limits (reading into `scratch`, reused for every file). */
function checkFile(path: string, name: string, o: IndexOptions, scratch: Uint8Array): void {
  const { head, tail, size } = readHeadAndTail(path, name, HEAD_BYTES, TAIL_BYTES, scratch);
  if (size === 0) throw new ImageFileError(name, 'is empty (0 bytes)');
  if (size > o.maxFileBytes) throw new ImageFileError(name, `holds ${size} bytes, more than maxFileBytes (${o.maxFileBytes}); refused`);
  let header: ImageHeader;
  try {
    header = readImageHeader(head, tail);
  } catch (e) {
    if (e instanceof ImageHeaderError) throw new ImageFileError(name, e.message);
    throw e;
  }
  if (!DECODED.has(header.format)) {
    throw new ImageFileError(name, `is a ${header.format.toUpperCase()} file; Fovea decodes PNG and JPEG only (convert it, or move it out of the folder)`);
  }
  if (header.width * header.height > o.maxPixels) {
    throw new ImageFileError(name, `is ${header.width}x${header.height} pixels, more than maxPixels (${o.maxPixels})`);
  }
}

/** The files and labels from the class sub-folders (labels inferred). */
function inferredLabels(dir: string, root: string, o: IndexOptions): { files: FileList; labels: Int32Array; classNames: string[] } {
  const classNames = classFolders(root, o.classNames);
  if (classNames.length === 0) throw fail(dir, 'has no sub-folders; with labels inferred, each class is a sub-folder of images');
  const builder = new FileListBuilder();
  const perClass = classNames.map((c) => addImagesUnder(root, c, builder));
  const empty = classNames.filter((_, k) => perClass[k] === 0);
  if (empty.length > 0) throw fail(dir, `class folder${empty.length > 1 ? 's' : ''} ${empty.map((c) => `'${c}'`).join(', ')} hold${empty.length > 1 ? '' : 's'} no images (${IMAGE_EXTENSIONS.join(', ')})`);
  const labels = new Int32Array(builder.length);
  let at = 0;
  perClass.forEach((n, k) => labels.fill(k, at, (at += n)));
  return { files: builder.finish(root), labels, classNames };
}

/** The labels given per file (sorted path order), checked against the files found. */
function givenLabels(dir: string, files: FileList, given: readonly number[], names: readonly string[] | undefined): { labels: Int32Array; classNames: string[] } {
  if (given.length !== files.length) {
    throw fail(dir, `labels has ${given.length} values but the folder holds ${files.length} image files; give one label per file, in the sorted order of their paths`);
  }
  const bad = given.findIndex((l) => !Number.isInteger(l) || l < 0);
  if (bad >= 0) throw fail(dir, `labels[${bad}] is ${given[bad]}; labels are class indices (non-negative integers)`);
  const count = given.reduce((m, l) => Math.max(m, l), -1) + 1;
  const classNames = names === undefined ? Array.from({ length: count }, (_, k) => String(k)) : [...names];
  if (classNames.length < count) throw fail(dir, `classNames has ${classNames.length} names but labels go up to ${count - 1}`);
  return { labels: Int32Array.from(given), classNames };
}

/** The images of `dir` with their labels and class names, every file's header checked. */
export function indexImageFolder(dir: string, o: IndexOptions): ImageFolderIndex {
  let root: string;
  try {
    root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new Error('not a folder');
  } catch (e) {
    throw fail(dir, `is not a readable folder (${(e as Error).message})`);
  }
  let index: ImageFolderIndex;
  if (o.labels === 'inferred') index = inferredLabels(dir, root, o);
  else {
    const builder = new FileListBuilder();
    addImagesUnder(root, '', builder);
    const files = builder.finish(root);
    index = o.labels === null ? { files, labels: null, classNames: [] } : { files, ...givenLabels(dir, files, o.labels, o.classNames) };
  }
  if (index.files.length === 0) throw fail(dir, `holds no images (allowed: ${IMAGE_EXTENSIONS.join(', ')})`);
  const scratch = new Uint8Array(HEAD_BYTES + TAIL_BYTES);
  for (let i = 0; i < index.files.length; i++) checkFile(index.files.path(i), index.files.name(i), o, scratch);
  // The listing made garbage about the list's size (per-folder lists, a path and a name string
  // per header check), some promoted to V8's old space during the checks: without a full
  // collection now it stays until V8's next one, often hundreds of training steps later, and a
  // large folder then trains with more resident than a small one.
  reclaimUnreachable();
  return index;
}
