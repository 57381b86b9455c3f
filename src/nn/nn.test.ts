import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import '../backend/engine.js';
import { tensor } from '../ops/create.js';
import { transpose } from '../ops/shape-ops.js';
import { Random } from '../tensor/random.js';
import { assertClose } from '../testing/assert-close.js';
import { type LossCase, referenceCases } from '../testing/reference-test-util.js';
import type { Tensor } from '../tensor/tensor.js';
import { AvgPool2d, BatchNorm2d, Conv2d, F, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential, summary } from './index.js';

// The loss cases' fields differ per loss; the conv and dense ones are typed.
const num = (c: LossCase, k: string) => c[k] as number[];
const lossCase = (name: string) => referenceCases('loss').find((c) => c.name === name) as LossCase;

describe('nn.Conv2d and F.conv2d against PyTorch (NCHW, OIHW)', () => {
  it('agree with every conv2d reference case, forward and gradients', () => {
    const convs = referenceCases('conv2d');
    assert.ok(convs.length >= 40);
    for (const [i, c] of convs.entries()) {
      const x = tensor(c.x, c.x_shape);
      const w = tensor(c.w, c.w_shape);
      const b = c.b === null ? null : tensor(c.b, [c.w_shape[0]]);
      for (const t of [x, w, b]) if (t) t.requiresGrad = true;
      const [top, bottom, left, right] = c.padding;
      // F.pad lists the last axis first: [left, right, top, bottom].
      const padded = F.pad(x, [left, right, top, bottom]);
      const y = F.conv2d(padded, w, b, { stride: c.stride, dilation: c.dilation });
      assertClose(y.dataSync(), c.y, { what: `case ${i} y` });
      y.mul(tensor(c.dy, y.shape)).sum().backward();
      assertClose((x.grad as Tensor).dataSync(), c.dx, { what: `case ${i} dx` });
      assertClose((w.grad as Tensor).dataSync(), c.dw, { what: `case ${i} dw` });
      if (b) assertClose((b.grad as Tensor).dataSync(), c.db as number[], { what: `case ${i} db` });
    }
  });

  it('maps [N, 1, 28, 28] to [N, 20, 24, 24] with 520 parameters drawn from U(-1/5, 1/5)', () => {
    const conv = new Conv2d(1, 20, 5, 1);
    assert.deepEqual(conv.forward(tensor(new Float32Array(2 * 784), [2, 1, 28, 28])).shape, [2, 20, 24, 24]);
    assert.deepEqual(conv.weight.shape, [20, 1, 5, 5]);
    const w = Array.from(conv.weight.dataSync());
    assert.equal(w.length + (conv.bias as Tensor).size, 520);
    assert.ok(w.every((v) => Math.abs(v) <= 0.2) && Math.max(...w.map(Math.abs)) > 0.15, 'kaiming_uniform(a=sqrt(5)) bound 1/sqrt(25)');
    assert.equal(conv.toString(), 'Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))');
  });

  it("padding 'same' keeps the size; padding modes pad like PyTorch; bad options are named", () => {
    const x = tensor([1, 2, 3], [1, 1, 1, 3]);
    assert.deepEqual(Array.from(F.pad(x, [2, 2, 0, 0], 'reflect').dataSync()), [3, 2, 1, 2, 3, 2, 1]);
    assert.deepEqual(Array.from(F.pad(x, [2, 2, 0, 0], 'replicate').dataSync()), [1, 1, 1, 2, 3, 3, 3]);
    assert.deepEqual(Array.from(F.pad(x, [2, 2, 0, 0], 'circular').dataSync()), [2, 3, 1, 2, 3, 1, 2]);
    const same = new Conv2d(3, 4, 3, { padding: 'same', paddingMode: 'reflect' });
    assert.deepEqual(same.forward(tensor(new Float32Array(3 * 25), [1, 3, 5, 5])).shape, [1, 4, 5, 5]);
    assert.throws(() => new Conv2d(3, 4, 3, { padding: 'same', stride: 2 }), /Conv2d: padding='same' needs stride 1/);
    assert.throws(() => new Conv2d(3, 4, 3, { paddingMode: 'mirror' as never }), /Unknown paddingMode 'mirror' in Conv2d: valid names: 'zeros', 'reflect', 'replicate', 'circular'/);
    assert.throws(() => same.forward(tensor(new Float32Array(25), [1, 1, 5, 5])), /Conv2d\(3, 4\): expected input \[N, 3, H, W\], got shape \[1, 1, 5, 5\]/);
  });
});

