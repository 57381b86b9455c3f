/**
 * conv(+bias) -> batch norm in training as a planned op (pattern convBnTrain): the conv runs
 * without its bias and the norm's moving mean follows the batch mean + bias. Checked: the
 * planner's reach and turn-offs on stages; Keras models (functional with zero padding and a
 * residual join, Sequential) trained fused against the same model with fusion off, with random
 * nonzero biases, on ref and wasm (values, the moving statistics the bias enters, gradients,
 * which for those biases are exactly zero fused and rounding noise unfused, and the kernels that no
 * longer run); nn.Sequential(Conv2d, BatchNorm2d, ReLU) in train mode the same way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { input } from '../src/layers/input.js';
import { Add } from '../src/layers/merge.js';
import type { SymbolicTensor } from '../src/layers/symbolic-tensor.js';
import { ZeroPadding2D } from '../src/layers/zero-padding2d.js';
import { Model } from '../src/models/functional.js';
import { Sequential } from '../src/models/sequential.js';
import * as nn from '../src/nn/index.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { plan, withoutFusion } from '../src/plan/planner.js';
import { ADD, OPAQUE, RELU, type Stage } from '../src/plan/stage.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose, assertGradientsClose } from './fusion-test-util.js';

registerWasmBackend({ name: 'wasm-cbt-2t', threads: 2, priority: 0 });

const randn = (shape: number[], rng: Random, scale = 1) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * scale), shape);

describe('the planner takes a conv bias into a training batch norm (convBnTrain)', () => {
  const notRun = () => { throw new Error('not run'); };
  const weights = { kernel: ops.zeros([3, 3, 2, 2]), bias: ops.zeros([2]), outAxes: [3] };
  const conv = (bias: boolean, activation: 'linear' | 'relu' = 'linear'): Stage => {
    const stage = { kind: 'conv', activation, dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun, runWithResidual: notRun, weights: { ...weights, bias: bias ? weights.bias : null } } as const;
    return { ...stage, withWeights: () => stage };
  };
  const bn: Stage = { kind: 'batchNorm', runWithRelu: notRun, runWithResidual: notRun, dataFormat: 'channelsLast', withMeanShift: () => ({ kind: 'batchNorm', runWithRelu: notRun, runWithResidual: notRun }) };
  const inference: Stage = { kind: 'batchNorm', runWithRelu: notRun, dataFormat: 'channelsLast', fold: (w) => w };
  const chain = (stages: Stage[]) => stages.map((stage, i) => ({ stage, inputs: [i - 1] }));
  const steps = (s: ReturnType<typeof plan>) => s.map((p) => (p.kind === 'node' ? p.node : `${p.fusion.pattern}[${p.nodes.join(',')}]`));

  it('conv -> BN [-> relu | -> add -> relu], also after a zero padding', () => {
    assert.deepEqual(steps(plan(chain([conv(true), bn, RELU, OPAQUE]), new Set([3]))), ['convBnTrain+batchNormRelu[0,1,2]', 3]);
    assert.deepEqual(steps(plan(chain([conv(true), bn, OPAQUE]), new Set([2]))), ['convBnTrain[0,1]', 2]);
    const pad: Stage = { kind: 'zeroPad', padding: [[1, 1], [1, 1]], dataFormat: 'channelsLast' };
    const padded = { ...conv(true), withPadding: () => conv(true) } as Stage;
    assert.deepEqual(steps(plan(chain([pad, padded, bn, RELU]), new Set([3]))), ['zeroPadConv+convBnTrain+batchNormRelu[0,1,2,3]']);
    // A residual block's second conv: the add's other input (node 0) is the side operand.
    const nodes = [{ stage: OPAQUE, inputs: [-1] }, { stage: conv(true), inputs: [0] }, { stage: bn, inputs: [1] }, { stage: ADD, inputs: [2, 0] }, { stage: RELU, inputs: [3] }];
    assert.deepEqual(steps(plan(nodes, new Set([4]))), [0, 'convBnTrain+batchNormAddRelu[1,2,3,4]']);
  });

  it('not without a bias, after a conv with its own activation, for a norm in inference, or past a second consumer', () => {
    assert.deepEqual(steps(plan(chain([conv(false), bn, RELU]), new Set([2]))), [0, 'batchNormRelu[1,2]']);
    assert.deepEqual(steps(plan(chain([conv(true, 'relu'), bn, RELU]), new Set([2]))), [0, 'batchNormRelu[1,2]']);
    assert.deepEqual(steps(plan(chain([conv(true), inference]), new Set([1]))), ['convBnFold[0,1]']);
    assert.deepEqual(steps(plan([...chain([conv(true), bn, RELU]), { stage: OPAQUE, inputs: [0] }], new Set([2, 3]))), [0, 'batchNormRelu[1,2]', 3]);
    assert.deepEqual(steps(plan(chain([conv(true), bn, RELU]), new Set([0, 2]))), [0, 'batchNormRelu[1,2]']);
  });
});

/** A stem, a stride-2 block with zero padding and a 1x1 conv-BN shortcut, every conv with a bias. */
function blockModel(): Model {
  const x = input({ shape: [8, 8, 4] });
  let seed = 5;
  const bn = (h: SymbolicTensor) => new BatchNormalization({ momentum: 0.8 }).apply(h) as SymbolicTensor;
  const conv = (h: SymbolicTensor, f: number, k: number, s: number, padding: 'same' | 'valid') => new Conv2D(f, k, { strides: s, padding, seed: seed++ }).apply(h) as SymbolicTensor;
  const stem = new ReLU().apply(bn(conv(x, 8, 3, 1, 'same'))) as SymbolicTensor;
  const down = conv(new ZeroPadding2D(1).apply(stem) as SymbolicTensor, 16, 3, 2, 'valid');
  const y = bn(conv(new ReLU().apply(bn(down)) as SymbolicTensor, 16, 3, 1, 'same'));
  const out = new ReLU().apply(new Add().apply([y, bn(conv(stem, 16, 1, 2, 'valid'))])) as SymbolicTensor;
  return new Model({ inputs: x, outputs: out });
}

