/**
 * HDF5 files as plain trees, through h5wasm (the HDF5 C library in WebAssembly, with an in-memory
 * file system, so this works in browsers and Node alike). Writing takes a tree of groups and
 * float32 datasets; reading walks a whole file into a tree after checks of our own (signature,
 * superblock, end-of-file address against the byte count) and bounds on everything the walk
 * touches (depth, object count, dataset and attribute sizes), so a corrupted file ends in a
 * ModelFormatError instead of an allocation sized by a corrupted header.
 *
 * Example: `await writeHdf5(group({ layers: group({ dense: group({ vars: group({ '0': dataset([2], w) }) }) }) }))`.
 */
import type h5wasm from 'h5wasm';
import { importOptional } from '../optional-package.js';
import { ModelFormatError } from '../model-format-error.js';

export interface H5Dataset {
  kind: 'dataset';
  shape: number[];
  /** float32 values; null for datasets of another type (their `dtype` says which). */
  values: Float32Array | null;
  dtype: string;
}

export interface H5Group {
  kind: 'group';
  /** Members in insertion order (writing) or name order (reading). */
  children: Map<string, H5Node>;
  /** String, number and string-list attributes (others are skipped on reading). */
  attrs: Record<string, H5Attr>;
}

export type H5Node = H5Group | H5Dataset;
export type H5Attr = string | number | string[] | number[];

export function group(children: Record<string, H5Node> | [string, H5Node][] = {}, attrs: Record<string, H5Attr> = {}): H5Group {
  return { kind: 'group', children: new Map(Array.isArray(children) ? children : Object.entries(children)), attrs };
}

export function dataset(shape: readonly number[], values: Float32Array): H5Dataset {
  return { kind: 'dataset', shape: [...shape], values, dtype: '<f' };
}

type H5Module = typeof h5wasm;
type H5File = InstanceType<H5Module['File']>;
interface H5Stream {
  fd: number;
}

interface H5Runtime {
  FS: {
    writeFile(path: string, data: Uint8Array): void;
    readFile(path: string): Uint8Array;
    unlink(path: string): void;
    open(path: string, flags: string): H5Stream;
    close(stream: H5Stream): void;
    getStream(fd: number): H5Stream | null;
  };
}

interface H5Lib {
  h5: H5Module;
  FS: H5Runtime['FS'];
}

let runtime: Promise<H5Lib> | null = null;
let fileCounter = 0;
let instances = 0;

/**
 * The wasm module, loaded once. HDF5 prints its error stack to stderr on every failed call; a
 * corrupted file is an expected input here, so the module's stderr (fd 2 of its in-memory file
 * system) is pointed at /dev/null. (h5wasm's "throwing error handler" is deliberately not used:
 * throwing out of HDF5's error callback unwinds the C library without its cleanup and leaves the
 * module unusable after a few corrupted files.)
 */
function ready(): Promise<H5Lib> {
  runtime ??= loadInstance().then(async (h5) => {
    const module = (await h5.ready) as unknown as H5Runtime;
    const stderr = module.FS.getStream(2);
    if (stderr !== null) {
      module.FS.close(stderr);
      module.FS.open('/dev/null', 'w');
    }
    return { h5, FS: module.FS };
  });
  return runtime;
}

/**
 * The first instance is h5wasm itself; after a trap a fresh copy of h5wasm is
 * imported (a new URL gives a new module instance with its own wasm memory), because a trap can
 * leave the old instance's memory in any state.
 */
async function loadInstance(): Promise<H5Module> {
  // Imported on first use: h5wasm instantiates its 4 MB WebAssembly module as soon as it is imported.
  // The `.catch` on the import itself tells esbuild that this optional peer may be missing: an app
  // bundled without h5wasm builds, and fails here at run time with importOptional's install hint.
  if (instances++ === 0) return (await importOptional('HDF5 (readHdf5/writeHdf5)', 'h5wasm', () => import('h5wasm').catch((e: unknown) => Promise.reject(e)))).default;
  const url = `${import.meta.resolve('h5wasm')}?instance=${instances}`;
  return ((await import(url)) as { default: H5Module }).default;
}

