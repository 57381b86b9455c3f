import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backward } from '../autograd/backward.js';
import '../backend/engine.js';
import { Conv2D } from '../layers/conv2d.js';
import { Sequential } from '../models/sequential.js';
import type { Trainer } from '../models/trainer.js';
import * as nn from '../nn/index.js';
import { tensor } from '../ops/create.js';
import { transpose } from '../ops/shape-ops.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertClose } from '../testing/assert-close.js';
import { cifarVgg, cifarVggNn, lenet5Keras, mobilenetMini, mobilenetMiniNn, resnet8, resnet8Nn } from './index.js';
import { torchPadded3x3 } from './torch-parity.js';

const sizeOf = (ws: { size: number }[]) => ws.reduce((n, w) => n + w.size, 0);

/** torch_zoo.py's `params` (trainable) and `kerasTotalParams` (plus BatchNorm's running statistics). */
const EXPECTED = [
  { name: 'cifar-vgg', keras: () => cifarVgg({ seed: 1 }), nn: () => cifarVggNn({ seed: 1 }), params: 141354, kerasTotal: 141994 },
  { name: 'resnet8', keras: () => resnet8({ seed: 1 }), nn: () => resnet8Nn({ seed: 1 }), params: 78378, kerasTotal: 79050 },
  { name: 'mobilenet-mini', keras: () => mobilenetMini({ seed: 1 }), nn: () => mobilenetMiniNn({ seed: 1 }), params: 68874, kerasTotal: 70794 },
];

function images(n: number, shape: readonly number[], seed: number): Tensor {
  const rng = new Random(seed);
  return tensor(Float32Array.from({ length: n * shape.reduce((a, b) => a * b) }, () => rng.normal()), [n, ...shape]);
}

describe('zoo: the 32x32x3 models count what torch_zoo.py counts', () => {
  for (const e of EXPECTED) {
    it(`${e.name}: ${e.params} trainable parameters in both APIs, ${e.kerasTotal} in Keras's total`, () => {
      const model = e.keras();
      assert.equal(sizeOf(model.trainableWeights), e.params);
      assert.equal(model.countParams(), e.kerasTotal);
      const text = model.summary(() => {});
      assert.match(text, new RegExp(`Total params: ${e.kerasTotal.toLocaleString('en-US')}\\n`));
      assert.match(text, new RegExp(`Trainable params: ${e.params.toLocaleString('en-US')}\\n`));
      const net = e.nn();
      assert.equal(sizeOf(net.parameters()), e.params);
      // BatchNorm2d's running mean and variance are buffers: the Keras total's non-trainable part.
      const running = Object.entries(net.stateDict()).filter(([k]) => /running_(mean|var)$/.test(k));
      assert.equal(sizeOf(running.map(([, v]) => v)), e.kerasTotal - e.params);
    });
  }

  it("convBias: false drops the bias of the convs feeding a BatchNorm (torch_zoo's --conv-bias drop)", () => {
    assert.equal(sizeOf(resnet8({ convBias: false }).trainableWeights), 78042);
    assert.equal(sizeOf(resnet8Nn({ convBias: false }).parameters()), 78042);
    assert.equal(sizeOf(mobilenetMini({ convBias: false }).trainableWeights), 67914);
    assert.equal(sizeOf(mobilenetMiniNn({ convBias: false }).parameters()), 67914);
  });

  it('lenet5Keras has the nn LeNet-5 shapes and its 176,050 parameters', () => {
    const model = lenet5Keras({ seed: 1 });
    assert.equal(model.countParams(), 176050);
    const text = model.summary(() => {});
    for (const shape of ['(None, 24, 24, 20)', '(None, 12, 12, 20)', '(None, 8, 8, 20)', '(None, 4, 4, 20)', '(None, 320)', '(None, 500)', '(None, 10)']) assert.ok(text.includes(shape), shape);
  });

  it("resnet8Nn's state-dict keys are torch_zoo's (blocks with conv1/bn1/conv2/bn2/shortcut)", () => {
    const keys = Object.keys(resnet8Nn({ seed: 1 }).stateDict());
    for (const k of ['0.weight', '1.running_var', '3.conv1.weight', '3.bn2.num_batches_tracked', '4.shortcut.0.weight', '4.shortcut.1.running_mean', '5.conv2.bias', '8.weight']) assert.ok(keys.includes(k), `${k} in ${keys.join(' ')}`);
    assert.ok(!keys.some((k) => k.startsWith('3.shortcut')), 'block 3 keeps its shape: identity shortcut');
  });
});

