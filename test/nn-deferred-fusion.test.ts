/**
 * Fusion in nn forwards written with F calls (plan/deferred-chain.ts): the slide's LeNet-5 runs
 * Conv2DPool and Pool2DReluBiasGrad, with the loss and every gradient of the unfused run; an
 * intermediate that the forward reads, returns, uses twice or asks the gradient of is computed
 * exactly (and, when read before the pooling, not fused at all); a new input shape needs nothing.
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
import { withoutFusion } from '../src/plan/planner.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { lenet5 } from '../src/zoo/lenet5.js';

registerWasmBackend({ name: 'wasm-deferred-2t', threads: 2, priority: 0 });
const BACKENDS = ['ref', 'wasm-deferred-2t'];
const F = nn.F;

const randn = (shape: number[], seed: number) => {
  const rng = new Random(seed);
  return ops.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
};

/** |a - b| <= tol * max|b| elementwise. */
function assertClose(a: Tensor | null, b: Tensor | null, tol: number, what: string): void {
  assert.ok(a !== null && b !== null, `${what}: missing gradient`);
  assert.deepEqual(a.shape, b.shape, what);
  const x = a.dataSync(), y = b.dataSync();
  let worst = 0, scale = 1e-6;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  assert.ok(worst <= tol * scale, `${what}: max difference ${worst} (scale ${scale})`);
}

/** Loss and parameter gradients of one step of `loss(net)`, with the kernels it ran. */
function step(net: nn.Module, loss: () => Tensor) {
  net.zeroGrad();
  let value = 0;
  const calls = kernelCalls(() => {
    const l = loss();
    backward(l);
    value = l.item();
  });
  return { value, grads: net.parameters().map((p) => p.grad), calls };
}

/** A module whose forward is conv -> relu -> max pool, with `extra` free to touch the conv output. */
class ConvReluPool extends nn.Module {
  conv = new nn.Conv2d(2, 4, 3, { rng: new Random(3) });
  constructor(private readonly extra: (c: Tensor, pooled: () => Tensor) => Tensor) {
    super();
  }
  forward(x: Tensor): Tensor {
    const c = this.conv.forward(x);
    return this.extra(c, () => F.maxPool2d(F.relu(c), 2));
  }
}

describe('nn forwards with F calls run the planned fusions', () => {
  for (const backend of BACKENDS) {
    it(`${backend}: the slide's LeNet-5 runs Conv2DPool and Pool2DReluBiasGrad, with the unfused loss and gradients`, () => {
      engine.setBackend(backend);
      const net = lenet5({ seed: 5 });
      const x = randn([8, 1, 28, 28], 11);
      const labels = ops.tensor(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), [8], 'int32');
      const loss = () => F.nllLoss(net.forward(x), labels);
      const fused = step(net, loss);
      const unfused = withoutFusion(() => step(net, loss));
      assert.equal(fused.calls.get('Conv2DPool'), 2);
      assert.equal(fused.calls.get('Pool2DReluBiasGrad'), 2);
      for (const k of ['Conv2D', 'Pool2D', 'Pool2DGrad'] as const) assert.equal(fused.calls.get(k), undefined, k);
      assert.equal(unfused.calls.get('Conv2DPool'), undefined);
      // The fused kernels sum the same products in another order (bias gradients over pooled
      // windows first): float32 rounding, not a different function.
      assert.ok(Math.abs(fused.value - unfused.value) <= 1e-6 * Math.abs(unfused.value), `loss ${fused.value} vs ${unfused.value}`);
      fused.grads.forEach((g, i) => assertClose(g, unfused.grads[i]!, 1e-5, `${net.namedParameters()[i]![0]} gradient`));
    });
  }

  it('an input of another shape needs no re-trace: it fuses and stays exact', () => {
    engine.setBackend('wasm-deferred-2t');
    const net = new ConvReluPool((_, pooled) => pooled());
    for (const shape of [[2, 2, 10, 10], [3, 2, 12, 8], [2, 2, 10, 10]]) {
      const x = randn(shape, shape[0]!);
      const fused = step(net, () => ops.sum(net.forward(x)));
      const unfused = withoutFusion(() => step(net, () => ops.sum(net.forward(x))));
      assert.equal(fused.calls.get('Conv2DPool'), 1, shape.join('x'));
      assert.ok(Math.abs(fused.value - unfused.value) <= 1e-6 * Math.abs(unfused.value));
      fused.grads.forEach((g, i) => assertClose(g, unfused.grads[i]!, 1e-5, `${shape.join('x')}: gradient ${i}`));
    }
  });
});

