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