/** Random values for every weight (biases and moving means far from zero), the same for both models. */
function randomWeights(model: { getWeights(): Tensor[]; setWeights(w: Tensor[]): void }, rng: Random): void {
  model.setWeights(model.getWeights().map((w) => (w.shape.length === 1 && w.dataSync()[0] === 1 ? ops.add(ops.abs(randn([...w.shape], rng, 0.3)), 0.5) : randn([...w.shape], rng, 0.5))));
}

/** One training forward and the gradients of a loss, fused or with fusion off, and the kernels it ran. */
function trainOnce(model: Model | Sequential, xb: Tensor, target: Tensor, fuse: boolean) {
  const run = () => {
    let y: Tensor | null = null;
    const counts = kernelCalls(() => {
      y = model.forward([xb], true)[0]!;
      gradients(ops.sum(ops.mul(y, target)), model.trainableWeights);
    });
    const grads = gradients(ops.sum(ops.mul(model.forward([xb], true)[0]!, target)), model.trainableWeights);
    return { y: y!, grads, counts };
  };
  return fuse ? run() : withoutFusion(run);
}

describe('Keras models trained with convBnTrain equal the unfused models', () => {
  const build = {
    functional: blockModel,
    sequential: () => {
      const m = new Sequential();
      m.add(new Conv2D(8, 3, { padding: 'same', inputShape: [8, 8, 4], seed: 1 }));
      m.add(new BatchNormalization());
      m.add(new ReLU());
      m.add(new Conv2D(8, 3, { padding: 'same', seed: 2 }));
      m.add(new BatchNormalization());
      return m;
    },
  };
  for (const backend of ['ref', 'wasm-cbt-2t']) {
    for (const [name, make] of Object.entries(build)) {
      it(`${backend}, ${name}: outputs, moving statistics, gradients (zero for the biases the norms remove), predictions`, () => {
        engine.setBackend(backend);
        const rng = new Random(21);
        const [fused, plain] = [make(), make()];
        randomWeights(fused, rng);
        plain.setWeights(fused.getWeights());
        const xb = randn([4, 8, 8, 4], rng);
        const shape = fused.forward([xb], false)[0]!.shape;
        const target = randn([...shape], rng);
        plain.setWeights(fused.getWeights());
        const f = trainOnce(fused, xb, target, true), p = trainOnce(plain, xb, target, false);
        const biases = name === 'functional' ? 4 : 2;
        // One Reduce is the loss's sum; unfused, each bias gradient is another.
        assert.equal(f.counts.get('Reduce'), 1, `fused: no bias gradient Reduce ${JSON.stringify([...f.counts])}`);
        assert.equal(p.counts.get('Reduce'), 1 + biases, `unfused ${JSON.stringify([...p.counts])}`);
        assertClose(f.y, p.y, 1e-5, 'output');
        assert.equal(assertGradientsClose(f.grads, p.grads, 1e-4, 'gradient'), biases);
        // The moving means follow the batch mean of conv + bias: three training forwards each, the biases far from zero.
        fused.getWeights().forEach((w, i) => assertClose(w, plain.getWeights()[i]!, 1e-5, `weight ${i} (moving statistics)`));
        const [pf, pp] = [noGrad(() => fused.forward([xb], false)[0]!), withoutFusion(() => noGrad(() => plain.forward([xb], false)[0]!))];
        assertClose(pf, pp, 1e-5, 'prediction');
        engine.setBackend('ref');
      });
    }
  }
});