describe('nn.Linear, losses and activations against PyTorch', () => {
  it('Linear ([out, in] weight) matches the dense reference cases', () => {
    for (const c of referenceCases('dense')) {
      const [inF, outF] = c.w_shape;
      const lin = new Linear(inF, outF);
      lin.weight.assign(transpose(tensor(c.w, [inF, outF]), [1, 0]));
      lin.bias?.assign(tensor(c.b, [outF]));
      const x = tensor(c.x, c.x_shape);
      assertClose(lin.forward(x).dataSync(), c.y);
    }
  });

  it('F.crossEntropy and F.mseLoss match PyTorch; nllLoss rejects float targets and bad classes', () => {
    const ce = lossCase('softmax_cross_entropy_mean');
    const logits = tensor(num(ce, 'logits'), num(ce, 'logits_shape'));
    logits.requiresGrad = true;
    const loss = F.crossEntropy(logits, tensor(Int32Array.from(num(ce, 'labels')), [5], 'int32'));
    assertClose([loss.item()], [ce.loss]);
    loss.backward();
    assertClose((logits.grad as Tensor).dataSync(), num(ce, 'dlogits'));
    // Probability targets: one-hot rows give the same loss as their class indices.
    const labels = Int32Array.from(num(ce, 'labels'));
    const probs = tensor(Float32Array.from({ length: 20 }, (_, i) => (labels[Math.floor(i / 4)] === i % 4 ? 1 : 0)), [5, 4]);
    assertClose([F.crossEntropy(logits, probs).item()], [ce.loss]);
    assert.throws(() => F.crossEntropy(logits, tensor(Int32Array.of(1, 2, 0, 1, 4), [5], 'int32')), /F.crossEntropy: target class 4 is outside 0..3/);
    const mse = lossCase('mse_mean');
    assertClose([F.mseLoss(tensor(num(mse, 'pred'), num(mse, 'shape')), tensor(num(mse, 'target'), num(mse, 'shape'))).item()], [mse.loss]);
    assert.throws(() => F.nllLoss(logits, tensor([1, 2, 0, 1, 1], [5])), /F.nllLoss: expected int32 class indices as target, got float32/);
    assert.throws(() => F.nllLoss(logits, tensor(Int32Array.of(1, 2, 0, 1, 4), [5], 'int32')), /target class 4 is outside 0..3/);
  });

  it('LeakyReLU keeps PyTorch\'s 0.01 slope', () => {
    assertClose(F.leakyRelu(tensor([-2, 3])).dataSync(), [-0.02, 3]);
  });
});

class Tiny extends Module {
  features = new Sequential(new Conv2d(1, 2, 3, { rng: new Random(1) }), new ReLU(), new MaxPool2d(2));
  head = new Linear(2, 3, { rng: new Random(2) });
  forward(x: Tensor): Tensor {
    return this.head.forward(F.flatten(this.features.forward(x)));
  }
}

