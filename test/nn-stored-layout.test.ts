/**
 * nn weights in the kernels' order: Conv2d keeps its OIHW weight HWIO in storage, Linear keeps its
 * columns in the order a flattened NHWC-stored activation holds them, and the optimizer updates
 * both as stored. Users see PyTorch's shapes and values; a training step runs no Transpose; the
 * numbers are the plain-order path's (bit for bit for the convs, to float rounding of one sum for
 * the Linear that follows a flatten).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backward } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import { readTorchFile } from '../src/io/torch/read-torch-file.js';
import { writeTorchFile } from '../src/io/torch/write-torch-file.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as nn from '../src/nn/index.js';
import { defaultUniform } from '../src/nn/init.js';
import '../src/nn/tensor-methods.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { LeNet5 } from '../src/zoo/lenet5.js';

registerWasmBackend({ name: 'wasm-layout-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-layout-2t'];

const F = nn.F;

function batch(seed: number): [Tensor, Tensor] {
  const rng = new Random(seed);
  const x = ops.tensor(Float32Array.from({ length: 16 * 784 }, () => rng.uniform()), [16, 1, 28, 28]);
  const labels = ops.tensor(Int32Array.from({ length: 16 }, () => rng.int(10)), [16], 'int32');
  return [x, labels];
}

/** The seed CNN as nn.Sequential; `plain` adds a copy before the first Linear (the activation in plain order). */
function seedCnn(plain: boolean): nn.Sequential {
  nn.manualSeed(3);
  const copy = plain ? [new Copy()] : [];
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 16, 3), new nn.ReLU(), new nn.Flatten(), ...copy,
    new nn.Linear(144, 32), new nn.ReLU(), new nn.Linear(32, 10),
  );
}

/** clone(): the same values in new, plain-order storage, so what follows runs the plain-order path. */
class Copy extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.clone();
  }
}

/** The slide's LeNet-5 whose flattened activation is copied to plain order before fc1. */
class PlainLeNet5 extends LeNet5 {
  override forward(x: Tensor): Tensor {
    x = F.maxPool2d(F.relu(this.conv1.forward(x)), 2, 2);
    x = F.maxPool2d(F.relu(this.conv2.forward(x)), 2, 2);
    x = F.relu(this.fc1.forward(x.view(-1, 320).clone()));
    return F.logSoftmax(this.fc2.forward(x), 1);
  }
}

/** Puts every conv weight back in plain OIHW storage: the path before weights were kept HWIO. */
function plainConvWeights(net: nn.Module): void {
  for (const [, m] of net.namedModules()) if (m instanceof nn.Conv2d) m.weight.holdLayout(null);
}

function trainSteps(net: nn.Module, optimizer: nn.optim.Optimizer<object>, steps: number, loss: (y: Tensor, labels: Tensor) => Tensor): void {
  for (let s = 0; s < steps; s++) {
    const [x, labels] = batch(100 + s);
    optimizer.zeroGrad();
    backward(loss(net.forward(x), labels));
    optimizer.step();
  }
}

function values(net: nn.Module): Map<string, Float32Array> {
  return new Map(Object.entries(net.stateDict()).map(([k, t]) => [k, t.dataSync() as Float32Array]));
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [k, v] of a) v.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - b.get(k)![i]!))));
  return worst;
}

const crossEntropy = (y: Tensor, labels: Tensor) => F.crossEntropy(y, labels);
const nll = (y: Tensor, labels: Tensor) => F.nllLoss(y, labels);

