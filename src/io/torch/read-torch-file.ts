/**
 * `readTorchFile(bytes)`: the state dict in a file written by `torch.save(model.state_dict(), path)`
 * (the zip format of PyTorch >= 1.6), as Fovea tensors under PyTorch's keys, in the file's order.
 *
 * The archive holds one folder (`archive/`, or the file's stem in older PyTorch) with `data.pkl`
 * (the pickled OrderedDict), `data/<key>` (each storage's raw bytes), `byteorder` ('little' or
 * 'big'; absent in files older than PyTorch 2.1, which are little-endian) and `version`. The pickle
 * is read by a restricted unpickler (see unpickler.ts and torch-globals.ts): no code in the file
 * runs. Sizes are bounded: the pickle, the member count, each storage, every tensor's elements.
 *
 * Example:
 *   const net = lenet5();
 *   net.loadStateDict(readTorchFile(readFileSync('lenet.pt')));            // nn modules
 *   loadPytorchWeights(mnistCnn(), readTorchFile(readFileSync('cnn.pt')));  // Keras-style models
 */
import { tensor } from '../../ops/create.js';
import { shapeToString } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { assertLittleEndianHost } from '../bytes.js';
import { openZip, type ZipReader } from '../keras/zip-archive.js';
import { ModelFormatError } from '../model-format-error.js';
import { describePy, isDict, type PyDict, type PyValue } from './pickle-values.js';
import { decodeStorage, gatherView, viewExtent, type StorageValues } from './storage-values.js';
import { isTensorRef, STORAGE_TYPES, stateDictHooks, type TensorRef } from './torch-globals.js';
import { unpickle } from './unpickler.js';

export interface ReadTorchFileOptions {
  /** The file's name, for error messages. */
  file?: string;
  /**
   * For a checkpoint dict (`{'model': state_dict, 'epoch': 3, ...}`): the key of the state dict
   * to read. Without it, the file's top-level dict must hold only tensors.
   */
  entry?: string;
}

/** Largest data.pkl read (a state dict's pickle takes ~100 bytes per tensor). */
export const MAX_PICKLE_BYTES = 64 * 2 ** 20;
/** Most archive members: one per storage, plus data.pkl, version, byteorder. */
export const MAX_TORCH_MEMBERS = 65_535;
/** Most elements of one tensor, and of all tensors together (float32: 1 GiB and 2 GiB). */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;
export const MAX_TOTAL_ELEMENTS = 2 ** 29;

/** The state dict: a null-prototype object (a key such as `__proto__` stays a key). */
export type TorchStateDict = Record<string, Tensor>;

/** The archive's folder: the prefix of its one `<folder>/data.pkl`, which every member shares. */
function archiveFolder(zip: ZipReader, file: string): string {
  const pickles = zip.names.filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pickles.length !== 1) {
    throw new ModelFormatError(file, `expected one '<folder>/data.pkl' in the archive (torch.save's zip format, PyTorch >= 1.6), found ${pickles.length}${zip.names.length > 0 ? ` among ${zip.names.slice(0, 8).join(', ')}` : ''}`);
  }
  const folder = pickles[0].slice(0, -'data.pkl'.length);
  const stray = zip.names.find((n) => !n.startsWith(folder));
  if (stray !== undefined) throw new ModelFormatError(file, `member '${stray}' lies outside the archive folder '${folder}'`);
  return folder;
}

function isBigEndian(zip: ZipReader, folder: string, file: string): boolean {
  const name = `${folder}byteorder`;
  if (!zip.names.includes(name)) return false;
  const order = new TextDecoder().decode(zip.read(name, { maxBytes: 16, why: 'a byteorder record may have' })).trim();
  if (order !== 'little' && order !== 'big') throw new ModelFormatError(file, `byteorder is '${order.slice(0, 16)}', expected 'little' or 'big'`);
  return order === 'big';
}

/** The dict of tensors: the top level, or its `entry` for a checkpoint. */
function stateDictOf(top: PyValue, entry: string | undefined, file: string): PyDict {
  if (!isDict(top)) throw new ModelFormatError(file, `the pickle holds a ${describePy(top)}, expected a state dict (an OrderedDict of tensors)`);
  if (entry === undefined) return top;
  const inner = top.entries.get(entry);
  if (inner === undefined || !isDict(inner)) {
    throw new ModelFormatError(file, `entry '${entry}' is ${inner === undefined ? 'missing' : `a ${describePy(inner)}`}; the file's keys are ${[...top.entries.keys()].slice(0, 16).join(', ')}`);
  }
  return inner;
}

