/**
 * Fuzzing the loaders from bytes (in memory): 10,000 corrupted or truncated variants of a saved
 * model (model.json + shards, optimizer included) and 10,000 of a safetensors file. Every variant
 * must either load (a flipped bit inside weight values is still a valid file) or fail with a
 * ModelFormatError; any other error type, a hang (the whole run is timed) or a runaway allocation
 * (heap growth is checked) fails the test.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bits, smallCnn } from '../src/io/io-test-util.js';
import { fromFiles, intoFiles } from '../src/io/memory-handlers.js';
import { loadModel, saveModel } from '../src/io/model-io.js';
import { ModelFormatError } from '../src/io/model-format-error.js';
import { loadPytorchWeights } from '../src/io/pytorch-weights.js';
import { entryValues, readSafetensors, writeSafetensors } from '../src/io/safetensors.js';
import { Adam } from '../src/optimizers/adam.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { Dense } from '../src/layers/dense.js';
import { Sequential } from '../src/models/sequential.js';
import { group as h5Group, dataset as h5Dataset, writeHdf5 } from '../src/io/keras/hdf5.js';
import { loadKeras, saveKeras } from '../src/io/keras/keras-file.js';
import { loadLegacyH5 } from '../src/io/keras/legacy-h5.js';
import { openZip, writeZip } from '../src/io/keras/zip-archive.js';

const VARIANTS = 10_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Values that break assumptions: wrong types, huge, negative, fractional, deep. */
const NASTY: unknown[] = [null, -1, 0, 1.5, 2 ** 31, 2 ** 53, 1e308, -1e308, 'x', '', [], {}, true, [1e9, 1e9, 1e9], [-1], ['a'], { class_name: 1 }, [[[[[[]]]]]], '../../etc/passwd', 'float64'];

function pick<T>(rng: Random, list: readonly T[]): T {
  return list[rng.int(list.length)];
}

/** Replaces, deletes or duplicates one randomly chosen value deep inside a JSON document. */
function mutateJson(value: unknown, rng: Random): unknown {
  if (value === null || typeof value !== 'object') return pick(rng, NASTY);
  const keys = Object.keys(value);
  if (keys.length === 0 || rng.next() < 0.15) return pick(rng, NASTY);
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  const key = pick(rng, keys);
  const r = rng.next();
  if (r < 0.1) {
    if (Array.isArray(copy)) copy.splice(Number(key), 1);
    else delete copy[key];
  } else if (r < 0.15 && Array.isArray(copy)) {
    copy.push(copy[Number(key)]);
  } else {
    (copy as Record<string, unknown>)[key] = mutateJson((copy as Record<string, unknown>)[key], rng);
  }
  return copy;
}

function mutateBytes(bytes: Uint8Array, rng: Random): Uint8Array {
  const r = rng.next();
  if (r < 0.3) return bytes.slice(0, rng.int(bytes.byteLength + 1)); // truncate
  const out = new Uint8Array(bytes.byteLength + (r < 0.4 ? 1 + rng.int(16) : 0));
  out.set(bytes);
  for (let i = bytes.byteLength; i < out.byteLength; i++) out[i] = rng.int(256);
  const flips = r < 0.4 ? 0 : 1 + rng.int(4);
  for (let i = 0; i < flips && out.byteLength > 0; i++) {
    const at = rng.int(out.byteLength);
    out[at] = rng.next() < 0.5 ? out[at] ^ (1 << rng.int(8)) : pick(rng, [0x7b, 0x7d, 0x22, 0x5b, 0x39, 0x2d, 0x2c, 0x00, 0xff]);
  }
  return out;
}

