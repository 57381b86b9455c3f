/**
 * BatchNormalization -> ReLU as one planned op (pattern batchNormRelu): the fused op equals the
 * chain it replaces (values and gradients, on ref and wasm), the planner picks it only for a
 * single-consumer batch norm that is no output, and the Keras Sequential, functional Model and
 * nn.Sequential all run it in training (no Unary, no UnaryGrad) and the plain chain in inference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradients } from '../src/autograd/backward.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import { ReLU } from '../src/layers/activation-layers.js';
import { BatchNormalization } from '../src/layers/batch-normalization.js';
import { Conv2D } from '../src/layers/conv2d.js';
import { input } from '../src/layers/input.js';
import { Add } from '../src/layers/merge.js';
import { Model } from '../src/models/functional.js';
import { Sequential } from '../src/models/sequential.js';
import * as nn from '../src/nn/index.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { plan, planChain } from '../src/plan/planner.js';
import { OPAQUE, type Stage } from '../src/plan/stage.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { assertClose, assertGradientsClose } from './fusion-test-util.js';

registerWasmBackend({ name: 'wasm-bnrelu-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-bnrelu-2t'];

const randn = (shape: number[], rng: Random, shift = 0) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() + shift), shape);

describe('batchNormTraining with relu (relu6) equals relu (relu6) after batchNormTraining', () => {
  for (const backend of BACKENDS) {
    for (const activation of ['relu', 'relu6'] as const) {
    it(`${backend}: ${activation}: values and gradients of x, gamma and beta (C with and without an 8-lane tail)`, () => {
      engine.setBackend(backend);
      const rng = new Random(5);
      const act = activation === 'relu' ? ops.relu : ops.relu6;
      for (const shape of [[8, 6, 6, 16], [3, 5, 7, 11]]) {
        const C = shape[3]!;
        // gamma scaled by 4 for relu6, so some outputs pass 6.
        const x = randn(shape, rng, 0.3), gamma = ops.mul(randn([C], rng), activation === 'relu6' ? 4 : 1), beta = randn([C], rng, 0.2), r = randn(shape, rng);
        for (const t of [x, gamma, beta]) t.requiresGrad = true;
        const fused = ops.batchNormTraining(x, gamma, beta, 1e-3, activation).y;
        const chain = act(ops.batchNormTraining(x, gamma, beta, 1e-3).y);
        assertClose(fused, chain, 0, `${shape} y`);
        if (activation === 'relu6') assert.ok(fused.dataSync().some((v) => v === 6), 'some outputs clamped at 6');
        const gf = gradients(ops.sum(ops.mul(ops.batchNormTraining(x, gamma, beta, 1e-3, activation).y, r)), [x, gamma, beta]);
        const gc = gradients(ops.sum(ops.mul(act(ops.batchNormTraining(x, gamma, beta, 1e-3).y), r)), [x, gamma, beta]);
        ['dx', 'dgamma', 'dbeta'].forEach((what, i) => assertClose(gf[i]!, gc[i]!, 1e-6, `${shape} ${what}`));
      }
      engine.setBackend('ref');
    });
    }
  }
});

describe('the planner picks batchNormRelu', () => {
  const notRun = () => { throw new Error('not run'); };
  const bn: Stage = { kind: 'batchNorm', runWithRelu: notRun };
  const conv: Stage = { kind: 'conv', activation: 'linear', dataFormat: 'channelsLast', runWith: notRun, runWithPool: notRun };
  const relu: Stage = { kind: 'relu', activation: 'relu' };
  const shape = (steps: ReturnType<typeof plan>) => steps.map((s) => (s.kind === 'node' ? s.node : `${s.fusion.pattern}[${s.nodes.join(',')}]`));

  it('for batch norm -> relu, after a conv too, and not through a second consumer or an output', () => {
    assert.deepEqual(shape(planChain([bn, relu, OPAQUE])), ['batchNormRelu[0,1]', 2]);
    assert.deepEqual(shape(planChain([conv, bn, relu])), [0, 'batchNormRelu[1,2]']);
    assert.deepEqual(shape(planChain([bn, OPAQUE, relu])), [0, 1, 2]);
    assert.deepEqual(shape(plan([{ stage: bn, inputs: [-1] }, { stage: relu, inputs: [0] }], new Set([0, 1]))), [0, 1]);
    assert.deepEqual(shape(plan([{ stage: bn, inputs: [-1] }, { stage: relu, inputs: [0] }, { stage: OPAQUE, inputs: [0, 1] }], new Set([2]))), [0, 1, 2]);
  });
});

describe('every model API runs BatchNormalization -> ReLU fused in training', () => {
  const rng = new Random(9);
  const x = randn([4, 6, 6, 3], rng);
  const target = randn([4, 6, 6, 5], rng);

  /** Loss, gradients and moving statistics of one training forward of `model`, and its kernel counts. */
  function trainStep(model: Sequential | Model): { loss: Tensor; grads: (Tensor | null)[]; counts: Map<string, number> } {
    let loss: Tensor | null = null;
    const counts = kernelCalls(() => {
      loss = ops.sum(ops.mul(model.forward([x], true)[0]!, target));
    });
    return { loss: loss!, grads: gradients(loss!, model.trainableWeights), counts };
  }

  for (const backend of BACKENDS) {
    it(`${backend}: Sequential Conv2D -> BatchNormalization -> ReLU equals the unfused chain (ReLU then made opaque)`, () => {
      engine.setBackend(backend);
      const build = () => new Sequential({ layers: [new Conv2D(5, 3, { padding: 'same', inputShape: [6, 6, 3], seed: 4 }), new BatchNormalization({ momentum: 0.9 }), new ReLU()] });
      const [fusedModel, plainModel] = [build(), build()];
      plainModel.setWeights(fusedModel.getWeights());
      // An activity regularizer makes a layer opaque to the planner: the same math, unfused.
      (plainModel.layers[1] as unknown as { activityRegularizer: unknown }).activityRegularizer = { apply: () => ops.scalar(0) };
      const fused = trainStep(fusedModel), plain = trainStep(plainModel);
      assert.equal(fused.counts.get('Unary'), undefined, JSON.stringify([...fused.counts]));
      assert.equal(fused.counts.get('BatchNormTraining'), 1);
      assert.ok((plain.counts.get('Unary') ?? 0) >= 1, 'the opaque chain runs the relu on its own');
      assertClose(fused.loss, plain.loss, 1e-6, 'loss');
      // The conv's bias has a zero gradient fused (convBnTrain: the norm removes it).
      assert.equal(assertGradientsClose(fused.grads, plain.grads, 1e-5, 'gradient'), 1);
      const [bf, bp] = [fusedModel.layers[1] as BatchNormalization, plainModel.layers[1] as BatchNormalization];
      assertClose(bf.movingMean!, bp.movingMean!, 1e-6, 'moving mean');
      assertClose(bf.movingVariance!, bp.movingVariance!, 1e-6, 'moving variance');
      assertClose(fusedModel.forward([x], false)[0]!, plainModel.forward([x], false)[0]!, 1e-6, 'inference output');
      engine.setBackend('ref');
    });
  }

  it('functional Model: fuses a batch norm with one consumer, not one that also feeds an Add', () => {
    engine.setBackend('ref');
    const inp = input({ shape: [6, 6, 3] });
    const h = new BatchNormalization().apply(new Conv2D(3, 3, { padding: 'same', seed: 2 }).apply(inp));
    const single = new ReLU().apply(new BatchNormalization().apply(h));
    const bn2 = new BatchNormalization().apply(single);
    const out = new Add().apply([new ReLU().apply(bn2), bn2]);
    const model = new Model({ inputs: inp, outputs: out });
    const counts = kernelCalls(() => model.forward([x], true));
    assert.equal(counts.get('BatchNormTraining'), 3);
    assert.equal(counts.get('Unary'), 1, 'only the relu of the batch norm with two consumers runs alone');
  });

  it('nn.Sequential: Conv2d -> BatchNorm2d -> ReLU runs no Unary in train mode and equals the modules one by one', () => {
    engine.setBackend('ref');
    const net = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU());
    const twin = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU());
    twin.loadStateDict(net.stateDict());
    const xc = ops.transpose(x, [0, 3, 1, 2]);
    let y: Tensor | null = null;
    const counts = kernelCalls(() => {
      y = net.forward(xc);
    });
    assert.equal(counts.get('Unary'), undefined, JSON.stringify([...counts]));
    const stepwise = [0, 1, 2].reduce((h, i) => twin.at(i).forward(h), xc);
    assertClose(y!, stepwise, 1e-6, 'train-mode output');
    assertClose((net.at(1) as nn.BatchNorm2d).runningVar!, (twin.at(1) as nn.BatchNorm2d).runningVar!, 1e-6, 'running_var');
    net.eval();
    twin.eval();
    assertClose(net.forward(xc), [0, 1, 2].reduce((h, i) => twin.at(i).forward(h), xc), 1e-6, 'eval output');
  });
});
