/**
 * readTorchFile on the fixture real PyTorch wrote (test/fixtures/torch: torch 1.13's
 * torch.save of a small CNN's state dict and of odd tensors), and its refusals on hand-made files.
 */
import assert from 'node:assert/strict';
import { zipSync } from 'fflate';
import { test } from 'node:test';
import { Conv2d, F, Flatten, Linear, MaxPool2d, ReLU, Sequential as NnSequential } from '../../nn/index.js';
import { tensor } from '../../ops/create.js';
import { randomInput, smallCnn } from '../io-test-util.js';
import { openZip, writeZip } from '../keras/zip-archive.js';
import { ModelFormatError } from '../model-format-error.js';
import { loadPytorchWeights } from '../pytorch-weights.js';
import { isDict } from './pickle-values.js';
import { PickleWriter } from './pickle-writer.js';
import { MAX_PICKLE_BYTES, MAX_TENSOR_ELEMENTS, readTorchFile } from './read-torch-file.js';
import { assertTensorLike, maxAbsDiff, nchwToNhwc, readFixture, SHIPPED_FIXTURES, torchArchive } from './torch-test-util.js';
import { isTensorRef, STORAGE_TYPES, stateDictHooks } from './torch-globals.js';
import { unpickle } from './unpickler.js';
import { writeTorchFile } from './write-torch-file.js';

const refused = (pattern: RegExp) => (e: unknown) => e instanceof ModelFormatError && pattern.test(e.message);

test('every tensor torch.save wrote reads back as torch holds it: Parameter, half, bfloat16, offset and strided views, stride 0, int64, bool, 0-d', () => {
  const fixture = readFixture(SHIPPED_FIXTURES, 'tensors');
  const dict = readTorchFile(fixture.bytes, { file: 'tensors.pt' });
  assert.deepEqual(Object.keys(dict), Object.keys(fixture.tensors), 'keys in the file order');
  for (const [key, want] of Object.entries(fixture.tensors)) assertTensorLike(dict[key], want, key, 0);
  assert.equal(dict['long'].dtype, 'int32');
  assert.equal(dict['mask'].dtype, 'int32');
  assert.equal(dict['half'].dtype, 'float32');
});