describe('nn weights stored in the kernels\' order', () => {
  it('Conv2d.weight is OIHW to the user (shape, values, state dict) and HWIO in storage, also after reads', () => {
    engine.setBackend('ref');
    const conv = new nn.Conv2d(3, 4, [2, 3], { rng: new Random(7) });
    const expected = defaultUniform([4, 3, 2, 3], 3 * 2 * 3, new Random(7)).dataSync();
    assert.deepEqual(conv.weight.shape, [4, 3, 2, 3]);
    assert.deepEqual(conv.weight.layout, [2, 3, 1, 0], 'stored HWIO');
    assert.deepEqual(Array.from(conv.weight.dataSync()), Array.from(expected));
    assert.deepEqual(Array.from(conv.stateDict().weight!.dataSync()), Array.from(expected));
    assert.deepEqual(conv.weight.layout, [2, 3, 1, 0], 'reading values copies; the storage keeps its order');
    assert.match(conv.weight.toString(), /^tensor\(\[\[\[\[/);
  });

  for (const backend of BACKENDS) {
    it(`${backend}: a training step of the nn seed CNN and of the slide's LeNet-5 runs no Transpose`, () => {
      engine.setBackend(backend);
      const cases: [string, nn.Module, (y: Tensor, l: Tensor) => Tensor, nn.optim.Optimizer<object>][] = [];
      const cnn = seedCnn(false);
      cases.push(['seed CNN', cnn, crossEntropy, new nn.optim.RMSprop(cnn.parameters(), { lr: 1e-3, weightDecay: 1e-4 })]);
      const lenet = new LeNet5(new Random(4));
      cases.push(['LeNet-5', lenet, nll, new nn.optim.SGD(lenet.parameters(), { lr: 0.01, momentum: 0.9 })]);
      for (const [name, net, loss, opt] of cases) {
        trainSteps(net, opt, 1, loss); // the first step stores the Linear's columns in its input's order (one Transpose, once)
        const calls = kernelCalls(() => trainSteps(net, opt, 2, loss));
        assert.equal(calls.get('Transpose'), undefined, `${name}: ${JSON.stringify(Object.fromEntries(calls))}`);
        // Every parameter shares the step's update: one ApplyOptimizer call per step, whatever the stored orders.
        assert.equal(calls.get('ApplyOptimizer'), 2, `${name}: one optimizer call per step`);
      }
    });

    it(`${backend}: conv weights kept HWIO train bit for bit as plain OIHW ones (RMSprop with weight decay, Adam, SGD momentum)`, () => {
      engine.setBackend(backend);
      const makers: [string, (ps: nn.Parameter[]) => nn.optim.Optimizer<object>][] = [
        ['RMSprop', (ps) => new nn.optim.RMSprop(ps, { lr: 1e-3, weightDecay: 1e-2, momentum: 0.5 })],
        ['Adam', (ps) => new nn.optim.Adam(ps, { lr: 1e-3, amsgrad: true })],
        ['SGD', (ps) => new nn.optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true })],
      ];
      for (const [name, make] of makers) {
        const [stored, plain] = [seedCnn(true), seedCnn(true)];
        plainConvWeights(plain);
        assert.equal(plain.parameters()[0]!.layout, null);
        const [storedOpt, plainOpt] = [make(stored.parameters()), make(plain.parameters())];
        trainSteps(stored, storedOpt, 3, crossEntropy);
        trainSteps(plain, plainOpt, 3, crossEntropy);
        assert.equal(maxDiff(values(stored), values(plain)), 0, name);
        // The optimizer's state of a conv weight: kept HWIO, read as OIHW, equal to the plain run's.
        const [storedState, plainState] = [storedOpt.state.get(stored.parameters()[0]!)!, plainOpt.state.get(plain.parameters()[0]!)!];
        assert.deepEqual(Object.keys(storedState), Object.keys(plainState));
        for (const [key, slot] of Object.entries(storedState)) {
          if (typeof slot === 'number') continue;
          assert.deepEqual(slot.layout, [2, 3, 1, 0], `${name} ${key}`);
          assert.deepEqual(Array.from(slot.dataSync()), Array.from((plainState[key] as Tensor).dataSync()), `${name} ${key}`);
        }
      }
    });

    it(`${backend}: a Linear after a flatten reads the activation as stored; the model trains as on the plain-order path`, () => {
      engine.setBackend(backend);
      const [follows, plain] = [new LeNet5(new Random(5)), new PlainLeNet5(new Random(5))];
      plainConvWeights(plain);
      trainSteps(follows, new nn.optim.SGD(follows.parameters(), { lr: 0.01, momentum: 0.9 }), 3, nll);
      trainSteps(plain, new nn.optim.SGD(plain.parameters(), { lr: 0.01, momentum: 0.9 }), 3, nll);
      assert.deepEqual(follows.fc1.weight.layout, [0, 2, 3, 1], 'fc1 columns stored HWC');
      assert.deepEqual(follows.fc1.weight.shape, [500, 320]);
      assert.equal(plain.fc1.weight.layout, null);
      const diff = maxDiff(values(follows), values(plain));
      assert.ok(diff < 1e-6, `max difference ${diff}`);
    });
  }

  it('a conv weight\'s gradient, summed over two uses and two backward() calls, stays in stored order with the plain weight\'s values', () => {
    engine.setBackend('wasm-layout-2t');
    const [stored, plain] = [new nn.Conv2d(2, 3, 3, { rng: new Random(8) }), new nn.Conv2d(2, 3, 3, { rng: new Random(8) })];
    plain.weight.holdLayout(null);
    const x = ops.tensor(Float32Array.from({ length: 2 * 2 * 6 * 6 }, (_, i) => Math.sin(i)), [2, 2, 6, 6]);
    for (const conv of [stored, plain]) {
      for (let pass = 0; pass < 2; pass++) backward(ops.sum(ops.mul(conv.forward(x), conv.forward(ops.mul(x, 0.5)))));
    }
    assert.deepEqual(stored.weight.grad!.layout, [2, 3, 1, 0]);
    assert.deepEqual(Array.from(stored.weight.grad!.dataSync()), Array.from(plain.weight.grad!.dataSync()));
  });

  it('state dict and .pt round trips keep values, and the loaded weights stay in stored order', () => {
    engine.setBackend('wasm-layout-2t');
    const net = new LeNet5(new Random(6));
    trainSteps(net, new nn.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 }), 2, nll);
    const [x] = batch(9);
    const expected = net.forward(x).dataSync();
    for (const dict of [net.stateDict(), readTorchFile(writeTorchFile(net.stateDict()))]) {
      const copy = new LeNet5(new Random(1));
      copy.loadStateDict(dict);
      assert.deepEqual(copy.conv1.weight.layout, [2, 3, 1, 0]);
      assert.equal(maxDiff(values(copy), values(net)), 0);
      assert.deepEqual(Array.from(copy.forward(x).dataSync()), Array.from(expected));
    }
  });

  it('a Linear whose input goes back to plain order puts its weight back, with the same values', () => {
    engine.setBackend('ref');
    const fc = new nn.Linear(12, 2, { rng: new Random(2) });
    const before = fc.weight.dataSync();
    const x = ops.transpose(ops.tensor(Float32Array.from({ length: 24 }, (_, i) => i / 10), [2, 2, 3, 2]), [0, 3, 1, 2]);
    const permuted = fc.forward(x.reshape([2, 12]));
    assert.notEqual(fc.weight.layout, null);
    const plainInput = ops.tensor(x.dataSync(), [2, 12]);
    const plainOut = fc.forward(plainInput);
    assert.equal(fc.weight.layout, null);
    assert.deepEqual(Array.from(fc.weight.dataSync()), Array.from(before));
    const a = permuted.dataSync(), b = plainOut.dataSync();
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-6, `output ${i}: ${v} vs ${b[i]}`));
  });
});

