/**
 * `writeTorchFile(stateDict)`: a `.pt` file that `torch.load(path, weights_only=True)` reads back
 * as an OrderedDict of tensors under the same keys (e.g. `model.stateDict()` of an `nn` module,
 * whose keys are PyTorch's). The layout is torch.save's zip format: `archive/data.pkl` (pickle
 * protocol 2, only the globals weights_only allows), `archive/data/<i>` (each tensor's bytes,
 * little-endian, contiguous), `archive/byteorder` and `archive/version`. Members are stored
 * uncompressed with their data 64-byte aligned, as PyTorch writes them.
 *
 * Example: `writeFileSync('lenet.pt', writeTorchFile(net.stateDict()))`, then in Python
 * `net.load_state_dict(torch.load('lenet.pt', weights_only=True))`.
 */
import { zipSync } from 'fflate';
import type { Tensor } from '../../tensor/tensor.js';
import { assertLittleEndianHost, bytesOf } from '../bytes.js';
import { PickleWriter } from './pickle-writer.js';

/** PyTorch aligns each record's data to 64 bytes (so storages can be memory-mapped). */
const ALIGN = 64;
/** fflate writes a 30-byte local header, the name, then our one extra field (4-byte header). */
const LOCAL_HEADER = 30;
const EXTRA_HEADER = 4;
/** An unregistered zip extra-field id for padding ('FB', the one PyTorch's writer uses). */
const PADDING_FIELD = 0x4246;

export type WritableStateDict = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

function storageClassOf(t: Tensor, key: string): string {
  if (t.dtype === 'float32') return 'FloatStorage';
  if (t.dtype === 'int32') return 'IntStorage';
  throw new Error(`writeTorchFile: tensor '${key}' has dtype ${String(t.dtype)}; expected float32 or int32`);
}

/** Row-major strides of a contiguous tensor. */
function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** The pickle of an OrderedDict whose values rebuild tensors from storages '0', '1', ... */
function statePickle(entries: [string, Tensor][]): Uint8Array {
  const w = new PickleWriter();
  w.proto(2);
  w.global('collections', 'OrderedDict').emptyTuple().reduce();
  w.mark();
  entries.forEach(([key, t], i) => {
    w.unicode(key);
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.mark();
    w.mark().unicode('storage').global('torch', storageClassOf(t, key)).unicode(String(i)).unicode('cpu').int(t.size).tuple();
    w.persistentId();
    w.int(0).intTuple(t.shape).intTuple(contiguousStrides(t.shape)).bool(false);
    w.global('collections', 'OrderedDict').emptyTuple().reduce();
    w.tuple().reduce();
  });
  w.setItems();
  w.stop();
  return w.bytes();
}

/** Zip members in order, each one's data starting at a multiple of ALIGN. */
function alignedZip(members: [string, Uint8Array][]): Uint8Array {
  const input: Record<string, [Uint8Array, { level: 0; mtime: Date; extra: Record<number, Uint8Array> }]> = {};
  const mtime = new Date(1980, 0, 1);
  let offset = 0;
  for (const [name, data] of members) {
    const nameBytes = new TextEncoder().encode(name).byteLength;
    const before = offset + LOCAL_HEADER + nameBytes + EXTRA_HEADER;
    const pad = (ALIGN - (before % ALIGN)) % ALIGN;
    input[name] = [data, { level: 0, mtime, extra: { [PADDING_FIELD]: new Uint8Array(pad) } }];
    offset = before + pad + data.byteLength;
  }
  return zipSync(input);
}

/** A `.pt` file of `stateDict` (float32 and int32 tensors), readable by `torch.load(weights_only=True)`. */
export function writeTorchFile(stateDict: WritableStateDict): Uint8Array {
  assertLittleEndianHost('writeTorchFile');
  const entries: [string, Tensor][] = stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict);
  const members: [string, Uint8Array][] = [['archive/data.pkl', statePickle(entries)]];
  entries.forEach(([, t], i) => members.push([`archive/data/${i}`, bytesOf(t.dataSync() as Float32Array | Int32Array)]));
  members.push(['archive/byteorder', new TextEncoder().encode('little')], ['archive/version', new TextEncoder().encode('3\n')]);
  return alignedZip(members);
}