test('a small CNN state dict torch wrote loads into a Keras-style model (loadPytorchWeights) and an nn module (loadStateDict) with torch\'s predictions', () => {
  const fixture = readFixture(SHIPPED_FIXTURES, 'small-cnn');
  const input = fixture.input!;
  const want = fixture.output!.values;

  const keras = smallCnn(7);
  loadPytorchWeights(keras, readTorchFile(fixture.bytes));
  const [n, c, h, w] = input.shape;
  const kerasOut = keras.predict(tensor(nchwToNhwc(input.values, input.shape), [n, h, w, c])).dataSync();
  assert.ok(maxAbsDiff(kerasOut, want) <= 1e-6, `Keras-style: ${maxAbsDiff(kerasOut, want)}`);

  const fromBytes = smallCnn(8);
  loadPytorchWeights(fromBytes, fixture.bytes);
  assert.deepEqual(fromBytes.weights.map((v) => [...v.dataSync()]), keras.weights.map((v) => [...v.dataSync()]), 'the .pt bytes alone give the same weights');

  const net = new NnSequential(new Conv2d(2, 4, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(36, 3));
  net.loadStateDict(readTorchFile(fixture.bytes));
  const nnOut = F.softmax(net.forward(tensor(Float32Array.from(input.values), input.shape)), 1).dataSync();
  assert.ok(maxAbsDiff(nnOut, want) <= 1e-6, `nn: ${maxAbsDiff(nnOut, want)}`);
});

test('a big-endian file (byteorder "big") reads as the same values', () => {
  const fixture = readFixture(SHIPPED_FIXTURES, 'tensors');
  const zip = openZip(fixture.bytes, 'tensors.pt');
  const little = readTorchFile(fixture.bytes);
  // Each storage's element size, from the pickle itself.
  const pickle = zip.read(zip.names.find((n) => n.endsWith('/data.pkl'))!);
  const top = unpickle(pickle, stateDictHooks('tensors.pt'));
  assert.ok(isDict(top));
  const itemBytes: Record<string, number> = {};
  for (const v of top.entries.values()) if (isTensorRef(v)) itemBytes[v.value.storage.key] = STORAGE_TYPES[v.value.storage.storageClass].itemBytes;
  const folder = zip.names[0].slice(0, zip.names[0].indexOf('/') + 1);
  const members = zip.names.map((name): [string, Uint8Array] => {
    const bytes = zip.read(name);
    const key = name.startsWith(`${folder}data/`) ? name.slice(`${folder}data/`.length) : null;
    const size = key === null ? 1 : itemBytes[key];
    for (let at = 0; at < bytes.length; at += size) bytes.subarray(at, at + size).reverse();
    return [name, bytes];
  });
  const big = readTorchFile(writeZip([...members, [`${folder}byteorder`, new TextEncoder().encode('big')]]));
  for (const [key, t] of Object.entries(little)) assert.deepEqual([...big[key].dataSync()], [...t.dataSync()], key);
});

test('writeTorchFile output reads back bit for bit (float32, int32, 0-d, empty)', () => {
  const dict = {
    'conv.weight': tensor(Float32Array.from([1.5, -0, NaN, 3e-39]), [2, 1, 1, 2]),
    'bn.num_batches_tracked': tensor(new Int32Array([7]), [], 'int32'),
    empty: tensor(new Float32Array(0), [0, 3]),
  };
  const back = readTorchFile(writeTorchFile(dict));
  assert.deepEqual(Object.keys(back), Object.keys(dict));
  for (const [key, t] of Object.entries(dict)) {
    assert.deepEqual(back[key].shape, t.shape, key);
    assert.equal(back[key].dtype, t.dtype, key);
    assert.deepEqual(new Uint32Array(back[key].dataSync().buffer), new Uint32Array(t.dataSync().buffer), key);
  }
});

/** A pickle of an OrderedDict with one tensor `w` of FloatStorage '0' (numel), offset, size, stride. */
function tensorPickle(numel: number, offset: number, size: number[], stride: number[], storage = 'FloatStorage'): Uint8Array {
  const w = new PickleWriter().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().mark().unicode('w');
  w.global('torch._utils', '_rebuild_tensor_v2').mark();
  w.mark().unicode('storage').global('torch', storage).unicode('0').unicode('cpu').int(numel).tuple().persistentId();
  w.int(offset).intTuple(size).intTuple(stride).bool(false).global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
  return w.setItems().stop().bytes();
}

test('a pickle that calls os.system is refused at the global, naming it; nothing runs', () => {
  // c os\nsystem\n ( X 'echo pwned' t R .  — what pickle.dumps of a malicious __reduce__ gives.
  const evil = new PickleWriter().proto(2).global('os', 'system').mark().unicode('echo pwned').tuple().reduce().stop().bytes();
  assert.throws(() => readTorchFile(torchArchive(evil), { file: 'evil.pt' }), refused(/evil\.pt: the pickle names the global 'os\.system'.*refused/));
  const evalCall = new PickleWriter().proto(2).global('builtins', 'eval').bytes();
  assert.throws(() => readTorchFile(torchArchive(evalCall)), refused(/'builtins\.eval'/));
  const module = new PickleWriter().proto(2).global('torch.nn.modules.linear', 'Linear').bytes();
  assert.throws(() => readTorchFile(torchArchive(module)), refused(/'torch\.nn\.modules\.linear\.Linear'/));
});

test('opcodes a state dict does not use, a later protocol, truncation and leftovers are refused by name', () => {
  const head = new PickleWriter().proto(2).bytes();
  const withOp = (...ops: number[]) => torchArchive(Uint8Array.from([...head, ...ops]));
  assert.throws(() => readTorchFile(withOp(0x93)), refused(/opcode STACK_GLOBAL is not used by PyTorch state dicts/));
  assert.throws(() => readTorchFile(withOp(0x81)), refused(/opcode NEWOBJ/));
  assert.throws(() => readTorchFile(withOp(0x69)), refused(/opcode INST/));
  assert.throws(() => readTorchFile(withOp(0xff)), refused(/unknown pickle opcode 0xff/));
  assert.throws(() => readTorchFile(torchArchive(Uint8Array.from([0x80, 4]))), refused(/protocol 4/));
  assert.throws(() => readTorchFile(withOp(0x7d)), refused(/ends without STOP/));
  assert.throws(() => readTorchFile(withOp(0x7d, 0x7d, 0x2e)), refused(/STOP leaves 1 values/));
  assert.throws(() => readTorchFile(withOp(0x58, 0xff, 0xff, 0xff, 0x7f)), refused(/truncated/));
  assert.throws(() => readTorchFile(withOp(0x68, 9)), refused(/memo key 9 was never stored/));
});

test('deep nesting is a loop, not a recursion: 200,000 nested tuples end in a clear error, not a stack overflow', () => {
  const depth = 200_000;
  const ops = [...new PickleWriter().proto(2).bytes(), ...new Array(depth).fill(0x28), ...new Array(depth).fill(0x74), 0x2e];
  const start = performance.now();
  assert.throws(() => readTorchFile(torchArchive(Uint8Array.from(ops))), refused(/holds a tuple of 1, expected a state dict/));
  assert.ok(performance.now() - start < 5000, 'linear time');
});

test('views past their storage, storages of the wrong size, float64 and oversized tensors are refused', () => {
  const four = new Uint8Array(16);
  assert.throws(() => readTorchFile(torchArchive(tensorPickle(4, 2, [3], [1]), { 0: four })), refused(/tensor 'w' \[3\] \(offset 2, stride \[1\]\) reaches storage element 4, the storage has 4/));
  assert.throws(() => readTorchFile(torchArchive(tensorPickle(4, 0, [2, 2], [3, 1]), { 0: four })), refused(/reaches storage element 4/));
  assert.throws(() => readTorchFile(torchArchive(tensorPickle(4, 0, [4], [1]), { 0: new Uint8Array(12) })), refused(/storage 'archive\/data\/0' has 12 bytes, its pickle declares 4 FloatStorage elements \(16 bytes\)/));
  assert.throws(() => readTorchFile(torchArchive(tensorPickle(4, 0, [4], [1]), { 0: new Uint8Array(20) })), refused(/declares 20 bytes, more than the 16 bytes/));
  assert.throws(() => readTorchFile(torchArchive(tensorPickle(4, 0, [4], [1]), {})), refused(/storage member 'archive\/data\/0' is missing/));
  assert.throws(() => readTorchFile(torchArchive(tensorPickle(2, 0, [2], [1], 'DoubleStorage'), { 0: four })), refused(/float64.*\.float\(\)/));
  assert.throws(() => readTorchFile(torchArchive(tensorPickle(1, 0, [2 ** 15, 2 ** 14], [0, 0]), { 0: new Uint8Array(4) })), refused(new RegExp(`more than the limit of ${MAX_TENSOR_ELEMENTS}`)));
  assert.throws(() => readTorchFile(torchArchive(tensorPickle(1, 0, [1], [1], 'ComplexFloatStorage'), { 0: new Uint8Array(8) })), refused(/'torch\.ComplexFloatStorage'.*refused/));
  const good = readTorchFile(torchArchive(tensorPickle(4, 1, [3], [1]), { 0: new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer) }));
  assert.deepEqual([...good['w'].dataSync()], [2, 3, 4], 'an offset view inside its storage is read');
});

