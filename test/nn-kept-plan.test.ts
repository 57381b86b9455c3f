/**
 * Plans kept across calls (plan/kept-plan.ts): an nn training loop of one shape plans each chain
 * once, and whatever decides a plan plans afresh: a replaced Parameter, train/eval, a chain cut
 * short by a read, withoutFusion. Values and gradients after each change are those of a model that
 * never ran before (same kernels, bit for bit) and, within float32 rounding, of the unfused run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backward, gradients } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine } from '../src/backend/engine.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import * as nn from '../src/nn/index.js';
import * as ops from '../src/ops/index.js';
import { registerWasmBackend } from '../src/node/wasm/register.js';
import { keptPlansMade } from '../src/plan/kept-plan.js';
import { withoutFusion } from '../src/plan/planner.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { lenet5 } from '../src/zoo/lenet5.js';

registerWasmBackend({ name: 'wasm-kept-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-kept-2t'];
const F = nn.F;

const randn = (shape: number[], seed: number, scale = 1) => {
  const rng = new Random(seed);
  return ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()), shape);
};
const labels = ops.tensor(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), [8], 'int32');
const images = randn([8, 1, 28, 28], 11);

/** Loss and parameter gradients of one forward and backward (no update), and the plans it made. */
function step(net: nn.Module, x: Tensor = images) {
  net.zeroGrad();
  const before = keptPlansMade();
  const loss = F.crossEntropy(net.forward(x), labels);
  backward(loss);
  return { value: loss.item(), grads: net.parameters().map((p) => p.grad!.dataSync()), plans: keptPlansMade() - before };
}

function assertSameBits(a: ReturnType<typeof step>, b: ReturnType<typeof step>, what: string): void {
  assert.equal(a.value, b.value, `${what}: loss`);
  a.grads.forEach((g, i) => assert.deepEqual(g, b.grads[i], `${what}: gradient ${i}`));
}

function assertNear(a: ReturnType<typeof step>, b: ReturnType<typeof step>, what: string): void {
  assert.ok(Math.abs(a.value - b.value) <= 1e-6 * Math.abs(b.value), `${what}: loss ${a.value} vs ${b.value}`);
  a.grads.forEach((g, i) => {
    const h = b.grads[i]!;
    let worst = 0, scale = 1e-6;
    for (let k = 0; k < g.length; k++) {
      worst = Math.max(worst, Math.abs(g[k]! - h[k]!));
      scale = Math.max(scale, Math.abs(h[k]!));
    }
    assert.ok(worst <= 1e-5 * scale, `${what}: gradient ${i} differs by ${worst} (scale ${scale})`);
  });
}

const seedCnn = () => {
  nn.manualSeed(4);
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 8, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8 * 11 * 11, 10),
  );
};

describe('a training loop of one shape plans once', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: LeNet-5 written with F calls plans its four chains in the first step only`, () => {
      engine.setBackend(backend);
      const net = lenet5({ seed: 5 });
      const optimizer = new nn.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
      const plans: number[] = [];
      for (let i = 0; i < 4; i++) {
        plans.push(step(net).plans);
        optimizer.step();
      }
      assert.deepEqual(plans, [4, 0, 0, 0]);
    });

    it(`${backend}: an nn.Sequential plans in its first step only (itself, and its last Linear's chain)`, () => {
      engine.setBackend(backend);
      const net = seedCnn();
      const optimizer = new nn.optim.SGD(net.parameters(), { lr: 0.01 });
      const plans: number[] = [];
      for (let i = 0; i < 3; i++) {
        plans.push(step(net).plans);
        optimizer.step();
      }
      assert.deepEqual(plans, [2, 0, 0]);
    });
  }
});