describe('an intermediate someone else reads is exact', () => {
  const x = randn([2, 2, 10, 10], 1);
  const cases: [string, (c: Tensor, pooled: () => Tensor) => Tensor, boolean][] = [
    ['read before the pooling', (c, pooled) => (c.dataSync(), pooled()), false],
    ['used twice before the pooling', (c, pooled) => ops.add(ops.sum(ops.mul(c, c)), ops.sum(pooled())), false],
    ['used again after the pooling', (c, pooled) => ops.add(ops.sum(pooled()), ops.sum(ops.mul(c, c))), true],
    ['summed beside the pooled output', (c, pooled) => ops.add(ops.sum(pooled()), ops.sum(c)), true],
  ];
  for (const [what, extra, fuses] of cases) {
    it(`${what}: ${fuses ? 'fused, the intermediate computed when read' : 'not fused'}; loss and gradients exact`, () => {
      engine.setBackend('wasm-deferred-2t');
      const net = new ConvReluPool(extra);
      const fused = step(net, () => ops.sum(net.forward(x)));
      const unfused = withoutFusion(() => step(net, () => ops.sum(net.forward(x))));
      assert.equal(fused.calls.get('Conv2DPool') === 1, fuses);
      assert.ok(Math.abs(fused.value - unfused.value) <= 1e-6 * Math.abs(unfused.value), `${fused.value} vs ${unfused.value}`);
      fused.grads.forEach((g, i) => assertClose(g, unfused.grads[i]!, 1e-5, `gradient ${i}`));
    });
  }

  it('the gradient of an intermediate of a fused op is the unfused one', () => {
    engine.setBackend('wasm-deferred-2t');
    const conv = new nn.Conv2d(2, 4, 3, { rng: new Random(9) });
    const run = () => {
      const c = conv.forward(x);
      const r = F.relu(c);
      const p = F.maxPool2d(r, 2);
      return { c, r, y: ops.sum(ops.mul(p, p)) };
    };
    let fused: (Tensor | null)[] = [];
    const calls = kernelCalls(() => {
      const f = run();
      fused = gradients(f.y, [f.c, f.r]);
    });
    const u = withoutFusion(run);
    const unfused = gradients(u.y, [u.c, u.r]);
    assert.equal(calls.get('Conv2DPool'), 1);
    assertClose(fused[0]!, unfused[0]!, 1e-5, 'conv output gradient');
    assertClose(fused[1]!, unfused[1]!, 1e-5, 'relu output gradient');
  });

  it('a deferred output made without gradients records none when read with them', () => {
    engine.setBackend('wasm-deferred-2t');
    const conv = new nn.Conv2d(2, 4, 3, { rng: new Random(9) });
    const c = noGrad(() => conv.forward(x));
    assert.equal(c.needsGrad, false);
    const y = conv.forward(x);
    assert.equal(y.needsGrad, true);
    assertClose(c, y, 0, 'values');
  });

  it("an intermediate first read after its module's weights changed is refused, not computed with the new weights", () => {
    engine.setBackend('wasm-deferred-2t');
    const net = new ConvReluPool((c, pooled) => (pooled(), c));
    const c = net.forward(x);
    const optimizer = new nn.optim.SGD(net.parameters(), { lr: 0.1 });
    backward(ops.sum(F.maxPool2d(F.relu(net.conv.forward(x)), 2)));
    optimizer.step();
    assert.throws(() => c.dataSync(), /was first read after its module's weights changed/);
  });
});
