/**
 * A hand-written nn forward in training mode runs the kernels the functional Model runs for the
 * same network (resnet8's residual block as torch_zoo writes it):
 * - `relu(bn(conv(x)))`: the conv without its bias pass (convBnTrain) and one BatchNormTraining with
 *   the relu inside, no Unary, UnaryGrad or bias Reduce;
 * - `relu(add(bn(conv(h)), shortcut))`: BatchNormTraining adds the shortcut (batchNormAddRelu), and
 *   its gradient kernel writes the shortcut's gradient: no Binary add.
 * Output, every gradient and the running statistics equal the unfused ops' (withoutFusion). A batch
 * norm waiting in a chain updates its running statistics exactly once: before they are read, the
 * mode switches or the state is saved, and not again when a handed-back value is computed again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backward } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import * as nn from '../src/nn/index.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { withoutFusion } from '../src/plan/planner.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { benchModelsByName, benchProgram } from '../src/cli/bench-models.js';
import { toCategorical } from '../src/data/to-categorical.js';
import { assertClose, assertGradientsClose, ResidualBlock } from './fusion-test-util.js';

registerWasmBackend({ name: 'wasm-train-fusion-1t', threads: 1, priority: 0 });
registerWasmBackend({ name: 'wasm-train-fusion-2t', threads: 2, priority: 0 });

const F = nn.F;
const randn = (shape: number[], rng: Random) => ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

/** Output, loss, gradients (parameters, then the input) and kernels of one training step. */
function step(block: ResidualBlock, x: Tensor, unfused: boolean) {
  const run = () => {
    const input = x.clone();
    input.requiresGrad = true;
    let y: Tensor | undefined;
    const calls = kernelCalls(() => {
      y = block.forward(input);
      backward(ops.sum(ops.mul(y, y)));
    });
    return { y: y!, calls, grads: [...block.parameters().map((p) => p.grad), input.grad] };
  };
  const r = unfused ? withoutFusion(run) : run();
  block.zeroGrad();
  return r;
}

function statistics(block: ResidualBlock): Float32Array[] {
  return [block.bn1, block.bn2].flatMap((bn) => [bn.runningMean!, bn.runningVar!].map((t) => Float32Array.from(t.dataSync())));
}