describe('nn.Module', () => {
  it('names parameters with dots, in registration order, like PyTorch', () => {
    const m = new Tiny();
    assert.deepEqual(m.namedParameters().map(([n]) => n), ['features.0.weight', 'features.0.bias', 'head.weight', 'head.bias']);
    assert.equal(m.parameters().reduce((n, p) => n + p.size, 0), 2 * 9 + 2 + 6 + 3);
    assert.equal(m.toString(), [
      'Tiny(', '  (features): Sequential(', '    (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))', '    (1): ReLU()',
      '    (2): MaxPool2d(kernel_size=2, stride=2, padding=0)', '  )', '  (head): Linear(in_features=2, out_features=3, bias=True)', ')',
    ].join('\n'));
  });

  it('loadStateDict copies values and rejects missing keys and wrong shapes with clear errors', () => {
    const a = new Tiny();
    const b = new Tiny();
    b.head.weight.assign(tensor(new Float32Array(6).fill(7), [3, 2]));
    a.loadStateDict(b.stateDict());
    assert.deepEqual(Array.from(a.head.weight.dataSync()), [7, 7, 7, 7, 7, 7]);
    const dict = b.stateDict();
    delete dict['head.bias'];
    assert.throws(() => a.loadStateDict(dict), /Tiny.loadStateDict: missing keys \[head.bias\], unexpected keys \[\]/);
    assert.throws(() => a.loadStateDict({ ...b.stateDict(), 'head.weight': tensor([1, 2], [2]) }), /'head.weight' expects shape \[3, 2\] float32, got \[2\] float32/);
  });

  it('train()/eval() reach every submodule; summary lists shapes and parameter counts', () => {
    const m = new Tiny().eval();
    assert.ok(m.namedModules().every(([, s]) => !s.training));
    const lines: string[] = [];
    summary(m, [1, 4, 4], (l) => lines.push(l));
    assert.match(lines[0], /features\.0 \(Conv2d\)\s+\[-1, 2, 2, 2\]\s+20/);
    assert.match(lines[0], /Total params: 29/);
  });
});

describe('pooling, flatten and batch norm modules', () => {
  it('MaxPool2d strides by its kernel size; AvgPool2d counts padded zeros by default', () => {
    const x = tensor([0.2, 0.8, 0.3, 0.6, 0.2, 0.9, 0.3, 0.8, 0.3, 0.8, 0.8, 0.9, 0, 0, 0.2, 0.8], [1, 1, 4, 4]);
    assertClose(new MaxPool2d(2).forward(x).dataSync(), [0.9, 0.8, 0.8, 0.9]);
    const ones = tensor(new Float32Array(4).fill(1), [1, 1, 2, 2]);
    assertClose(new AvgPool2d(2, { stride: 2, padding: 1 }).forward(ones).dataSync(), [0.25, 0.25, 0.25, 0.25]);
    assertClose(new AvgPool2d(2, { stride: 2, padding: 1, countIncludePad: false }).forward(ones).dataSync(), [1, 1, 1, 1]);
    assert.deepEqual(new Flatten().forward(x).shape, [1, 16]);
  });

  it('BatchNorm2d normalises per channel in training and updates running stats with momentum 0.1', () => {
    const bn = new BatchNorm2d(2);
    // Channel 0 holds 1..4, channel 1 holds 10 four times.
    const x = tensor([1, 2, 3, 4, 10, 10, 10, 10], [1, 2, 2, 2]);
    const y = Array.from(bn.forward(x).dataSync());
    const sd = Math.sqrt(1.25 + 1e-5);
    assertClose(y, [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd, 0, 0, 0, 0]);
    const state = bn.stateDict();
    assert.deepEqual(Object.keys(state), ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    assertClose(state.running_mean.dataSync(), [0.25, 1]);
    // running_var uses the unbiased variance 5/3.
    assertClose(state.running_var.dataSync(), [0.9 + 0.1 * (5 / 3), 0.9]);
    assert.equal(state.num_batches_tracked.item(), 1);
    bn.eval();
    assertClose(bn.forward(x).dataSync().slice(4), new Array(4).fill((10 - 1) / Math.sqrt(0.9 + 1e-5)));
  });
});
