/**
 * The only Python globals a PyTorch state dict may name, and what each becomes. Everything else
 * (`os.system`, `builtins.eval`, `torch.nn.Module`, ...) is refused by name at the GLOBAL opcode,
 * before anything could use it. The allowed callables are interpreted here as data builders:
 *
 *   collections.OrderedDict()                                         -> an empty dict
 *   torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])
 *   torch._utils._rebuild_parameter(tensor, requires_grad, hooks)     -> the tensor
 *   torch.<Type>Storage                                                -> a dtype, inside a persistent id
 *   persistent id ('storage', <Type>Storage, key, location, numel)    -> a reference to archive/data/<key>
 */
import { ModelFormatError } from '../model-format-error.js';
import { describePy, isDict, isGlobal, isOpaque, isTuple, pyDict, type PyTuple, type PyValue } from './pickle-values.js';
import type { UnpicklerHooks } from './unpickler.js';

/** Element types of PyTorch's typed storages, by storage class. */
export const STORAGE_TYPES = {
  FloatStorage: { dtype: 'float32', itemBytes: 4 },
  DoubleStorage: { dtype: 'float64', itemBytes: 8 },
  HalfStorage: { dtype: 'float16', itemBytes: 2 },
  BFloat16Storage: { dtype: 'bfloat16', itemBytes: 2 },
  LongStorage: { dtype: 'int64', itemBytes: 8 },
  IntStorage: { dtype: 'int32', itemBytes: 4 },
  ShortStorage: { dtype: 'int16', itemBytes: 2 },
  CharStorage: { dtype: 'int8', itemBytes: 1 },
  ByteStorage: { dtype: 'uint8', itemBytes: 1 },
  BoolStorage: { dtype: 'bool', itemBytes: 1 },
} as const;

export type StorageClass = keyof typeof STORAGE_TYPES;

const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
const ORDERED_DICT = 'collections.OrderedDict';
const ALLOWED_CALLABLES = [REBUILD_TENSOR, REBUILD_PARAMETER, ORDERED_DICT];

/** A storage the pickle refers to: the bytes are the archive member `data/<key>`. */
export interface StorageRef {
  readonly key: string;
  readonly storageClass: StorageClass;
  /** Element count the pickle declares (checked against the member's size). */
  readonly numel: number;
}

/** A tensor as the pickle describes it: a strided view into a storage. */
export interface TensorRef {
  readonly storage: StorageRef;
  readonly offset: number;
  readonly size: readonly number[];
  readonly stride: readonly number[];
}

export function isTensorRef(v: PyValue): v is { kind: 'opaque'; value: TensorRef } {
  return isOpaque(v) && typeof v.value === 'object' && v.value !== null && 'stride' in v.value;
}

function isStorageRef(v: PyValue): v is { kind: 'opaque'; value: StorageRef } {
  return isOpaque(v) && typeof v.value === 'object' && v.value !== null && 'storageClass' in v.value;
}

function isStorageClass(name: string): name is StorageClass {
  return Object.prototype.hasOwnProperty.call(STORAGE_TYPES, name);
}

/** A tuple of non-negative safe integers (a size or a stride). */
function intTuple(v: PyValue, what: string, fail: (m: string) => never): number[] {
  if (!isTuple(v)) return fail(`${what} is a ${describePy(v)}, expected a tuple of ints`);
  if (v.items.length > 16) return fail(`${what} has ${v.items.length} dimensions; at most 16 are supported`);
  return v.items.map((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return fail(`${what}[${i}] is ${typeof d === 'number' ? d : describePy(d)}, expected a non-negative int`);
    return d;
  });
}

