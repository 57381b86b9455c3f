/**
 * The fusion planner and its fused op: conv2dPool equals the unfused chain (values and gradients)
 * on every backend; Sequential, functional Model and nn.Sequential plan the same pattern; a conv
 * output that anything else reads (a second consumer, a model output) turns the fusion off and the
 * gradients stay exact; the plan is what runs (kernel counts).
 */
import { kernelCalls } from '../src/backend/kernel-calls.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { Activation } from '../src/layers/activation.js';
import { ReLU as ReLULayer } from '../src/layers/activation-layers.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { Dense } from '../src/layers/dense.js';
import { Flatten } from '../src/layers/flatten.js';
import { input } from '../src/layers/input.js';
import { MaxPooling2D } from '../src/layers/max-pooling2d.js';
import { Add } from '../src/layers/merge.js';
import { Model } from '../src/models/functional.js';
import { Sequential } from '../src/models/sequential.js';
import * as nn from '../src/nn/index.js';
import { summary as nnSummary } from '../src/nn/summary.js';
import * as ops from '../src/ops/index.js';
import { plan, planChain } from '../src/plan/planner.js';
import { OPAQUE, type Stage } from '../src/plan/stage.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose } from './fusion-test-util.js';

registerWasmBackend({ name: 'wasm-fusion-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-fusion-2t'];

const randn = (shape: number[], rng: Random) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

describe('conv2dPool: the fused op equals the chain it replaces', () => {
  for (const backend of BACKENDS) {
    for (const [mode, activation, shape, filters] of [
      ['max', 'relu', [4, 12, 12, 1], 8], ['max', 'relu', [4, 10, 10, 8], 16], ['min', 'linear', [2, 8, 8, 4], 8], ['avg', 'relu', [2, 9, 9, 3], 5],
    ] as const) {
      it(`${backend}: ${mode} pool after ${activation} conv, input ${shape.join('x')}, ${filters} filters`, () => {
        engine.setBackend(backend);
        const rng = new Random(7);
        const x = randn([...shape], rng), w = randn([3, 3, shape[3], filters], rng), b = randn([filters], rng);
        const r = randn(ops.conv2dPool(x, w, { bias: b, activation }, { mode, poolSize: 2 }).shape as number[], rng);
        const fused = (xx: Tensor, ww: Tensor, bb: Tensor) => ops.conv2dPool(xx, ww, { bias: bb, activation }, { mode, poolSize: 2 });
        const chain = (xx: Tensor, ww: Tensor, bb: Tensor) => ops[`${mode}Pool2d`](ops.conv2d(xx, ww, { bias: bb, activation }), 2);
        const grads = (f: typeof fused) => {
          const [xv, wv, bv] = [x, w, b].map((t) => ops.tensor(t.dataSync(), t.shape));
          for (const v of [xv, wv, bv]) v!.requiresGrad = true;
          const y = f(xv!, wv!, bv!);
          return [y, ...gradients(ops.sum(ops.mul(y, r)), [xv!, wv!, bv!]) as Tensor[]];
        };
        const [yf, ...gf] = grads(fused);
        const [yc, ...gc] = grads(chain);
        assertClose(yf!, yc!, 0, 'forward');
        ['dx', 'dw', 'db'].forEach((name, i) => assertClose(gf[i]!, gc[i]!, 1e-5, name));
      });
    }
  }
});

describe('the planner', () => {
  const notRun = () => { throw new Error('not run'); };
  const conv = (activation: 'linear' | 'relu'): Stage => ({ kind: 'conv', activation, dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun });
  const dense = (activation: 'linear' | 'relu'): Stage => ({ kind: 'dense', activation, runWith: notRun });
  const pool: Stage = { kind: 'pool', pool: { mode: 'max', poolSize: 2 }, dataFormat: 'channelsLast' };
  const relu: Stage = { kind: 'relu', activation: 'relu' };
  const shape = (steps: ReturnType<typeof plan>) => steps.map((s) => (s.kind === 'node' ? s.node : `${s.fusion.pattern}[${s.nodes.join(',')}]`));

  it('fuses conv -> pool and conv -> relu -> pool in a chain, nothing else', () => {
    assert.deepEqual(shape(planChain([conv('relu'), pool, OPAQUE])), ['conv2dPool[0,1]', 2]);
    assert.deepEqual(shape(planChain([conv('linear'), relu, pool, OPAQUE])), ['conv2dPool[0,1,2]', 3]);
    assert.deepEqual(shape(planChain([conv('relu'), OPAQUE, pool])), [0, 1, 2]);
    assert.deepEqual(shape(planChain([conv('relu'), { ...pool, dataFormat: 'channelsFirst' } as Stage])), [0, 1]);
  });

  it('moves a relu after a linear conv or dense into its epilogue', () => {
    assert.deepEqual(shape(planChain([conv('linear'), relu, OPAQUE])), ['reluEpilogue[0,1]', 2]);
    assert.deepEqual(shape(planChain([dense('linear'), relu, dense('linear')])), ['reluEpilogue[0,1]', 2]);
    assert.deepEqual(shape(planChain([dense('relu'), relu])), [0, 1]);
  });

  it('does not fuse through an output or a second consumer', () => {
    // conv (0) is a model output: its value must exist.
    assert.deepEqual(shape(plan([{ stage: conv('relu'), inputs: [-1] }, { stage: pool, inputs: [0] }], new Set([0, 1]))), [0, 1]);
    // conv (0) feeds the pool (1) and an add (2).
    const branched = plan([{ stage: conv('relu'), inputs: [-1] }, { stage: pool, inputs: [0] }, { stage: OPAQUE, inputs: [0, 1] }], new Set([2]));
    assert.deepEqual(shape(branched), [0, 1, 2]);
    // a pool taking two inputs is no chain link.
    assert.deepEqual(shape(plan([{ stage: conv('relu'), inputs: [-1] }, { stage: pool, inputs: [0, -1] }], new Set([1]))), [0, 1]);
  });
});

describe('every model API runs the planned fusion', () => {
  const x = randn([4, 12, 12, 1], new Random(3));

  it('Sequential: Conv2D(relu) -> MaxPooling2D runs one Conv2DPool and no Pool2D, with the output of the unfused chain', () => {
    engine.setBackend('wasm-fusion-2t');
    const model = new Sequential({ layers: [
      new Conv2D(8, 3, { activation: 'relu', inputShape: [12, 12, 1], seed: 1 }), new MaxPooling2D({ poolSize: 2 }), new Flatten(), new Dense(3, { seed: 2 }),
    ] });
    const counts = kernelCalls(() => model.predict(x));
    assert.equal(counts.get('Conv2DPool'), 1);
    assert.equal(counts.get('Pool2D'), undefined);
    const [kernel, bias] = model.layers[0]!.weights;
    const ref = ops.maxPool2d(ops.conv2d(x, kernel!, { bias: bias!, activation: 'relu' }), 2);
    const y = model.layers.slice(2).reduce((h, l) => l.apply(h), ref);
    assertClose(model.predict(x), y, 0, 'prediction');
  });

  it('Sequential: Conv2D -> ReLU / Activation(relu) -> MaxPooling2D fuse too; Conv2D(tanh) -> pool does not', () => {
    engine.setBackend('ref');
    for (const [relu, fused] of [[new ReLULayer(), true], [new Activation('relu'), true], [new ReLULayer({ maxValue: 6 }), false]] as const) {
      const model = new Sequential({ layers: [new Conv2D(4, 3, { inputShape: [12, 12, 1], seed: 1 }), relu, new MaxPooling2D({ poolSize: 2 })] });
      assert.equal(kernelCalls(() => model.predict(x)).get('Conv2DPool') === 1, fused, relu.className);
    }
    const tanh = new Sequential({ layers: [new Conv2D(4, 3, { activation: 'tanh', inputShape: [12, 12, 1] }), new MaxPooling2D({ poolSize: 2 })] });
    assert.equal(kernelCalls(() => tanh.predict(x)).get('Conv2DPool'), undefined);
  });

  it('functional Model: fuses a single-consumer conv, not one with a second consumer or one that is an output', () => {
    engine.setBackend('ref');
    const inp = input({ shape: [12, 12, 1] });
    const c = new Conv2D(4, 3, { activation: 'relu', seed: 1 }).apply(inp);
    const chain = new Model({ inputs: inp, outputs: new MaxPooling2D({ poolSize: 2 }).apply(c) });
    assert.equal(kernelCalls(() => chain.predict(x)).get('Conv2DPool'), 1);

    const inp2 = input({ shape: [12, 12, 1] });
    const c2 = new Conv2D(4, 3, { activation: 'relu', padding: 'same', seed: 1 }).apply(inp2);
    const pooled = new MaxPooling2D({ poolSize: 1, strides: 1 }).apply(c2);
    const branched = new Model({ inputs: inp2, outputs: new Add().apply([pooled, c2]) });
    assert.equal(kernelCalls(() => branched.predict(x)).get('Conv2DPool'), undefined);

    const both = new Model({ inputs: inp, outputs: [c, new MaxPooling2D({ poolSize: 2 }).apply(c)] });
    assert.equal(kernelCalls(() => both.predict(x)).get('Conv2DPool'), undefined);
  });

  it('a conv output that is a model output keeps exact gradients (fusion off)', () => {
    engine.setBackend('ref');
    const inp = input({ shape: [12, 12, 1] });
    const convLayer = new Conv2D(4, 3, { activation: 'relu', seed: 5 });
    const c = convLayer.apply(inp);
    const both = new Model({ inputs: inp, outputs: [c, new MaxPooling2D({ poolSize: 2 }).apply(c)] });
    const [kernel, bias] = convLayer.weights as Tensor[];
    const [yc, yp] = both.call(x) as Tensor[];
    const loss = ops.add(ops.sum(yc!), ops.sum(ops.square(yp!)));
    const [gk, gb] = gradients(loss, [kernel!, bias!]) as Tensor[];
    const z = ops.conv2d(x, kernel!, { bias: bias!, activation: 'relu' });
    const [rk, rb] = gradients(ops.add(ops.sum(z), ops.sum(ops.square(ops.maxPool2d(z, 2)))), [kernel!, bias!]) as Tensor[];
    assertClose(gk!, rk!, 1e-6, 'kernel gradient');
    assertClose(gb!, rb!, 1e-6, 'bias gradient');
  });

  it('nn.Sequential: Conv2d -> ReLU and Linear -> ReLU run the relu in the kernel, with the same output', () => {
    engine.setBackend('ref');
    const net = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(400, 8), new nn.ReLU(), new nn.Linear(8, 3));
    const xc = ops.transpose(x, [0, 3, 1, 2]);
    const counts = kernelCalls(() => net.forward(xc));
    assert.equal(counts.get('Unary'), undefined, JSON.stringify([...counts]));
    const stepwise = [0, 1, 2, 3, 4, 5].reduce((h, i) => net.at(i).forward(h), xc);
    assertClose(net.forward(xc), stepwise, 1e-6, 'nn output');
  });

  it('Sequential: Dense -> Activation(relu) runs the relu in the MatMul', () => {
    engine.setBackend('ref');
    const model = new Sequential({ layers: [new Flatten({ inputShape: [12, 12, 1] }), new Dense(6, { seed: 3 }), new Activation('relu'), new Dense(2, { seed: 4 })] });
    assert.equal(kernelCalls(() => model.predict(x)).get('Unary'), undefined);
  });

  it('nn.Sequential: Conv2d -> ReLU -> MaxPool2d runs one Conv2DPool; summary still sees each module', () => {
    engine.setBackend('ref');
    const net = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(100, 3));
    const xc = ops.transpose(x, [0, 3, 1, 2]);
    assert.equal(kernelCalls(() => net.forward(xc)).get('Conv2DPool'), 1);
    const rows = nnSummary(net, [1, 12, 12], () => undefined);
    assert.match(rows, /MaxPool2d/);
    const [w, b] = [net.at(0).parameters()[0]!, net.at(0).parameters()[1]!];
    const ref = ops.transpose(ops.maxPool2d(ops.conv2d(x, ops.transpose(w, [2, 3, 1, 0]), { bias: b, activation: 'relu' }), 2), [0, 3, 1, 2]);
    const y = net.at(4).forward(net.at(3).forward(ref));
    assertClose(net.forward(xc), y, 1e-6, 'nn output');
  });
});