function tensorRefs(dict: PyDict, file: string): [string, TensorRef][] {
  const refs: [string, TensorRef][] = [];
  for (const [key, value] of dict.entries) {
    if (!isTensorRef(value)) {
      const hint = isDict(value) ? `; for a checkpoint dict pass { entry: '${key}' } (or --entry ${key})` : '';
      throw new ModelFormatError(file, `'${key}' is a ${describePy(value)}, not a tensor${hint}`);
    }
    refs.push([String(key), value.value]);
  }
  return refs;
}

/** Reads, decodes and caches each storage once (several tensors may view one storage). */
function storageReader(zip: ZipReader, folder: string, bigEndian: boolean, file: string) {
  const cache = new Map<string, StorageValues>();
  const members = new Set(zip.names);
  return (ref: TensorRef, key: string): StorageValues => {
    const { key: storageKey, storageClass, numel } = ref.storage;
    const cached = cache.get(storageKey);
    if (cached !== undefined) return cached;
    const name = `${folder}data/${storageKey}`;
    const expected = numel * STORAGE_TYPES[storageClass].itemBytes;
    if (!members.has(name)) throw new ModelFormatError(file, `tensor '${key}': storage member '${name}' is missing`);
    const bytes = zip.read(name, { maxBytes: expected, why: `its pickle declares (${numel} ${storageClass} elements)` });
    if (bytes.byteLength !== expected) throw new ModelFormatError(file, `tensor '${key}': storage '${name}' has ${bytes.byteLength} bytes, its pickle declares ${numel} ${storageClass} elements (${expected} bytes)`);
    const values = decodeStorage(bytes, storageClass, bigEndian, `tensor '${key}'`, file);
    cache.set(storageKey, values);
    return values;
  };
}

/** Reads a PyTorch state dict file (see the module comment); every check passes before a tensor is made. */
export function readTorchFile(bytes: Uint8Array, options: ReadTorchFileOptions = {}): TorchStateDict {
  const file = options.file ?? 'PyTorch file';
  assertLittleEndianHost('readTorchFile');
  const zip = openZip(bytes, file, { maxEntries: MAX_TORCH_MEMBERS });
  const folder = archiveFolder(zip, file);
  const bigEndian = isBigEndian(zip, folder, file);
  const pickle = zip.read(`${folder}data.pkl`, { maxBytes: MAX_PICKLE_BYTES, why: 'a state dict pickle may have' });
  const top = unpickle(pickle, stateDictHooks(file), `${file} (${folder}data.pkl)`);
  const refs = tensorRefs(stateDictOf(top, options.entry, file), file);
  const storage = storageReader(zip, folder, bigEndian, file);
  let total = 0;
  const dense = refs.map(([key, ref]) => {
    const { numel, lastIndex } = viewExtent(ref);
    if (numel > MAX_TENSOR_ELEMENTS) throw new ModelFormatError(file, `tensor '${key}' ${shapeToString(ref.size)} has ${numel} elements, more than the limit of ${MAX_TENSOR_ELEMENTS}`);
    total += numel;
    if (total > MAX_TOTAL_ELEMENTS) throw new ModelFormatError(file, `the tensors hold more than ${MAX_TOTAL_ELEMENTS} elements in all`);
    if (lastIndex >= ref.storage.numel) {
      throw new ModelFormatError(file, `tensor '${key}' ${shapeToString(ref.size)} (offset ${ref.offset}, stride ${shapeToString(ref.stride)}) reaches storage element ${lastIndex}, the storage has ${ref.storage.numel}`);
    }
    const values = gatherView(storage(ref, key), ref, numel);
    return { key, shape: [...ref.size], values };
  });
  const out = Object.create(null) as TorchStateDict;
  for (const { key, shape, values } of dense) {
    Object.defineProperty(out, key, { value: tensor(values, shape, values instanceof Int32Array ? 'int32' : 'float32'), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