/** A WebAssembly trap (out-of-bounds access, abort) inside HDF5 poisons the instance: drop it. */
function isTrap(e: unknown): boolean {
  return e instanceof WebAssembly.RuntimeError || (e instanceof Error && /memory access out of bounds|unreachable|Aborted\(/.test(e.message));
}

function writeNode(parent: { create_group(n: string): unknown; create_dataset(a: object): unknown; create_attribute(n: string, v: unknown): unknown }, name: string, node: H5Node): void {
  if (node.kind === 'dataset') {
    if (node.values === null) throw new Error(`writeHdf5: dataset '${name}' has no values`);
    parent.create_dataset({ name, data: node.values, shape: node.shape, dtype: '<f' });
    return;
  }
  const g = parent.create_group(name) as typeof parent;
  writeGroup(g, node);
}

function writeGroup(target: Parameters<typeof writeNode>[0], node: H5Group): void {
  for (const [key, value] of Object.entries(node.attrs)) target.create_attribute(key, value);
  for (const [key, child] of node.children) writeNode(target, key, child);
}

/** The bytes of an HDF5 file holding `root`. */
export async function writeHdf5(root: H5Group): Promise<Uint8Array> {
  const { FS, h5 } = await ready();
  const path = `/fovea-write-${fileCounter++}.h5`;
  const file = new h5.File(path, 'w');
  try {
    writeGroup(file as unknown as Parameters<typeof writeNode>[0], root);
  } catch (e) {
    if (isTrap(e)) runtime = null;
    throw e;
  } finally {
    file.close();
  }
  try {
    return FS.readFile(path).slice();
  } finally {
    FS.unlink(path);
  }
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Checks what HDF5 would trust blindly: signature, superblock version, field sizes, end of file. */
export function checkSuperblock(bytes: Uint8Array, file: string): void {
  if (bytes.byteLength < 48 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new ModelFormatError(file, `is not an HDF5 file (no HDF5 signature at byte 0${bytes.byteLength < 48 ? `; only ${bytes.byteLength} bytes` : ''})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[8];
  if (version > 3) throw new ModelFormatError(file, `HDF5 superblock version ${version} is unknown (0 to 3 exist)`);
  const [offsetSize, lengthSize] = version < 2 ? [bytes[13], bytes[14]] : [bytes[9], bytes[10]];
  if (offsetSize !== 8 || lengthSize !== 8) throw new ModelFormatError(file, `HDF5 superblock gives ${offsetSize}-byte offsets and ${lengthSize}-byte lengths; files written by h5py use 8 and 8`);
  // Version 0/1: base address at 24 (+4 for v1), EOF address 16 bytes later; version 2/3: EOF at 28.
  const eofAt = version === 0 ? 40 : version === 1 ? 44 : 28;
  const base = Number(view.getBigUint64(version < 2 ? eofAt - 16 : 12, true));
  const eof = Number(view.getBigUint64(eofAt, true));
  if (base !== 0 || eof > bytes.byteLength || eof < 48) {
    throw new ModelFormatError(file, `HDF5 superblock says the file ends at byte ${eof} (base ${base}), it has ${bytes.byteLength} bytes (truncated or corrupted)`);
  }
}

const GCOL = [0x47, 0x43, 0x4f, 0x4c];

/**
 * Global heap collections ("GCOL", where variable-length strings live) carry no checksum, and
 * HDF5 walks their objects trusting each size: a free-space object of size 0 makes it loop
 * forever, a huge size makes its pointer wrap. Each collection is walked here first, the way HDF5
 * will, and refused unless every step moves forward inside the collection.
 */
export function checkGlobalHeaps(bytes: Uint8Array, file: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = bytes.indexOf(GCOL[0]); at >= 0 && at + 16 <= bytes.byteLength; at = bytes.indexOf(GCOL[0], at + 1)) {
    if (!GCOL.every((b, i) => bytes[at + i] === b) || bytes[at + 4] !== 1 || bytes[at + 5] !== 0 || bytes[at + 6] !== 0 || bytes[at + 7] !== 0) continue;
    const size = Number(view.getBigUint64(at + 8, true));
    const end = at + size;
    if (size < 16 || end > bytes.byteLength) throw new ModelFormatError(file, `HDF5 global heap at byte ${at} claims ${size} bytes, the file has ${bytes.byteLength - at} left`);
    for (let p = at + 16; p + 16 <= end;) {
      const index = view.getUint16(p, true);
      const objectSize = Number(view.getBigUint64(p + 8, true));
      const step = index > 0 ? 16 + Math.ceil(objectSize / 8) * 8 : objectSize;
      if (step <= 0 || p + step > end) throw new ModelFormatError(file, `HDF5 global heap at byte ${at}: object ${index} at byte ${p} has an impossible size ${objectSize}`);
      p += step;
    }
  }
}

export interface ReadLimits {
  /** Most groups + datasets in the file (default 10,000). */
  maxObjects?: number;
  /** Deepest group nesting (default 32). */
  maxDepth?: number;
  /** Read attributes (default true); Keras 3 weight files have none, and skipping them is faster. */
  attributes?: boolean;
}

interface Walk {
  file: string;
  /** Bytes any one dataset or attribute may hold: an uncompressed HDF5 file holds its data. */
  maxBytes: number;
  objects: number;
  maxObjects: number;
  maxDepth: number;
  attributes: boolean;
}

interface H5Entity {
  keys?(): string[];
  attrs?: Record<string, { metadata: { total_size: number; size: number; type: number }; value: unknown }>;
  metadata?: { total_size: number; size: number; type: number; shape: number[] | null; chunks: number[] | null };
  dtype?: unknown;
  value?: unknown;
  get?(name: string): H5Entity | null;
}

function readAttrs(entity: H5Entity, where: string, walk: Walk): Record<string, H5Attr> {
  const out: Record<string, H5Attr> = {};
  for (const [name, attr] of Object.entries(entity.attrs ?? {})) {
    const meta = attr.metadata;
    if (meta.total_size * Math.max(meta.size, 1) > walk.maxBytes) throw new ModelFormatError(walk.file, `attribute '${name}' of '${where}' claims ${meta.total_size} values, more than the file holds`);
    const value = attr.value;
    if (typeof value === 'string' || typeof value === 'number') out[name] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value as string[];
    else if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) out[name] = Array.from(value as Float64Array);
  }
  return out;
}

/**
 * A rank-0 dataset's number (the reader gives a plain number, not an array), for float32 and the
 * integer types Keras stores counters in (Normalization's int64 `count`); null otherwise.
 */
function scalarValue(entity: H5Entity, shape: readonly number[], dtype: string): number | null {
  if (shape.length !== 0 || !['<f', '<i8', '<i4'].includes(dtype)) return null;
  const value: unknown = entity.value;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value);
  if (ArrayBuffer.isView(value) && (value as unknown as ArrayLike<number>).length === 1) return Number((value as unknown as ArrayLike<number | bigint>)[0]);
  return null;
}

function readDataset(entity: H5Entity, where: string, walk: Walk): H5Dataset {
  const meta = entity.metadata as NonNullable<H5Entity['metadata']>;
  const shape = meta.shape ?? [];
  if (shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ModelFormatError(walk.file, `dataset '${where}' has an invalid shape ${JSON.stringify(shape)}`);
  const bytes = meta.total_size * meta.size;
  if (!(bytes <= walk.maxBytes)) throw new ModelFormatError(walk.file, `dataset '${where}' ${JSON.stringify(shape)} needs ${bytes} bytes, more than the ${walk.maxBytes}-byte file holds`);
  // Only chunked datasets can be compressed; h5py and Keras store weights contiguously.
  if (meta.chunks !== null && meta.chunks !== undefined) throw new ModelFormatError(walk.file, `dataset '${where}' is chunked (possibly compressed); Keras weight files store datasets contiguously`);
  const dtype = String(entity.dtype);
  const scalar = scalarValue(entity, shape, dtype);
  if (scalar !== null) return { kind: 'dataset', shape, values: Float32Array.of(scalar), dtype: '<f' };
  if (dtype !== '<f') return { kind: 'dataset', shape, values: null, dtype };
  const values = entity.value;
  if (!(values instanceof Float32Array) || values.length !== meta.total_size) throw new ModelFormatError(walk.file, `dataset '${where}' could not be read as ${meta.total_size} float32 values`);
  return { kind: 'dataset', shape, values, dtype };
}

function readNode(entity: H5Entity, where: string, depth: number, walk: Walk): H5Node {
  if (++walk.objects > walk.maxObjects) throw new ModelFormatError(walk.file, `holds more than ${walk.maxObjects} groups and datasets`);
  if (depth > walk.maxDepth) throw new ModelFormatError(walk.file, `groups are nested deeper than ${walk.maxDepth} levels at '${where}'`);
  if (entity.keys === undefined) return readDataset(entity, where, walk);
  const children = new Map<string, H5Node>();
  const names = entity.keys();
  if (names.length > walk.maxObjects) throw new ModelFormatError(walk.file, `group '${where}' lists ${names.length} members`);
  for (const name of names) {
    const child = (entity.get as NonNullable<H5Entity['get']>)(name);
    const path = `${where === '/' ? '' : where}/${name}`;
    if (child === null || (child.keys === undefined && child.metadata === undefined)) throw new ModelFormatError(walk.file, `'${path}' is a link or type, not a group or dataset`);
    children.set(name, readNode(child, path, depth + 1, walk));
  }
  return { kind: 'group', children, attrs: walk.attributes ? readAttrs(entity, where, walk) : {} };
}

/** Reads a whole HDF5 file into a tree, after checking its superblock; every failure is a ModelFormatError. */
export async function readHdf5(bytes: Uint8Array, file: string, limits: ReadLimits = {}): Promise<H5Group> {
  checkSuperblock(bytes, file);
  checkGlobalHeaps(bytes, file);
  const { FS, h5 } = await ready();
  const path = `/fovea-read-${fileCounter++}.h5`;
  FS.writeFile(path, bytes);
  let handle: H5File | null = null;
  try {
    handle = new h5.File(path, 'r');
    const walk: Walk = { file, maxBytes: bytes.byteLength, objects: 0, maxObjects: limits.maxObjects ?? 10_000, maxDepth: limits.maxDepth ?? 32, attributes: limits.attributes ?? true };
    return readNode(handle as unknown as H5Entity, '/', 0, walk) as H5Group;
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    if (isTrap(e)) {
      runtime = null;
      handle = null;
      throw new ModelFormatError(file, 'is not a readable HDF5 file (the HDF5 library failed on it; it is corrupted)', { cause: e });
    }
    const first = String((e as Error)?.message ?? e).split('\n').find((l) => /minor:|error/i.test(l))?.trim() ?? 'unreadable';
    throw new ModelFormatError(file, `is not a readable HDF5 file (${first})`, { cause: e });
  } finally {
    try {
      handle?.close();
    } catch {
      // A file HDF5 could not parse may also fail to close; its memory file is removed below.
    }
    try {
      FS.unlink(path);
    } catch {
      // Only a trapped (already dropped) instance fails here.
    }
  }
}

/** The member at `path` ('layers/dense/vars'), or undefined. */
export function lookup(root: H5Group, path: string): H5Node | undefined {
  let node: H5Node | undefined = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    node = node?.kind === 'group' ? node.children.get(part) : undefined;
  }
  return node;
}