describe('nn.Sequential Conv2d -> BatchNorm2d [-> ReLU] in train mode runs convBnTrain', () => {
  for (const backend of ['ref', 'wasm-cbt-2t']) {
    it(`${backend}: output, running statistics, gradients (zero for the conv biases), eval output`, () => {
      engine.setBackend(backend);
      const rng = new Random(23);
      const make = () => {
        const g = new Random(5);
        return new nn.Sequential(new nn.Conv2d(4, 8, 3, { padding: 1, rng: g }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.Conv2d(8, 6, 1, { stride: 2, rng: g }), new nn.BatchNorm2d(6));
      };
      const [fused, plain] = [make(), make()];
      // Conv biases far from zero, so a running mean that missed them would differ.
      for (const net of [fused, plain]) for (const p of net.parameters()) if (p.rank === 1) p.assign(ops.add(p, 2));
      const xb = randn([3, 4, 8, 8], rng), target = randn([3, 6, 4, 4], rng);
      const run = (net: nn.Sequential) => {
        let y: Tensor | null = null;
        const counts = kernelCalls(() => {
          y = net.forward(xb);
          gradients(ops.sum(ops.mul(y, target)), net.parameters());
        });
        return { y: y!, grads: gradients(ops.sum(ops.mul(net.forward(xb), target)), net.parameters()), counts };
      };
      const f = run(fused), p = withoutFusion(() => run(plain));
      assert.equal(f.counts.get('Reduce'), 1, `fused: only the loss's sum ${JSON.stringify([...f.counts])}`);
      assert.equal(p.counts.get('Reduce'), 3, `unfused ${JSON.stringify([...p.counts])}`);
      assertClose(f.y, p.y, 1e-5, 'output');
      assert.equal(assertGradientsClose(f.grads, p.grads, 1e-4, 'gradient'), 2);
      const buffers = (net: nn.Sequential) => [net.at(1), net.at(4)].flatMap((m) => [(m as nn.BatchNorm2d).runningMean!, (m as nn.BatchNorm2d).runningVar!]);
      buffers(fused).forEach((b, i) => assertClose(b, buffers(plain)[i]!, 1e-5, `running statistic ${i}`));
      fused.eval();
      plain.eval();
      assertClose(noGrad(() => fused.forward(xb)), withoutFusion(() => noGrad(() => plain.forward(xb))), 1e-5, 'eval output');
      engine.setBackend('ref');
    });
  }
});
