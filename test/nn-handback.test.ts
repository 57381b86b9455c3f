/**
 * A hand-written nn forward (the slide's F calls): when backward() frees the graph, the feature
 * maps its conv blocks produced and nobody read out are handed back (their storage freed, their
 * value computed again if read later), so the training loop leaves almost nothing for the garbage
 * collector. A map read out before backward keeps its values; one first read after backward (same
 * weights) is computed again exactly; one first read after the weights changed throws.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { backward } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { kernelCalls } from '../src/backend/kernel-calls.js';
import { engine, getBackend, setBackend } from '../src/backend/engine.js';
import * as nn from '../src/nn/index.js';
import { createNodeWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { withoutFusion } from '../src/plan/planner.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

engine.registerBackend('wasm-handback', () => createNodeWasmBackend({ threads: 1 }), 0);
const previous = getBackend();
after(() => setBackend(previous));

const F = nn.F;

class TwoBlocks extends nn.Module {
  conv1: nn.Conv2d;
  conv2: nn.Conv2d;
  fc: nn.Linear;
  /** The pooled map between the blocks, as a program that shows feature maps keeps it. */
  kept: Tensor | null = null;
  /** The second pooled map, which the head reads through a view (`g.view`). */
  second: Tensor | null = null;

  constructor(rng: Random) {
    super();
    this.conv1 = new nn.Conv2d(1, 4, 3, { rng });
    this.conv2 = new nn.Conv2d(4, 8, 3, { rng });
    this.fc = new nn.Linear(8 * 2 * 2, 10, { rng });
  }

  forward(x: Tensor): Tensor {
    const h = F.maxPool2d(F.relu(this.conv1.forward(x)), 2);
    this.kept = h;
    const g = F.maxPool2d(F.relu(this.conv2.forward(h)), 2);
    this.second = g;
    return this.fc.forward(g.view(-1, 8 * 2 * 2));
  }
}

function setup(seed: number) {
  setBackend('wasm-handback');
  const rng = new Random(seed);
  const net = new TwoBlocks(rng);
  const opt = new nn.optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = ops.tensor(Float32Array.from({ length: 8 * 1 * 14 * 14 }, () => rng.normal()), [8, 1, 14, 14]);
  const t = ops.tensor(Int32Array.from({ length: 8 }, (_, i) => i % 10), [8], 'int32');
  const loss = () => F.crossEntropy(net.forward(x), t);
  return { net, opt, x, loss };
}

describe('nn forward: feature maps handed back when backward() frees the graph', () => {
  it('a training loop leaves (almost) nothing for the collector', () => {
    const { opt, loss } = setup(1);
    const step = () => {
      opt.zeroGrad();
      backward(loss());
      opt.step();
    };
    for (let i = 0; i < 3; i++) step();
    const before = engine.backend.memory().bytes;
    for (let i = 0; i < 20; i++) step();
    // The map between the blocks alone is 8x4x6x6 floats (4.6 KB) per step; session 9 left 8.5 KB,
    // then 3 KB while the forward's own view of the second map (`g.view`) kept its storage; the view
    // is handed back too now. What stays is the logits, the loss and the targets' one-hot.
    const perStep = (engine.backend.memory().bytes - before) / 20;
    assert.ok(perStep <= 2048, `${perStep} bytes per step left for the collector`);
  });

  it('a map read out before backward keeps its values through backward and step', () => {
    const { net, opt, loss } = setup(2);
    backward(loss());
    const before = Array.from(net.kept!.dataSync());
    opt.step();
    assert.deepEqual(Array.from(net.kept!.dataSync()), before);
  });

  it('a map first read after backward (same weights) is computed again, exactly', () => {
    const { net, loss } = setup(3);
    const l = loss();
    const kept = net.kept!;
    backward(l);
    assert.ok(kept.deferred !== null, 'handed back');
    const late = Array.from(kept.dataSync());
    const fresh = Array.from((loss(), net.kept!).dataSync());
    assert.deepEqual(late, fresh);
  });

  it('a map first read after the weights changed throws, naming the cause', () => {
    const { net, opt, loss } = setup(4);
    backward(loss());
    const kept = net.kept!;
    opt.step();
    assert.throws(() => kept.dataSync(), /weights changed/);
  });
});