test('archives that are not torch.save files are refused: no data.pkl, members outside the folder, bad byteorder', () => {
  assert.throws(() => readTorchFile(writeZip([['model.json', new Uint8Array(2)]]), { file: 'm.pt' }), refused(/m\.pt: expected one '<folder>\/data\.pkl'/));
  const pickle = tensorPickle(1, 0, [1], [1]);
  assert.throws(() => readTorchFile(torchArchive(pickle, { 0: new Uint8Array(4) }, [['other/x', new Uint8Array(1)]])), refused(/member 'other\/x' lies outside the archive folder 'archive\/'/));
  assert.throws(() => readTorchFile(torchArchive(pickle, { 0: new Uint8Array(4) }, [['archive/byteorder', new TextEncoder().encode('middle')]])), refused(/byteorder is 'middle'/));
  assert.throws(() => readTorchFile(new Uint8Array(10)), refused(/too short for a zip archive/));
});

test('random input: a fuzzed torch file fails with ModelFormatError or reads, never anything else', () => {
  const fixture = readFixture(SHIPPED_FIXTURES, 'small-cnn');
  const rng = randomInput(1, [400], 3).dataSync();
  for (let i = 0; i < 200; i++) {
    const bytes = fixture.bytes.slice();
    const at = Math.floor(Math.abs(rng[i * 2]) * bytes.length);
    bytes[at] ^= 1 + Math.floor(Math.abs(rng[i * 2 + 1]) * 254);
    try {
      readTorchFile(bytes);
    } catch (e) {
      assert.ok(e instanceof ModelFormatError, `flip at ${at}: ${(e as Error).stack}`);
    }
  }
});

test('a data.pkl declaring more than 64 MiB is refused before it is inflated', () => {
  const big = zipSync({ 'archive/data.pkl': [new Uint8Array(MAX_PICKLE_BYTES + 1), { level: 1 }] });
  assert.ok(big.byteLength < MAX_PICKLE_BYTES / 100, 'the archive itself is small');
  assert.throws(() => readTorchFile(big), refused(new RegExp(`zip member 'archive/data.pkl' declares ${MAX_PICKLE_BYTES + 1} bytes, more than the ${MAX_PICKLE_BYTES} bytes a state dict pickle may have`)));
});
