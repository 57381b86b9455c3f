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
import { engine, getBackend, setBackend } from '../src/backend/engine.js';
import * as nn from '../src/nn/index.js';
import { createNodeWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
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
    // The map between the blocks alone is 8x4x6x6 floats (4.6 KB) per step; main left 8.5 KB. What
    // stays is the forward's own view of the second map (`g.view`, which holds its storage), the
    // logits and the loss.
    const perStep = (engine.backend.memory().bytes - before) / 20;
    assert.ok(perStep <= 4096, `${perStep} bytes per step left for the collector`);
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