for (const backend of ['ref', 'wasm-train-fusion-1t', 'wasm-train-fusion-2t']) {
  describe(`training-mode nn forward fusion on ${backend}`, () => {
    it('a residual block runs the functional kernels, with the unfused output, gradients and running statistics', () => {
      engine.setBackend(backend);
      const rng = new Random(5);
      const x = randn([4, 8, 6, 6], rng);
      const fusedBlock = new ResidualBlock(8, new Random(9));
      const plainBlock = new ResidualBlock(8, new Random(9));
      const fused = step(fusedBlock, x, false);
      const plain = step(plainBlock, x, true);
      assert.equal(fused.calls.get('Unary'), undefined, JSON.stringify([...fused.calls]));
      assert.equal(fused.calls.get('UnaryGrad'), undefined);
      // The join runs in BatchNormTraining (the Binary kernels left are the loss's).
      assert.equal(fused.calls.get('Binary')! + 2, plain.calls.get('Binary'), JSON.stringify([...fused.calls]));
      assert.equal(fused.calls.get('BatchNormTraining'), 2);
      assert.equal(fused.calls.get('BatchNormTrainingGrad'), 2);
      // The only Reduce left is the loss's sum: no conv bias pass, no bias gradient.
      assert.equal(fused.calls.get('Reduce'), 1);
      assert.ok((plain.calls.get('Unary') ?? 0) >= 2 && (plain.calls.get('Binary') ?? 0) >= 1, JSON.stringify([...plain.calls]));
      assertClose(fused.y, plain.y, 1e-5, 'output');
      // The conv biases' fused gradients are exactly zero (the norm removes them).
      assert.equal(assertGradientsClose(fused.grads, plain.grads, 2e-5, 'gradient'), 2);
      const [fs, ps] = [statistics(fusedBlock), statistics(plainBlock)];
      fs.forEach((s, i) => assertClose(ops.tensor(s), ops.tensor(ps[i]!), 1e-6, `running statistic ${i}`));
      assert.equal(fusedBlock.bn2.numBatchesTracked!.item(), 1);
    });

    it('a norm whose output waits in a chain updates its statistics before they are read, saved or the mode changes', () => {
      engine.setBackend(backend);
      const rng = new Random(6);
      const x = randn([2, 4, 5, 5], rng);
      const make = () => {
        const conv = new nn.Conv2d(4, 4, 3, { rng: new Random(1) });
        const bn = new nn.BatchNorm2d(4);
        return { conv, bn, net: new nn.Sequential(conv, bn) };
      };
      const expected = make();
      withoutFusion(() => expected.bn.forward(expected.conv.forward(x)));
      const want = ops.tensor(Float32Array.from(expected.bn.runningMean!.dataSync()));
      assert.ok(want.dataSync().some((v) => v !== 0));
      // Fused, the conv's bias is added to the batch mean instead of to every value: float rounding.
      const sameAsWanted = (t: Tensor, what: string) => assertClose(t, want, 1e-6, what);

      // Read: the getter runs the chain the discarded output was waiting in.
      const read = make();
      noGrad(() => read.bn.forward(read.conv.forward(x)));
      sameAsWanted(read.bn.runningMean!, 'read');
      assert.equal(read.bn.numBatchesTracked!.item(), 1);

      // Saved: stateDict holds the updated statistics.
      const saved = make();
      saved.bn.forward(saved.conv.forward(x));
      sameAsWanted(saved.net.stateDict()['1.running_mean']!, 'saved');

      // The next forward, run at once: the waiting update first, then its own.
      const x2 = randn([2, 4, 3, 3], rng);
      const both = make();
      withoutFusion(() => [both.bn.forward(both.conv.forward(x)), both.bn.forward(x2)]);
      const twice = make();
      twice.bn.forward(twice.conv.forward(x));
      twice.bn.forward(x2);
      assert.equal(twice.bn.numBatchesTracked!.item(), 2);
      assertClose(twice.bn.runningVar!, both.bn.runningVar!, 1e-6, 'two updates in order');

      // Mode switch: the output computed in training mode (batch statistics), then the switch.
      const switched = make();
      const y = switched.bn.forward(switched.conv.forward(x));
      switched.net.eval();
      const batchNormed = withoutFusion(() => expected.bn.train().forward(expected.conv.forward(x)));
      assertClose(y, batchNormed, 1e-5, 'output of the training-mode forward');
    });

    it('a handed-back output read after backward is computed again without a second update', () => {
      engine.setBackend(backend);
      const rng = new Random(7);
      const x = randn([2, 4, 5, 5], rng);
      const conv = new nn.Conv2d(4, 4, 3, { rng: new Random(2) });
      const bn = new nn.BatchNorm2d(4);
      const next = new nn.Conv2d(4, 4, 3, { rng: new Random(3) });
      const y = F.relu(bn.forward(conv.forward(x)));
      backward(ops.sum(next.forward(y))); // y's chain runs to give the next conv its input
      assert.ok(y.deferred !== null, 'handed back by backward');
      const mean = Array.from(bn.runningMean!.dataSync());
      const again = Array.from(y.dataSync());
      assert.equal(bn.numBatchesTracked!.item(), 1);
      assert.deepEqual(Array.from(bn.runningMean!.dataSync()), mean);
      const expected = withoutFusion(() => F.relu(new nn.BatchNorm2d(4).forward(conv.forward(x))));
      assertClose(ops.tensor(again, y.shape), expected, 1e-5, 'recomputed output');
    });
  });
}

describe('resnet8 trained as an nn module', () => {
  it("runs the functional Model's kernels in its blocks: no Unary, UnaryGrad or Transpose", () => {
    engine.setBackend('wasm-train-fusion-2t');
    const [resnet8] = benchModelsByName('resnet8');
    const rng = new Random(11);
    const x = randn([8, 32, 32, 3], rng);
    const y = toCategorical(Int32Array.from({ length: 8 }, () => rng.int(10)), 10);
    const stepKernels = (api: 'functional' | 'nn') => {
      const { program } = benchProgram(resnet8!, api, 1);
      const batch = program.prepare(x, y);
      program.trainStep(...batch);
      return kernelCalls(() => program.trainStep(...batch));
    };
    const functional = stepKernels('functional');
    const nnStep = stepKernels('nn');
    for (const id of ['Unary', 'UnaryGrad', 'Transpose'] as const) assert.equal(nnStep.get(id), undefined, `${id}: ${JSON.stringify([...nnStep])}`);
    for (const id of ['Conv2D', 'BatchNormTraining', 'BatchNormTrainingGrad', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'] as const) {
      assert.equal(nnStep.get(id), functional.get(id), id);
    }
    // The head differs (AdaptiveAvgPool2d is a Pool2D, the loss takes class indices): one Binary
    // left in nn's step, the loss's, where the Model's Softmax head runs its own.
    assert.ok((nnStep.get('Binary') ?? 0) <= (functional.get('Binary') ?? 0), `Binary: ${JSON.stringify([...nnStep])}`);
  });
});
