/**
 * A PyTorch-style training loop over an nn.Sequential on NCHW leaves nothing for the garbage
 * collector but what the user's code holds: nn.Sequential frees its intermediates (with the graph,
 * in backward()), NCHW ops their channels-last views, zeroGrad the unread gradients. Counted in
 * backend bytes without any reclaim, so a regression shows as growth per step. A module that keeps
 * its output (a feature map for a picture) keeps it, valid, after backward.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { backward } from '../src/autograd/backward.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { engine, getBackend, setBackend } from '../src/backend/engine.js';
import * as nn from '../src/nn/index.js';
import { createNodeWasmBackend } from '../src/node/wasm/register.js';
import * as ops from '../src/ops/index.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';

engine.registerBackend('wasm-intermediates', () => createNodeWasmBackend({ threads: 1 }), 0);
const previous = getBackend();
after(() => setBackend(previous));

/** A step's activations are tens of KB here; what may stay per step is the logits, the loss and the targets. */
const ALLOWED_BYTES_PER_STEP = 4096;

/** A user's module that keeps what passes through it (a feature map for a picture). */
class KeepFeatures extends nn.Module {
  last: Tensor | null = null;
  forward(x: Tensor): Tensor {
    this.last = x;
    return x;
  }
}

function net(rng: Random, keep?: KeepFeatures) {
  const head = [new nn.Conv2d(1, 4, 3, { rng }), new nn.ReLU()];
  return new nn.Sequential(...head, ...(keep === undefined ? [] : [keep]), new nn.MaxPool2d(2), new nn.Conv2d(4, 8, 3, { rng }), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8 * 6 * 6, 10, { rng }));
}

/** The same with batch norms: conv -> BatchNorm2d -> ReLU, in training mode (convBnTrain + batchNormRelu). */
function normedNet(rng: Random) {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { rng }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(4, 8, 3, { rng }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8 * 6 * 6, 10, { rng }),
  );
}

/** normedNet's first block written by hand: the norm joins the conv's deferred chain. */
class HandWrittenBlock extends nn.Module {
  conv: nn.Conv2d;
  bn: nn.BatchNorm2d;
  rest: nn.Sequential;
  constructor(rng: Random) {
    super();
    this.conv = new nn.Conv2d(1, 4, 3, { rng });
    this.bn = new nn.BatchNorm2d(4);
    this.rest = new nn.Sequential(new nn.Conv2d(4, 8, 3, { rng }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8 * 6 * 6, 10, { rng }));
  }
  forward(x: Tensor): Tensor {
    return this.rest.forward(nn.F.maxPool2d(nn.F.relu(this.bn.forward(this.conv.forward(x))), 2));
  }
}

function batch(rng: Random): [Tensor, Tensor] {
  const x = ops.tensor(Float32Array.from({ length: 8 * 1 * 18 * 18 }, () => rng.normal()), [8, 1, 18, 18]);
  const t = ops.tensor(Int32Array.from({ length: 8 }, (_, i) => i % 10), [8], 'int32');
  return [x, t];
}

const liveBytes = () => engine.backend.memory().bytes;

describe('nn training loop: intermediates freed without the collector', () => {
  const builds: [string, (rng: Random) => nn.Module][] = [
    ['an nn.Sequential', (rng) => net(rng)],
    ['an nn.Sequential with batch norms in training', normedNet],
    ['a hand-written conv -> batch norm -> relu', (rng) => new HandWrittenBlock(rng)],
  ];
  for (const [what, build] of builds) it(`${what}: a step on NCHW leaves no activations behind`, () => {
    setBackend('wasm-intermediates');
    const rng = new Random(5);
    const model = build(rng);
    const opt = new nn.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const [x, t] = batch(rng);
    const step = () => {
      opt.zeroGrad();
      backward(nn.F.crossEntropy(model.forward(x), t));
      opt.step();
    };
    for (let i = 0; i < 3; i++) step();
    const before = liveBytes();
    for (let i = 0; i < 20; i++) step();
    const perStep = (liveBytes() - before) / 20;
    assert.ok(perStep <= ALLOWED_BYTES_PER_STEP, `${perStep} bytes per step left for the collector`);
  });

  it('inference without a graph frees them as it goes', () => {
    setBackend('wasm-intermediates');
    const rng = new Random(6);
    const model = net(rng);
    const [x] = batch(rng);
    noGrad(() => model.forward(x));
    const before = liveBytes();
    for (let i = 0; i < 20; i++) noGrad(() => model.forward(x));
    const perCall = (liveBytes() - before) / 20;
    assert.ok(perCall <= ALLOWED_BYTES_PER_STEP, `${perCall} bytes per forward left for the collector`);
  });

  it('a module that keeps its output keeps it valid through backward and step', () => {
    setBackend('wasm-intermediates');
    const rng = new Random(7);
    const features = new KeepFeatures();
    const model = net(rng, features);
    const opt = new nn.optim.SGD(model.parameters(), { lr: 0.01 });
    const [x, t] = batch(rng);
    backward(nn.F.crossEntropy(model.forward(x), t));
    opt.step();
    const kept = features.last!;
    assert.deepEqual(kept.shape, [8, 4, 16, 16]);
    assert.equal(kept.dataSync().length, 8 * 4 * 16 * 16);
    assert.ok(kept.dataSync().some((v) => v !== 0));
  });
});