/**
 * A gated block: the stem's map feeds a conv and a product. The product reads the map after the
 * conv's chain consumed it (a residual `add` instead joins the conv's chain, which reads both first).
 */
class GatedBlock extends nn.Module {
  stem: nn.Conv2d;
  conv: nn.Conv2d;

  constructor(rng: Random) {
    super();
    this.stem = new nn.Conv2d(1, 4, 3, { padding: 1, rng });
    this.conv = new nn.Conv2d(4, 4, 3, { padding: 1, rng });
  }

  forward(x: Tensor): Tensor {
    const h = F.relu(this.stem.forward(x));
    return ops.mul(F.relu(this.conv.forward(h)), h);
  }
}

describe('nn forward without a graph: a feature map is handed back once the next block consumed it', () => {
  it('an inference loop leaves only what the loop itself holds for the collector', () => {
    const { net, x } = setup(5);
    const infer = () => noGrad(() => net.forward(x).dataSync());
    for (let i = 0; i < 3; i++) infer();
    const before = engine.backend.memory().bytes;
    for (let i = 0; i < 20; i++) infer();
    // The map between the blocks is 8x4x6x6 floats (4.6 KB) per call: main left it, and 5.6 KB in all.
    // Then the second map stayed (1,344 bytes per call with the logits): `g.view` consumed it, and
    // the Linear's chain handed back only the view. Handing back a view hands back the map it views
    // too, so what stays is the logits (8x10 floats, 320 bytes).
    const perCall = (engine.backend.memory().bytes - before) / 20;
    assert.ok(perCall <= 512, `${perCall} bytes per call left for the collector`);
  });

  it('a map first read after the forward is computed again, exactly', () => {
    const { net, x } = setup(6);
    const out = noGrad(() => net.forward(x));
    const kept = net.kept!;
    assert.ok(kept.deferred !== null, 'handed back after the second block consumed it');
    const late = Array.from(kept.dataSync());
    const expected = noGrad(() => {
      const h = F.maxPool2d(F.relu(nn.F.conv2d(x, net.conv1.weight, net.conv1.bias)), 2);
      return Array.from(h.dataSync());
    });
    assert.deepEqual(late, expected);
    assert.deepEqual(Array.from(noGrad(() => net.forward(x)).dataSync()), Array.from(out.dataSync()));
  });

  it('a map consumed through a view is handed back with it and computed again, exactly, if read', () => {
    const { net, x } = setup(8);
    noGrad(() => net.forward(x).dataSync());
    const second = net.second!;
    assert.ok(second.deferred !== null, 'handed back with the view the head consumed');
    const late = Array.from(second.dataSync());
    const expected = noGrad(() => withoutFusion(() => {
      const h = F.maxPool2d(F.relu(nn.F.conv2d(x, net.conv1.weight, net.conv1.bias)), 2);
      return Array.from(F.maxPool2d(F.relu(nn.F.conv2d(h, net.conv2.weight, net.conv2.bias)), 2).dataSync());
    }));
    assert.deepEqual(late, expected);
  });

  it('a module whose map was needed again (a second branch) keeps its maps from then on', () => {
    setBackend('wasm-handback');
    const rng = new Random(7);
    const net = new GatedBlock(rng);
    const x = ops.tensor(Float32Array.from({ length: 2 * 1 * 6 * 6 }, () => rng.normal()), [2, 1, 6, 6]);
    const reference = noGrad(() => withoutFusion(() => Array.from(net.forward(x).dataSync())));
    const convs = () => {
      let values: number[] = [];
      const calls = kernelCalls(() => {
        values = noGrad(() => Array.from(net.forward(x).dataSync()));
      });
      assert.deepEqual(values, reference);
      return calls.get('Conv2D') ?? 0;
    };
    // First call: the conv consumes the stem's map, which is handed back; the product's read computes
    // the stem again (3 convs). From then on the stem keeps its map (2 convs).
    assert.equal(convs(), 3);
    assert.equal(convs(), 2);
    assert.equal(convs(), 2);
  });
});