describe('private intermediates of an op', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: conv2dPool's pre-pool output is released when backward() frees the graph, and at once when no graph is recorded`, () => {
      engine.setBackend(backend);
      const rng = new Random(11);
      const x = ops.tensor(Float32Array.from({ length: 2 * 6 * 6 * 3 }, () => rng.normal()), [2, 6, 6, 3]);
      const w = ops.tensor(Float32Array.from({ length: 3 * 3 * 3 * 4 }, () => rng.normal()), [3, 3, 3, 4]);
      w.requiresGrad = true;
      const handles = () => engine.backend.memory().handles;
      const pool = { mode: 'max' as const, poolSize: 2 };
      const before = handles();
      const inference = noGrad(() => ops.conv2dPool(x, w, { activation: 'relu' }, pool));
      assert.equal(handles() - before, 1, 'only the pooled output is left');
      inference.release();
      const y = ops.conv2dPool(x, w, { activation: 'relu' }, pool);
      assert.equal(handles() - before, 2, 'pooled output and the pre-pool output the gradient needs');
      const loss = ops.sum(y);
      backward(loss);
      const left = handles() - before;
      // y, the loss and w.grad stay (the user holds them); the pre-pool output is gone.
      assert.equal(left, 3, `handles left: ${left}`);
    });
  }
});
