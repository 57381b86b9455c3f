/**
 * A residual block's join as planned ops (patterns convAddRelu and batchNormAddRelu): the kernels
 * that take the residual (Conv2D's Winograd F(4x4, 3x3) output transform and its in-place fallback,
 * BatchNormTraining's apply pass, BatchNormTrainingGrad's fourth output) against the reference on 1
 * and 2 threads and bit for bit against the unfused Add and ReLU; the fused ops against the chain
 * they replace (values and gradients); the planner's side operands; and a functional residual
 * block trained and predicted fused against the same model with fusion off.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import type { KernelAttrs, MultiOutputKernelId } from '../src/backend/kernels.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { input } from '../src/layers/input.js';
import { Add } from '../src/layers/merge.js';
import type { SymbolicTensor } from '../src/layers/symbolic-tensor.js';
import { Model } from '../src/models/functional.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { plan, withoutFusion } from '../src/plan/planner.js';
import { ADD, OPAQUE, RELU, type Stage } from '../src/plan/stage.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose, assertGradientsClose } from './fusion-test-util.js';
import { checkKernelAgainstRef, runKernelOn, withDispatches } from './kernel-dispatch-test-util.js';

registerWasmBackend({ name: 'wasm-res-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-res-2t', threads: 2, priority: 0 });
const WASM = ['wasm-res-1t', 'wasm-res-2t'] as const;

const randn = (shape: number[], rng: Random, shift = 0) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() + shift), shape);

/** Conv2D shapes: [x, filter, strides, padding, the wasm export that must run]. */
const CONV_CASES: [number[], number[], number, [number, number, number, number], string][] = [
  [[4, 8, 8, 16], [3, 3, 16, 16], 1, [1, 1, 1, 1], 'wino4Forward'], // resnet8's block conv, whole tiles
  [[3, 7, 6, 8], [3, 3, 8, 8], 1, [1, 1, 1, 1], 'wino4Forward'], // partial tiles at the bottom and right
  [[2, 9, 9, 4], [3, 3, 4, 16], 1, [0, 0, 0, 0], 'wino4Forward'], // unpadded, 7x7 output
  [[2, 8, 8, 8], [3, 3, 8, 16], 2, [1, 1, 1, 1], 'binaryF32'], // phase Winograd: residual in the fallback pass
  [[2, 6, 6, 8], [1, 1, 8, 12], 1, [0, 0, 0, 0], 'binaryF32'], // pointwise GEMM
  [[2, 6, 6, 3], [3, 3, 3, 4], 1, [1, 1, 1, 1], 'binaryF32'], // RGB stem (direct strips)
  [[2, 5, 5, 6], [3, 3, 6, 5], 1, [1, 1, 1, 1], 'binaryF32'], // implicit GEMM, K % 8 != 0
];

