/**
 * The wasm backend end to end: the seed CNN trains reproducibly (bit-identical weights for a fixed
 * seed at a given thread count), memory stays flat across epochs, kernels split over two threads
 * give exactly the one-thread results on the CNN's shapes, and idle workers never keep the
 * process alive.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { LambdaCallback } from '../src/callbacks/lambda-callback.js';
import { engine } from '../src/backend/engine.js';
import type { KernelAttrs, KernelId } from '../src/backend/kernels.js';
import { loadMnist } from '../src/data/mnist.js';
import { toCategorical } from '../src/data/to-categorical.js';
import { mnistCnn } from '../src/models/mnist-cnn.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

registerWasmBackend({ name: 'wasm-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-2t', threads: 2, priority: 0 });

const data = loadMnist({ limitTrain: 512, limitTest: 16 });
const labels = toCategorical(data.trainLabels, 10);

async function fitWeights(backend: string, epochs: number, onEpoch?: () => void): Promise<Float32Array[]> {
  engine.setBackend(backend);
  const model = mnistCnn({ seed: 3 });
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy' });
  const callbacks = onEpoch ? [new LambdaCallback({ onEpochEnd: () => onEpoch() })] : [];
  await model.fit(data.trainImages, labels, { epochs, batchSize: 64, seed: 5, verbose: 0, callbacks });
  return model.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

describe('wasm backend', () => {
  it('trains the seed CNN bit-identically twice with the same seed (2 threads)', async () => {
    const a = await fitWeights('wasm-2t', 1);
    const b = await fitWeights('wasm-2t', 1);
    assert.equal(a.length, 10);
    a.forEach((w, i) => assert.deepEqual(b[i], w, `weight ${i} differs between runs`));
    // And training moved the weights (a constant result would pass the comparison above).
    engine.setBackend('wasm-2t');
    const init = mnistCnn({ seed: 3 }).getWeights().map((w) => w.dataSync());
    assert.ok(a[0]!.some((v, i) => v !== init[0]![i]), 'weights did not change');
  });

  it('keeps memory() flat across epochs', async () => {
    const seen: { handles: number; bytes: number; tensors: number }[] = [];
    await fitWeights('wasm-2t', 3, () => seen.push(engine.memory()));
    assert.equal(seen.length, 3);
    for (const m of seen.slice(2)) assert.deepEqual(m, seen[1], `memory after epochs: ${JSON.stringify(seen)}`);
  });

  it('gives identical results on 1 and 2 threads for the CNN kernels, close to ref', () => {
    const rng = new Random(11);
    const randn = (shape: number[]) => ops.tensor(Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.normal()), shape);
    const conv = { strides: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number], dilations: [1, 1] as [number, number], groups: 1 };
    const same = { ...conv, pad: [1, 1, 1, 1] as [number, number, number, number] };
    const cases: [string, KernelId, Record<string, Tensor | undefined>, unknown][] = [];
    for (const [H, C, K] of [[28, 1, 32], [13, 32, 64], [5, 64, 64], [12, 8, 16]] as const) {
      const x = randn([16, H, H, C]), w = randn([3, 3, C, K]), b = randn([K]), dy = randn([16, H - 2, H - 2, K]), dys = randn([16, H, H, K]);
      cases.push([`conv ${H}x${C}->${K}`, 'Conv2D', { x, filter: w, bias: b }, { ...conv, activation: 'relu' }]);
      cases.push([`conv same ${H}x${C}->${K}`, 'Conv2D', { x, filter: w, bias: b }, { ...same, activation: 'linear' }]);
      cases.push([`dX ${H}x${C}->${K}`, 'Conv2DBackpropInput', { dy, filter: w }, { ...conv, inputShape: [16, H, H, C] }]);
      cases.push([`dX same ${H}x${C}->${K}`, 'Conv2DBackpropInput', { dy: dys, filter: w }, { ...same, inputShape: [16, H, H, C] }]);
      cases.push([`dW ${H}x${C}->${K}`, 'Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: [3, 3, C, K] }]);
      cases.push([`dW same ${H}x${C}->${K}`, 'Conv2DBackpropFilter', { x, dy: dys }, { ...same, filterShape: [3, 3, C, K] }]);
      const pool = { mode: 'max', poolSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] };
      cases.push([`pool ${H}`, 'Pool2D', { x: dys }, pool]);
      cases.push([`pool grad ${H}`, 'Pool2DGrad', { x: dys, dy: randn([16, H >> 1, H >> 1, K]) }, pool]);
      cases.push([`relu grad ${H}`, 'UnaryGrad', { x: dys, dy: dys }, { op: 'relu', alpha: 0 }]);
      cases.push([`bias grad ${H}`, 'Reduce', { x: dys }, { op: 'sum', axes: [0, 1, 2], keepDims: false }]);
    }
    // Odd, non-square sizes and uneven padding through the Winograd input gradient (edge tiles clipped).
    const odd = { ...conv, pad: [2, 0, 1, 2] as [number, number, number, number] };
    cases.push(['dX odd padding 12x17x16->12', 'Conv2DBackpropInput', { dy: randn([3, 12, 18, 12]), filter: randn([3, 3, 16, 12]) }, { ...odd, inputShape: [3, 12, 17, 16] }]);
    cases.push(['matmul', 'MatMul', { a: randn([200, 576]), b: randn([576, 64]), bias: randn([64]) }, { transposeA: false, transposeB: false, activation: 'relu' }]);
    cases.push(['matmul tA', 'MatMul', { a: randn([200, 576]), b: randn([200, 64]), bias: undefined }, { transposeA: true, transposeB: false, activation: 'linear' }]);
    for (const [title, id, inputs, attrs] of cases) {
      const run = (backend: string) => {
        engine.setBackend(backend);
        return engine.runKernel(id, inputs as never, attrs as KernelAttrs<typeof id>).dataSync();
      };
      const one = run('wasm-1t'), two = run('wasm-2t'), ref = run('ref');
      assert.deepEqual(two, one, `${title}: 2 threads differ from 1 thread`);
      let scale = 0;
      for (const v of ref) scale = Math.max(scale, Math.abs(v));
      let worst = 0;
      for (let i = 0; i < one.length; i++) worst = Math.max(worst, Math.abs(one[i]! - ref[i]!));
      assert.ok(worst <= 2e-5 * Math.max(scale, 1), `${title}: max error ${worst} vs ref (scale ${scale})`);
    }
    engine.setBackend('ref');
  });

  it('lets the process exit while its workers are idle', () => {
    const register = fileURLToPath(new URL('../src/node/wasm/register.js', import.meta.url));
    const script = `import { createNodeWasmBackend } from ${JSON.stringify(register)};
      const b = createNodeWasmBackend({ threads: 2 });
      const h = b.write(new Float32Array(4), 'float32');
      console.log(b.name, b.threads, b.read(h, 'float32', 4).length);`;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'wasm 2 4');
    assert.ok(Date.now() - t0 < 10000, 'the process took too long to exit');
  });
});