function mutateModelFiles(base: Map<string, Uint8Array>, rng: Random): Map<string, Uint8Array> {
  const files = new Map(base);
  const shards = [...files.keys()].filter((k) => k !== 'model.json');
  const r = rng.next();
  if (r < 0.45) {
    files.set('model.json', encoder.encode(JSON.stringify(mutateJson(JSON.parse(decoder.decode(base.get('model.json'))), rng))));
  } else if (r < 0.7) {
    files.set('model.json', mutateBytes(base.get('model.json') as Uint8Array, rng));
  } else if (r < 0.9) {
    const shard = pick(rng, shards);
    files.set(shard, mutateBytes(base.get(shard) as Uint8Array, rng));
  } else if (r < 0.95) {
    files.delete(pick(rng, shards));
  } else {
    const [a, b] = [pick(rng, shards), pick(rng, shards)];
    files.set(a, base.get(b) as Uint8Array);
    files.set(b, base.get(a) as Uint8Array);
  }
  return files;
}

interface Tally {
  loaded: number;
  rejected: number;
  causes: Map<string, number>;
}

function record(tally: Tally, e: unknown, variant: number): void {
  if (!(e instanceof ModelFormatError) || e.message.length < 10) {
    assert.fail(`variant ${variant}: expected a ModelFormatError, got ${e instanceof Error ? `${e.constructor.name}: ${e.message}\n${e.stack}` : String(e)}`);
  }
  tally.rejected++;
  const cause = e.cause instanceof Error ? e.cause.constructor.name : 'none';
  tally.causes.set(cause, (tally.causes.get(cause) ?? 0) + 1);
}

function heapMb(): number {
  return process.memoryUsage().heapUsed / 2 ** 20;
}