describe('zoo: layers as PyTorch computes them', () => {
  it("a strided 3x3 conv pads one pixel on every side, as PyTorch's padding=1 (not Keras's bottom-right 'same')", () => {
    const layers = torchPadded3x3(2, (padding) => new Conv2D(4, 3, { strides: 2, padding }));
    const model = new Sequential({ seed: 5, layers: [...layers] });
    const x = images(2, [8, 8, 3], 7);
    const ours = (model.predict(x) as Tensor).dataSync(); // builds the layers
    const conv = layers[1] as Conv2D;
    const [kernel, bias] = [conv.kernel!, conv.bias!];
    const theirs = nn.F.conv2d(transpose(x, [0, 3, 1, 2]), transpose(kernel, [3, 2, 0, 1]), bias, { stride: 2, padding: 1 });
    assertClose(ours, transpose(theirs, [0, 2, 3, 1]).dataSync(), { atol: 1e-5, what: 'padded strided conv' });
    // 'same' at stride 2 would differ: the check above can fail.
    const same = new Sequential({ layers: [new Conv2D(4, 3, { strides: 2, padding: 'same', inputShape: [8, 8, 3] })] });
    same.layers[0]!.setWeights([kernel, bias]);
    assert.throws(() => assertClose((same.predict(x) as Tensor).dataSync(), transpose(theirs, [0, 2, 3, 1]).dataSync(), { atol: 1e-5 }));
  });

  it('the Keras-style BatchNormalization layers take PyTorch\'s eps 1e-5 and momentum 0.1 (Keras momentum 0.9)', () => {
    const bns = mobilenetMini().layers.filter((l) => l.className === 'BatchNormalization');
    assert.equal(bns.length, 9);
    for (const l of bns) assert.deepEqual([l.getConfig().momentum, l.getConfig().epsilon], [0.9, 1e-5]);
  });
});

async function kerasLosses(model: Trainer, seed: number): Promise<number[]> {
  const rng = new Random(seed);
  const x = images(16, [32, 32, 3], seed);
  const y = tensor(Float32Array.from({ length: 16 }, () => rng.int(10)), [16]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const history = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
  return history.history.loss as number[];
}

describe('zoo: each 32x32 model trains (synthetic data, a few steps)', () => {
  for (const e of EXPECTED) {
    it(`${e.name} (Keras-style) lowers its loss with fit`, async () => {
      const losses = await kerasLosses(e.keras(), 11);
      console.log(`${e.name} fit losses: ${losses.map((l) => l.toFixed(4)).join(', ')}`);
      assert.ok(losses.every(Number.isFinite) && losses.at(-1)! < losses[0]!, losses.join(', '));
    });

    it(`${e.name} (nn) lowers its loss with Adam`, () => {
      const net = e.nn();
      const optimizer = new nn.optim.Adam(net.parameters(), { lr: 1e-3 });
      const x = transpose(images(8, [32, 32, 3], 3), [0, 3, 1, 2]);
      const rng = new Random(4);
      const y = tensor(Int32Array.from({ length: 8 }, () => rng.int(10)), [8], 'int32');
      const losses: number[] = [];
      for (let step = 0; step < 4; step++) {
        optimizer.zeroGrad();
        const loss = nn.F.crossEntropy(net.forward(x), y);
        losses.push(loss.item());
        backward(loss);
        optimizer.step();
      }
      console.log(`${e.name} nn losses: ${losses.map((l) => l.toFixed(4)).join(', ')}`);
      assert.ok(losses.every(Number.isFinite) && losses.at(-1)! < losses[0]!, losses.join(', '));
      net.eval();
      assert.deepEqual(net.forward(x).shape, [8, 10]);
    });
  }
});
