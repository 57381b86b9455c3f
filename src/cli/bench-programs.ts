/**
 * The seed CNN written three ways, as a new user would: a Keras `Sequential`, the functional
 * `Model` API, and a PyTorch-style `nn` network. `fovea bench --api` times each, so the speed of
 * one model can be compared across APIs (they share one planner and the same kernels).
 */
import { backward } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { input } from '../layers/input.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Model } from '../models/functional.js';
import { mnistCnn } from '../models/mnist-cnn.js';
import type { Trainer } from '../models/trainer.js';
import * as nn from '../nn/index.js';
import { argMax } from '../ops/reduce.js';
import { concat, reshape, slice } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';

export const BENCH_APIS = ['sequential', 'functional', 'nn'] as const;
export type BenchApi = (typeof BENCH_APIS)[number];

/** One model in one API: a training step on a batch (NHWC images, one-hot labels) and inference. */
export interface BenchProgram {
  trainStep(x: Tensor, y: Tensor): void;
  /** Runs inference over x in batches (the nn program returns the predicted classes). */
  predict(x: Tensor, batchSize: number): Tensor;
}

export function seedCnnProgram(api: BenchApi, seed: number): BenchProgram {
  if (api === 'nn') return nnProgram(seed);
  const model = api === 'sequential' ? mnistCnn({ seed }) : functionalSeedCnn(seed);
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  return kerasProgram(model);
}

function kerasProgram(model: Trainer): BenchProgram {
  return {
    trainStep: (x, y) => void model.trainOnBatch(x, y),
    predict: (x, batchSize) => model.predict(x, { batchSize }) as Tensor,
  };
}

/** The seed CNN (models/mnist-cnn.ts) through the functional API. */
function functionalSeedCnn(seed: number): Model {
  const x = input({ shape: [28, 28, 1] });
  let h = new Conv2D(32, 3, { activation: 'relu', seed }).apply(x);
  h = new MaxPooling2D([2, 2]).apply(h);
  h = new Conv2D(64, 3, { activation: 'relu', seed: seed + 1 }).apply(h);
  h = new MaxPooling2D([2, 2]).apply(h);
  h = new Conv2D(64, 3, { activation: 'relu', seed: seed + 2 }).apply(h);
  h = new Flatten().apply(h);
  h = new Dense(64, { activation: 'relu', seed: seed + 3 }).apply(h);
  return new Model({ inputs: x, outputs: new Dense(10, { activation: 'softmax', seed: seed + 4 }).apply(h) });
}

/**
 * The seed CNN as a PyTorch user writes it: NCHW, nn.Sequential, cross-entropy on logits, RMSprop
 * with Keras's learning rate. Images of one channel are NCHW and NHWC alike, so a reshape feeds it.
 */
function nnProgram(seed: number): BenchProgram {
  nn.manualSeed(seed);
  const net = new nn.Sequential(
    new nn.Conv2d(1, 32, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(64, 64, 3), new nn.ReLU(), new nn.Flatten(),
    new nn.Linear(576, 64), new nn.ReLU(), new nn.Linear(64, 10),
  );
  const optimizer = new nn.optim.RMSprop(net.parameters(), { lr: 0.001 });
  const nchw = (x: Tensor) => reshape(x, [x.shape[0]!, 1, 28, 28]);
  return {
    trainStep: (x, y) => {
      optimizer.zeroGrad();
      backward(nn.F.crossEntropy(net.forward(nchw(x)), argMax(y, 1)));
      optimizer.step();
    },
    predict: (x, batchSize) => noGrad(() => {
      const parts: Tensor[] = [];
      for (let i = 0; i < x.shape[0]!; i += batchSize) {
        const rows = Math.min(batchSize, x.shape[0]! - i);
        parts.push(argMax(net.forward(nchw(slice(x, [i, 0, 0, 0], [rows, 28, 28, 1]))), 1));
      }
      return concat(parts, 0);
    }),
  };
}