function rebuildTensor(args: PyTuple, fail: (m: string) => never): PyValue {
  const [storage, offset, size, stride] = args.items;
  if (args.items.length < 6 || args.items.length > 7) fail(`${REBUILD_TENSOR} takes 6 or 7 arguments, got ${args.items.length}`);
  if (!isStorageRef(storage)) return fail(`${REBUILD_TENSOR}: the storage is a ${describePy(storage)}, expected a persistent storage id`);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return fail(`${REBUILD_TENSOR}: storage offset must be a non-negative int`);
  const sizes = intTuple(size, 'tensor size', fail);
  const strides = intTuple(stride, 'tensor stride', fail);
  if (sizes.length !== strides.length) fail(`tensor size has ${sizes.length} dimensions but stride has ${strides.length}`);
  const hooks = args.items[5];
  if (!(isDict(hooks) && hooks.entries.size === 0)) fail(`${REBUILD_TENSOR}: backward hooks must be an empty OrderedDict (hooks are code), got a ${describePy(hooks)}`);
  const ref: TensorRef = { storage: storage.value, offset, size: sizes, stride: strides };
  return { kind: 'opaque', value: ref };
}

function rebuildParameter(args: PyTuple, fail: (m: string) => never): PyValue {
  const [data, , hooks] = args.items;
  if (args.items.length !== 3) fail(`${REBUILD_PARAMETER} takes 3 arguments, got ${args.items.length}`);
  if (!isTensorRef(data)) return fail(`${REBUILD_PARAMETER}: the data is a ${describePy(data)}, expected a tensor`);
  if (!(isDict(hooks) && hooks.entries.size === 0)) fail(`${REBUILD_PARAMETER}: backward hooks must be an empty OrderedDict (hooks are code), got a ${describePy(hooks)}`);
  return data;
}

function storageFromPersistentId(pid: PyValue, fail: (m: string) => never): PyValue {
  if (!isTuple(pid) || pid.items.length !== 5 || pid.items[0] !== 'storage') return fail(`persistent id is a ${describePy(pid)}, expected ('storage', type, key, location, numel)`);
  const [, type, key, location, numel] = pid.items;
  if (!isGlobal(type) || !isStorageClass(type.name.slice('torch.'.length))) return fail(`persistent id names a ${describePy(type)}, expected a torch.*Storage class`);
  if (typeof key !== 'string' || !/^[A-Za-z0-9_]{1,64}$/.test(key)) return fail('storage key must be 1-64 letters, digits or underscores');
  if (typeof location !== 'string' || !location.startsWith('cpu') && !location.startsWith('cuda')) return fail(`storage location must name a device ('cpu', 'cuda:0'), got a ${describePy(location)}`);
  if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) return fail('storage size must be a non-negative int');
  const ref: StorageRef = { key, storageClass: type.name.slice('torch.'.length) as StorageClass, numel };
  return { kind: 'opaque', value: ref };
}

/** The hooks that let the unpickler read a state dict and nothing more. */
export function stateDictHooks(file: string): UnpicklerHooks {
  const fail = (message: string): never => {
    throw new ModelFormatError(file, message);
  };
  return {
    findGlobal(module, name) {
      const full = `${module}.${name}`;
      if (ALLOWED_CALLABLES.includes(full) || (module === 'torch' && isStorageClass(name))) return { kind: 'global', name: full };
      return fail(`the pickle names the global '${full}', which a state dict does not need; refused (allowed: ${ALLOWED_CALLABLES.join(', ')}, torch.<Type>Storage)`);
    },
    persistentLoad: (pid) => storageFromPersistentId(pid, fail),
    reduce(callable, args) {
      if (!isGlobal(callable)) return fail(`REDUCE calls a ${describePy(callable)}, not an allowed global`);
      if (callable.name === REBUILD_TENSOR) return rebuildTensor(args, fail);
      if (callable.name === REBUILD_PARAMETER) return rebuildParameter(args, fail);
      if (callable.name === ORDERED_DICT && args.items.length === 0) return pyDict();
      return fail(`REDUCE calls ${callable.name} with ${describePy(args)}; a state dict only calls ${ALLOWED_CALLABLES.join(', ')} (OrderedDict with no arguments)`);
    },
    build(target, state) {
      // A state dict's OrderedDict carries `_metadata` (module versions) as an attribute.
      if (!isDict(target) || !isDict(state)) return fail(`BUILD sets the state of a ${describePy(target)} from a ${describePy(state)}; only an OrderedDict's attributes may be set`);
      for (const [k, v] of state.entries) target.attributes.set(String(k), v);
    },
  };
}
