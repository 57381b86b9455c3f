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
import { concat, reshape, slice, transpose } from '../ops/shape-ops.js';
import type { Tensor } from '../tensor/tensor.js';

export const BENCH_APIS = ['sequential', 'functional', 'nn'] as const;
export type BenchApi = (typeof BENCH_APIS)[number];

/** One model in one API: a training step on a batch (NHWC images, one-hot labels) and inference. */
export interface BenchProgram {
  /**
   * A batch (NHWC images, one-hot labels) as this API's data pipeline yields it, made once before
   * timing: Keras takes it as it is; a PyTorch-style loop gets NCHW images and class indices, as a
   * DataLoader yields them, so converting labels is not charged to its training step.
   */
  prepare(x: Tensor, y: Tensor): [Tensor, Tensor];
  /** One training step on a prepared batch. */
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

/** A compiled Keras-style model (Sequential or functional) as a bench program. */
export function kerasProgram(model: Trainer): BenchProgram {
  return {
    prepare: (x, y) => [x, y],
    trainStep: (x, y) => void model.trainOnBatch(x, y),
    predict: (x, batchSize) => model.predict(x, { batchSize }) as Tensor,
  };
}

/** The seed CNN (models/mnist-cnn.ts) through the functional API. */
export function functionalSeedCnn(seed: number): Model {
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

/** The zoo's lenet5Keras (zoo/lenet5-keras.ts) through the functional API. */
export function functionalLenet5(seed: number): Model {
  const x = input({ shape: [28, 28, 1] });
  let h = new Conv2D(20, 5, { activation: 'relu', seed }).apply(x);
  h = new MaxPooling2D([2, 2]).apply(h);
  h = new Conv2D(20, 5, { activation: 'relu', seed: seed + 1 }).apply(h);
  h = new MaxPooling2D([2, 2]).apply(h);
  h = new Flatten().apply(h);
  h = new Dense(500, { activation: 'relu', seed: seed + 2 }).apply(h);
  return new Model({ name: 'lenet5', inputs: x, outputs: new Dense(10, { activation: 'softmax', seed: seed + 3 }).apply(h) });
}

/** The seed CNN as an nn.Sequential (PyTorch's layers, NCHW), weights drawn after nn.manualSeed(seed). */
export function seedCnnNn(seed: number): nn.Sequential {
  nn.manualSeed(seed);
  return new nn.Sequential(
    new nn.Conv2d(1, 32, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(64, 64, 3), new nn.ReLU(), new nn.Flatten(),
    new nn.Linear(576, 64), new nn.ReLU(), new nn.Linear(64, 10),
  );
}

/** The seed CNN as a PyTorch user writes it: cross-entropy on logits, RMSprop with Keras's learning rate. */
function nnProgram(seed: number): BenchProgram {
  const net = seedCnnNn(seed);
  return nnModuleProgram(net, new nn.optim.RMSprop(net.parameters(), { lr: 0.001 }));
}

/** NHWC images as the NCHW tensor an nn module takes. */
function toNchw(x: Tensor): Tensor {
  // One channel: NHWC and NCHW hold the same order, so a reshape is free; otherwise a transpose,
  // which relabels the storage (tensor/layout.ts) and cancels against the conv's own NHWC view.
  return x.shape[3] === 1 ? reshape(x, [x.shape[0]!, 1, x.shape[1]!, x.shape[2]!]) : transpose(x, [0, 3, 1, 2]);
}

/**
 * An nn module trained as PyTorch trains it, on NCHW batches with class-index labels: zeroGrad,
 * cross-entropy on its output (logits, or log-probabilities, for which crossEntropy's log-softmax
 * changes nothing), backward, step. Inference
 * runs in eval mode (BatchNorm's running statistics) without gradients, batch by batch, and returns
 * the predicted classes.
 */
export function nnModuleProgram(net: nn.Module, optimizer: { zeroGrad(): void; step(): void }): BenchProgram {
  return {
    prepare: (x, y) => [toNchw(x), argMax(y, 1)],
    trainStep: (x, labels) => {
      optimizer.zeroGrad();
      backward(nn.F.crossEntropy(net.forward(x), labels));
      optimizer.step();
    },
    predict: (x, batchSize) => noGrad(() => {
      net.eval();
      try {
        const [n, h, w, c] = x.shape as [number, number, number, number];
        const parts: Tensor[] = [];
        for (let i = 0; i < n; i += batchSize) parts.push(argMax(net.forward(toNchw(slice(x, [i, 0, 0, 0], [Math.min(batchSize, n - i), h, w, c]))), 1));
        return concat(parts, 0);
      } finally {
        net.train();
      }
    }),
  };
}
