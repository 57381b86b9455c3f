/**
 * Lists the images of a folder as Keras's `index_directory` does: with inferred labels each
 * sub-folder is a class (sorted by name, or the order of `classNames`) and its files, searched
 * recursively, are sorted by path; otherwise every image under the folder, sorted. Only the
 * extensions Keras allows are read. Symlinked folders are not entered (Keras's follow_links
 * false); a file resolving outside the folder is refused. Nothing is written.
 *
 * Each file's header is checked here (signature, size, complete ending), so a truncated or
 * foreign file stops the load before training starts, naming the file and what is wrong.
 */
import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { HEAD_BYTES, type ImageHeader, ImageHeaderError, readImageHeader, TAIL_BYTES } from '../../data/image-header.js';
import { checkInside, ImageFileError, readHeadAndTail } from './image-file.js';

/** Keras's ALLOWLIST_FORMATS. */
export const IMAGE_EXTENSIONS = ['.bmp', '.gif', '.jpeg', '.jpg', '.png'] as const;
/** What Fovea decodes; GIF and BMP files are found (as Keras finds them) but refused. */
const DECODED = new Set(['png', 'jpeg']);

export interface ImageFolderIndex {
  /** Absolute paths, in Keras's order. */
  paths: string[];
  /** Paths relative to the folder, for messages. */
  names: string[];
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

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    throw fail(dir, `cannot be listed (${(e as Error).message})`);
  }
}

/** Image files under `dir`, recursively, sorted per folder; symlinked folders are not entered. */
function imagesUnder(dir: string): string[] {
  const out: string[] = [];
  const sub: string[] = [];
  for (const e of entries(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory()) sub.push(path);
    // Anything else with an image extension is listed (as os.walk lists it) so a FIFO or socket is refused by name, not skipped.
    else if ((IMAGE_EXTENSIONS as readonly string[]).includes(extname(e.name).toLowerCase())) {
      if (e.isSymbolicLink() && statSync(path, { throwIfNoEntry: false })?.isDirectory()) continue;
      out.push(path);
    }
  }
  // os.walk order, sorted: a folder's files, then its sub-folders' in name order.
  return [...out, ...sub.flatMap(imagesUnder)];
}

/** The class sub-folders: all (sorted) or those named by `classNames`, in that order. */
function classFolders(dir: string, classNames: readonly string[] | undefined): string[] {
  const found = entries(dir).filter((e) => e.isDirectory()).map((e) => e.name);
  if (classNames === undefined) return found;
  const missing = classNames.filter((c) => !found.includes(c));
  if (missing.length > 0 || new Set(classNames).size !== classNames.length) {
    throw fail(dir, `classNames must name distinct sub-folders of the folder; ${missing.length > 0 ? `not found: ${missing.join(', ')}` : 'a name is repeated'} (sub-folders: ${found.join(', ') || 'none'})`);
  }
  return [...classNames];
}

/** Checks one file's header and size limits; returns what it holds. */
function checkFile(path: string, name: string, root: string, o: IndexOptions): ImageHeader {
  checkInside(path, root, name);
  const { head, tail, size } = readHeadAndTail(path, name, HEAD_BYTES, TAIL_BYTES);
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
  return header;
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
  let paths: string[];
  let labels: Int32Array | null = null;
  let classNames: string[] = [];
  if (o.labels === 'inferred') {
    classNames = classFolders(root, o.classNames);
    if (classNames.length === 0) throw fail(dir, 'has no sub-folders; with labels inferred, each class is a sub-folder of images');
    const perClass = classNames.map((c) => imagesUnder(join(root, c)));
    const empty = classNames.filter((_, k) => perClass[k].length === 0);
    if (empty.length > 0) throw fail(dir, `class folder${empty.length > 1 ? 's' : ''} ${empty.map((c) => `'${c}'`).join(', ')} hold${empty.length > 1 ? '' : 's'} no images (${IMAGE_EXTENSIONS.join(', ')})`);
    paths = perClass.flat();
    labels = Int32Array.from(perClass.flatMap((files, k) => files.map(() => k)));
  } else {
    paths = imagesUnder(root);
    if (o.labels !== null) {
      if (o.labels.length !== paths.length) {
        throw fail(dir, `labels has ${o.labels.length} values but the folder holds ${paths.length} image files; give one label per file, in the sorted order of their paths`);
      }
      const bad = o.labels.findIndex((l) => !Number.isInteger(l) || l < 0);
      if (bad >= 0) throw fail(dir, `labels[${bad}] is ${o.labels[bad]}; labels are class indices (non-negative integers)`);
      labels = Int32Array.from(o.labels);
      const count = Math.max(...o.labels) + 1;
      classNames = o.classNames === undefined ? Array.from({ length: count }, (_, k) => String(k)) : [...o.classNames];
      if (classNames.length < count) throw fail(dir, `classNames has ${classNames.length} names but labels go up to ${count - 1}`);
    }
  }
  if (paths.length === 0) throw fail(dir, `holds no images (allowed: ${IMAGE_EXTENSIONS.join(', ')})`);
  const names = paths.map((p) => relative(root, p));
  paths.forEach((p, i) => checkFile(p, names[i], root, o));
  return { paths, names, labels, classNames };
}