test(`${VARIANTS} corrupted model.json + shard variants each load or end in a ModelFormatError`, async () => {
  const model = smallCnn(1);
  model.compile({ optimizer: new Adam(), loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const base = new Map<string, Uint8Array>();
  await saveModel(model, intoFiles(base), { includeOptimizer: true, shardSizeBytes: 300 });
  const reference = await loadModel(fromFiles(base));
  assert.deepEqual(bits(reference.weights[2].dataSync()), bits(model.weights[2].dataSync()));
  const rng = new Random(2024);
  const tally: Tally = { loaded: 0, rejected: 0, causes: new Map() };
  const start = Date.now();
  const heapBefore = heapMb();
  for (let i = 0; i < VARIANTS; i++) {
    const files = mutateModelFiles(base, rng);
    try {
      await loadModel(fromFiles(files));
      tally.loaded++;
    } catch (e) {
      record(tally, e, i);
    }
  }
  const seconds = (Date.now() - start) / 1000;
  console.log(`model.json fuzz: ${tally.loaded} loaded, ${tally.rejected} rejected (wrapped causes: ${JSON.stringify([...tally.causes])}) in ${seconds.toFixed(1)} s`);
  assert.ok(tally.rejected > VARIANTS / 2, 'most variants must be rejected, or the mutations are not reaching the loader');
  // A TypeError or RangeError under the wrapper would be a crash in disguise.
  assert.ok(!tally.causes.has('TypeError') && !tally.causes.has('RangeError'), JSON.stringify([...tally.causes]));
  assert.ok(seconds < 25, `took ${seconds} s`);
  assert.ok(heapMb() - heapBefore < 256, `heap grew by ${heapMb() - heapBefore} MB`);
});

function safetensorsBase(): Uint8Array {
  const rng = new Random(5);
  const values = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  return writeSafetensors({
    '0.weight': { dtype: 'float32', shape: [4, 2, 3, 3], values: values(72) },
    '0.bias': { dtype: 'float32', shape: [4], values: values(4) },
    '3.weight': { dtype: 'float32', shape: [3, 36], values: values(108) },
    '3.bias': { dtype: 'float32', shape: [3], values: values(3) },
    steps: { dtype: 'int32', shape: [1], values: Int32Array.of(7) },
  }, { format: 'pt' });
}

function mutateSafetensors(base: Uint8Array, rng: Random): Uint8Array {
  const n = new DataView(base.buffer, base.byteOffset).getUint32(0, true);
  const r = rng.next();
  if (r < 0.4) {
    const header = mutateJson(JSON.parse(decoder.decode(base.subarray(8, 8 + n))), rng);
    const json = encoder.encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.byteLength + base.byteLength - 8 - n);
    new DataView(out.buffer).setUint32(0, json.byteLength, true);
    out.set(json, 8);
    out.set(base.subarray(8 + n), 8 + json.byteLength);
    return out;
  }
  if (r < 0.5) {
    const out = base.slice();
    const view = new DataView(out.buffer);
    view.setUint32(rng.next() < 0.5 ? 0 : 4, pick(rng, [0, 1, n - 1, n + 1, 0xffffffff, rng.int(2 ** 32)]), true);
    return out;
  }
  return mutateBytes(base, rng);
}

test(`${VARIANTS} corrupted safetensors variants each load or end in a ModelFormatError`, () => {
  const base = safetensorsBase();
  const model = smallCnn(1);
  const rng = new Random(77);
  const tally: Tally = { loaded: 0, rejected: 0, causes: new Map() };
  const start = Date.now();
  const heapBefore = heapMb();
  for (let i = 0; i < VARIANTS; i++) {
    const bytes = mutateSafetensors(base, rng);
    try {
      const file = readSafetensors(bytes, 'fuzz.safetensors');
      for (const entry of file.tensors.values()) entryValues(entry, 'fuzz.safetensors');
      // Loading into a model also runs the layout conversion on whatever survived.
      if (i % 4 === 0 && file.tensors.has('steps')) {
        const { steps: _steps, ...rest } = Object.fromEntries([...file.tensors].map(([k, e]) => [k, { shape: e.shape, values: entryValues(e).values }]));
        loadPytorchWeights(model, rest);
      }
      tally.loaded++;
    } catch (e) {
      record(tally, e, i);
    }
  }
  const seconds = (Date.now() - start) / 1000;
  console.log(`safetensors fuzz: ${tally.loaded} loaded, ${tally.rejected} rejected in ${seconds.toFixed(1)} s`);
  assert.ok(tally.rejected > VARIANTS / 2, 'most variants must be rejected, or the mutations are not reaching the loader');
  assert.ok(seconds < 10, `took ${seconds} s`);
  assert.ok(heapMb() - heapBefore < 256, `heap grew by ${heapMb() - heapBefore} MB`);
});

// ---- Keras 3 .keras archives and legacy Keras 2 .h5 files ----

/** The members of a .keras archive, each to be mutated on its own and re-zipped with valid CRCs. */
function kerasMembers(bytes: Uint8Array): [string, Uint8Array][] {
  const zip = openZip(bytes, 'base.keras');
  return zip.names.map((n) => [n, zip.read(n)]);
}

function mutateKeras(base: Uint8Array, members: [string, Uint8Array][], rng: Random): Uint8Array {
  const r = rng.next();
  // Raw archive bytes: mostly stopped by the directory checks and CRCs.
  if (r < 0.25) return mutateBytes(base, rng);
  const files = members.map(([n, b]) => [n, b] as [string, Uint8Array]);
  const which = r < 0.45 ? 'config.json' : r < 0.5 ? 'metadata.json' : 'model.weights.h5';
  const i = files.findIndex(([n]) => n === which);
  if (which === 'model.weights.h5') files[i][1] = mutateBytes(files[i][1], rng);
  else files[i][1] = rng.next() < 0.7 ? encoder.encode(JSON.stringify(mutateJson(JSON.parse(decoder.decode(files[i][1])), rng))) : mutateBytes(files[i][1], rng);
  if (rng.next() < 0.05) files.splice(rng.int(files.length), 1);
  return writeZip(files);
}

async function fuzz(name: string, variants: number, make: (i: number) => Uint8Array, load: (bytes: Uint8Array) => Promise<unknown>): Promise<Tally> {
  const tally: Tally = { loaded: 0, rejected: 0, causes: new Map() };
  for (let i = 0; i < variants; i++) {
    try {
      await load(make(i));
      tally.loaded++;
    } catch (e) {
      record(tally, e, i);
    }
  }
  console.log(`${name} fuzz: ${tally.loaded} loaded, ${tally.rejected} rejected (wrapped causes: ${JSON.stringify([...tally.causes])})`);
  return tally;
}

/**
 * A small model keeps each HDF5 parse short (h5wasm needs about 1 ms per dataset read), so the
 * 10,000 variants fit the time budget; the formats' structures are the same at any size.
 */
function tinyModel(seed: number): Sequential {
  const model = new Sequential({ seed, name: 'tiny' });
  model.add(new Dense(3, { activation: 'softmax', inputShape: [4], name: 'dense' }));
  return model;
}

test(`${VARIANTS} corrupted .keras variants each load or end in a ModelFormatError`, async () => {
  const base = await saveKeras(tinyModel(1));
  const members = kerasMembers(base);
  const rng = new Random(31);
  const start = Date.now();
  const heapBefore = heapMb();
  const tally = await fuzz('.keras', VARIANTS, () => mutateKeras(base, members, rng), (b) => loadKeras(b, 'fuzz.keras'));
  const seconds = (Date.now() - start) / 1000;
  await loadKeras(base, 'base.keras');
  assert.ok(tally.rejected > VARIANTS / 2, 'most variants must be rejected, or the mutations are not reaching the loader');
  assert.ok(!tally.causes.has('TypeError') && !tally.causes.has('RangeError'), JSON.stringify([...tally.causes]));
  // A bound against hangs, not a speed claim: ~10 s on a quiet machine, 25 s on a busy one.
  assert.ok(seconds < 60, `took ${seconds} s`);
  assert.ok(heapMb() - heapBefore < 256, `heap grew by ${heapMb() - heapBefore} MB`);
});

/** A legacy Keras 2 .h5 model of smallCnn. */
async function legacyH5(): Promise<Uint8Array> {
  const model = tinyModel(2);
  const [k, b] = model.weights;
  const weightsOf = (name: string, ws: [string, Tensor][]) => h5Group({ [name]: h5Group(Object.fromEntries(ws.map(([n, w]) => [`${n}:0`, h5Dataset(w.shape, Float32Array.from(w.dataSync()))]))) }, { weight_names: ws.map(([n]) => `${name}/${n}:0`) });
  const layers = model.getConfig().layers.map((l) => ({ class_name: l.className, config: l.className === 'InputLayer' ? { batch_input_shape: [null, 4], name: 'in' } : l.config }));
  return writeHdf5(h5Group({
    model_weights: h5Group({ dense: weightsOf('dense', [['kernel', k], ['bias', b]]) }),
  }, { keras_version: '2.15.0', model_config: JSON.stringify({ class_name: 'Sequential', config: { name: 'legacy', layers } }) }));
}

test(`${VARIANTS} corrupted legacy .h5 variants each load or end in a ModelFormatError`, async () => {
  const base = await legacyH5();
  await loadLegacyH5(base, 'base.h5');
  const rng = new Random(41);
  const start = Date.now();
  const heapBefore = heapMb();
  const tally = await fuzz('.h5', VARIANTS, () => mutateBytes(base, rng), (b) => loadLegacyH5(b, 'fuzz.h5'));
  const seconds = (Date.now() - start) / 1000;
  // Whatever the corrupted files did to the HDF5 library (a trap replaces its instance), it still works.
  await loadLegacyH5(base, 'base.h5');
  assert.ok(!tally.causes.has('TypeError') && !tally.causes.has('RangeError'), JSON.stringify([...tally.causes]));
  assert.ok(tally.rejected > VARIANTS / 4, 'many variants must be rejected, or the mutations are not reaching the loader');
  // A bound against hangs, not a speed claim: ~10 s on a quiet machine, 25 s on a busy one.
  assert.ok(seconds < 60, `took ${seconds} s`);
  assert.ok(heapMb() - heapBefore < 256, `heap grew by ${heapMb() - heapBefore} MB`);
});