describe('Conv2D with a residual', () => {
  const rng = new Random(11);
  for (const [xs, ws, s, pad, kernel] of CONV_CASES) {
    for (const activation of ['relu', 'relu6', 'linear'] as const) {
      it(`${xs} * ${ws} stride ${s} ${activation}: wasm 1 and 2 threads equal, match ref, and equal the unfused Add and activation bit for bit`, () => {
        // relu6 caps the output scale the tolerance is taken from: smaller filters keep most values under 6.
        const x = randn(xs, rng), filter = ops.mul(randn(ws, rng), activation === 'relu6' ? 0.3 : 1), bias = randn([ws[3]!], rng);
        const attrs = { strides: [s, s] as [number, number], pad, dilations: [1, 1] as [number, number], groups: 1 };
        const y0 = runKernelOn('ref', 'Conv2D', { x, filter, bias }, { ...attrs, activation: 'linear' }).values;
        const outShape = [xs[0]!, (xs[1]! + pad[0] + pad[1] - ws[0]!) / s + 1 | 0, (xs[2]! + pad[2] + pad[3] - ws[1]!) / s + 1 | 0, ws[3]!];
        assert.equal(y0.length, outShape.reduce((a, b) => a * b, 1));
        const residual = ops.mul(randn(outShape, rng), 2);
        checkKernelAgainstRef(`${xs} ${activation}`, WASM, 'Conv2D', { x, filter, bias, residual }, { ...attrs, activation }, kernel);
        const { values: fused, calls } = runKernelOn('wasm-res-2t', 'Conv2D', { x, filter, bias, residual }, { ...attrs, activation });
        if (kernel === 'wino4Forward') assert.ok(!calls.includes('binaryF32'), `the residual is added in the output transform, dispatched ${calls.join(', ')}`);
        const { result: chain } = withDispatches('wasm-res-2t', () => {
          const z = ops.add(engine.runKernel('Conv2D', { x, filter, bias }, { ...attrs, activation: 'linear' }), residual);
          return Float32Array.from((activation === 'relu' ? ops.relu(z) : activation === 'relu6' ? ops.relu6(z) : z).dataSync() as Float32Array);
        });
        assert.deepEqual(fused, chain, 'fused equals conv, add, activation');
      });
    }
  }

  it('rejects a residual of another shape, naming the kernel', () => {
    const x = randn([1, 4, 4, 4], rng), filter = randn([3, 3, 4, 8], rng);
    const attrs = { strides: [1, 1], pad: [1, 1, 1, 1], dilations: [1, 1], groups: 1, activation: 'relu' };
    for (const backend of ['ref', 'wasm-res-1t']) {
      assert.throws(() => runKernelOn(backend, 'Conv2D', { x, filter, residual: randn([1, 4, 4, 1], rng) }, attrs), /Conv2D: expected residual of the output's shape \[1, 4, 4, 8\], got \[1, 4, 4, 1\]/);
    }
  });
});

function runOutputs(backend: string, id: MultiOutputKernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown): Float32Array[] {
  return withDispatches(backend, () => engine.runKernelOutputs(id, inputs as never, attrs as KernelAttrs<typeof id>).map((t) => Float32Array.from(t.dataSync() as Float32Array))).result;
}

function checkOutputs(title: string, id: MultiOutputKernelId, inputs: Record<string, Tensor | undefined>, attrs: unknown): Float32Array[] {
  const ref = runOutputs('ref', id, inputs, attrs);
  const [one, two] = WASM.map((b) => runOutputs(b, id, inputs, attrs));
  assert.deepEqual(two, one, `${title}: 2 threads differ from 1 thread`);
  assert.equal(one!.length, ref.length, `${title}: outputs`);
  ref.forEach((r, o) => {
    let scale = 1;
    for (const v of r) scale = Math.max(scale, Math.abs(v));
    r.forEach((v, i) => assert.ok(Math.abs(one![o]![i]! - v) <= 2e-5 * scale, `${title}: output ${o}[${i}] ${one![o]![i]} vs ref ${v}`));
  });
  return one!;
}

describe('BatchNormTraining with a residual', () => {
  const rng = new Random(12);
  for (const shape of [[16, 8, 8, 32], [3, 5, 7, 11], [6, 4]]) {
    for (const activation of ['relu', 'relu6'] as const) {
      it(`${shape} ${activation}: forward and gradient on wasm 1 and 2 threads equal, match ref, and equal the unfused chain bit for bit`, () => {
        const C = shape.at(-1)!;
        const x = randn(shape, rng, 1), gamma = ops.mul(randn([C], rng), activation === 'relu6' ? 4 : 1), beta = randn([C], rng), residual = randn(shape, rng);
        const attrs = { epsilon: 1e-3, activation };
        const [y, mean, variance] = checkOutputs(`forward ${shape}`, 'BatchNormTraining', { x, gamma, beta, residual }, attrs);
        const [plain] = runOutputs('wasm-res-2t', 'BatchNormTraining', { x, gamma, beta }, { epsilon: 1e-3 });
        const { result: chain } = withDispatches('wasm-res-2t', () => {
          const z = ops.add(ops.tensor(plain!, shape), residual);
          return Float32Array.from((activation === 'relu' ? ops.relu(z) : ops.relu6(z)).dataSync() as Float32Array);
        });
        assert.deepEqual(y, chain, 'forward equals normalize, add, activation');
        const yt = ops.tensor(y!, shape), dy = randn(shape, rng);
        const grads = { dy, x, mean: ops.tensor(mean!, [C]), variance: ops.tensor(variance!, [C]), gamma, y: yt };
        const outs = checkOutputs(`gradient ${shape}`, 'BatchNormTrainingGrad', grads, { ...attrs, residual: true });
        assert.equal(outs.length, 4);
        const masked = withDispatches('wasm-res-2t', () => Float32Array.from(engine.runKernel('UnaryGrad', { x: yt, dy }, { op: activation, alpha: 0 }).dataSync() as Float32Array)).result;
        assert.deepEqual(Array.from(outs[3]!, (v) => v + 0), Array.from(masked, (v) => v + 0), "the residual's gradient is dy after the activation's");
        const three = runOutputs('wasm-res-2t', 'BatchNormTrainingGrad', grads, attrs);
        assert.deepEqual(outs.slice(0, 3), three, 'dx, dgamma, dbeta as without the residual output');
      });
    }
  }
});

describe('the fused ops equal the chains they replace (values and gradients)', () => {
  for (const backend of ['ref', 'wasm-res-2t']) {
    it(`${backend}: conv2d(residual) and batchNormTraining(residual) against conv/normalize, add, relu`, () => {
      engine.setBackend(backend);
      const rng = new Random(13);
      const x = randn([2, 6, 6, 8], rng), w = randn([3, 3, 8, 8], rng), b = randn([8], rng), res = randn([2, 6, 6, 8], rng), r = randn([2, 6, 6, 8], rng);
      const gamma = randn([8], rng, 1), beta = randn([8], rng);
      for (const t of [x, w, b, res, gamma, beta]) t.requiresGrad = true;
      const opts = { padding: 'same' as const, bias: b };
      const loss = (y: Tensor) => ops.sum(ops.mul(y, r));
      const convFused = () => ops.conv2d(x, w, { ...opts, activation: 'relu', residual: res });
      const convChain = () => ops.relu(ops.add(ops.conv2d(x, w, opts), res));
      assertClose(convFused(), convChain(), 0, 'conv value');
      const [cf, cc] = [gradients(loss(convFused()), [x, w, b, res]), gradients(loss(convChain()), [x, w, b, res])];
      ['dx', 'dw', 'db', 'dres'].forEach((what, i) => assertClose(cf[i]!, cc[i]!, 1e-6, `conv ${what}`));
      const bnFused = () => ops.batchNormTraining(x, gamma, beta, 1e-3, 'relu', res).y;
      const bnChain = () => ops.relu(ops.add(ops.batchNormTraining(x, gamma, beta, 1e-3).y, res));
      assertClose(bnFused(), bnChain(), 0, 'bn value');
      const [bf, bc] = [gradients(loss(bnFused()), [x, gamma, beta, res]), gradients(loss(bnChain()), [x, gamma, beta, res])];
      ['dx', 'dgamma', 'dbeta', 'dres'].forEach((what, i) => assertClose(bf[i]!, bc[i]!, 1e-6, `bn ${what}`));
      // A residual that broadcasts (Keras Add allows size-1 axes) runs the composition.
      const small = randn([2, 1, 1, 8], rng);
      assertClose(ops.conv2d(x, w, { ...opts, activation: 'relu', residual: small }), ops.relu(ops.add(ops.conv2d(x, w, opts), small)), 0, 'broadcast conv');
      assertClose(ops.batchNormTraining(x, gamma, beta, 1e-3, 'relu', small).y, ops.relu(ops.add(ops.batchNormTraining(x, gamma, beta, 1e-3).y, small)), 0, 'broadcast bn');
      engine.setBackend('ref');
    });
  }
});

describe('the planner runs a chain through an add, its other input as a side operand', () => {
  const notRun = () => { throw new Error('not run'); };
  const bn: Stage = { kind: 'batchNorm', runWithRelu: notRun, runWithResidual: notRun };
  const conv: Stage = { kind: 'conv', activation: 'linear', dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun, runWithResidual: notRun };
  const steps = (s: ReturnType<typeof plan>) => s.map((p) => (p.kind === 'node' ? p.node : `${p.fusion.pattern}[${p.nodes.join(',')}]<${p.sides.map((d) => `${d.node}.${d.slot}`).join(',')}>`));
  // 0 block input, 1 main-path bn, 2 shortcut conv, 3 shortcut bn, 4 add(main, shortcut), 5 relu, 6 head.
  const block = (stages: Partial<Record<number, Stage>> = {}) => [
    { stage: OPAQUE, inputs: [-1] }, { stage: stages[1] ?? bn, inputs: [0] }, { stage: conv, inputs: [0] }, { stage: bn, inputs: [2] },
    { stage: ADD, inputs: [1, 3] }, { stage: RELU, inputs: [4] }, { stage: OPAQUE, inputs: [5] },
  ];

  it('fuses the first branch to reach the add, runs the fused step where the add would run, and leaves the other branch whole', () => {
    assert.deepEqual(steps(plan(block(), new Set([6]))), [0, 2, 3, 'batchNormAddRelu[1,4,5]<4.1>', 6]);
    // The add's inputs swapped: the side operand is its slot 0.
    const swapped = block();
    swapped[4] = { stage: ADD, inputs: [3, 1] };
    assert.deepEqual(steps(plan(swapped, new Set([6]))), [0, 2, 3, 'batchNormAddRelu[1,4,5]<4.0>', 6]);
  });

  it('conv -> add -> relu fuses; not through a second consumer, a model output or an add of three', () => {
    assert.deepEqual(steps(plan(block({ 1: conv }), new Set([6]))), [0, 2, 3, 'convAddRelu[1,4,5]<4.1>', 6]);
    // The main-path bn read twice, or a model output: the shortcut's bn takes the join instead.
    const twoConsumers = [...block(), { stage: OPAQUE, inputs: [1] }];
    assert.deepEqual(steps(plan(twoConsumers, new Set([6, 7]))), [0, 1, 2, 'batchNormAddRelu[3,4,5]<4.0>', 6, 7]);
    assert.deepEqual(steps(plan(block(), new Set([1, 6]))), [0, 1, 2, 'batchNormAddRelu[3,4,5]<4.0>', 6]);
    // The add itself an output, or its relu read twice: nothing fuses.
    assert.deepEqual(steps(plan(block(), new Set([4, 6]))), [0, 1, 2, 3, 4, 5, 6]);
    const bothRead = [...block(), { stage: OPAQUE, inputs: [4] }];
    assert.deepEqual(steps(plan(bothRead, new Set([6, 7]))), [0, 1, 2, 3, 4, 5, 6, 7]);
    const three = block();
    three[4] = { stage: ADD, inputs: [1, 3, 0] };
    assert.deepEqual(steps(plan(three, new Set([6]))), [0, 1, 2, 3, 4, 5, 6]);
  });
});

/** Two basic blocks (identity and conv-BN shortcuts); `extra`: the second block's sum (before its ReLU) is also an output. */
function residualModel(seed: number, extra: boolean): Model {
  const x = input({ shape: [8, 8, 8] });
  const conv = (h: SymbolicTensor, f: number, k: number, s: number) => new Conv2D(f, k, { strides: s, padding: 'same', seed: seed++ }).apply(h) as SymbolicTensor;
  const bn = (h: SymbolicTensor) => new BatchNormalization({ momentum: 0.9 }).apply(h) as SymbolicTensor;
  const stem = new ReLU().apply(bn(conv(x, 8, 3, 1))) as SymbolicTensor;
  const identity = new ReLU().apply(new Add().apply([bn(conv(new ReLU().apply(bn(conv(stem, 8, 3, 1))) as SymbolicTensor, 8, 3, 1)), stem])) as SymbolicTensor;
  const y = bn(conv(new ReLU().apply(bn(conv(identity, 16, 3, 2))) as SymbolicTensor, 16, 3, 1));
  const sum = new Add().apply([y, bn(conv(identity, 16, 1, 2))]) as SymbolicTensor;
  const out = new ReLU().apply(sum) as SymbolicTensor;
  return new Model({ inputs: x, outputs: extra ? [out, sum] : out });
}

describe('a functional residual model runs the joins fused and equals the unfused model', () => {
  for (const backend of ['ref', 'wasm-res-2t']) {
    for (const extra of [false, true]) {
      it(`${backend}${extra ? ', a sum also an output (that join unfused)' : ''}: training loss, gradients, moving statistics and predictions`, () => {
        engine.setBackend(backend);
        const rng = new Random(14);
        const xb = randn([4, 8, 8, 8], rng), target = randn([4, 4, 4, 16], rng);
        const [fusedModel, plainModel] = [residualModel(3, extra), residualModel(3, extra)];
        plainModel.setWeights(fusedModel.getWeights());
        const train = (m: Model, fuse: boolean) => {
          const run = () => {
            let loss: Tensor | null = null;
            const counts = kernelCalls(() => {
              const outs = m.forward([xb], true);
              loss = outs.map((o, i) => ops.sum(ops.mul(o, i === 0 ? target : o))).reduce((a, b) => ops.add(a, b));
            });
            return { loss: loss!, grads: gradients(loss!, m.trainableWeights), counts };
          };
          return fuse ? run() : withoutFusion(run);
        };
        const fused = train(fusedModel, true), plain = train(plainModel, false);
        assert.equal(fused.counts.get('Unary') ?? 0, extra ? 1 : 0, `fused training ${JSON.stringify([...fused.counts])}`);
        assert.equal(plain.counts.get('Unary'), 5, `unfused training ${JSON.stringify([...plain.counts])}`);
        assertClose(fused.loss, plain.loss, 1e-5, 'loss');
        // The six convs before a batch norm: their biases get a zero gradient fused (convBnTrain).
        assert.equal(assertGradientsClose(fused.grads, plain.grads, 1e-4, 'gradient'), 6);
        fusedModel.getWeights().forEach((w, i) => assertClose(w, plainModel.getWeights()[i]!, 1e-5, `weight ${i} (moving statistics)`));
        // Inference as predict runs it (no graph recorded), the second call: the first computes the folded weights.
        noGrad(() => fusedModel.forward([xb], false));
        const counts = kernelCalls(() => noGrad(() => fusedModel.forward([xb], false)));
        assert.equal(counts.get('Unary') ?? 0, extra ? 1 : 0, `fused inference ${JSON.stringify([...counts])}`);
        const [pf, pp] = [fusedModel.forward([xb], false), withoutFusion(() => plainModel.forward([xb], false))];
        pf.forEach((p, i) => assertClose(p, pp[i]!, 1e-5, `prediction ${i}`));
        engine.setBackend('ref');
      });
    }
  }
});

describe('a join whose shortcut is the model input', () => {
  it('input -> conv -> BN -> Add(., input) -> ReLU: fused in training and inference, equal to the unfused model', () => {
    engine.setBackend('wasm-res-2t');
    const rng = new Random(15);
    const x = input({ shape: [6, 6, 8] });
    const bn = new BatchNormalization().apply(new Conv2D(8, 3, { padding: 'same', seed: 7 }).apply(x)) as SymbolicTensor;
    const model = new Model({ inputs: x, outputs: new ReLU().apply(new Add().apply([bn, x])) as SymbolicTensor });
    const xb = randn([3, 6, 6, 8], rng), r = randn([3, 6, 6, 8], rng);
    for (const training of [true, false]) {
      // Inference counted as predict runs it (no graph: the folded weights come from the cache, not ops).
      if (!training) noGrad(() => model.forward([xb], false));
      const counts = kernelCalls(() => (training ? model.forward([xb], true) : noGrad(() => model.forward([xb], false))));
      assert.equal(counts.get('Unary') ?? 0, 0, JSON.stringify([...counts]));
      assert.equal(counts.get('Binary') ?? 0, 0, JSON.stringify([...counts]));
      const y = model.forward([xb], training)[0]!;
      const plain = withoutFusion(() => model.forward([xb], training)[0]!);
      assertClose(y, plain, 1e-5, `training ${training}`);
      const [gf, gp] = [gradients(ops.sum(ops.mul(y, r)), model.trainableWeights), withoutFusion(() => gradients(ops.sum(ops.mul(model.forward([xb], training)[0]!, r)), model.trainableWeights))];
      assert.equal(assertGradientsClose(gf, gp, 1e-4, `training ${training} gradient`), training ? 1 : 0);
    }
    engine.setBackend('ref');
  });
});