describe('what decides a plan plans afresh, and the result is exact', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: a replaced conv Parameter is the one the kept plan's fused op runs with`, () => {
      engine.setBackend(backend);
      const replacement = () => new nn.Parameter(randn([20, 1, 5, 5], 21, 0.2));
      const used = lenet5({ seed: 5 });
      step(used);
      used.conv1.weight = replacement();
      const after = step(used);
      const fresh = lenet5({ seed: 5 });
      fresh.conv1.weight = replacement();
      assert.equal(after.plans, 1, 'the conv1 chain is planned again');
      assertSameBits(after, step(fresh), 'against a model that never ran');
      assertNear(after, withoutFusion(() => step(fresh)), 'against the unfused run');
    });

    it(`${backend}: a replaced Linear Parameter in an nn.Sequential is used at once`, () => {
      engine.setBackend(backend);
      const replacement = () => new nn.Parameter(randn([10, 8 * 11 * 11], 22, 0.05));
      const used = seedCnn();
      step(used);
      (used.at(-1) as nn.Linear).weight = replacement();
      const after = step(used);
      const fresh = seedCnn();
      (fresh.at(-1) as nn.Linear).weight = replacement();
      assertSameBits(after, step(fresh), 'against a model that never ran');
    });

    it(`${backend}: train -> eval -> train with a batch norm plans each mode once and keeps both`, () => {
      engine.setBackend(backend);
      nn.manualSeed(6);
      const net = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 13 * 13, 10));
      const train = () => step(net);
      const infer = () => {
        const before = keptPlansMade();
        const calls = kernelCalls(() => noGrad(() => net.forward(images)).dataSync());
        return { plans: keptPlansMade() - before, calls };
      };
      assert.equal(train().plans, 2, 'the Sequential and its last Linear');
      net.eval();
      const inference = infer();
      assert.equal(inference.plans, 1, 'eval plans afresh');
      assert.equal(inference.calls.get('BatchNormTraining'), undefined, 'the eval plan folds the norm');
      const expected = withoutFusion(() => noGrad(() => net.forward(images)).dataSync());
      const got = noGrad(() => net.forward(images)).dataSync();
      got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-5 * (1 + Math.abs(expected[i]!)), `eval output ${i}: ${v} vs ${expected[i]}`));
      assert.equal(infer().plans, 0, 'eval again: kept');
      net.train();
      const again = train();
      assert.equal(again.plans, 0, 'train again: the training plan was kept');
      assert.ok(kernelCalls(() => step(net)).get('BatchNormTraining') !== undefined, 'training runs batch statistics');
    });

    it(`${backend}: a new input shape runs the kept plan, exactly`, () => {
      engine.setBackend(backend);
      const net = seedCnn();
      step(net);
      const other = randn([8, 1, 24, 24], 12);
      const reshaped = seedCnn();
      // A Linear over 8 * 10 * 10 features would be another model: the conv part alone here.
      const convs = (m: nn.Sequential) => new nn.Sequential(m.at(0), m.at(1), m.at(2), m.at(3), m.at(4));
      const before = keptPlansMade();
      const a = noGrad(() => convs(net).forward(other)).dataSync();
      assert.equal(keptPlansMade() - before, 1, 'a new Sequential of the same modules plans once');
      const b = noGrad(() => convs(reshaped).forward(other)).dataSync();
      assert.deepEqual(a, b);
      const small = randn([3, 1, 28, 28], 13);
      const plansBefore = keptPlansMade();
      const y = noGrad(() => net.forward(small)).dataSync();
      assert.equal(keptPlansMade() - plansBefore, 0, 'another batch size: the same plan');
      assert.deepEqual(y, noGrad(() => seedCnn().forward(small)).dataSync());
    });

    it(`${backend}: an intermediate read before the pooling cuts the chain: planned for what it is, gradients exact`, () => {
      engine.setBackend(backend);
      const conv = new nn.Conv2d(1, 4, 3, { rng: new Random(9) });
      const x = randn([2, 1, 10, 10], 1);
      const run = (readEarly: boolean) => {
        const c = conv.forward(x);
        const r = F.relu(c);
        if (readEarly) r.dataSync();
        const p = F.maxPool2d(r, 2);
        const y = ops.sum(ops.mul(p, p));
        return gradients(y, [c, conv.weight]).map((g) => g!.dataSync());
      };
      run(false);
      const before = keptPlansMade();
      const early = run(true);
      assert.equal(keptPlansMade() - before, 1, 'conv -> relu (the pooling then runs alone)');
      const fused = run(false);
      const unfused = withoutFusion(() => run(false));
      early.forEach((g, i) => g.forEach((v, k) => assert.ok(Math.abs(v - unfused[i]![k]!) <= 1e-5 * (1 + Math.abs(unfused[i]![k]!)), `gradient ${i}[${k}]`)));
      fused.forEach((g, i) => g.forEach((v, k) => assert.ok(Math.abs(v - unfused[i]![k]!) <= 1e-5 * (1 + Math.abs(unfused[i]![k]!)), `gradient ${i}[${k}]`)));
    });

    it(`${backend}: inside withoutFusion a kept plan is not used`, () => {
      engine.setBackend(backend);
      const net = seedCnn();
      step(net);
      const calls = kernelCalls(() => withoutFusion(() => step(net)));
      assert.equal(calls.get('Conv2DPool'), undefined);
      assert.equal(kernelCalls(() => step(net)).get('Conv2DPool'), 1);
    });
  }
});
